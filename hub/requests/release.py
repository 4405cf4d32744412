"""Releases of gathered data: when a request needs one, the agreement that covers it, and the education
bureau's decision (seed rule 14, 按照权限获取相应的数据).

The State Council's rules for 政务信息资源共享 sort every element of the standard (its `sharing`):
无条件共享 data go to any department that asks, 有条件共享 data only with the provider's consent, and
不予共享 data never. The education bureau is the provider of what schools gathered. Its consent is
either standing (a sharing agreement, 共享协议: a grant with no request, covering elements and a scope
until a date) or given for one request (a release, decided here). Either way it ends: a release lasts
HUB_RELEASE_DAYS unless the bureau names an end, and never beyond the statistics approval's 有效期.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

import schemas
from hub.access.models import Grant
from hub.access.repository import GrantRepository
from hub.access.service import create_grant
from hub.audit import service as audit
from hub.config import Settings
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.identity.roles import Role
from hub.kit.clock import local_date
from hub.records.repository import RecordRepository
from hub.requests import lifecycle
from hub.requests.errors import ReleaseNeedsReason, ReleaseValidityInvalid, RequestNotPendingRelease
from hub.requests.lifecycle import RequestStatus
from hub.requests.models import DataRequest, status_words
from hub.requests.payloads import ReleaseIn
from hub.requests.repository import RequestRepository
from hub.standard.service import current_standard
from schemas import divisions

# The data's owner reads what schools gathered without anyone's consent.
OWNERS = frozenset({Role.EDUCATION})


def needing_consent(std: schemas.Standard, codes: Iterable[str | None]) -> list[str]:
    """The elements among `codes` shared only with the provider's consent (有条件共享)."""
    return sorted({c for c in codes if c and std.has_element(c) and std.element(c).sharing == "conditional"})


def never_shared(std: schemas.Standard, code: str | None) -> bool:
    return bool(code) and std.has_element(code) and std.element(code).sharing == "not_shared"  # type: ignore[arg-type]


def _scope_covered(
    session: Session, agreement: Grant, schools: Sequence[str] | None, division: str | None
) -> bool:
    """Whether the agreement's schools and divisions hold every school the request asks."""
    if agreement.schools is not None and (schools is None or not set(schools) <= set(agreement.schools)):
        return False
    if agreement.divisions:
        where: list[str | None]
        if schools is None:
            where = [division] if division else []
        else:
            where = list(RequestRepository(session).divisions_of(list(schools)))
        if not where or not all(
            any(divisions.contains(a, d) for a in agreement.divisions) if d is not None else False
            for d in where
        ):
            return False
    return True


def covering_agreement(
    session: Session,
    *,
    department_id: int,
    entity: str,
    elements: Sequence[str],
    schools: Sequence[str] | None,
    division: str | None,
    today: date,
) -> Grant | None:
    """The department's standing agreement in force today that covers every element and the whole
    scope (None: no single agreement does; the request waits for a release)."""
    for agreement in GrantRepository(session).standing_for(department_id, entity):
        if not agreement.active_on(today):
            continue
        if not set(elements) <= set(agreement.elements):
            continue
        if _scope_covered(session, agreement, schools, division):
            return agreement
    return None


def consent_needed(requester: Principal | None) -> bool:
    """Departments (and admins acting as one) read gathered data only with the owner's consent."""
    return requester is None or requester.role not in OWNERS


def release_end(request: DataRequest, asked: date | None, *, today: date, days: int) -> date:
    """When a release ends: the date the bureau names, or `days` from today, never past the approval's
    有效期 (a named date past it is refused; the default is cut back to it)."""
    bound = request.valid_until
    if asked is None:
        end = today + timedelta(days=days)
        return min(end, bound) if bound is not None and bound >= today else end
    if asked < today or (bound is not None and asked > bound):
        zh_bound = f"，且不得晚于批准有效期 {bound}" if bound else ""
        en_bound = f" and no later than the approval's validity {bound}" if bound else ""
        raise ReleaseValidityInvalid(
            f"提供期限 {asked} 无效：应不早于今天 {today}{zh_bound}",
            f"valid_until {asked} is invalid: it must be today ({today}) or later{en_bound}",
            detail={
                "field": "valid_until",
                "value": asked.isoformat(),
                "today": today.isoformat(),
                "approval_valid_until": bound.isoformat() if bound else None,
            },
        )
    return asked


@dataclass(frozen=True, kw_only=True)
class ElementUse:
    code: str
    label: str
    sharing: str
    sensitivity: str
    masked: bool  # read masked unless a standing grant lets the department read it in clear


@dataclass(frozen=True, kw_only=True)
class EarlierRelease:
    grant_id: int
    request_id: int | None
    title: str | None
    valid_from: date
    valid_until: date | None
    active: bool


@dataclass(frozen=True, kw_only=True)
class ReleaseReview:
    """The minimum-necessary picture a release decision is made on."""

    request: DataRequest
    department: str | None
    elements: list[ElementUse]
    refused: list[str]  # 不予共享 labels: never released whatever is decided
    schools: int
    records: int
    earlier: list[EarlierRelease]


def review(session: Session, std: schemas.Standard, request: DataRequest, *, today: date) -> ReleaseReview:
    """What a release of `request` would hand over, and what its department received before."""
    uses: dict[str, ElementUse] = {}
    refused: list[str] = []
    for f in request.fields:
        if not f.element_code or not std.has_element(f.element_code):
            continue
        element = std.element(f.element_code)
        if element.sharing == "not_shared":
            refused.append(f.label)
            continue
        uses.setdefault(
            element.code,
            ElementUse(
                code=element.code,
                label=element.label_zh,
                sharing=element.sharing,
                sensitivity=element.sensitivity,
                masked=element.sensitivity == "sensitive",
            ),
        )
    counts = RecordRepository(session).filled_counts(request.entity, [], [], request.schools)
    department = PrincipalRepository(session).get(request.department_id)
    requests = RequestRepository(session)

    def title_of(request_id: int | None) -> str | None:
        earlier_request = requests.get(request_id) if request_id is not None else None
        return earlier_request.title if earlier_request is not None else None

    earlier = [
        EarlierRelease(
            grant_id=g.id,
            request_id=g.request_id,
            title=title_of(g.request_id),
            valid_from=g.valid_from,
            valid_until=g.valid_until,
            active=g.active_on(today),
        )
        for g in GrantRepository(session).released_to(request.department_id, before_request=request.id)
    ]
    return ReleaseReview(
        request=request,
        department=department.name if department else None,
        elements=list(uses.values()),
        refused=refused,
        schools=len(counts),
        records=sum(int(c["_rows"]) for c in counts.values()),
        earlier=earlier,
    )


def awaiting_release(request: DataRequest) -> None:
    if request.status != RequestStatus.PENDING_RELEASE:
        raise RequestNotPendingRelease(
            f"采集需求 {request.id} {status_words(request.status)[0]}，不在待提供队列",
            f"request {request.id} is {status_words(request.status)[1]}, not waiting for a release",
            detail={"status": request.status},
        )


def decide(
    session: Session,
    settings: Settings,
    principal: Principal,
    request: DataRequest,
    decision: ReleaseIn,
    *,
    now: datetime,
) -> DataRequest:
    """The education bureau releases a waiting request's gathered data until a date, or refuses it."""
    awaiting_release(request)
    today = local_date(now)
    if decision.decision == "reject":
        if not (decision.note or "").strip():
            raise ReleaseNeedsReason("不予提供须说明理由", "a refused release needs a reason (note)")
        lifecycle.reject(request, by=principal.id, note=decision.note, now=now)
        audit.record_act(
            session,
            principal,
            "request.release_refused",
            target={"kind": "request", "id": request.id, "decision": "reject"},
            reason=decision.note,
            entity=request.entity,
            elements=sorted({f.element_code for f in request.fields if f.element_code}),
            request_id=request.id,
            detail={"note": decision.note},
        )
        session.flush()
        return request
    end = release_end(request, decision.valid_until, today=today, days=settings.release_days)
    grant = grant_for_request(session, request, valid_until=end, created_by=principal.id, today=today)
    lifecycle.release(request, by=principal.id, note=decision.note, now=now)
    audit.record_act(
        session,
        principal,
        "request.release",
        target={"kind": "request", "id": request.id, "decision": "approve", "grant_id": grant.id},
        reason=decision.note,
        entity=request.entity,
        elements=grant.elements,
        grant_id=grant.id,
        request_id=request.id,
        detail={"valid_until": end.isoformat(), "note": decision.note},
    )
    session.flush()
    return request


def grant_for_request(
    session: Session,
    request: DataRequest,
    *,
    valid_until: date,
    created_by: int | None,
    today: date,
    agreement: Grant | None = None,
    ends_by: date | None = None,
) -> Grant:
    """The grant a request's department reads its answer under: every element it asked but 不予共享,
    until `valid_until` (renewable up to `ends_by`, the approval's 有效期), recording the agreement
    that covered it when it was answered at once."""
    std = current_standard(session)
    elements = sorted(
        {f.element_code for f in request.fields if f.element_code and not never_shared(std, f.element_code)}
    )
    grant = create_grant(
        session,
        department_id=request.department_id,
        entity=request.entity,
        elements=elements,
        schools=request.schools,
        purpose=request.purpose,
        request_id=request.id,
        valid_from=today,
        valid_until=valid_until,
        created_by=created_by,
    )
    grant.agreement_id = agreement.id if agreement is not None else None
    grant.ends_by = ends_by
    session.flush()
    return grant


def settle_duplicate(
    session: Session, duplicate: DataRequest, original: DataRequest, *, now: datetime
) -> None:
    """A duplicate whose original is answered: answered too when nothing it asks needs consent or an
    agreement of its department covers it (read as long as the original's approval lets its own
    department read), otherwise waiting for the education bureau's release."""
    today = local_date(now)
    std = current_standard(session)
    department = PrincipalRepository(session).get(duplicate.department_id)
    conditional = needing_consent(std, [f.element_code for f in duplicate.fields])
    agreement = None
    if conditional and consent_needed(department):
        agreement = covering_agreement(
            session,
            department_id=duplicate.department_id,
            entity=duplicate.entity,
            elements=conditional,
            schools=duplicate.schools,
            division=duplicate.division,
            today=today,
        )
        if agreement is None:
            lifecycle.await_release(duplicate)
            # A release is bounded by the approval the data were collected under.
            duplicate.valid_until = original.valid_until
            return
    lifecycle.answer(duplicate, now=now)
    ends = [d for d in (original.valid_until, agreement.valid_until if agreement else None) if d]
    grant_for_request(
        session,
        duplicate,
        valid_until=min(ends) if ends else today,
        created_by=agreement.created_by if agreement else None,
        today=today,
        agreement=agreement,
        ends_by=original.valid_until,
    )
