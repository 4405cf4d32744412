"""The burden dashboard (seed rule 2: 督查检查评比考核事项在现有基础上减少50%以上).

Per school and term, from the hub's own records:
- requests received: requests created in the term whose scope held the school (before the hub, each
  would have reached it as a form);
- satisfied without the school: of those, answered or published with no task for that school (a duplicate
  by the request it repeats) — the school overview's definition;
- refused: rejected by the hub's rules before reaching any school;
- tasks sent: tasks the education bureau published to the school in the term (the forms it still filled);
- fields filled: task fields × rows the school filled; fields spared: requested fields × records the
  store answered instead of asking the school (answered or published requests, fields outside its task);
- the reduction, counted per calendar year as the 年度 list is: demands that reached the school in the
  year (tasks sent to it) against the baseline the education bureau set for the year before, for the
  school's division (its county, city or province) or for every school. Without a baseline there is no
  reduction and no claim: the hub's own first figures are never the baseline. While the year runs the
  goal is missed once the demands pass half the baseline, and met only once the year is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from hub.access.scope import bound_division, rollup_division, rollup_row, sees_division
from hub.audit import service as audit
from hub.burden.auth import SEE_CITY, SET_BASELINE
from hub.burden.errors import (
    BaselineDivisionInvalid,
    BaselineNegative,
    BaselineNotFound,
    BaselineYearNotPast,
)
from hub.burden.models import EVERY, BurdenBaseline
from hub.burden.repository import BurdenRepository, RequestCounts
from hub.complaints.repository import ComplaintRepository
from hub.identity.divisions import known, not_found
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import local_today
from hub.kit.terms import Term, term_of, terms_between
from hub.records.errors import SchoolNotFound
from hub.records.repository import SchoolRepository
from hub.register import counts
from hub.schools.auth import SEE_SCHOOL
from schemas import divisions
from schemas.validators import is_valid_division_code

# Seed rule 2: at least half of the burden goes.
REDUCTION_GOAL = 0.5


@dataclass(frozen=True, kw_only=True)
class SchoolBurden:
    school_code: str
    school_name: str | None
    division: str | None  # the school's county (GB/T 2260)
    term: str
    requests_received: int
    requests_satisfied_without_school: int
    requests_refused: int
    tasks_sent: int
    fields_filled: int
    fields_spared: int
    complaints: int
    complaints_open: int
    # hub.register.counts, the one definition every page shares:
    inspections: int  # inspections held in the school in the term under the annual list
    social_demands: int  # social affairs that entered it in the term under the whitelist
    demands_reached: int  # tasks + inspections + social affairs in the term
    items: int  # approved items of the year's list concerning it
    borrowed_teacher_days: int  # its teachers away on approved 借用/抽调 × days of the term
    year: int  # the calendar year the reduction counts
    demands_in_year: int  # demands that reached the school in `year` so far (tasks, inspections, affairs)
    baseline_year: int | None  # the year before, when a baseline was set for it
    baseline_division: str | None  # the division the baseline was set for, or * for every school
    baseline_demands: int | None  # demands that reached a school of that division in baseline_year
    reduction: float | None  # 1 − demands_in_year / baseline_demands; None without a baseline
    goal_met: bool | None  # None while the year runs and the goal is still within reach


@dataclass(frozen=True, kw_only=True)
class BurdenTotals:
    term: str
    schools: int
    requests_received: int
    requests_satisfied_without_school: int
    requests_refused: int
    tasks_sent: int
    fields_filled: int
    fields_spared: int
    complaints: int
    complaints_open: int
    inspections: int
    social_demands: int
    demands_reached: int
    items: int
    borrowed_teacher_days: int
    year: int
    schools_with_baseline: int
    demands_in_year: int  # summed over schools with a baseline
    # Every school's demands in the year, baseline or not: what a reader is shown where there is no baseline
    # (a 0 would read as "nothing entered the schools").
    demands_in_year_all: int
    baseline_demands: int  # summed over schools with a baseline
    reduction: float | None  # over schools with a baseline: 1 − their demands / their baselines
    schools_meeting_goal: int


@dataclass(frozen=True, kw_only=True)
class BurdenReport:
    term: Term
    goal: float
    first_term: str | None  # the first term the hub recorded a request in
    schools: list[SchoolBurden]
    totals: BurdenTotals
    division: str | None = None  # the subtree the report covers (None: every school)


@dataclass(frozen=True, kw_only=True)
class LevelRow:
    """One row of a roll-up: a division one level below the viewer's, or a school at the bottom."""

    code: str
    name: str
    level: str  # province | prefecture | county | school | total
    totals: BurdenTotals


def _overseer(principal: Principal) -> None:
    SEE_CITY.check(principal)


def check_school_view(session: Session, principal: Principal, code: str) -> str | None:
    """The school's name, if `principal` is that school, the education bureau or an admin (403 / 404 otherwise)."""
    SEE_SCHOOL.check(principal)
    school = (
        SchoolRepository(session).get(code)
        if principal.role is not Role.SCHOOL or principal.school_code == code
        else None
    )
    if school is None or not sees_division(principal, school.get("division_code")):
        raise SchoolNotFound(f"学校 {code} 不存在", f"school {code} not found")
    name: str | None = school.get("name")
    return name


def first_term(session: Session) -> Term | None:
    """The term of the first request the hub recorded: the trend charts start there."""
    first = BurdenRepository(session).first_request_at()
    return term_of(first) if first is not None else None


def reduction_year(term: Term) -> int:
    """The calendar year a term's reduction counts in: the year the term starts (2026-秋 counts in 2026)."""
    return term.year


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def baseline_for(
    division: str | None, rows: dict[str, BurdenBaseline]
) -> tuple[BurdenBaseline | None, str | None]:
    """The baseline of the most specific division holding a school in `division` (a county code), else
    the one for every school; (None, None) when the bureau set neither."""
    if division:
        # A county 140581 lies in the city 140500 and the province 140000.
        for level in (division, division[:4] + "00", division[:2] + "0000"):
            if level in rows:
                return rows[level], level
    if EVERY in rows:
        return rows[EVERY], EVERY
    return None, None


def _reduction(demands: int, baseline: int | None) -> float | None:
    if not baseline:
        return None
    return round(1 - demands / baseline, 4)


def goal_verdict(demands: int, baseline: int | None, *, year: int, today: date) -> bool | None:
    """Whether the year met −50 %: False once its demands passed half the baseline, True only after the
    year ended within it, None while it runs (or without a baseline): a half-year is no claim."""
    if not baseline:
        return None
    if demands > baseline * (1 - REDUCTION_GOAL):
        return False
    return True if today.year > year else None


def compute(
    session: Session,
    term: Term,
    *,
    school_code: str | None = None,
    division: str | None = None,
    today: date | None = None,
) -> BurdenReport:
    """The figures of every school inside `division` (None: all), or one, for a term, from a fixed
    number of grouped queries, each bounded by the division."""
    today = today or local_today()
    repository = BurdenRepository(session)
    since, until = term.bounds()
    within = {"school_code": school_code, "division": division}
    requests = repository.request_counts(since, until, **within)
    complaints = ComplaintRepository(session).counts_by_school(since, until, **within)
    year = reduction_year(term)
    listed = repository.schools(school_code, division)
    pairs = [(code, county) for code, _, county in listed]
    shared = {"year": year, "today": today, "schools": pairs, **within}
    counted = counts.school_counts(session, term.start, term.end + timedelta(days=1), **shared)
    in_year = counts.school_counts(session, date(year, 1, 1), date(year + 1, 1, 1), **shared)
    rows = {b.division: b for b in repository.baselines_of_year(year - 1)}
    first = first_term(session)
    schools = []
    for code, name, county in listed:
        r = requests.get(code, RequestCounts())
        t = counted[code]
        filed, still_open = complaints.get(code, (0, 0))
        demands = in_year[code].demands_reached
        baseline, level = baseline_for(county, rows)
        baseline_demands = baseline.demands if baseline is not None else None
        schools.append(
            SchoolBurden(
                school_code=code,
                school_name=name,
                division=county,
                term=term.label,
                requests_received=r.received,
                requests_satisfied_without_school=r.satisfied_without_school,
                requests_refused=r.refused,
                tasks_sent=t.tasks_sent,
                fields_filled=t.fields_filled,
                fields_spared=t.fields_spared,
                complaints=filed,
                complaints_open=still_open,
                inspections=t.inspections,
                social_demands=t.social_demands,
                demands_reached=t.demands_reached,
                items=t.items,
                borrowed_teacher_days=t.borrowed_teacher_days,
                year=year,
                demands_in_year=demands,
                baseline_year=baseline.year if baseline is not None else None,
                baseline_division=level,
                baseline_demands=baseline_demands,
                reduction=_reduction(demands, baseline_demands),
                goal_met=goal_verdict(demands, baseline_demands, year=year, today=today),
            )
        )
    return BurdenReport(
        term=term,
        goal=REDUCTION_GOAL,
        first_term=first.label if first else None,
        schools=schools,
        totals=totals(term, schools),
        division=division,
    )


def totals(term: Term, schools: list[SchoolBurden]) -> BurdenTotals:
    year = reduction_year(term)
    with_baseline = [s for s in schools if s.baseline_demands]
    baseline = sum(s.baseline_demands or 0 for s in with_baseline)
    demands = sum(s.demands_in_year for s in with_baseline)
    return BurdenTotals(
        term=term.label,
        schools=len(schools),
        requests_received=sum(s.requests_received for s in schools),
        requests_satisfied_without_school=sum(s.requests_satisfied_without_school for s in schools),
        requests_refused=sum(s.requests_refused for s in schools),
        tasks_sent=sum(s.tasks_sent for s in schools),
        fields_filled=sum(s.fields_filled for s in schools),
        fields_spared=sum(s.fields_spared for s in schools),
        complaints=sum(s.complaints for s in schools),
        complaints_open=sum(s.complaints_open for s in schools),
        inspections=sum(s.inspections for s in schools),
        social_demands=sum(s.social_demands for s in schools),
        demands_reached=sum(s.demands_reached for s in schools),
        items=sum(s.items for s in schools),  # school × item pairs, as the other totals
        borrowed_teacher_days=sum(s.borrowed_teacher_days for s in schools),
        year=year,
        schools_with_baseline=len(with_baseline),
        demands_in_year=demands,
        demands_in_year_all=sum(s.demands_in_year for s in schools),
        baseline_demands=baseline,
        reduction=_reduction(demands, baseline),
        schools_meeting_goal=sum(1 for s in schools if s.goal_met),
    )


def rollup(report: BurdenReport) -> list[LevelRow]:
    """The report rolled up one level below the viewer: a province's per city, a city's per county, a
    county's per school; then the whole report's total."""
    top = rollup_division(report.division, [s.division for s in report.schools])
    groups: dict[str, list[SchoolBurden]] = {}
    for school in report.schools:
        groups.setdefault(rollup_row(top, school.division) or f"school:{school.school_code}", []).append(
            school
        )
    rows = []
    for key, group in sorted(groups.items()):
        if key.startswith("school:"):
            code, name, level = group[0].school_code, group[0].school_name or group[0].school_code, "school"
        else:
            found = divisions.division(key)
            code, name, level = key, divisions.full_name(key), found.level.value if found else "county"
        rows.append(LevelRow(code=code, name=name, level=level, totals=totals(report.term, group)))
    rows.append(LevelRow(code="", name="合计 / total", level="total", totals=report.totals))
    return rows


def levels_of(report: BurdenReport) -> list[tuple[str, BurdenTotals]]:
    """`rollup` as (label, totals) pairs, for the charts and the workbook."""
    return [(f"{r.code} {r.name}".strip(), r.totals) for r in rollup(report)]


def city_burden(session: Session, principal: Principal, term: Term) -> BurdenReport:
    """Every school's figures and the city's totals for a term (education bureau, admin)."""
    _overseer(principal)
    return compute(session, term, division=bound_division(principal))


def division_burden(session: Session, principal: Principal, term: Term, division: str | None) -> BurdenReport:
    """`city_burden` narrowed to `division` inside the caller's own (404 outside it, 422 unknown)."""
    _overseer(principal)
    if division is None:
        return city_burden(session, principal, term)
    if not sees_division(principal, known(division)):
        raise not_found(division)
    return compute(session, term, division=division)


def school_burden(session: Session, principal: Principal, code: str, term: Term) -> SchoolBurden:
    """One school's figures for a term (that school, the education bureau, an admin)."""
    check_school_view(session, principal, code)
    (figures,) = compute(session, term, school_code=code).schools
    return figures


def history_terms(session: Session, until: Term, *, limit: int = 8) -> list[Term]:
    """The terms from the hub's first (at most `limit` of them, the latest) up to `until`, for a trend chart."""
    first = first_term(session)
    if first is None or first > until:
        return [until]
    return terms_between(first, until)[-limit:]


def school_history(
    session: Session,
    principal: Principal,
    code: str,
    until: Term,
    *,
    limit: int = 8,
    current: SchoolBurden | None = None,
) -> list[SchoolBurden]:
    """One school's figures for each term from the hub's first up to `until` (`current`: until's, if at hand)."""
    check_school_view(session, principal, code)
    return [
        current if current is not None and t == until else compute(session, t, school_code=code).schools[0]
        for t in history_terms(session, until, limit=limit)
    ]


def city_history(
    session: Session,
    principal: Principal,
    until: Term,
    *,
    limit: int = 8,
    current: BurdenTotals | None = None,
) -> list[BurdenTotals]:
    """The city's totals for each term from the hub's first up to `until` (`current`: until's, if at hand)."""
    _overseer(principal)
    bound = bound_division(principal)
    return [
        current if current is not None and t == until else compute(session, t, division=bound).totals
        for t in history_terms(session, until, limit=limit)
    ]


# --- baselines --------------------------------------------------------------------------------------


def set_baseline(
    session: Session,
    principal: Principal,
    *,
    year: int,
    division: str | None,
    demands: int,
    items: int | None,
    note: str,
    now: datetime,
) -> BurdenBaseline:
    """The education bureau records how many demands reached each school of a division (or every school)
    in a past year, from that year's list and tasks; the year after is measured against it."""
    SET_BASELINE.check(principal)
    this_year = local_today().year
    if year >= this_year:
        raise BaselineYearNotPast(
            f"基数须取自往年（{this_year} 年以前）的清单和任务，不能取本年 {year} 的数据",
            f"a baseline counts a past year (before {this_year}) from its list and tasks, not {year}",
            detail={"field": "year", "value": year},
        )
    if demands < 0 or (items is not None and items < 0):
        raise BaselineNegative(
            f"基数不能为负数：{demands}",
            f"a baseline cannot be negative: {demands}",
            detail={"field": "demands", "value": demands},
        )
    if division is not None and not is_valid_division_code(division):
        raise BaselineDivisionInvalid(
            f"行政区划代码 {division!r} 无效（GB/T 2260，6位）",
            f"{division!r} is not a GB/T 2260 division code",
            detail={"field": "division", "value": division},
        )
    division = _inside_own(principal, division)
    repository = BurdenRepository(session)
    key = (year, division or EVERY)
    baseline = repository.get_baseline(*key)
    if baseline is None:
        baseline = repository.add_baseline(BurdenBaseline(year=year, division=key[1], demands=demands))
    baseline.demands, baseline.items, baseline.note = demands, items, note
    baseline.set_by, baseline.set_at = principal.id, now
    session.flush()
    audit.record_act(
        session,
        principal,
        "baseline.set",
        target={"kind": "baseline", "id": f"{year}/{key[1]}", "year": year, "division": division},
        reason=note or None,
        detail={"demands": demands, "items": items},
    )
    return baseline


def _inside_own(principal: Principal, division: str | None) -> str | None:
    """The baseline's division for a bounded bureau: its own when none is named, and a 404 for one
    outside its subtree (a bureau sets and removes baselines of its own levels only)."""
    bound = bound_division(principal)
    if bound is None:
        return division
    if division is None:
        return bound
    if not sees_division(principal, division):
        raise not_found(division)
    return division


def list_baselines(session: Session, principal: Principal) -> list[BurdenBaseline]:
    """The baselines of the caller's subtree (its own level and those below it)."""
    _overseer(principal)
    return BurdenRepository(session).all_baselines(within_division=bound_division(principal))


def delete_baseline(session: Session, principal: Principal, *, year: int, division: str | None) -> None:
    SET_BASELINE.check(principal)
    division = _inside_own(principal, division)
    key = (year, division or EVERY)
    if not BurdenRepository(session).delete_baseline(*key):
        raise BaselineNotFound(
            f"没有此基数 {key[0]} / {key[1]}", f"no baseline for {key[0]}, division {key[1]}"
        )
    audit.record_act(
        session,
        principal,
        "baseline.delete",
        target={"kind": "baseline", "id": f"{year}/{key[1]}", "year": year, "division": division},
    )


def today_term(today: date) -> Term:
    return term_of(today)
