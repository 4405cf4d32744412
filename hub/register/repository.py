"""Every query of the register."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from hub.access.scope import school_within
from hub.identity.models import Principal
from hub.records.models import schools_table
from hub.register.models import (
    DemandedSchool,
    InspectedSchool,
    Inspection,
    ListItem,
    SecondedTeacher,
    Secondment,
    SocialDemand,
    WhitelistItem,
)


class SecondmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, secondment: Secondment, lines: Sequence[SecondedTeacher]) -> Secondment:
        self.session.add(secondment)
        self.session.flush()
        for line in lines:
            line.secondment_id = secondment.id
        self.session.add_all(lines)
        self.session.flush()
        return secondment

    def get(self, secondment_id: int) -> Secondment | None:
        return self.session.get(Secondment, secondment_id)

    def lines_of(self, secondment_ids: Iterable[int]) -> dict[int, list[SecondedTeacher]]:
        ids = sorted(set(secondment_ids))
        found: dict[int, list[SecondedTeacher]] = {i: [] for i in ids}
        if not ids:
            return found
        rows = self.session.scalars(
            select(SecondedTeacher)
            .where(SecondedTeacher.secondment_id.in_(ids))
            .order_by(SecondedTeacher.school_code, SecondedTeacher.id)
        )
        for line in rows:
            found[line.secondment_id].append(line)
        return found

    def listed(
        self,
        *,
        department_id: int | None = None,
        school_code: str | None = None,
        division: str | None = None,
        statuses: Sequence[str] | None = None,
    ) -> list[Secondment]:
        """Secondments of a department, touching a school, or touching a school inside a division."""
        condition: ColumnElement[bool] = true()
        if department_id is not None:
            condition = condition & (Secondment.department_id == department_id)
        if statuses:
            condition = condition & Secondment.status.in_(statuses)
        if school_code is not None or division is not None:
            touching = select(SecondedTeacher.secondment_id)
            if school_code is not None:
                touching = touching.where(SecondedTeacher.school_code == school_code)
            if division is not None:
                touching = touching.where(school_within(SecondedTeacher.__table__.c.school_code, division))
            condition = condition & Secondment.id.in_(touching)
        return list(
            self.session.scalars(
                select(Secondment)
                .where(condition)
                .order_by(Secondment.starts_on.desc(), Secondment.id.desc())
            )
        )

    def school_divisions(self, codes: Iterable[str]) -> dict[str, str | None]:
        wanted = sorted(set(codes))
        if not wanted:
            return {}
        rows = self.session.execute(
            select(schools_table.c.code, schools_table.c.division_code).where(
                schools_table.c.code.in_(wanted)
            )
        )
        return {code: division for code, division in rows}

    def school_names(self, codes: Iterable[str]) -> dict[str, str | None]:
        wanted = sorted(set(codes))
        if not wanted:
            return {}
        rows = self.session.execute(
            select(schools_table.c.code, schools_table.c.name).where(schools_table.c.code.in_(wanted))
        )
        return {code: name for code, name in rows}

    def principal_names(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.session.execute(select(Principal.id, Principal.name).where(Principal.id.in_(wanted)))
        return {pid: name for pid, name in rows}


class ListRepository:
    """The annual list's items and the inspections held under them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item: ListItem) -> ListItem:
        self.session.add(item)
        self.session.flush()
        return item

    def get(self, item_id: int) -> ListItem | None:
        return self.session.get(ListItem, item_id)

    def items(self, *, year: int | None = None, statuses: Sequence[str] | None = None) -> list[ListItem]:
        query = select(ListItem)
        if year is not None:
            query = query.where(ListItem.year == year)
        if statuses:
            query = query.where(ListItem.status.in_(statuses))
        return list(self.session.scalars(query.order_by(ListItem.year.desc(), ListItem.id)))

    def holders(self, item: ListItem) -> set[int]:
        """The departments an item belongs to: its proposer's and those of every proposal merged into it
        (会同, through merges of merges too)."""
        found, frontier = {item.department_id}, [item.id]
        while frontier:
            rows = self.session.execute(
                select(ListItem.id, ListItem.department_id).where(ListItem.merged_into.in_(frontier))
            ).all()
            frontier = [row.id for row in rows]
            found |= {row.department_id for row in rows}
        return found

    def add_inspection(self, inspection: Inspection, schools: Sequence[str]) -> Inspection:
        self.session.add(inspection)
        self.session.flush()
        self.session.add_all(
            InspectedSchool(inspection_id=inspection.id, school_code=code) for code in dict.fromkeys(schools)
        )
        self.session.flush()
        return inspection

    def get_inspection(self, inspection_id: int) -> Inspection | None:
        return self.session.get(Inspection, inspection_id)

    def inspections(
        self,
        *,
        department_id: int | None = None,
        school_code: str | None = None,
        division: str | None = None,
    ) -> list[Inspection]:
        query = select(Inspection)
        if department_id is not None:
            query = query.where(Inspection.department_id == department_id)
        if school_code is not None or division is not None:
            reached = select(InspectedSchool.inspection_id)
            if school_code is not None:
                reached = reached.where(InspectedSchool.school_code == school_code)
            if division is not None:
                reached = reached.where(school_within(InspectedSchool.__table__.c.school_code, division))
            query = query.where(Inspection.id.in_(reached))
        return list(self.session.scalars(query.order_by(Inspection.starts_on.desc(), Inspection.id.desc())))

    def schools_of(self, inspection_ids: Iterable[int]) -> dict[int, list[str]]:
        ids = sorted(set(inspection_ids))
        found: dict[int, list[str]] = {i: [] for i in ids}
        if not ids:
            return found
        rows = self.session.execute(
            select(InspectedSchool.inspection_id, InspectedSchool.school_code)
            .where(InspectedSchool.inspection_id.in_(ids))
            .order_by(InspectedSchool.school_code)
        )
        for inspection_id, code in rows:
            found[inspection_id].append(code)
        return found

    def inspections_per_item(self, item_ids: Iterable[int]) -> dict[int, int]:
        ids = sorted(set(item_ids))
        if not ids:
            return {}
        rows = self.session.execute(
            select(Inspection.item_id, func.count())
            .where(Inspection.item_id.in_(ids))
            .group_by(Inspection.item_id)
        )
        return {item_id: int(n) for item_id, n in rows}


class WhitelistRepository:
    """The 进校园 whitelist and the social demands registered against it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item: WhitelistItem) -> WhitelistItem:
        self.session.add(item)
        self.session.flush()
        return item

    def get(self, item_id: int) -> WhitelistItem | None:
        return self.session.get(WhitelistItem, item_id)

    def items(self, *, year: int | None = None) -> list[WhitelistItem]:
        query = select(WhitelistItem)
        if year is not None:
            query = query.where(WhitelistItem.year == year)
        return list(self.session.scalars(query.order_by(WhitelistItem.year.desc(), WhitelistItem.id)))

    def add_demand(self, demand: SocialDemand, schools: Sequence[str]) -> SocialDemand:
        self.session.add(demand)
        self.session.flush()
        self.session.add_all(
            DemandedSchool(demand_id=demand.id, school_code=code) for code in dict.fromkeys(schools)
        )
        self.session.flush()
        return demand

    def get_demand(self, demand_id: int) -> SocialDemand | None:
        return self.session.get(SocialDemand, demand_id)

    def demands(
        self,
        *,
        department_id: int | None = None,
        school_code: str | None = None,
        division: str | None = None,
    ) -> list[SocialDemand]:
        query = select(SocialDemand)
        if department_id is not None:
            query = query.where(SocialDemand.department_id == department_id)
        if school_code is not None or division is not None:
            reached = select(DemandedSchool.demand_id)
            if school_code is not None:
                reached = reached.where(DemandedSchool.school_code == school_code)
            if division is not None:
                reached = reached.where(school_within(DemandedSchool.__table__.c.school_code, division))
            query = query.where(SocialDemand.id.in_(reached))
        return list(self.session.scalars(query.order_by(SocialDemand.held_on.desc(), SocialDemand.id.desc())))

    def schools_of(self, demand_ids: Iterable[int]) -> dict[int, list[str]]:
        ids = sorted(set(demand_ids))
        found: dict[int, list[str]] = {i: [] for i in ids}
        if not ids:
            return found
        rows = self.session.execute(
            select(DemandedSchool.demand_id, DemandedSchool.school_code)
            .where(DemandedSchool.demand_id.in_(ids))
            .order_by(DemandedSchool.school_code)
        )
        for demand_id, code in rows:
            found[demand_id].append(code)
        return found
