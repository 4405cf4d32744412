"""What can go wrong with a department's query: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Forbidden, Invalid


class CursorInvalid(Invalid):
    """A paging cursor this API did not issue."""


class FilterValueInvalid(Invalid):
    """A filter value does not fit its element's type."""


class FilterMalformed(Invalid):
    """A filter that does not read element=value (or !=, >=, <=, >, <)."""


class FilterNotGranted(Forbidden):
    """A filter on an element the grant does not hold."""


class FilterOnMasked(Forbidden):
    """A filter on an element the grant masks."""


class FilterNotSupported(Invalid):
    """An element that cannot be filtered on."""


class FilterValueMissing(Invalid):
    """A filter without a value."""


class MeasureMalformed(Invalid):
    """A measure other than count, sum:<element> or avg:<element>."""


class MeasureNotNumeric(Invalid):
    """A sum or average of an element that is not a number."""


class TooManyGroupKeys(Invalid):
    """More group_by keys than the query allows."""


class GroupByNotCodeList(Invalid):
    """A group_by key that is not school, division or a code-list or yes/no element."""


class AggregateDifferencing(Forbidden):
    """Subtracted from an earlier aggregate of the same grant, this one would give away a withheld cell."""


class AggregateOnMasked(Forbidden):
    """Masked elements cannot be grouped or summed."""


class LimitOutOfRange(Invalid):
    """A page limit outside the allowed range."""


class AsOfNotAllowed(Forbidden):
    """An as-of read (a record as it stood on a date) by anyone but the education bureau."""


class AsOfInvalid(Invalid):
    """An as-of date after today, or an as-of read in another format than a JSON page."""
