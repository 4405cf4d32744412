from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from hub.access.scope import bound_division
from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep, SettingsDep, read_only
from hub.errors import error_responses
from hub.identity.repository import PrincipalRepository
from hub.kit.clock import local_today
from hub.requests import service
from hub.requests.auth import Lister, Releaser, Requester, Statistics
from hub.requests.lifecycle import RequestStatus
from hub.requests.models import DataRequest
from hub.requests.payloads import (
    BatchDecisionIn,
    BatchReleaseIn,
    DecisionIn,
    EarlierReleaseOut,
    ElementUseOut,
    FieldOut,
    FieldPeriodOut,
    ReleaseIn,
    ReleaseReviewOut,
    RequestIn,
    RequestOut,
    Violation,
)
from hub.standard.service import current_standard
from schemas.periods import parse_period

router = APIRouter(prefix="/requests", tags=["requests"])


def _field_out(outcome: service.FieldOutcome) -> FieldOut:
    m = outcome.match
    return FieldOut(
        label=outcome.field.label,
        status=outcome.status,  # type: ignore[arg-type]
        element=outcome.element.code if outcome.element else None,
        element_label=outcome.element.label_zh if outcome.element else None,
        confidence=round(m.confidence, 3),
        kind=m.kind,
        explanation=m.explanation_zh,
        explanation_en=m.explanation_en,
        derived_from=list(m.derived_from),
        conversion=service._conversion(m),
        alternatives=[service._alternative(a) for a in m.alternatives],
        repeated_in_request=outcome.repeated,
        coverage=round(outcome.coverage, 4) if outcome.coverage is not None else None,
        periods=[
            _period_out(
                key, held=key not in outcome.missing_periods, coverage=outcome.period_coverage.get(key)
            )
            for key in (outcome.periods.keys if outcome.periods else [])
        ],
        period_span=bool(outcome.periods and outcome.periods.span),
    )


def _period_out(key: str, *, held: bool, coverage: float | None = None) -> FieldPeriodOut:
    period = parse_period(key)
    return FieldPeriodOut(
        period=key,
        label=period.label_zh,
        label_en=period.label_en,
        held=held,
        coverage=round(coverage, 4) if coverage is not None else None,
    )


def request_out(
    request: DataRequest, *, department: str | None = None, labels: dict[str, str] | None = None
) -> RequestOut:
    labels = labels or {}
    return RequestOut(
        id=request.id,
        status=request.status,
        title=request.title,
        purpose=request.purpose,
        entity=request.entity,
        department=department,
        schools=request.schools,
        period=request.period,
        deadline=request.deadline,
        fields=[
            FieldOut(
                label=f.label,
                status=f.status,  # type: ignore[arg-type]
                element=f.element_code,
                element_label=labels.get(f.element_code or ""),
                confidence=round(f.confidence, 3),
                kind=f.match_kind,
                explanation=f.explanation_zh,
                explanation_en=f.explanation_en,
                derived_from=f.derived_from or [],
                conversion=f.conversion,
                alternatives=f.alternatives or [],
                repeated_in_request=f.repeated_in_request,
                periods=[_period_out(k, held=k not in (f.missing_periods or [])) for k in f.periods or []],
                period_span=f.period_span,
            )
            for f in request.fields
        ],
        duplicate_of=request.duplicate_of,
        original_link=f"/requests/{request.id}/original" if request.duplicate_of else None,
        overlap=request.overlap,
        violations=[Violation(**v) for v in request.violations or []],
        form_number=request.form_number,
        approval_number=request.approval_number,
        valid_until=request.valid_until,
        decision_note=request.decision_note,
        created_at=request.created_at,
        answered_at=request.answered_at,
    )


def _out(session: service.Session, request: DataRequest) -> RequestOut:
    std = current_standard(session)
    labels = {e.code: e.label_zh for e in std.elements}
    department = PrincipalRepository(session).get(request.department_id)
    return request_out(request, department=department.name if department else None, labels=labels)


@router.post("/check", response_model=RequestOut, responses=error_responses(401, 403, 422))
@read_only
def check_request(
    payload: RequestIn, session: SessionDep, settings: SettingsDep, principal: Requester
) -> RequestOut:
    """Dry run: classify every field, find duplicates and rule breaks; stores nothing."""
    result = service.classify(
        session,
        settings,
        payload,
        today=local_today(),
        division=bound_division(principal),
        requester=principal,
    )
    return RequestOut(
        id=None,
        status=result.status,
        title=payload.title,
        purpose=payload.purpose,
        entity=payload.entity,
        schools=result.schools,
        period=payload.period,
        deadline=payload.deadline,
        fields=[_field_out(o) for o in result.fields],
        duplicate_of=result.duplicate_of.id if result.duplicate_of else None,
        original_link=service.original_link(settings, principal, result, today=local_today()),
        overlap=result.overlap,
        violations=result.violations,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RequestOut,
    responses=error_responses(401, 403, 422),
)
def submit_request(
    payload: RequestIn, session: SessionDep, settings: SettingsDep, principal: Requester
) -> RequestOut:
    """Submit a data-collection request: answered at once, pointed at a duplicate, refused, or sent to review."""
    request = service.submit(session, settings, principal, payload, now=utcnow())
    return _out(session, request)


@router.get("", response_model=list[RequestOut], responses=error_responses(401, 403))
def list_requests(
    session: SessionDep,
    principal: Lister,
    status_filter: Annotated[list[RequestStatus] | None, Query(alias="status")] = None,
) -> list[RequestOut]:
    """Requests the caller may see: a department its own; the bureaus and admins all. An unknown
    `status` is a 422 naming the statuses there are."""
    statuses = [s.value for s in status_filter] if status_filter else None
    requests = service.visible_requests(session, principal, statuses=statuses)
    return [_out(session, r) for r in requests]


@router.get("/{request_id}", response_model=RequestOut, responses=error_responses(401, 404))
def get_request(request_id: int, session: SessionDep, principal: PrincipalDep) -> RequestOut:
    """One request with its fields, classification, decision and violations."""
    return _out(session, service.get_request(session, principal, request_id))


@router.post(
    "/{request_id}/decision", response_model=RequestOut, responses=error_responses(401, 403, 404, 409, 422)
)
def decide(
    request_id: int, payload: DecisionIn, session: SessionDep, settings: SettingsDep, principal: Statistics
) -> RequestOut:
    """The statistics bureau approves (with 批准文号 and 有效期至) or rejects (with a reason) a waiting request."""
    return _out(
        session,
        service.decide(session, principal, request_id, payload, now=utcnow(), level=settings.decision_level),
    )


@router.post(
    "/decisions", response_model=list[RequestOut], responses=error_responses(401, 403, 404, 409, 422)
)
def decide_many(
    payload: BatchDecisionIn, session: SessionDep, settings: SettingsDep, principal: Statistics
) -> list[RequestOut]:
    """One decision (one 批准文号 and 有效期至) for several waiting requests, all or none; each recorded."""
    decision = DecisionIn(**payload.model_dump(exclude={"request_ids"}))
    decided = service.decide_many(
        session, principal, payload.request_ids, decision, now=utcnow(), level=settings.decision_level
    )
    return [_out(session, r) for r in decided]


@router.get(
    "/{request_id}/release", response_model=ReleaseReviewOut, responses=error_responses(401, 403, 404)
)
def release_review(request_id: int, session: SessionDep, principal: Releaser) -> ReleaseReviewOut:
    """What releasing a request's gathered data would hand over: which elements (their sharing type,
    sensitivity, masking), how many schools and records, the purpose, and earlier releases to the same
    department (education only)."""
    picture = service.release_review(session, principal, request_id, today=local_today())
    request = picture.request
    return ReleaseReviewOut(
        request_id=request.id,
        title=request.title,
        status=request.status,
        department=picture.department,
        purpose=request.purpose,
        elements=[ElementUseOut(**vars(e)) for e in picture.elements],
        refused=picture.refused,
        schools=picture.schools,
        records=picture.records,
        approval_valid_until=request.valid_until,
        earlier=[EarlierReleaseOut(**vars(e)) for e in picture.earlier],
    )


@router.post(
    "/{request_id}/release", response_model=RequestOut, responses=error_responses(401, 403, 404, 409, 422)
)
def release(
    request_id: int, payload: ReleaseIn, session: SessionDep, settings: SettingsDep, principal: Releaser
) -> RequestOut:
    """The education bureau, owner of the gathered data, releases them to the requesting department
    until `valid_until` (approve) or refuses with a reason (reject). Only for `pending_release`."""
    return _out(
        session, service.release_request(session, settings, principal, request_id, payload, now=utcnow())
    )


@router.post("/releases", response_model=list[RequestOut], responses=error_responses(401, 403, 404, 409, 422))
def release_many(
    payload: BatchReleaseIn, session: SessionDep, settings: SettingsDep, principal: Releaser
) -> list[RequestOut]:
    """Decide several waiting releases in one call (all or none)."""
    decision = ReleaseIn(**payload.model_dump(exclude={"request_ids"}))
    return [
        _out(session, service.release_request(session, settings, principal, rid, decision, now=utcnow()))
        for rid in payload.request_ids
    ]
