"""What can go wrong in the register: one class per case, its name the `code`; each names its seed item."""

from __future__ import annotations

from hub.errors import Conflict, Invalid, NotFound


class SecondmentTooLong(Invalid):
    """Borrowing or seconding for more than half a year without an exception reason (seed items 15–16)."""


class SecondmentPeriodInvalid(Invalid):
    """The period ends before it starts."""


class SecondmentSchoolUnknown(Invalid):
    """A teacher line names a school code no school has."""


class SecondmentTeachersMissing(Invalid):
    """A request that names no teacher and no number of teachers."""


class FilingNumberMissing(Invalid):
    """An approval without the Party committee's filing number (备案号, seed item 15)."""


class BureauDoesNotHoldSchools(Invalid):
    """Only an education bureau at county level or above, holding the schools concerned, approves (seed 15–16)."""


class SecondmentNotFound(NotFound):
    """No secondment with this id, or not one the caller may see."""


class SecondmentDecided(Conflict):
    """The secondment was already decided, or is not approved and cannot be marked returned."""
