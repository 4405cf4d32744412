"""Borrowing (借用) and seconding (抽调) teachers, seed items 15–16.

A department asks for named teachers or a number of them, for what and from when until when; more
than half a year is refused unless the request says why (an exception the bureau then approves or
not). The education bureau holding every school concerned (county level or above) approves with the
Party committee's filing number (备案号), and from then the schools concerned see it. Who is away is
listed per school, and a secondment past its end is flagged as an overrun.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from hub.access.scope import bound_division
from hub.audit import service as audit
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.register.auth import DECIDE_SECONDMENT, REQUEST_TEACHERS, SEE_SECONDMENTS
from hub.register.errors import (
    BureauDoesNotHoldSchools,
    FilingNumberMissing,
    SecondmentDecided,
    SecondmentNotFound,
    SecondmentPeriodInvalid,
    SecondmentSchoolUnknown,
    SecondmentTeachersMissing,
    SecondmentTooLong,
)
from hub.register.models import SecondedTeacher, Secondment
from hub.register.payloads import SecondmentDecisionIn, SecondmentIn
from hub.register.repository import SecondmentRepository
from hub.register.seeds import BORROWING, SECONDING, SeedItem
from schemas import divisions

# 借用期限原则上不超过半年 (seed item 15); seconding (item 16) is held to the same bound.
MAX_MONTHS = 6
KIND_ZH = {"borrow": "借用", "second": "抽调"}


def seed_of(kind: str) -> SeedItem:
    return BORROWING if kind == "borrow" else SECONDING


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day: 8-31 + 6 → 2-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_end(starts_on: date) -> date:
    """The last day a secondment starting on `starts_on` may run without an exception."""
    return add_months(starts_on, MAX_MONTHS)


def days_over(secondment: Secondment, today: date) -> int:
    """Days an approved secondment ran past its end: still away after it, or back later than it."""
    if secondment.status == "returned" and secondment.returned_on is not None:
        return max(0, (secondment.returned_on - secondment.ends_on).days)
    if secondment.status == "approved":
        return max(0, (today - secondment.ends_on).days)
    return 0


def request_secondment(
    session: Session, principal: Principal, payload: SecondmentIn, *, now: datetime
) -> Secondment:
    """Register a department's request; refused (nothing stored) when a rule of seed items 15–16 breaks."""
    REQUEST_TEACHERS.check(principal)
    seed = seed_of(payload.kind)
    if payload.ends_on < payload.starts_on:
        raise SecondmentPeriodInvalid(
            f"结束日期 {payload.ends_on} 早于开始日期 {payload.starts_on}",
            f"ends_on {payload.ends_on} is before starts_on {payload.starts_on}",
            detail={"field": "ends_on", "value": payload.ends_on.isoformat(), **seed.named()},
        )
    limit = latest_end(payload.starts_on)
    if payload.ends_on > limit and payload.exception_reason is None:
        raise SecondmentTooLong(
            f"{KIND_ZH[payload.kind]}期限 {payload.starts_on} 至 {payload.ends_on} 超过半年（最晚 {limit}），"
            f"须说明例外理由（exception_reason）；依据减负清单第 {seed.number} 条：{seed.text_zh}",
            f"{payload.kind} from {payload.starts_on} to {payload.ends_on} is longer than half a year (latest "
            f"{limit}) and gives no exception_reason; seed item {seed.number}: {seed.text_en}",
            detail={
                "field": "ends_on",
                "value": payload.ends_on.isoformat(),
                "latest_without_exception": limit.isoformat(),
                **seed.named(),
            },
        )
    if not payload.teachers:
        raise SecondmentTeachersMissing(
            "请列出借用的教师（姓名或人数）及其学校",
            "name the teachers (or how many) and their schools",
            detail={"field": "teachers", **seed.named()},
        )
    repository = SecondmentRepository(session)
    known = repository.school_divisions(line.school_code for line in payload.teachers)
    for row, line in enumerate(payload.teachers, start=1):
        if line.school_code not in known:
            raise SecondmentSchoolUnknown(
                f"第 {row} 行：学校代码 {line.school_code} 不存在",
                f"row {row}: no school has the code {line.school_code}",
                detail={"row": row, "field": "school_code", "value": line.school_code},
            )
    secondment = Secondment(
        kind=payload.kind,
        department_id=principal.id,
        purpose=payload.purpose,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        exception_reason=payload.exception_reason if payload.ends_on > limit else None,
        status="requested",
        created_at=now,
    )
    lines = [
        SecondedTeacher(
            school_code=line.school_code, teacher_name=line.teacher_name, headcount=line.headcount
        )
        for line in payload.teachers
    ]
    return repository.add(secondment, lines)


def _visible(session: Session, principal: Principal, secondment: Secondment) -> bool:
    if principal.role in (Role.OFFICE, Role.ADMIN):
        return True
    if principal.role == Role.DEPARTMENT:
        return secondment.department_id == principal.id
    lines = SecondmentRepository(session).lines_of([secondment.id])[secondment.id]
    if principal.role == Role.SCHOOL:
        informed = secondment.status in ("approved", "returned")
        return informed and any(line.school_code == principal.school_code for line in lines)
    if secondment.department_id == principal.id:
        return True
    bound = bound_division(principal)
    return bound is None or _holds_any(session, bound, [line.school_code for line in lines])


def _holds_all(session: Session, bound: str, school_codes: Sequence[str]) -> bool:
    found = SecondmentRepository(session).school_divisions(school_codes)
    return all(
        (division := found.get(code)) is not None and divisions.contains(bound, division)
        for code in school_codes
    )


def _holds_any(session: Session, bound: str, school_codes: Sequence[str]) -> bool:
    found = SecondmentRepository(session).school_divisions(school_codes)
    return any(
        (division := found.get(code)) is not None and divisions.contains(bound, division)
        for code in school_codes
    )


def get_secondment(session: Session, principal: Principal, secondment_id: int) -> Secondment:
    SEE_SECONDMENTS.check(principal)
    secondment = SecondmentRepository(session).get(secondment_id)
    if secondment is None or not _visible(session, principal, secondment):
        raise SecondmentNotFound(
            f"借用/抽调记录 {secondment_id} 不存在",
            f"no secondment {secondment_id}",
            detail={"id": secondment_id},
        )
    return secondment


def decide_secondment(
    session: Session,
    principal: Principal,
    secondment_id: int,
    payload: SecondmentDecisionIn,
    *,
    now: datetime,
) -> Secondment:
    """The education bureau approves (with the filing number) or refuses a requested secondment."""
    DECIDE_SECONDMENT.check(principal)
    secondment = get_secondment(session, principal, secondment_id)
    seed = seed_of(secondment.kind)
    if secondment.status != "requested":
        raise SecondmentDecided(
            f"该{KIND_ZH[secondment.kind]}申请已处理（{secondment.status}）",
            f"this secondment was already decided ({secondment.status})",
            detail={"id": secondment.id, "status": secondment.status},
        )
    lines = SecondmentRepository(session).lines_of([secondment.id])[secondment.id]
    bound = bound_division(principal)
    if bound is not None and not _holds_all(session, bound, [line.school_code for line in lines]):
        raise BureauDoesNotHoldSchools(
            f"所涉学校不全在本局辖区（{bound}）内，须由所涉学校所在县（区）级以上教育行政部门审批；"
            f"依据减负清单第 {seed.number} 条",
            f"the schools concerned are not all inside this bureau's division ({bound}): a bureau holding "
            f"them all approves; seed item {seed.number}",
            detail={"division": bound, **seed.named()},
        )
    if payload.decision == "approve":
        if payload.filing_number is None:
            raise FilingNumberMissing(
                f"批准{KIND_ZH[secondment.kind]}须填写同级党委审批备案号（filing_number）；"
                f"依据减负清单第 {seed.number} 条：{seed.text_zh}",
                f"approving needs the Party committee's filing number (filing_number); seed item "
                f"{seed.number}: {seed.text_en}",
                detail={"field": "filing_number", "value": None, **seed.named()},
            )
        secondment.status = "approved"
        secondment.filing_number = payload.filing_number
    else:
        secondment.status = "refused"
    secondment.decided_by = principal.id
    secondment.decided_at = now
    secondment.decision_note = payload.note
    session.flush()
    audit.record_act(
        session,
        principal,
        "secondment.decision",
        target={
            "kind": "secondment",
            "id": secondment.id,
            "decision": payload.decision,
            "schools": sorted({line.school_code for line in lines}),
        },
        reason=payload.note,
        detail={"filing_number": secondment.filing_number},
    )
    return secondment


def return_secondment(
    session: Session, principal: Principal, secondment_id: int, returned_on: date
) -> Secondment:
    """The department or the bureau records that every teacher is back at school."""
    REQUEST_TEACHERS.check(principal)
    secondment = get_secondment(session, principal, secondment_id)
    if secondment.status != "approved":
        raise SecondmentDecided(
            f"只有已批准的{KIND_ZH[secondment.kind]}可以登记归还（当前 {secondment.status}）",
            f"only an approved secondment can be marked returned (it is {secondment.status})",
            detail={"id": secondment.id, "status": secondment.status},
        )
    if returned_on < secondment.starts_on:
        raise SecondmentPeriodInvalid(
            f"归还日期 {returned_on} 早于开始日期 {secondment.starts_on}",
            f"returned_on {returned_on} is before starts_on {secondment.starts_on}",
            detail={"field": "returned_on", "value": returned_on.isoformat()},
        )
    secondment.status = "returned"
    secondment.returned_on = returned_on
    session.flush()
    audit.record_act(
        session,
        principal,
        "secondment.return",
        target={"kind": "secondment", "id": secondment.id},
        detail={"returned_on": returned_on.isoformat()},
    )
    return secondment


def list_secondments(session: Session, principal: Principal) -> list[Secondment]:
    """A department's own; those of a bureau's schools; the approved ones touching a school."""
    SEE_SECONDMENTS.check(principal)
    repository = SecondmentRepository(session)
    if principal.role == Role.DEPARTMENT:
        return repository.listed(department_id=principal.id)
    if principal.role == Role.SCHOOL:
        return repository.listed(school_code=principal.school_code, statuses=("approved", "returned"))
    if principal.role == Role.EDUCATION:
        bound = bound_division(principal)
        return repository.listed(division=bound) if bound is not None else repository.listed()
    return repository.listed()


@dataclass(frozen=True, kw_only=True)
class LineView:
    school_code: str
    school_name: str | None
    teacher_name: str | None
    headcount: int


@dataclass(frozen=True, kw_only=True)
class SecondmentView:
    id: int
    kind: str
    department: str
    purpose: str
    starts_on: date
    ends_on: date
    exception_reason: str | None
    status: str
    filing_number: str | None
    decision_note: str | None
    decided_at: datetime | None
    returned_on: date | None
    overrun: bool
    days_over: int
    teachers: list[LineView]


def views(
    session: Session, principal: Principal, secondments: Sequence[Secondment], *, today: date
) -> list[SecondmentView]:
    """Secondments as the caller may read them: a school sees only its own teachers' lines."""
    repository = SecondmentRepository(session)
    lines = repository.lines_of(s.id for s in secondments)
    names = repository.school_names(line.school_code for group in lines.values() for line in group)
    departments = repository.principal_names(s.department_id for s in secondments)
    shown = []
    for s in secondments:
        own = [
            line
            for line in lines[s.id]
            if principal.role != Role.SCHOOL or line.school_code == principal.school_code
        ]
        over = days_over(s, today)
        shown.append(
            SecondmentView(
                id=s.id,
                kind=s.kind,
                department=departments.get(s.department_id, ""),
                purpose=s.purpose,
                starts_on=s.starts_on,
                ends_on=s.ends_on,
                exception_reason=s.exception_reason,
                status=s.status,
                filing_number=s.filing_number,
                decision_note=s.decision_note,
                decided_at=s.decided_at,
                returned_on=s.returned_on,
                overrun=over > 0,
                days_over=over,
                teachers=[
                    LineView(
                        school_code=line.school_code,
                        school_name=names.get(line.school_code),
                        teacher_name=line.teacher_name,
                        headcount=line.headcount,
                    )
                    for line in own
                ],
            )
        )
    return shown


@dataclass(frozen=True, kw_only=True)
class AwayLine:
    secondment_id: int
    kind: str
    school_code: str
    school_name: str | None
    teacher_name: str | None
    headcount: int
    department: str
    purpose: str
    since: date
    until: date
    returned_on: date | None
    filing_number: str | None
    overrun: bool
    days_over: int


def away(session: Session, principal: Principal, *, today: date) -> list[AwayLine]:
    """Who is away from which school (approved, not yet back), since when, until when; overruns first."""
    approved = [s for s in list_secondments(session, principal) if s.status == "approved"]
    lines = [
        AwayLine(
            secondment_id=view.id,
            kind=view.kind,
            school_code=line.school_code,
            school_name=line.school_name,
            teacher_name=line.teacher_name,
            headcount=line.headcount,
            department=view.department,
            purpose=view.purpose,
            since=view.starts_on,
            until=view.ends_on,
            returned_on=view.returned_on,
            filing_number=view.filing_number,
            overrun=view.overrun,
            days_over=view.days_over,
        )
        for view in views(session, principal, approved, today=today)
        for line in view.teachers
    ]
    return sorted(lines, key=lambda a: (not a.overrun, a.school_code, a.since, a.secondment_id))
