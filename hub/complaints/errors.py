"""What can go wrong with complaints (举报): one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, Invalid, NotFound


class RequestNotOfSchool(Invalid):
    """The complaint names a request that did not concern the school."""


class ComplaintNotFound(NotFound):
    """No complaint with this id."""


class ComplaintClosed(Conflict):
    """The complaint is closed and takes no more answers."""
