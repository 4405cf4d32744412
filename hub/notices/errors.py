"""What can go wrong with notices and webhooks: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Invalid, NotFound


class WebhookUrlInvalid(Invalid):
    """A webhook address that is not an http(s) URL with a host."""


class WebhookNotSet(NotFound):
    """The principal has no webhook to show or remove."""


class WebhookSecretTooShort(Invalid):
    """A webhook secret shorter than 16 characters (too easy to guess)."""
