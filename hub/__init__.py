"""Yici Hub (一次): a data-sharing hub that collects teacher and school data once and uses it many times."""
