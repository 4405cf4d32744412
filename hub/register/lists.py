"""The annual list of inspections, checks, appraisals and assessments (督查检查评比考核清单), seed items 1–3.

Departments propose next year's items; the hub points out items of different departments that say the
same thing (dedup.similar, the matcher's ideas on titles and contents) and the Party committee office
(党委办公室) merges them, approves or refuses each; approved items are published to the schools they
concern. An inspection reaches schools only under an approved item of the current year, inside its
time window, never asking for screenshots or videos (item 3). The materials and data an item asks for
go through the request check when it is proposed: what the hub already holds is refused, as it is
for any request (严禁重复以前上报相关数据、材料).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from dedup.similar import similar_pairs
from hub.access.scope import bound_division
from hub.audit import service as audit
from hub.config import Settings
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.register.auth import APPROVE_LIST, HOLD_INSPECTION, PROPOSE_ITEMS, SEE_LIST
from hub.register.counts import item_concerns
from hub.register.errors import (
    InspectionNotFound,
    InspectionNotListed,
    InspectionOutsideScope,
    InspectionOutsideWindow,
    ListChanged,
    ListItemDecided,
    ListItemNotFound,
    ListMergeInvalid,
    ListNothingToApprove,
    ListRefusalInvalid,
    ListSchoolUnknown,
    ListSimilarUnmerged,
    ListWindowInvalid,
    ListWindowNotAtTermEnd,
    ListYearInvalid,
    MaterialsAlreadyReported,
    ScreenshotEvidenceRefused,
)
from hub.register.models import Inspection, ListItem
from hub.register.payloads import (
    InspectionIn,
    ListApprovalIn,
    ListDecisionIn,
    ListItemIn,
    ListMergeIn,
    MaterialIn,
)
from hub.register.repository import ListRepository, SecondmentRepository
from hub.register.seeds import LISTED, NO_FORMALISM
from hub.requests import service as requests
from hub.requests.payloads import FieldIn, RequestIn
from schemas import divisions

KIND_ZH = {"supervision": "督查", "inspection": "检查", "appraisal": "评比", "assessment": "考核"}
# 不得以……上传工作场景截图或录制视频等方式代替实际工作评价 (seed item 3).
SCREENSHOT_RE = re.compile(
    r"截图|截屏|录屏|录制视频|视频|录像|screen\s*shots?|screen\s*recordings?|videos?", re.I
)


def term_end_bands(year: int) -> list[tuple[date, date]]:
    """The spring term's last weeks (1 June – 15 July) and the year-end, which is also the autumn term's
    end (1 December – 31 January), around `year`."""
    return [
        (date(year - 1, 12, 1), date(year, 1, 31)),
        (date(year, 6, 1), date(year, 7, 15)),
        (date(year, 12, 1), date(year + 1, 1, 31)),
    ]


def at_term_end(starts: date, ends: date) -> bool:
    """Whether a window lies inside one band at the end of a term or of the year (seed item 3)."""
    return any(first <= starts and ends <= last for first, last in term_end_bands(starts.year))


def screenshot_words(*texts: str | None) -> list[str]:
    """The words demanding screenshots or videos in these texts."""
    return sorted({m.group(0) for text in texts if text for m in SCREENSHOT_RE.finditer(text)})


def _refuse_screenshots(field: str, *texts: str | None) -> None:
    words = screenshot_words(*texts)
    if words:
        raise ScreenshotEvidenceRefused(
            f"{field} 要求以{'、'.join(words)}作为检查材料：不得以上传工作场景截图或录制视频等方式代替实际工作评价；"
            f"依据减负清单第 {NO_FORMALISM.number} 条",
            f"{field} asks for {', '.join(words)} as evidence: screenshots and videos never stand in for a "
            f"real evaluation; seed item {NO_FORMALISM.number}",
            detail={"field": field, "value": words, **NO_FORMALISM.named()},
        )


def _known_schools(session: Session, principal: Principal, codes: Sequence[str]) -> dict[str, str | None]:
    """Each code's county; refused when a code is no school, or one outside the caller's division."""
    found = SecondmentRepository(session).school_divisions(codes)
    bound = bound_division(principal)
    for row, code in enumerate(codes, start=1):
        county = found.get(code, "")
        if code not in found or (bound is not None and not divisions.contains(bound, county or "")):
            raise ListSchoolUnknown(
                f"第 {row} 所学校：代码 {code} 不存在或不在本单位辖区内",
                f"school {row}: no school with the code {code} inside the caller's division",
                detail={"row": row, "field": "schools", "value": code},
            )
    return found


def _check_materials(
    session: Session, settings: Settings, principal: Principal, payload: ListItemIn, *, today: date
) -> list[dict[str, object]]:
    """Every material through the request check; what the hub already holds is refused (seed item 3)."""
    checked: list[dict[str, object]] = []
    by_entity: dict[str, list[MaterialIn]] = {}
    for material in payload.materials:
        by_entity.setdefault(material.entity, []).append(material)
    for entity, materials in by_entity.items():
        check = requests.classify(
            session,
            settings,
            RequestIn(
                title=payload.title,
                purpose=payload.inspected,
                entity=entity,  # type: ignore[arg-type]
                schools=payload.schools,
                fields=[FieldIn(label=m.label) for m in materials],
            ),
            today=today,
            division=bound_division(principal),
            requester=principal,
        )
        for outcome in check.fields:
            checked.append(
                {
                    "label": outcome.field.label,
                    "entity": entity,
                    "status": outcome.status,
                    "element": outcome.element.code if outcome.element is not None else None,
                }
            )
    held = [m for m in checked if m["status"] in ("available", "derived")]
    if held:
        labels = [str(m["label"]) for m in held]
        raise MaterialsAlreadyReported(
            f"以下数据已由数据中心采集，不得再向学校索要：{'、'.join(labels)}；请通过数据需求向数据中心获取。"
            f"依据减负清单第 {NO_FORMALISM.number} 条：严禁重复以前上报相关数据、材料",
            f"the hub already holds {', '.join(labels)}: ask the hub with a data request, never the schools; "
            f"seed item {NO_FORMALISM.number}",
            detail={
                "field": "materials",
                "value": labels,
                "elements": [m["element"] for m in held],
                **NO_FORMALISM.named(),
            },
        )
    return checked


def propose_item(
    session: Session,
    settings: Settings,
    principal: Principal,
    payload: ListItemIn,
    *,
    today: date,
    now: datetime,
) -> ListItem:
    """A department proposes an item for a year's list; refused (nothing stored) when a rule of item 3 breaks."""
    PROPOSE_ITEMS.check(principal)
    if payload.year < today.year or payload.year > today.year + 1:
        raise ListYearInvalid(
            f"清单年度 {payload.year} 无效：只能申报本年度（{today.year}）或下一年度（{today.year + 1}）的事项",
            f"year {payload.year}: items are proposed for this year ({today.year}) or the next",
            detail={"field": "year", "value": payload.year, **LISTED.named()},
        )
    starts, ends = payload.window_starts, payload.window_ends
    if ends < starts or starts.year != payload.year or ends > date(payload.year + 1, 1, 31):
        raise ListWindowInvalid(
            f"实施时间 {starts} 至 {ends} 无效：须在 {payload.year} 年度内，且结束不早于开始",
            f"the window {starts} to {ends} must lie in {payload.year} and end after it starts",
            detail={"field": "window_ends", "value": ends.isoformat()},
        )
    if not at_term_end(starts, ends) and payload.window_reason is None:
        raise ListWindowNotAtTermEnd(
            f"实施时间 {starts} 至 {ends} 不在年末或学期末（6月1日—7月15日，12月1日—次年1月31日），"
            f"须说明理由（window_reason）由党委办公室审批；依据减负清单第 {NO_FORMALISM.number} 条：{NO_FORMALISM.text_zh}",
            f"the window {starts} to {ends} is neither at term-end (1 June – 15 July) nor at year-end "
            f"(1 December – 31 January) and gives no window_reason; seed item {NO_FORMALISM.number}",
            detail={"field": "window_starts", "value": starts.isoformat(), **NO_FORMALISM.named()},
        )
    _refuse_screenshots("method", payload.method)
    _refuse_screenshots("evidence", payload.evidence)
    _refuse_screenshots("materials", *(m.label for m in payload.materials))
    if payload.schools is not None:
        _known_schools(session, principal, payload.schools)
    materials = _check_materials(session, settings, principal, payload, today=today)
    method = payload.method if payload.evidence is None else f"{payload.method}；材料：{payload.evidence}"
    item = ListItem(
        year=payload.year,
        department_id=principal.id,
        kind=payload.kind,
        title=payload.title,
        organiser=payload.organiser or principal.name,
        co_organisers=[],
        inspected=payload.inspected,
        schools=list(dict.fromkeys(payload.schools)) if payload.schools is not None else None,
        division=bound_division(principal),
        levels=list(dict.fromkeys(payload.levels)),
        frequency=payload.frequency,
        method=method,
        window_starts=starts,
        window_ends=ends,
        window_reason=payload.window_reason if not at_term_end(starts, ends) else None,
        materials=materials,
        status="proposed",
        created_at=now,
    )
    return ListRepository(session).add(item)


def concerns(item: ListItem, school_code: str, county: str | None) -> bool:
    """Whether an item reaches this school (the one definition the counts use too)."""
    return item_concerns(item, school_code, county)


def _school_county(session: Session, code: str | None) -> str | None:
    if code is None:
        return None
    return SecondmentRepository(session).school_divisions([code]).get(code)


def _visible(session: Session, principal: Principal, item: ListItem) -> bool:
    if principal.role in (Role.OFFICE, Role.ADMIN):
        return True
    if principal.role == Role.SCHOOL:
        county = _school_county(session, principal.school_code)
        return item.status == "approved" and concerns(item, principal.school_code or "", county)
    if item.department_id == principal.id:
        return True
    if principal.role == Role.DEPARTMENT:
        return item.status == "approved"  # the published list
    bound = bound_division(principal)
    return bound is None or item.division is None or divisions.contains(bound, item.division)


def list_items(
    session: Session, principal: Principal, *, year: int | None = None, status: str | None = None
) -> list[ListItem]:
    """The items the caller may see: a school the approved ones concerning it, a department its own and the
    published list, the office and the bureaus every proposal."""
    SEE_LIST.check(principal)
    found = ListRepository(session).items(year=year, statuses=[status] if status else None)
    return [item for item in found if _visible(session, principal, item)]


def get_item(session: Session, principal: Principal, item_id: int) -> ListItem:
    SEE_LIST.check(principal)
    item = ListRepository(session).get(item_id)
    if item is None or not _visible(session, principal, item):
        raise ListItemNotFound(
            f"清单事项 {item_id} 不存在", f"no list item {item_id}", detail={"id": item_id}
        )
    return item


def similar_of(session: Session, items: Sequence[ListItem]) -> dict[int, list[tuple[ListItem, float]]]:
    """For each of `items`, the year's items of other departments still on the list that say the same."""
    years = sorted({item.year for item in items})
    pool = {
        other.id: other
        for year in years
        for other in ListRepository(session).items(year=year, statuses=("proposed", "approved"))
    }
    texts = [(i.id, f"{i.title} {i.inspected}", (i.year, i.department_id)) for i in pool.values()]
    found: dict[int, list[tuple[ListItem, float]]] = {item.id: [] for item in items}
    for pair in similar_pairs(texts):
        first, second = pool[int(str(pair.first))], pool[int(str(pair.second))]
        if first.year != second.year:
            continue
        for one, other in ((first, second), (second, first)):
            if one.id in found:
                found[one.id].append((other, pair.score))
    return found


def _undecided(item: ListItem) -> None:
    if item.status != "proposed":
        raise ListItemDecided(
            f"清单事项 {item.id} 已处理（{item.status}）",
            f"list item {item.id} was already decided ({item.status})",
            detail={"id": item.id, "status": item.status},
        )


def decide_item(
    session: Session, principal: Principal, item_id: int, payload: ListDecisionIn, *, now: datetime
) -> ListItem:
    """The Party committee office puts an item on the year's list (its window reason with it) or refuses it."""
    APPROVE_LIST.check(principal)
    item = get_item(session, principal, item_id)
    _undecided(item)
    item.status = "approved" if payload.decision == "approve" else "refused"
    item.decided_by, item.decided_at, item.decision_note = principal.id, now, payload.note
    session.flush()
    audit.record_act(
        session,
        principal,
        "list.decision",
        target={"kind": "list_item", "id": item.id, "decision": payload.decision, "year": item.year},
        reason=payload.note,
    )
    return item


@dataclass(frozen=True, kw_only=True)
class ListApproval:
    year: int
    approved: list[int]
    refused: list[int]
    listed: int


def _ids_text(ids: Sequence[int]) -> str:
    return "、".join(f"#{i}" for i in ids)


def approve_list(
    session: Session, principal: Principal, year: int, payload: ListApprovalIn, *, now: datetime
) -> ListApproval:
    """The Party committee office approves the year's list in one act (由党委办公室统一报党委审批): every
    proposal still waiting goes on it but those it refuses, with one entry on the audit log. Nothing is
    decided when a proposal came in since the office looked (`expected`), when a refusal names no waiting
    proposal, or when two similar proposals would both go on the list unmerged (unless `keep_apart`)."""
    APPROVE_LIST.check(principal)
    repository = ListRepository(session)
    waiting = repository.items(year=year, statuses=("proposed",))
    waiting_ids = [i.id for i in waiting]
    if not waiting:
        raise ListNothingToApprove(
            f"{year} 年度没有待审核的申报事项，清单无需再次批准",
            f"no proposal of {year} is waiting: there is nothing to approve",
            detail={"field": "year", "value": year, **LISTED.named()},
        )
    if payload.expected is not None and sorted(set(payload.expected)) != sorted(waiting_ids):
        came = sorted(set(waiting_ids) - set(payload.expected))
        gone = sorted(set(payload.expected) - set(waiting_ids))
        raise ListChanged(
            f"待审核的申报已有变化（新增 {_ids_text(came) or '无'}，已处理 {_ids_text(gone) or '无'}），"
            "请刷新后重新审核；未作任何决定",
            f"the waiting proposals changed since they were reviewed (new: {came}, decided: {gone}); "
            "review again; nothing was decided",
            detail={"field": "expected", "value": payload.expected, "waiting": waiting_ids},
        )
    stray = [i for i in dict.fromkeys(payload.refuse) if i not in waiting_ids]
    if stray:
        raise ListRefusalInvalid(
            f"事项 {_ids_text(stray)} 不是 {year} 年度待审核的申报，不能在本次审批中不予列入；未作任何决定",
            f"items {stray} are no waiting proposals of {year}; nothing was decided",
            detail={"field": "refuse", "value": stray},
        )
    refused = set(payload.refuse)
    going = [i for i in waiting if i.id not in refused]
    if not payload.keep_apart:
        listed_ids = {i.id for i in going} | {
            i.id for i in repository.items(year=year, statuses=("approved",))
        }
        pairs = sorted(
            {
                (min(item_id, other.id), max(item_id, other.id))
                for item_id, others in similar_of(session, going).items()
                for other, _ in others
                if other.id in listed_ids
            }
        )
        if pairs:
            shown = "；".join(f"#{a} 与 #{b}" for a, b in pairs)
            raise ListSimilarUnmerged(
                f"以下事项内容相似，应合并组织开展：{shown}。请先合并（或注明保留分列 keep_apart）；未作任何决定。"
                f"依据减负清单第 {LISTED.number} 条：同类事项合并",
                f"similar items would both be listed: {pairs}; merge them first (or say keep_apart); "
                f"nothing was decided; seed item {LISTED.number}",
                detail={"field": "keep_apart", "value": [list(p) for p in pairs], **LISTED.named()},
            )
    for item in waiting:
        item.status = "refused" if item.id in refused else "approved"
        item.decided_by, item.decided_at, item.decision_note = principal.id, now, payload.note
    session.flush()
    approved = [i.id for i in going]
    audit.record_act(
        session,
        principal,
        "list.approve",
        target={
            "kind": "list",
            "id": year,
            "year": year,
            "approved": approved,
            "refused": sorted(refused),
        },
        reason=payload.note,
    )
    return ListApproval(
        year=year,
        approved=approved,
        refused=sorted(refused),
        listed=len(repository.items(year=year, statuses=("approved",))),
    )


def merge_item(
    session: Session, principal: Principal, item_id: int, payload: ListMergeIn, *, now: datetime
) -> ListItem:
    """Fold a proposed item into a similar one of the same year (同类事项合并组织开展): its organiser becomes a
    co-organiser, its schools, levels and materials are added. Returns the item merged into."""
    APPROVE_LIST.check(principal)
    item = get_item(session, principal, item_id)
    _undecided(item)
    target = ListRepository(session).get(payload.into)
    if (
        target is None
        or target.id == item.id
        or target.year != item.year
        or target.status
        not in (
            "proposed",
            "approved",
        )
    ):
        raise ListMergeInvalid(
            f"不能将事项 {item.id} 合并到事项 {payload.into}：须为同一年度、仍在清单上的另一事项",
            f"item {item.id} cannot be merged into {payload.into}: another item of the same year still on the list",
            detail={"field": "into", "value": payload.into},
        )
    names = requests_department_names(session, [item.department_id])
    for name in (item.organiser, names.get(item.department_id)):
        if name and name != target.organiser and name not in target.co_organisers:
            target.co_organisers = [*target.co_organisers, name]
    if target.schools is not None:
        target.schools = (
            None if item.schools is None else list(dict.fromkeys([*target.schools, *item.schools]))
        )
    target.levels = (
        list(dict.fromkeys([*target.levels, *item.levels])) if target.levels and item.levels else []
    )
    labels = {str(m["label"]) for m in target.materials}
    target.materials = [*target.materials, *(m for m in item.materials if str(m["label"]) not in labels)]
    item.status, item.merged_into = "merged", target.id
    item.decided_by, item.decided_at, item.decision_note = principal.id, now, payload.note
    session.flush()
    audit.record_act(
        session,
        principal,
        "list.merge",
        target={"kind": "list_item", "id": item.id, "into": target.id, "year": item.year},
        reason=payload.note,
    )
    return target


def requests_department_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    return SecondmentRepository(session).principal_names(ids)


# --- inspections under the list ---------------------------------------------------------------------


def hold_inspection(
    session: Session, principal: Principal, payload: InspectionIn, *, today: date, now: datetime
) -> Inspection:
    """Register an inspection reaching schools; refused (nothing stored) unless it falls under an approved
    item of the current year, inside its window and its schools, asking no screenshots or videos."""
    HOLD_INSPECTION.check(principal)
    item = ListRepository(session).get(payload.item_id) if payload.item_id is not None else None
    reason_zh, reason_en = "", ""
    if item is None:
        reason_zh, reason_en = "未引用清单事项", "it names no list item"
    elif item.status != "approved":
        reason_zh, reason_en = (
            f"清单事项 {item.id} 未经批准（{item.status}）",
            f"item {item.id} is {item.status}",
        )
    elif item.year != today.year:
        reason_zh = f"清单事项 {item.id} 属于 {item.year} 年度，不是本年度（{today.year}）"
        reason_en = f"item {item.id} is on the {item.year} list, not this year's ({today.year})"
    elif principal.role != Role.EDUCATION and principal.id not in ListRepository(session).holders(item):
        reason_zh, reason_en = (
            f"清单事项 {item.id} 不是本部门申报（或合并后会同组织）的事项",
            f"item {item.id} is another department's (neither proposed by it nor merged from its proposal)",
        )
    if reason_zh:
        what = payload.title or (item.title if item is not None else "")
        raise InspectionNotListed(
            f"{what + '：' if what else ''}{reason_zh}。依据减负清单第 {LISTED.number} 条：{LISTED.text_zh}",
            f"{what + ': ' if what else ''}{reason_en}; seed item {LISTED.number}: {LISTED.text_en}",
            detail={"field": "item_id", "value": payload.item_id, **LISTED.named()},
        )
    assert item is not None
    if payload.ends_on < payload.starts_on or not (
        item.window_starts <= payload.starts_on and payload.ends_on <= item.window_ends
    ):
        raise InspectionOutsideWindow(
            f"实施时间 {payload.starts_on} 至 {payload.ends_on} 超出清单事项批准的时间 {item.window_starts} 至 "
            f"{item.window_ends}；依据减负清单第 {NO_FORMALISM.number} 条：不得延长时间，于年末或学期末统筹实施",
            f"{payload.starts_on} to {payload.ends_on} lies outside the item's approved window "
            f"{item.window_starts} to {item.window_ends}; seed item {NO_FORMALISM.number}",
            detail={"field": "starts_on", "value": payload.starts_on.isoformat(), **NO_FORMALISM.named()},
        )
    _refuse_screenshots("evidence", payload.evidence)
    counties = _known_schools(session, principal, payload.schools)
    outside = [code for code in payload.schools if not concerns(item, code, counties.get(code))]
    if outside:
        raise InspectionOutsideScope(
            f"学校 {'、'.join(outside)} 不在清单事项 {item.id} 所列范围内：不得扩大范围；"
            f"依据减负清单第 {NO_FORMALISM.number} 条",
            f"schools {', '.join(outside)} are outside item {item.id}'s scope (never widened); seed item "
            f"{NO_FORMALISM.number}",
            detail={"field": "schools", "value": outside, **NO_FORMALISM.named()},
        )
    inspection = Inspection(
        item_id=item.id,
        department_id=principal.id,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        evidence=payload.evidence or "",
        note=payload.note or "",
        created_at=now,
    )
    return ListRepository(session).add_inspection(inspection, payload.schools)


def holdable_items(session: Session, principal: Principal, *, today: date) -> list[ListItem]:
    """The approved items of this year the caller may hold an inspection under: its own and those its
    proposal was merged into, or (the education bureau, 会同教育部门) every one inside its division."""
    HOLD_INSPECTION.check(principal)
    repository = ListRepository(session)
    return [
        item
        for item in repository.items(year=today.year, statuses=("approved",))
        if (principal.role == Role.EDUCATION or principal.id in repository.holders(item))
        and _visible(session, principal, item)
    ]


def _inspection_visible(session: Session, principal: Principal, inspection: Inspection) -> bool:
    if principal.role in (Role.OFFICE, Role.ADMIN) or inspection.department_id == principal.id:
        return True
    schools = ListRepository(session).schools_of([inspection.id])[inspection.id]
    if principal.role == Role.SCHOOL:
        return principal.school_code in schools
    if principal.role == Role.EDUCATION:
        bound = bound_division(principal)
        if bound is None:
            return True
        counties = SecondmentRepository(session).school_divisions(schools)
        return any(divisions.contains(bound, counties.get(code) or "") for code in schools)
    return False


def list_inspections(session: Session, principal: Principal) -> list[Inspection]:
    SEE_LIST.check(principal)
    repository = ListRepository(session)
    if principal.role == Role.DEPARTMENT:
        return repository.inspections(department_id=principal.id)
    if principal.role == Role.SCHOOL:
        return repository.inspections(school_code=principal.school_code)
    if principal.role == Role.EDUCATION:
        return repository.inspections(division=bound_division(principal))
    return repository.inspections()


def get_inspection(session: Session, principal: Principal, inspection_id: int) -> Inspection:
    SEE_LIST.check(principal)
    inspection = ListRepository(session).get_inspection(inspection_id)
    if inspection is None or not _inspection_visible(session, principal, inspection):
        raise InspectionNotFound(
            f"督查检查 {inspection_id} 不存在", f"no inspection {inspection_id}", detail={"id": inspection_id}
        )
    return inspection


# --- views ------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SimilarView:
    item_id: int
    title: str
    department: str
    status: str
    score: float


@dataclass(frozen=True, kw_only=True)
class ItemView:
    id: int
    year: int
    kind: str
    title: str
    department: str
    organiser: str
    co_organisers: list[str]
    inspected: str
    schools: list[str] | None
    division: str | None
    levels: list[str]
    frequency: str
    method: str
    window_starts: date
    window_ends: date
    window_at_term_end: bool
    window_reason: str | None
    materials: list[dict[str, object]]
    status: str
    merged_into: int | None
    decision_note: str | None
    decided_at: datetime | None
    inspections: int
    similar: list[SimilarView]


def item_views(session: Session, principal: Principal, items: Sequence[ListItem]) -> list[ItemView]:
    """Items as the caller reads them; similar items (merge proposals) only for the office and proposers."""
    repository = ListRepository(session)
    held = repository.inspections_per_item(i.id for i in items)
    proposals = similar_of(session, [i for i in items if i.status == "proposed"])
    names = requests_department_names(
        session,
        [i.department_id for i in items]
        + [o.department_id for group in proposals.values() for o, _ in group],
    )
    show_similar = principal.role in (Role.OFFICE, Role.ADMIN, Role.EDUCATION, Role.DEPARTMENT)
    return [
        ItemView(
            id=i.id,
            year=i.year,
            kind=i.kind,
            title=i.title,
            department=names.get(i.department_id, ""),
            organiser=i.organiser,
            co_organisers=list(i.co_organisers),
            inspected=i.inspected,
            schools=list(i.schools) if i.schools is not None else None,
            division=i.division,
            levels=list(i.levels),
            frequency=i.frequency,
            method=i.method,
            window_starts=i.window_starts,
            window_ends=i.window_ends,
            window_at_term_end=at_term_end(i.window_starts, i.window_ends),
            window_reason=i.window_reason,
            materials=list(i.materials),
            status=i.status,
            merged_into=i.merged_into,
            decision_note=i.decision_note,
            decided_at=i.decided_at,
            inspections=held.get(i.id, 0),
            similar=[
                SimilarView(
                    item_id=o.id,
                    title=o.title,
                    department=names.get(o.department_id, ""),
                    status=o.status,
                    score=score,
                )
                for o, score in proposals.get(i.id, [])
                if show_similar and (principal.role != Role.DEPARTMENT or o.status == "approved")
            ],
        )
        for i in items
    ]


@dataclass(frozen=True, kw_only=True)
class InspectionView:
    id: int
    item_id: int
    item_title: str
    kind: str
    department: str
    starts_on: date
    ends_on: date
    evidence: str
    note: str
    schools: list[tuple[str, str | None]]
    created_at: datetime


def inspection_views(
    session: Session, principal: Principal, inspections: Sequence[Inspection]
) -> list[InspectionView]:
    """Inspections as the caller reads them: a school sees only itself among the schools reached."""
    repository = ListRepository(session)
    schools = repository.schools_of(i.id for i in inspections)
    names = SecondmentRepository(session).school_names(c for group in schools.values() for c in group)
    departments = requests_department_names(session, [i.department_id for i in inspections])
    items = {i.item_id: repository.get(i.item_id) for i in inspections}
    shown = []
    for inspection in inspections:
        item = items[inspection.item_id]
        codes = [
            c for c in schools[inspection.id] if principal.role != Role.SCHOOL or c == principal.school_code
        ]
        shown.append(
            InspectionView(
                id=inspection.id,
                item_id=inspection.item_id,
                item_title=item.title if item is not None else "",
                kind=item.kind if item is not None else "",
                department=departments.get(inspection.department_id, ""),
                starts_on=inspection.starts_on,
                ends_on=inspection.ends_on,
                evidence=inspection.evidence,
                note=inspection.note,
                schools=[(c, names.get(c)) for c in codes],
                created_at=inspection.created_at,
            )
        )
    return shown
