"""What day it is for the hub: deadlines, terms and grant validity are local calendar days, not UTC ones.

Between 00:00 and 08:00 in Beijing the UTC date is still yesterday; a deadline of "today" must not
expire early because the server counts in UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


@lru_cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(moment: datetime, timezone: str = DEFAULT_TIMEZONE) -> date:
    """The calendar day `moment` falls on where the hub serves (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(timezone)).date()


def local_today(timezone: str = DEFAULT_TIMEZONE) -> date:
    return datetime.now(_zone(timezone)).date()
