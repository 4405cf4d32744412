"""What can go wrong with the store, its schools and imports: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Invalid, NotFound, TooLarge


class SchoolNotFound(NotFound):
    """No school with this code (or none the caller may see)."""


class SchoolNotInStore(Invalid):
    """A school named in a body is not in the store."""


class SchoolsNotInStore(Invalid):
    """Schools named in a body are not in the store; `detail` lists them."""


class RequiredColumnsMissing(Invalid):
    """An import lacks required columns; `detail` names them."""


class FileUnreadable(Invalid):
    """An uploaded file could not be read as CSV or XLSX."""


class HeaderRepeated(Invalid):
    """Two columns of an uploaded file carry the same header: which one holds the values is unknown."""


class UploadTooManyRows(TooLarge):
    """An uploaded file holds more rows than HUB_MAX_UPLOAD_ROWS; `detail.max_rows` says how many."""


class FileEmpty(Invalid):
    """An uploaded file is empty."""


class BatchNotFound(NotFound):
    """No import batch with this id."""


class PeriodNotBegun(Invalid):
    """Values written for a period that has not begun (a flow) or whose reference day lies ahead (a stock)."""


class PeriodColumnsMissing(Invalid):
    """A file for a past period holds no column of an element that belongs to a period."""


class PeriodConflict(Invalid):
    """A column's header names a period (2024年培训学时) other than the one chosen for the write, or two
    columns hold the same element of the same period; `detail` names the column and both periods."""
