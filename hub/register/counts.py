"""One definition of each count, for the school overview, the burden dashboard, the 自查表 and
GET /register/counts alike (seed rule 2's −50 % is defended only if every page counts the same way).

Per school and period:
- demands that reached the school: tasks (forms) the education bureau published to it, inspections held
  in it under the annual list, and social affairs that entered it under the whitelist;
- fields it filled: task fields × rows it filled;
- fields it did not have to fill (免填): requested fields × records the store answered instead of asking
  it (answered or published requests, fields outside its task);
- items: approved items of the year's 督查检查评比考核 list concerning it;
- borrowed teacher-days: teachers away on an approved 借用/抽调 × the days of the period they are away
  (to the day they came back; one still away past the end counts to today).

The queries are set-based aggregates grouped by school. The central piece of the request counts is the
scope of each request as (request, school) pairs: the schools a request named, or every school for a
request that named none (its whole jurisdiction).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Subquery,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased

from hub.access.scope import bound_division, school_within, within
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.records.models import schools_table, teachers_table
from hub.register.models import (
    DemandedSchool,
    InspectedSchool,
    Inspection,
    ListItem,
    SecondedTeacher,
    Secondment,
    SocialDemand,
)
from hub.requests.models import DataRequest, RequestField
from hub.requests.service import get_request
from hub.tasks.models import Task
from schemas import divisions

# A request is settled for a school once the store answers it, or publication fixed what the school is asked.
SETTLED = ("answered", "published")


@dataclass(frozen=True, kw_only=True)
class RequestCounts:
    received: int = 0
    satisfied_without_school: int = 0
    refused: int = 0
    fields_spared: int = 0


@dataclass(frozen=True, kw_only=True)
class TaskCounts:
    tasks_sent: int = 0
    fields_filled: int = 0


class CountRepository:
    """The queries behind every count a school, the burden dashboard and the 自查表 show."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"

    # --- scope ------------------------------------------------------------------------------------

    def _json_kind(self, column: Any) -> ColumnElement[Any]:
        return func.jsonb_typeof(column) if self.postgres else func.json_type(column)

    @staticmethod
    def _chosen(
        since: datetime | None, until: datetime | None, request_id: int | None
    ) -> ColumnElement[bool]:
        """The requests counted: those created in [since, until), or the one `request_id`."""
        if request_id is not None:
            return DataRequest.id == request_id
        assert since is not None and until is not None
        return and_(DataRequest.created_at >= since, DataRequest.created_at < until)

    def scope(
        self,
        since: datetime | None,
        until: datetime | None,
        *,
        school_code: str | None = None,
        division: str | None = None,
        request_id: int | None = None,
    ) -> Subquery:
        """(request_id, school_code) for every request created in [since, until) (or the one) and every school
        it concerned."""
        in_period = self._chosen(since, until, request_id)
        if self.postgres:
            # jsonb_array_elements_text fails on a JSON null: give it an empty array instead.
            array = case(
                (self._json_kind(DataRequest.schools) == "array", DataRequest.schools),
                else_=cast(literal("[]"), JSONB),
            )
            each = func.jsonb_array_elements_text(array).table_valued("value").lateral()
        else:
            each = func.json_each(DataRequest.schools).table_valued("value")
        named = (
            select(DataRequest.id.label("request_id"), each.c.value.label("school_code"))
            .select_from(DataRequest)
            .join(each, true())
            .where(in_period, self._json_kind(DataRequest.schools) == "array")
        )
        # A scope of None is stored as SQL NULL or as JSON null, depending on how the row was written.
        whole = or_(DataRequest.schools.is_(None), self._json_kind(DataRequest.schools) == "null")
        everyone = (
            select(DataRequest.id.label("request_id"), schools_table.c.code.label("school_code"))
            .select_from(DataRequest)
            .join(schools_table, true())
            .where(in_period, whole)
        )
        if school_code is not None:
            named = named.where(each.c.value == school_code)
            everyone = everyone.where(schools_table.c.code == school_code)
        if division is not None:
            named = named.where(school_within(each.c.value, division))
            everyone = everyone.where(within(schools_table.c.division_code, division))
        return union_all(named, everyone).subquery("scope")

    def _task_asks(self, field: type[RequestField]) -> ColumnElement[bool]:
        """Whether the joined task asks for the request field's element."""
        if self.postgres:
            return Task.fields.op("@>")(func.jsonb_build_array(field.element_code))
        each = func.json_each(Task.fields).table_valued("value")
        return exists(select(literal_column("1")).select_from(each).where(each.c.value == field.element_code))

    # --- aggregates -------------------------------------------------------------------------------

    def request_counts(
        self,
        since: datetime | None,
        until: datetime | None,
        *,
        school_code: str | None = None,
        division: str | None = None,
        request_id: int | None = None,
    ) -> dict[str, RequestCounts]:
        """Per school, over requests created in the period: received, satisfied without the school, refused,
        and fields spared (request fields not asked of it × its records).

        A duplicate stands for the open request it repeats: it is satisfied without the school when that
        one was answered or published with no task for the school, and the fields it names are spared
        unless that task asks them — the same definition as the school overview (hub.schools.service).
        """
        in_period = self._chosen(since, until, request_id)
        scope = self.scope(since, until, school_code=school_code, division=division, request_id=request_id)
        source = aliased(DataRequest, name="source")
        source_id = case((DataRequest.status == "duplicate", DataRequest.duplicate_of), else_=DataRequest.id)
        fields = (
            select(RequestField.request_id, func.count().label("fields"))
            .join(DataRequest, DataRequest.id == RequestField.request_id)
            .where(in_period)
            .group_by(RequestField.request_id)
            .subquery("field_counts")
        )
        # Per request and the task that collects it: how many of the request's fields the task asks
        # (labels naming the same element each count).
        asked = (
            select(DataRequest.id.label("request_id"), Task.id.label("task_id"), func.count().label("asked"))
            .join(RequestField, RequestField.request_id == DataRequest.id)
            .join(Task, Task.request_id == source_id)
            .where(in_period, self._task_asks(RequestField))
            .group_by(DataRequest.id, Task.id)
        )
        if school_code is not None:
            asked = asked.where(Task.school_code == school_code)
        asked = asked.where(school_within(Task.school_code, division))
        asked_counts = asked.subquery("asked_counts")
        teachers = self._teacher_counts(school_code, division)
        records = case(
            (Task.id.is_not(None), Task.rows_expected),
            (DataRequest.entity == "teacher", func.coalesce(teachers.c.records, 0)),
            else_=1,
        )
        spared = (func.coalesce(fields.c.fields, 0) - func.coalesce(asked_counts.c.asked, 0)) * records
        settled = source.status.in_(SETTLED)
        query = (
            select(
                scope.c.school_code,
                func.count(),
                func.sum(case((and_(settled, Task.id.is_(None)), 1), else_=0)),
                func.sum(case((DataRequest.status == "rejected", 1), else_=0)),
                func.sum(case((settled, spared), else_=0)),
            )
            .select_from(scope)
            .join(DataRequest, DataRequest.id == scope.c.request_id)
            .outerjoin(source, source.id == source_id)
            .outerjoin(fields, fields.c.request_id == scope.c.request_id)
            .outerjoin(Task, and_(Task.request_id == source.id, Task.school_code == scope.c.school_code))
            .outerjoin(
                asked_counts,
                and_(asked_counts.c.request_id == scope.c.request_id, asked_counts.c.task_id == Task.id),
            )
            .outerjoin(teachers, teachers.c.school_code == scope.c.school_code)
            .group_by(scope.c.school_code)
        )
        return {
            code: RequestCounts(
                received=int(received),
                satisfied_without_school=int(satisfied or 0),
                refused=int(refused or 0),
                fields_spared=int(spared or 0),
            )
            for code, received, satisfied, refused, spared in self.session.execute(query)
        }

    def _teacher_counts(self, school_code: str | None, division: str | None) -> Subquery:
        query = (
            select(teachers_table.c.school_code, func.count().label("records"))
            .where(school_within(teachers_table.c.school_code, division))
            .group_by(teachers_table.c.school_code)
        )
        if school_code is not None:
            query = query.where(teachers_table.c.school_code == school_code)
        return query.subquery("teacher_counts")

    def task_counts(
        self, since: datetime, until: datetime, *, school_code: str | None = None, division: str | None = None
    ) -> dict[str, TaskCounts]:
        """Per school, over tasks published in the period: how many, and task fields × rows the school filled."""
        length = (
            func.jsonb_array_length(Task.fields) if self.postgres else func.json_array_length(Task.fields)
        )
        query = (
            select(Task.school_code, func.count(), func.coalesce(func.sum(length * Task.rows_filled), 0))
            .where(
                Task.created_at >= since, Task.created_at < until, school_within(Task.school_code, division)
            )
            .group_by(Task.school_code)
        )
        if school_code is not None:
            query = query.where(Task.school_code == school_code)
        return {
            code: TaskCounts(tasks_sent=int(n), fields_filled=int(filled))
            for code, n, filled in self.session.execute(query)
        }

    def schools(
        self, school_code: str | None = None, division: str | None = None
    ) -> list[tuple[str, str | None, str | None]]:
        """(code, name, division) of every school inside `division` (None: all), or one."""
        query = (
            select(schools_table.c.code, schools_table.c.name, schools_table.c.division_code)
            .where(within(schools_table.c.division_code, division))
            .order_by(schools_table.c.code)
        )
        if school_code is not None:
            query = query.where(schools_table.c.code == school_code)
        return [(code, name, division) for code, name, division in self.session.execute(query)]

    # --- the register's counts -----------------------------------------------------------------------

    def inspections_per_school(
        self, since: date, until: date, *, school_code: str | None = None, division: str | None = None
    ) -> dict[str, int]:
        """Inspections under the list starting in [since, until), per school reached."""
        code = InspectedSchool.__table__.c.school_code
        query = (
            select(code, func.count())
            .join(Inspection, Inspection.id == InspectedSchool.inspection_id)
            .where(Inspection.starts_on >= since, Inspection.starts_on < until, school_within(code, division))
            .group_by(code)
        )
        if school_code is not None:
            query = query.where(code == school_code)
        return {c: int(n) for c, n in self.session.execute(query)}

    def social_demands_per_school(
        self, since: date, until: date, *, school_code: str | None = None, division: str | None = None
    ) -> dict[str, int]:
        """Social affairs held in [since, until) under the whitelist, per school they entered."""
        code = DemandedSchool.__table__.c.school_code
        query = (
            select(code, func.count())
            .join(SocialDemand, SocialDemand.id == DemandedSchool.demand_id)
            .where(SocialDemand.held_on >= since, SocialDemand.held_on < until, school_within(code, division))
            .group_by(code)
        )
        if school_code is not None:
            query = query.where(code == school_code)
        return {c: int(n) for c, n in self.session.execute(query)}

    def approved_items(self, year: int) -> list[ListItem]:
        query = select(ListItem).where(ListItem.year == year, ListItem.status == "approved")
        return list(self.session.scalars(query.order_by(ListItem.id)))

    def away_lines(
        self, since: date, until: date, *, school_code: str | None = None, division: str | None = None
    ) -> list[tuple[str, int, date, date | None, date]]:
        """(school, headcount, starts_on, returned_on, ends_on) of approved or returned secondments touching
        [since, until)."""
        code = SecondedTeacher.__table__.c.school_code
        query = (
            select(
                code,
                SecondedTeacher.headcount,
                Secondment.starts_on,
                Secondment.returned_on,
                Secondment.ends_on,
            )
            .join(Secondment, Secondment.id == SecondedTeacher.secondment_id)
            .where(
                Secondment.status.in_(("approved", "returned")),
                Secondment.starts_on < until,
                school_within(code, division),
            )
        )
        if school_code is not None:
            query = query.where(code == school_code)
        return [(c, int(h), s, r, e) for c, h, s, r, e in self.session.execute(query)]


@dataclass(frozen=True, kw_only=True)
class RequestSpared:
    """What one request cost the schools, by the same definitions as every school's counts: the schools it
    concerned, those satisfied without their input (免填: the store answered, no task), the fields spared."""

    schools: int
    schools_spared: int
    fields_spared: int


def request_spared(session: Session, request_id: int, *, division: str | None = None) -> RequestSpared:
    """One request's 免填 counts (inside `division`, for a bureau bound to one): the per-school counts of
    every page, summed over this request alone."""
    per_school = CountRepository(session).request_counts(None, None, division=division, request_id=request_id)
    return RequestSpared(
        schools=sum(c.received for c in per_school.values()),
        schools_spared=sum(c.satisfied_without_school for c in per_school.values()),
        fields_spared=sum(c.fields_spared for c in per_school.values()),
    )


def spared_for(session: Session, principal: Principal, request_id: int) -> RequestSpared:
    """A request's 免填 counts for whoever may see the request: its department over its whole scope, a
    bureau over its own division (anyone else: the request's 404)."""
    found = get_request(session, principal, request_id)
    division = None if principal.role is Role.DEPARTMENT else bound_division(principal)
    return request_spared(session, found.id, division=division)


@dataclass(frozen=True, kw_only=True)
class SchoolCounts:
    """The counts of one school over one period, each defined once (see the module's docstring)."""

    school_code: str
    tasks_sent: int = 0
    inspections: int = 0
    social_demands: int = 0
    fields_filled: int = 0
    fields_spared: int = 0
    items: int = 0
    borrowed_teacher_days: int = 0

    @property
    def demands_reached(self) -> int:
        """Tasks, inspections and social affairs that reached the school."""
        return self.tasks_sent + self.inspections + self.social_demands


def teacher_days(
    headcount: int,
    starts_on: date,
    returned_on: date | None,
    ends_on: date,
    since: date,
    until: date,
    today: date,
) -> int:
    """Teachers × days of [since, until) they are away: to the day before they came back, else to their end,
    or to today when still away past it."""
    last = returned_on - timedelta(days=1) if returned_on is not None else max(ends_on, today)
    first, last = max(starts_on, since), min(last, until - timedelta(days=1))
    return headcount * max(0, (last - first).days + 1)


def item_concerns(item: ListItem, school_code: str, county: str | None) -> bool:
    """Whether a list item reaches this school: it names it, or it names none and the school lies in its division."""
    if item.schools is not None:
        return school_code in item.schools
    return item.division is None or (county is not None and divisions.contains(item.division, county))


def period_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """[since, until) as UTC instants, as a term's bounds are (the hub's days are UTC days)."""
    return datetime.combine(since, time.min, tzinfo=UTC), datetime.combine(until, time.min, tzinfo=UTC)


def school_counts(
    session: Session,
    since: date,
    until: date,
    *,
    year: int,
    today: date,
    schools: Iterable[tuple[str, str | None]],
    school_code: str | None = None,
    division: str | None = None,
) -> dict[str, SchoolCounts]:
    """Every school's counts over [since, until) (days), the list items of `year`; `schools` are the (code,
    county) pairs to count, inside `division` or the one `school_code`."""
    repository = CountRepository(session)
    start, end = period_bounds(since, until)
    within_ = {"school_code": school_code, "division": division}
    requests = repository.request_counts(start, end, **within_)
    tasks = repository.task_counts(start, end, **within_)
    inspections = repository.inspections_per_school(since, until, **within_)
    social = repository.social_demands_per_school(since, until, **within_)
    items = repository.approved_items(year)
    days: dict[str, int] = {}
    for code, headcount, starts_on, returned_on, ends_on in repository.away_lines(since, until, **within_):
        days[code] = days.get(code, 0) + teacher_days(
            headcount, starts_on, returned_on, ends_on, since, until, today
        )
    counted = {}
    for code, county in schools:
        t = tasks.get(code, TaskCounts())
        counted[code] = SchoolCounts(
            school_code=code,
            tasks_sent=t.tasks_sent,
            inspections=inspections.get(code, 0),
            social_demands=social.get(code, 0),
            fields_filled=t.fields_filled,
            fields_spared=requests.get(code, RequestCounts()).fields_spared,
            items=sum(1 for item in items if item_concerns(item, code, county)),
            borrowed_teacher_days=days.get(code, 0),
        )
    return counted


@dataclass(frozen=True, kw_only=True)
class CountedSchool:
    school_code: str
    school_name: str | None
    division: str | None
    counts: SchoolCounts


@dataclass(frozen=True, kw_only=True)
class LevelCounts:
    """The sums over the schools of one division (a county, a city, a province) or of all of them: the same
    counts, added up."""

    division: str  # a GB/T 2260 code, or 合计 for the total
    division_name: str  # 西湖区, 杭州市 …; 合计 for the total
    level: str  # county | prefecture | province | total
    schools: int
    tasks_sent: int
    inspections: int
    social_demands: int
    demands_reached: int
    fields_filled: int
    fields_spared: int
    items: int
    borrowed_teacher_days: int


COUNT_NAMES = (
    "demands_reached",
    "tasks_sent",
    "inspections",
    "social_demands",
    "fields_filled",
    "fields_spared",
    "items",
    "borrowed_teacher_days",
)
TOTAL = "合计"


def county_name(code: str | None) -> str:
    """A school's county as people name it (西湖区), its code when the code is none of GB/T 2260's."""
    found = divisions.division(code) if code else None
    return found.name if found else (code or "")


def summed(division: str, group: list[CountedSchool]) -> LevelCounts:
    found = divisions.division(division) if division != TOTAL else None
    return LevelCounts(
        division=division,
        division_name=TOTAL if division == TOTAL else (found.name if found else division),
        level="total" if division == TOTAL else (found.level.value if found else "county"),
        schools=len(group),
        **{name: sum(getattr(s.counts, name) for s in group) for name in COUNT_NAMES},
    )


def by_level(schools: list[CountedSchool]) -> list[LevelCounts]:
    """Each county's sums, then each city's and province's where the schools span more than one, then the
    total: the same counts at every level of the administration."""
    rows: list[LevelCounts] = []
    for digits in (6, 4, 2):  # county, prefecture (3301 → 330100), province (33 → 330000)
        groups: dict[str, list[CountedSchool]] = {}
        for school in schools:
            county = school.division or "?"
            code = county if digits == 6 or county == "?" else county[:digits].ljust(6, "0")
            groups.setdefault(code, []).append(school)
        if digits == 6 or len(groups) > 1:
            rows += [summed(code, group) for code, group in sorted(groups.items())]
    return [*rows, summed(TOTAL, schools)]


def term_schools(
    session: Session,
    since: date,
    until: date,
    *,
    year: int,
    today: date,
    school_code: str | None = None,
    division: str | None = None,
) -> list[CountedSchool]:
    """Every school inside `division` (or the one), with its counts over [since, until)."""
    listed = CountRepository(session).schools(school_code, division)
    found = school_counts(
        session,
        since,
        until,
        year=year,
        today=today,
        schools=[(code, county) for code, _, county in listed],
        school_code=school_code,
        division=division,
    )
    return [
        CountedSchool(school_code=code, school_name=name, division=county, counts=found[code])
        for code, name, county in listed
    ]
