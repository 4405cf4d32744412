"""The 进校园 whitelist (社会事务进校园白名单), seed items 4–9.

The education bureau keeps the year's whitelist (Shanghai publishes 5 items, Zhejiang 6): the social
affairs — 宣传教育, 安全检查, 竞赛, 社会考试和监考, 评比 … — that may enter its schools. Every such demand is
registered against an item of the year it is held in, or refused naming seed items 4–9; counts per
school and per item show what entered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from hub.access.scope import bound_division
from hub.audit import service as audit
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.register.auth import BRING_SOCIAL_DEMAND, KEEP_WHITELIST, SEE_LIST
from hub.register.errors import (
    ListSchoolUnknown,
    SocialDemandNotFound,
    SocialDemandNotWhitelisted,
    WhitelistItemOutOfYear,
    WhitelistItemOutsideDivision,
    WhitelistYearInvalid,
)
from hub.register.models import SocialDemand, WhitelistItem
from hub.register.payloads import SocialDemandIn, WhitelistItemIn
from hub.register.repository import SecondmentRepository, WhitelistRepository
from hub.register.seeds import SOCIAL_AFFAIRS
from schemas import divisions

CATEGORY_ZH = {
    "publicity": "宣传教育",
    "safety": "安全检查",
    "competition": "竞赛",
    "exam": "社会考试和监考",
    "appraisal": "评比",
    "other": "其他",
}


def add_item(
    session: Session, principal: Principal, payload: WhitelistItemIn, *, today: date, now: datetime
) -> WhitelistItem:
    """The education bureau lists one social affair that may enter its schools in a year."""
    KEEP_WHITELIST.check(principal)
    if payload.year < today.year or payload.year > today.year + 1:
        raise WhitelistYearInvalid(
            f"白名单年度 {payload.year} 无效：只能制定本年度（{today.year}）或下一年度的白名单",
            f"year {payload.year}: a whitelist is kept for this year ({today.year}) or the next",
            detail={"field": "year", "value": payload.year, **SOCIAL_AFFAIRS.named()},
        )
    item = WhitelistItem(
        year=payload.year,
        division=bound_division(principal),
        category=payload.category,
        title=payload.title,
        organiser=payload.organiser,
        description=payload.description or "",
        created_by=principal.id,
        created_at=now,
    )
    WhitelistRepository(session).add(item)
    audit.record_act(
        session,
        principal,
        "whitelist.add",
        target={"kind": "whitelist_item", "id": item.id, "year": item.year, "division": item.division},
        reason=item.description or None,
        detail={"title": item.title, "category": item.category, "organiser": item.organiser},
    )
    return item


def _item_visible(principal: Principal, item: WhitelistItem, county: str | None) -> bool:
    """Every principal sees the whitelist of its own area: the bureau's, or the one holding its school."""
    if item.division is None or principal.role in (Role.OFFICE, Role.ADMIN):
        return True
    if principal.role == Role.SCHOOL:
        return county is not None and divisions.contains(item.division, county)
    bound = bound_division(principal)
    return (
        bound is None or divisions.contains(item.division, bound) or divisions.contains(bound, item.division)
    )


def _county_of(session: Session, principal: Principal) -> str | None:
    if principal.role != Role.SCHOOL or principal.school_code is None:
        return None
    return SecondmentRepository(session).school_divisions([principal.school_code]).get(principal.school_code)


def items(session: Session, principal: Principal, *, year: int | None = None) -> list[WhitelistItem]:
    SEE_LIST.check(principal)
    county = _county_of(session, principal)
    return [i for i in WhitelistRepository(session).items(year=year) if _item_visible(principal, i, county)]


def register_demand(
    session: Session, principal: Principal, payload: SocialDemandIn, *, now: datetime
) -> SocialDemand:
    """A social affair entering schools, under a whitelist item of its year; refused otherwise (seed 4–9)."""
    BRING_SOCIAL_DEMAND.check(principal)
    repository = WhitelistRepository(session)
    item = repository.get(payload.item_id) if payload.item_id is not None else None
    what = (
        f"{CATEGORY_ZH[payload.category]}「{payload.title}」" if payload.category else f"「{payload.title}」"
    )
    if item is None:
        raise SocialDemandNotWhitelisted(
            f"{what}未列入教育部门的进校园白名单，不得进入校园。依据减负清单{SOCIAL_AFFAIRS.label}：{SOCIAL_AFFAIRS.text_zh}",
            f"{payload.title!r} is on no whitelist of the education bureau and may not enter schools; seed items "
            f"4–9: {SOCIAL_AFFAIRS.text_en}",
            detail={"field": "item_id", "value": payload.item_id, **SOCIAL_AFFAIRS.named()},
        )
    if item.year != payload.held_on.year:
        raise WhitelistItemOutOfYear(
            f"白名单事项 {item.id}「{item.title}」属于 {item.year} 年度，不能用于 {payload.held_on} 的进校园事项；"
            f"依据减负清单{SOCIAL_AFFAIRS.label}",
            f"whitelist item {item.id} is listed for {item.year}, not for {payload.held_on}; seed items 4–9",
            detail={
                "field": "held_on",
                "value": payload.held_on.isoformat(),
                "item_year": item.year,
                **SOCIAL_AFFAIRS.named(),
            },
        )
    counties = SecondmentRepository(session).school_divisions(payload.schools)
    bound = bound_division(principal)
    for row, code in enumerate(payload.schools, start=1):
        county = counties.get(code)
        if code not in counties or (bound is not None and not divisions.contains(bound, county or "")):
            raise ListSchoolUnknown(
                f"第 {row} 所学校：代码 {code} 不存在或不在本单位辖区内",
                f"school {row}: no school with the code {code} inside the caller's division",
                detail={"row": row, "field": "schools", "value": code},
            )
    outside = [
        code
        for code in payload.schools
        if item.division is not None and not divisions.contains(item.division, counties.get(code) or "")
    ]
    if outside:
        raise WhitelistItemOutsideDivision(
            f"学校 {'、'.join(outside)} 不在制定白名单事项 {item.id} 的教育部门辖区（{item.division}）内",
            f"schools {', '.join(outside)} lie outside the division ({item.division}) of whitelist item {item.id}",
            detail={"field": "schools", "value": outside, **SOCIAL_AFFAIRS.named()},
        )
    demand = SocialDemand(
        item_id=item.id,
        department_id=principal.id,
        title=payload.title,
        held_on=payload.held_on,
        note=payload.note or "",
        created_at=now,
    )
    return repository.add_demand(demand, payload.schools)


def demands(session: Session, principal: Principal) -> list[SocialDemand]:
    SEE_LIST.check(principal)
    repository = WhitelistRepository(session)
    if principal.role == Role.DEPARTMENT:
        return repository.demands(department_id=principal.id)
    if principal.role == Role.SCHOOL:
        return repository.demands(school_code=principal.school_code)
    if principal.role == Role.EDUCATION:
        return repository.demands(division=bound_division(principal))
    return repository.demands()


def get_demand(session: Session, principal: Principal, demand_id: int) -> SocialDemand:
    SEE_LIST.check(principal)
    repository = WhitelistRepository(session)
    demand = repository.get_demand(demand_id)
    visible = demand is not None and (
        principal.role in (Role.OFFICE, Role.ADMIN) or demand.department_id == principal.id
    )
    if demand is not None and not visible:
        schools = repository.schools_of([demand.id])[demand.id]
        if principal.role == Role.SCHOOL:
            visible = principal.school_code in schools
        elif principal.role == Role.EDUCATION:
            bound = bound_division(principal)
            counties = SecondmentRepository(session).school_divisions(schools)
            visible = bound is None or any(divisions.contains(bound, counties.get(c) or "") for c in schools)
    if demand is None or not visible:
        raise SocialDemandNotFound(
            f"进校园事项 {demand_id} 不存在", f"no social demand {demand_id}", detail={"id": demand_id}
        )
    return demand


@dataclass(frozen=True, kw_only=True)
class DemandView:
    id: int
    item_id: int
    item_title: str
    category: str
    department: str
    title: str
    held_on: date
    note: str
    schools: list[tuple[str, str | None]]
    created_at: datetime


def demand_views(session: Session, principal: Principal, found: Sequence[SocialDemand]) -> list[DemandView]:
    repository = WhitelistRepository(session)
    schools = repository.schools_of(d.id for d in found)
    names = SecondmentRepository(session).school_names(c for group in schools.values() for c in group)
    departments = SecondmentRepository(session).principal_names(d.department_id for d in found)
    listed = {d.item_id: repository.get(d.item_id) for d in found}
    views = []
    for d in found:
        item = listed[d.item_id]
        codes = [c for c in schools[d.id] if principal.role != Role.SCHOOL or c == principal.school_code]
        views.append(
            DemandView(
                id=d.id,
                item_id=d.item_id,
                item_title=item.title if item is not None else "",
                category=item.category if item is not None else "",
                department=departments.get(d.department_id, ""),
                title=d.title,
                held_on=d.held_on,
                note=d.note,
                schools=[(c, names.get(c)) for c in codes],
                created_at=d.created_at,
            )
        )
    return views


@dataclass(frozen=True, kw_only=True)
class ItemCount:
    item: WhitelistItem
    demands: int
    schools_reached: int


@dataclass(frozen=True, kw_only=True)
class SchoolCount:
    school_code: str
    school_name: str | None
    demands: int
    per_item: dict[int, int]


def counts(session: Session, principal: Principal, *, year: int) -> tuple[list[ItemCount], list[SchoolCount]]:
    """Per whitelist item of the year: demands and schools reached; per school: demands, by item. The
    demands counted are those the caller sees (a department its own, a school those reaching it, a bureau
    its division's), and the schools those inside its reach."""
    listed = items(session, principal, year=year)
    ids = {i.id for i in listed}
    found = [d for d in demands(session, principal) if d.item_id in ids]
    reached = WhitelistRepository(session).schools_of(d.id for d in found)
    bound = bound_division(principal) if principal.role == Role.EDUCATION else None
    counties = SecondmentRepository(session).school_divisions(c for group in reached.values() for c in group)
    per_item: dict[int, tuple[int, set[str]]] = {}
    per_school: dict[str, dict[int, int]] = {}
    for d in found:
        codes = [
            c
            for c in reached[d.id]
            if (principal.role != Role.SCHOOL or c == principal.school_code)
            and (bound is None or divisions.contains(bound, counties.get(c) or ""))
        ]
        n, schools = per_item.get(d.item_id, (0, set()))
        per_item[d.item_id] = (n + 1, schools | set(codes))
        for code in codes:
            by = per_school.setdefault(code, {})
            by[d.item_id] = by.get(d.item_id, 0) + 1
    names = SecondmentRepository(session).school_names(per_school)
    return (
        [
            ItemCount(
                item=i,
                demands=per_item.get(i.id, (0, set()))[0],
                schools_reached=len(per_item.get(i.id, (0, set()))[1]),
            )
            for i in listed
        ],
        [
            SchoolCount(school_code=code, school_name=names.get(code), demands=sum(by.values()), per_item=by)
            for code, by in sorted(per_school.items())
        ],
    )
