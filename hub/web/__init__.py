"""The web pages: server-rendered Jinja2 with htmx, Chinese first, for every role (mounted at the site root)."""
