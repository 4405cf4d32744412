"""Notices: what the hub tells a principal (its request was answered), in the hub and by a signed webhook."""
