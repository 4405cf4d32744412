"""What can go wrong with sources and their runs: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, Invalid, NotFound


class SourceSettingsInvalid(Invalid):
    """A source's settings are wrong for its kind; `detail.field` names the setting."""


class MappingInvalid(Invalid):
    """A source's mapping names elements its entity cannot store."""


class SourceNotFound(NotFound):
    """No source with this name."""


class SourceExists(Conflict):
    """A source with this name exists."""


class SourceKindFixed(Conflict):
    """A source's kind and entity cannot change."""


class ScheduleInvalid(Invalid):
    """A source's schedule does not read as cron or an interval."""


class SourceRunNotFound(NotFound):
    """The source has no run with this id."""


class FolderEmpty(Invalid):
    """A folder source's folder holds no CSV or XLSX file."""


class SourceRunning(Conflict):
    """The source is running already."""
