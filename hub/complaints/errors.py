"""What can go wrong with complaints (举报): one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, Invalid, NotFound


class RequestNotOfSchool(Invalid):
    """The complaint names a request that did not concern the school."""


class ComplaintNotFound(NotFound):
    """No complaint with this id."""


class ComplaintClosed(Conflict):
    """The complaint is closed and takes no more answers."""


class ReportTextEmpty(Invalid):
    """A public report with no text (高平方案（四）): nothing is stored."""


class ReportSchoolUnknown(Invalid):
    """A public report naming a school code that no school has."""


class TrackingCodeNotFound(NotFound):
    """No report has this tracking code."""
