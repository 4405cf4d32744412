"""Every query of the burden dashboard: set-based aggregates grouped by school, never a loop over rows.

The central piece is the scope of each request as (request, school) pairs: the schools a request
named, or every school for a request that named none (its whole jurisdiction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    delete,
    func,
    select,
)

from hub.access.scope import within
from hub.burden.models import BurdenBaseline
from hub.register.counts import SETTLED, CountRepository, RequestCounts, TaskCounts
from hub.requests.models import DataRequest

__all__ = ["SETTLED", "BurdenRepository", "RequestCounts", "TaskCounts"]


class BurdenRepository(CountRepository):
    """The counts every page shares (hub.register.counts), and the dashboard's own queries."""

    def first_request_at(self) -> datetime | None:
        value: datetime | None = self.session.scalar(select(func.min(DataRequest.created_at)))
        return value

    # --- baselines --------------------------------------------------------------------------------

    def baselines_of_year(self, year: int) -> list[BurdenBaseline]:
        query = select(BurdenBaseline).where(BurdenBaseline.year == year)
        return list(self.session.scalars(query.order_by(BurdenBaseline.division)))

    def all_baselines(self, *, within_division: str | None = None) -> list[BurdenBaseline]:
        """Every baseline, or those of `within_division`'s subtree (an index range on the key)."""
        query = (
            select(BurdenBaseline)
            .where(within(BurdenBaseline.division, within_division))
            .order_by(BurdenBaseline.year.desc(), BurdenBaseline.division)
        )
        return list(self.session.scalars(query))

    def get_baseline(self, year: int, division: str) -> BurdenBaseline | None:
        return self.session.get(BurdenBaseline, (year, division))

    def add_baseline(self, baseline: BurdenBaseline) -> BurdenBaseline:
        self.session.add(baseline)
        self.session.flush()
        return baseline

    def delete_baseline(self, year: int, division: str) -> int:
        result = self.session.execute(
            delete(BurdenBaseline).where(BurdenBaseline.year == year, BurdenBaseline.division == division)
        )
        return int(getattr(result, "rowcount", 0) or 0)
