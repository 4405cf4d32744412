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
- baseline: forms the school filled per term before the hub (set by the education bureau, or else the
  requests it received in the hub's first term), and the reduction 1 − tasks sent / baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from hub.access.models import Principal
from hub.access.roles import Role
from hub.burden.auth import SEE_CITY, SET_BASELINE
from hub.burden.errors import BaselineNegative, BaselineNotFound
from hub.burden.models import EVERY, BurdenBaseline
from hub.burden.repository import BurdenRepository, RequestCounts, TaskCounts
from hub.burden.terms import Term, term_of, terms_between
from hub.complaints.repository import ComplaintRepository
from hub.records.errors import SchoolNotFound
from hub.records.repository import SchoolRepository
from hub.schools.auth import SEE_SCHOOL

# Seed rule 2: at least half of the burden goes.
REDUCTION_GOAL = 0.5
# Where a school's baseline came from, most specific first.
BASELINE_SOURCES = ("school_term", "school", "term", "all", "first_term")


@dataclass(frozen=True, kw_only=True)
class SchoolBurden:
    school_code: str
    school_name: str | None
    term: str
    requests_received: int
    requests_satisfied_without_school: int
    requests_refused: int
    tasks_sent: int
    fields_filled: int
    fields_spared: int
    complaints: int
    complaints_open: int
    baseline_forms: int | None
    baseline_source: str | None
    reduction: float | None  # 1 − tasks_sent / baseline_forms; None without a baseline
    goal_met: bool | None


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
    schools_with_baseline: int
    baseline_forms: int  # summed over schools with a baseline
    reduction: float | None  # over schools with a baseline: 1 − their tasks / their baselines
    schools_meeting_goal: int


@dataclass(frozen=True, kw_only=True)
class BurdenReport:
    term: Term
    goal: float
    first_term: str | None  # the first term the hub recorded a request in
    schools: list[SchoolBurden]
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
    if school is None:
        raise SchoolNotFound(f"学校 {code} 不存在", f"school {code} not found")
    name: str | None = school.get("name")
    return name


def first_term(session: Session) -> Term | None:
    """The term of the first request the hub recorded: before it, the hub knows nothing."""
    first = BurdenRepository(session).first_request_at()
    return term_of(first) if first is not None else None


def _baseline_for(
    code: str,
    term: Term,
    rows: dict[tuple[str, str], int],
    first: Term | None,
    first_received: dict[str, int],
) -> tuple[int | None, str | None]:
    for source, key in zip(
        BASELINE_SOURCES,
        ((term.label, code), (EVERY, code), (term.label, EVERY), (EVERY, EVERY)),
        strict=False,
    ):
        if key in rows:
            return rows[key], source
    if first is not None and term >= first and first_received.get(code):
        return first_received[code], "first_term"
    return None, None


def _reduction(tasks: int, baseline: int | None) -> float | None:
    if not baseline:
        return None
    return round(1 - tasks / baseline, 4)


def compute(session: Session, term: Term, *, school_code: str | None = None) -> BurdenReport:
    """The figures of every school (or one) for a term, from a fixed number of grouped queries."""
    repository = BurdenRepository(session)
    since, until = term.bounds()
    requests = repository.request_counts(since, until, school_code=school_code)
    tasks = repository.task_counts(since, until, school_code=school_code)
    complaints = ComplaintRepository(session).counts_by_school(since, until, school_code=school_code)
    rows = {(b.term, b.school_code): b.forms for b in repository.baselines([term.label])}
    first = first_term(session)
    first_received: dict[str, int] = {}
    if first is not None and first <= term:
        if first == term:
            first_received = {code: counts.received for code, counts in requests.items()}
        else:
            first_received = repository.received_counts(*first.bounds())
    schools = []
    for code, name in repository.schools(school_code):
        r = requests.get(code, RequestCounts())
        t = tasks.get(code, TaskCounts())
        filed, still_open = complaints.get(code, (0, 0))
        baseline, source = _baseline_for(code, term, rows, first, first_received)
        reduction = _reduction(t.tasks_sent, baseline)
        schools.append(
            SchoolBurden(
                school_code=code,
                school_name=name,
                term=term.label,
                requests_received=r.received,
                requests_satisfied_without_school=r.satisfied_without_school,
                requests_refused=r.refused,
                tasks_sent=t.tasks_sent,
                fields_filled=t.fields_filled,
                fields_spared=r.fields_spared,
                complaints=filed,
                complaints_open=still_open,
                baseline_forms=baseline,
                baseline_source=source,
                reduction=reduction,
                goal_met=reduction >= REDUCTION_GOAL if reduction is not None else None,
            )
        )
    return BurdenReport(
        term=term,
        goal=REDUCTION_GOAL,
        first_term=first.label if first else None,
        schools=schools,
        totals=totals(term, schools),
    )


def totals(term: Term, schools: list[SchoolBurden]) -> BurdenTotals:
    with_baseline = [s for s in schools if s.baseline_forms]
    baseline = sum(s.baseline_forms or 0 for s in with_baseline)
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
        schools_with_baseline=len(with_baseline),
        baseline_forms=baseline,
        reduction=_reduction(sum(s.tasks_sent for s in with_baseline), baseline),
        schools_meeting_goal=sum(1 for s in schools if s.goal_met),
    )


def city_burden(session: Session, principal: Principal, term: Term) -> BurdenReport:
    """Every school's figures and the city's totals for a term (education bureau, admin)."""
    _overseer(principal)
    return compute(session, term)


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
    return [
        current if current is not None and t == until else compute(session, t).totals
        for t in history_terms(session, until, limit=limit)
    ]


# --- baselines --------------------------------------------------------------------------------------


def set_baseline(
    session: Session,
    principal: Principal,
    *,
    term: Term | None,
    school_code: str | None,
    forms: int,
    note: str,
    now: datetime,
) -> BurdenBaseline:
    """The education bureau records how many forms a school (or every school) filled per term before the hub."""
    SET_BASELINE.check(principal)
    if forms < 0:
        raise BaselineNegative(
            f"基数不能为负数：{forms}",
            f"a baseline cannot be negative: {forms}",
            detail={"field": "forms", "value": forms},
        )
    if school_code is not None and not SchoolRepository(session).exists(school_code):
        raise SchoolNotFound(f"学校 {school_code} 不存在", f"school {school_code} not found")
    repository = BurdenRepository(session)
    key = (term.label if term else EVERY, school_code or EVERY)
    baseline = repository.get_baseline(*key)
    if baseline is None:
        baseline = repository.add_baseline(BurdenBaseline(term=key[0], school_code=key[1], forms=forms))
    baseline.forms, baseline.note, baseline.set_by, baseline.set_at = forms, note, principal.id, now
    session.flush()
    return baseline


def list_baselines(session: Session, principal: Principal) -> list[BurdenBaseline]:
    _overseer(principal)
    return BurdenRepository(session).all_baselines()


def delete_baseline(
    session: Session, principal: Principal, *, term: Term | None, school_code: str | None
) -> None:
    SET_BASELINE.check(principal)
    key = (term.label if term else EVERY, school_code or EVERY)
    if not BurdenRepository(session).delete_baseline(*key):
        raise BaselineNotFound(
            f"没有此基数 {key[0]} / {key[1]}", f"no baseline for term {key[0]}, school {key[1]}"
        )


def today_term(today: date) -> Term:
    return term_of(today)
