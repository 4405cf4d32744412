"""Measuring the hub: `hub eval-dedup` replays a dev set of forms through the real REST flow."""
