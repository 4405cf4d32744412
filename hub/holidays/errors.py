"""What can go wrong with the holiday calendar: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Invalid, NotFound


class CalendarDayOutsideYear(Invalid):
    """A holiday or 调休 day that is not in the year being loaded."""


class CalendarDayTwice(Invalid):
    """The same day listed both as a holiday and as a working day."""


class CalendarLineMalformed(Invalid):
    """A line of the web form that does not read as a day (or range of days) and a name."""


class CalendarYearNotLoaded(NotFound):
    """No schedule loaded for this year (the package's own years are never deleted)."""
