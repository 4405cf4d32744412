"""Request intake and decisions: where the dedup matcher meets the store (seed rules 3, 12, 13, 14)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pypinyin import lazy_pinyin
from sqlalchemy.orm import Session

import dedup
import schemas
from hub.access.errors import GrantInactive
from hub.access.models import Grant
from hub.access.scope import bound_division, may_act_at, reach_of
from hub.access.service import active_grant, latest_grant, refusal
from hub.audit import service as audit
from hub.config import DecisionLevel, Settings
from hub.errors import HubError
from hub.holidays.service import work_calendar
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import local_date
from hub.records.errors import SchoolsNotInStore
from hub.records.repository import RecordRepository
from hub.requests import lifecycle, originals, proposals, release, rules
from hub.requests import notify as _notify  # noqa: F401  (registers the answer notices)
from hub.requests import periods as periods_of
from hub.requests.auth import DECIDE, LIST, READ_DATA, RELEASE, SEE_ALL, SUBMIT
from hub.requests.errors import (
    ApprovalNumberInvalid,
    ApprovalNumberRequired,
    DecisionAtAnotherLevel,
    ElementNotForEntity,
    NewElementSpecInvalid,
    NotANewField,
    RejectionNeedsReason,
    RequestNotADuplicate,
    RequestNotAnswered,
    RequestNotFound,
    ScopeEmpty,
    ValidityBeforeDeadline,
    ValidityInPast,
)
from hub.requests.lifecycle import OPEN_STATUSES, RequestStatus
from hub.requests.models import DataRequest, RequestField, status_words
from hub.requests.originals import OriginalSummary
from hub.requests.payloads import DecisionIn, ElementSpecIn, FieldIn, ReleaseIn, RequestIn, Violation
from hub.requests.release import grant_for_request
from hub.requests.repository import RequestRepository
from hub.standard.service import add_elements, current_standard, learn_synonym, learned_synonyms
from schemas.periods import Period

# One matcher per standard version, with the learned synonyms it already knows (building the index is
# the costly part; learning a label on top of it is cheap).
_matchers: dict[int, tuple[dedup.Matcher, frozenset[tuple[str, str]]]] = {}


def matcher_for(session: Session) -> dedup.Matcher:
    """The matcher for the current standard version and every label reviewers have tied to an element."""
    std = current_standard(session)
    synonyms = learned_synonyms(session)
    pairs = frozenset((code, label) for code, labels in synonyms.items() for label in labels)
    cached = _matchers.get(std.version)
    if cached is None or cached[1] - pairs:
        # A label no longer learned (its approval rolled back) must stop matching: start again from the
        # standard, since a matcher only ever learns.
        _matchers.clear()
        matcher = dedup.Matcher(std, extra_synonyms=synonyms)
    else:
        matcher, known = cached
        learned: dict[str, list[str]] = {}
        for code, label in pairs - known:
            learned.setdefault(code, []).append(label)
        if learned:
            matcher = matcher.with_synonyms(learned)
    _matchers[std.version] = (matcher, pairs)
    return matcher


@dataclass(kw_only=True)
class FieldOutcome:
    field: FieldIn
    status: str
    element: schemas.Element | None
    match: dedup.Match
    coverage: float | None = None
    repeated: bool = False
    # For a periodic element: the periods asked, and those the store lacks for the scope.
    periods: periods_of.FieldPeriods | None = None
    missing_periods: list[str] = dataclasses.field(default_factory=list)
    period_coverage: dict[str, float] = dataclasses.field(default_factory=dict)


@dataclass(kw_only=True)
class Classification:
    status: RequestStatus
    fields: list[FieldOutcome]
    schools: list[str] | None
    violations: list[Violation] = field(default_factory=list)
    duplicate_of: DataRequest | None = None
    overlap: float | None = None
    # The standing agreement an answer at once rests on (None: nothing needed consent, or none covers).
    agreement: Grant | None = None


def _scope(session: Session, schools: list[str] | None, division: str | None = None) -> list[str] | None:
    """The request's schools. A requester bounded by a division asks only its own schools: naming none
    means every school of its division; one outside it is refused as unknown (its existence unsaid)."""
    repository = RequestRepository(session)
    if schools is None:
        if division is None:
            return None
        wanted = repository.school_codes_within(division)
    else:
        wanted = list(dict.fromkeys(s.strip() for s in schools))
        known = repository.known_within(wanted, division)
        unknown = [s for s in wanted if s not in known]
        if unknown:
            where_zh = f"本辖区（{division}）" if division else "库中"
            raise SchoolsNotInStore(
                f"范围内有 {len(unknown)} 所学校不在{where_zh}：{'、'.join(unknown[:10])}",
                f"{len(unknown)} schools in scope are not in the store"
                + (f" within division {division}" if division else ""),
                detail={"field": "schools", "unknown": unknown[:100]},
            )
    if not wanted:
        raise ScopeEmpty("学校范围为空", "the school scope is empty", detail={"field": "schools"})
    return wanted


def level_of(session: Session, schools: list[str] | None, division: str | None) -> str | None:
    """A request's level: the narrowest division holding all its schools (its requester's, at most)."""
    if schools is None:
        return division
    reach = reach_of(RequestRepository(session).divisions_of(schools))
    return reach if reach is not None else division


def coverage_of(
    session: Session,
    std: schemas.Standard,
    entity: str,
    elements: list[schemas.Element],
    schools: list[str] | None,
) -> dict[str, float]:
    """Per stored element: the share of the scope's records it applies to that hold a value (an element
    that applies to none of them is fully covered: there is nothing to ask)."""
    totals = RecordRepository(session).element_totals(entity, elements, schools)
    if not totals.records:
        return {}
    return {
        code: filled / totals.applicable[code] if totals.applicable[code] else 1.0
        for code, filled in totals.filled.items()
    }


def period_coverage_of(
    session: Session,
    std: schemas.Standard,
    entity: str,
    wanted: Mapping[str, Sequence[Period]],
    schools: list[str] | None,
) -> dict[str, dict[str, float]]:
    """Per periodic element and period key: the share of the scope's records it applies to that hold a
    value for that period in the store's period table (the coverage rule of `coverage_of`, per period)."""
    by_key: dict[str, list[schemas.Element]] = {}
    for code, periods in wanted.items():
        for period in periods:
            by_key.setdefault(period.key, []).append(std.element(code))
    out: dict[str, dict[str, float]] = {code: {} for code in wanted}
    repository = RecordRepository(session)
    for key, elements in by_key.items():
        totals = repository.element_totals(entity, elements, schools, period=key)
        for element in elements:
            applicable = totals.applicable.get(element.code, 0)
            filled = totals.filled.get(element.code, 0)
            # No record in scope: nothing held (a period is never available for an empty store).
            out[element.code][key] = filled / applicable if applicable else (1.0 if totals.records else 0.0)
    return out


def _norm(label: str) -> str:
    return dedup.normalise(label)


def classify(
    session: Session,
    settings: Settings,
    payload: RequestIn,
    *,
    today: date,
    division: str | None = None,
    requester: Principal | None = None,
) -> Classification:
    """Classify every field, find an open request this one repeats, and check the rules. Stores nothing.
    `division` bounds the requester: its request asks only schools inside it. Gathered data that need
    the owner's consent are answered at once only under an agreement of the requester's that covers
    them (`pending_release` otherwise)."""
    std = current_standard(session)
    schools = _scope(session, payload.schools, division)
    asked_period = periods_of.request_period(payload.period)
    matcher = matcher_for(session)
    matches = periods_of.match_fields(matcher, std, payload.entity, payload.fields, title=payload.title)
    elements = [std.element(m.element) if m.element else None for m in matches]
    elements = [e if e is not None and e.entity == payload.entity else None for e in elements]
    asked = [
        periods_of.field_periods(f.label, e, asked_period, today=today) if e is not None else None
        for f, e in zip(payload.fields, elements, strict=True)
    ]
    coverage = coverage_of(session, std, payload.entity, [e for e in elements if e], schools)
    wanted: dict[str, set[Period]] = {}
    for e, p in zip(elements, asked, strict=True):
        if e is not None and p is not None:
            wanted.setdefault(e.code, set()).update(p.periods)
    by_period = period_coverage_of(
        session,
        std,
        payload.entity,
        {code: sorted(periods) for code, periods in wanted.items()},
        schools,
    )
    seen: dict[str, int] = {}
    outcomes: list[FieldOutcome] = []
    for f, m, e, p in zip(payload.fields, matches, elements, asked, strict=True):
        missing_periods: list[str] = []
        covered = coverage.get(e.code) if e else None
        if e is None:
            status = "new"
        elif e.derivation is not None:
            status = "derived"
        elif p is not None:
            status, missing_periods = periods_of.status_for(
                e, p, by_period.get(e.code, {}), settings.available_coverage
            )
            covered = periods_of.lowest(by_period.get(e.code, {}), p.keys)
        elif coverage.get(e.code, 0.0) >= settings.available_coverage:
            status = "available"
        else:
            status = "missing"
        outcome = FieldOutcome(
            field=f,
            status=status,
            element=e,
            match=m,
            coverage=covered,
            periods=p,
            missing_periods=missing_periods,
            period_coverage={k: by_period.get(e.code, {}).get(k, 0.0) for k in p.keys} if e and p else {},
        )
        if e is not None:
            key = e.code if p is None else f"{e.code}@{','.join(p.keys)}"
            if key in seen:
                outcome.repeated = True
                outcomes[seen[key]].repeated = True
            seen.setdefault(key, len(outcomes))
        outcomes.append(outcome)

    # 不予共享: never released, so never collected for a department either.
    refused = [o for o in outcomes if o.element is not None and o.element.sharing == "not_shared"]
    to_collect = [o for o in outcomes if o.status in ("missing", "new") and o not in refused]
    violations: list[Violation] = []
    calendar = work_calendar(session, settings)
    # Said even when nothing goes to schools: the deadline the department wrote is counted wrongly too.
    unknown_year = rules.unknown_calendar_notice(payload.deadline, today, calendar)
    if unknown_year:
        violations.append(unknown_year)
    if to_collect:
        deadline = rules.deadline_violation(payload.deadline, today, settings, calendar)
        if deadline:
            violations.append(deadline)
    # Every request is screened, answered or not: a forbidden purpose is never answered at once.
    violations += rules.purpose_screen(payload.title, payload.purpose, [o.field.label for o in outcomes])
    if refused:
        violations.append(
            rules.not_shared_refusal([(o.field.label, o.element) for o in refused if o.element])
        )
    notice = rules.recollection_notice([o.field.label for o in outcomes if o.status == "available"])
    if notice and to_collect:
        violations.append(notice)
    repeated = [o.field.label for o in outcomes if o.repeated]
    if repeated:
        violations.append(
            Violation(
                rule="rule 14",
                severity="notice",
                message=f"以下字段指向同一数据元，只需采集一次：{'、'.join(repeated)}",
                message_en="these labels ask for the same element; it is collected once: "
                + ", ".join(repeated),
                detail={"fields": repeated},
            )
        )

    duplicate, overlap = _find_duplicate(session, settings, payload, schools, outcomes, to_collect)
    screened = any(v.severity == "review" and (v.detail or {}).get("screen") for v in violations)
    if any(v.severity == "block" for v in violations):
        status = RequestStatus.REJECTED
    elif screened:
        status = RequestStatus.PENDING_APPROVAL
    elif not to_collect:
        status = RequestStatus.ANSWERED
    elif duplicate is not None:
        status = RequestStatus.DUPLICATE
    else:
        status = RequestStatus.PENDING_APPROVAL
    agreement = None
    if status is RequestStatus.ANSWERED and release.consent_needed(requester):
        conditional = release.needing_consent(
            std, [o.element.code for o in outcomes if o.element is not None and o not in refused]
        )
        if conditional:
            agreement = (
                release.covering_agreement(
                    session,
                    department_id=requester.id,
                    entity=payload.entity,
                    elements=conditional,
                    schools=schools,
                    division=division,
                    today=today,
                )
                if requester is not None
                else None
            )
            if agreement is None:
                status = RequestStatus.PENDING_RELEASE
                violations.append(rules.release_notice(std, conditional))
    return Classification(
        status=status,
        fields=outcomes,
        schools=schools,
        violations=violations,
        duplicate_of=duplicate,
        overlap=overlap,
        agreement=agreement,
    )


def _scopes_overlap(a: list[str] | None, b: list[str] | None) -> bool:
    return a is None or b is None or bool(set(a) & set(b))


def _find_duplicate(
    session: Session,
    settings: Settings,
    payload: RequestIn,
    schools: list[str] | None,
    outcomes: list[FieldOutcome],
    to_collect: list[FieldOutcome],
) -> tuple[DataRequest | None, float | None]:
    """An open request that will collect everything this one lacks, and asks mostly the same things.

    A request that also asks something the open one does not is not a duplicate: it goes on to review,
    where the reviewer sees the overlap.
    """
    if not to_collect:
        return None, None

    def key(o: FieldOutcome) -> str:
        return o.element.code if o.element else f"label:{_norm(o.field.label)}"

    mine = {key(o) for o in outcomes}
    needed = {key(o) for o in to_collect}
    best: tuple[DataRequest | None, float] = (None, 0.0)
    for other in RequestRepository(session).open_for_entity(payload.entity, OPEN_STATUSES):
        if not _scopes_overlap(schools, other.schools):
            continue
        if payload.period and other.period and payload.period != other.period:
            continue
        theirs = {f.element_code or f"label:{_norm(f.label)}" for f in other.fields}
        if not needed <= theirs:
            continue
        overlap = len(mine & theirs) / len(mine)
        if overlap >= settings.duplicate_overlap and overlap > best[1]:
            best = (other, overlap)
    return best if best[0] is not None else (None, None)


def submit(
    session: Session, settings: Settings, principal: Principal, payload: RequestIn, *, now: datetime
) -> DataRequest:
    """Store a request with its classification; answer it at once when the store holds everything."""
    SUBMIT.check(principal)
    bound = bound_division(principal)
    today = local_date(now)
    result = classify(session, settings, payload, today=today, division=bound, requester=principal)
    std = current_standard(session)
    request = DataRequest(
        department_id=principal.id,
        title=payload.title,
        purpose=payload.purpose,
        entity=payload.entity,
        schools=result.schools,
        division=level_of(session, result.schools, bound),
        period=payload.period,
        deadline=payload.deadline,
        standard_version=std.version,
        duplicate_of=result.duplicate_of.id if result.duplicate_of else None,
        overlap=result.overlap,
        violations=[v.model_dump(mode="json") for v in result.violations],
        created_at=now,
    )
    request.fields = [
        RequestField(
            position=i,
            label=o.field.label,
            value_type=o.field.type,
            description=o.field.description,
            status=o.status,
            element_code=o.element.code if o.element else None,
            confidence=o.match.confidence,
            match_kind=o.match.kind,
            explanation_zh=o.match.explanation_zh,
            explanation_en=o.match.explanation_en,
            conversion=_conversion(o.match),
            derived_from=list(o.match.derived_from),
            alternatives=[_alternative(a) for a in o.match.alternatives],
            repeated_in_request=o.repeated,
            periods=o.periods.keys if o.periods else None,
            missing_periods=o.missing_periods or None,
            period_span=bool(o.periods and o.periods.span),
        )
        for i, o in enumerate(result.fields)
    ]
    lifecycle.submitted(request)
    lifecycle.classified(request, result.status, now=now)
    RequestRepository(session).add(request)
    release_end = today + timedelta(days=settings.release_days)
    if result.status is RequestStatus.ANSWERED:
        agreement = result.agreement
        grant = grant_for_request(
            session,
            request,
            valid_until=(agreement.valid_until if agreement else None) or release_end,
            created_by=agreement.created_by if agreement else None,
            today=today,
            agreement=agreement,
        )
        audit.append(
            session,
            principal=principal,
            action="request.answered",
            entity=request.entity,
            elements=grant.elements,
            grant_id=grant.id,
            request_id=request.id,
            detail={
                "agreement_id": agreement.id if agreement else None,
                "valid_until": grant.valid_until.isoformat() if grant.valid_until else None,
            },
        )
    # A duplicate gets its grant when its original is answered (release.settle_duplicate).
    return request


def _conversion(match: dedup.Match) -> dict[str, Any] | None:
    conversion = getattr(match, "conversion", None)
    if conversion is None:
        return None
    if isinstance(conversion, dict):
        return conversion
    if hasattr(conversion, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(conversion)
    return {"factor": conversion}


def _alternative(alternative: Any) -> dict[str, Any]:
    if isinstance(alternative, dict):
        return alternative
    if hasattr(alternative, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(alternative)
    if isinstance(alternative, tuple) and len(alternative) == 2:
        return {"element": alternative[0], "score": alternative[1]}
    return {"element": str(alternative)}


def get_request(session: Session, principal: Principal, request_id: int) -> DataRequest:
    """A request its department, or a statistics bureau, education bureau or admin whose division it
    reaches, may see (404 for anyone else: not even its existence is confirmed)."""
    within_division = None if principal.role is Role.DEPARTMENT else bound_division(principal)
    request = RequestRepository(session).get(request_id, within_division=within_division)
    if request is None or not can_see(principal, request):
        raise RequestNotFound(f"采集需求 {request_id} 不存在", f"request {request_id} not found")
    return request


def original_of(session: Session, principal: Principal, request_id: int) -> OriginalSummary:
    """The original a duplicate `request_id` (one the caller may see) is pointed at, summarised."""
    duplicate = get_request(session, principal, request_id)
    original = RequestRepository(session).get(duplicate.duplicate_of) if duplicate.duplicate_of else None
    if original is None:
        raise RequestNotADuplicate(
            f"采集需求 {request_id} 不是重复需求，没有对应的原需求",
            f"request {request_id} is no duplicate, so it has no original",
            detail={"request_id": request_id, "status": duplicate.status},
        )
    asked = originals.asked_keys(
        {f.element_code for f in duplicate.fields if f.element_code},
        [f.label for f in duplicate.fields if f.element_code is None],
    )
    return originals.summary(
        session,
        original,
        duplicate=duplicate,
        asked=asked,
        overlap=duplicate.overlap,
        full_view=can_see(principal, original),
    )


def original_by_pass(
    session: Session, settings: Settings, principal: Principal, original_id: int, *, today: date, **link: str
) -> OriginalSummary:
    """The outline of the original a dry run pointed `principal` at, from the link it was given."""
    original = RequestRepository(session).get(original_id)
    return originals.by_pass(
        session,
        settings.secret_key.get_secret_value(),
        principal,
        original_id,
        today=today,
        full_view=original is not None and can_see(principal, original),
        shared=link.get("shared", ""),
        overlap=link.get("overlap", ""),
        until=link.get("until", ""),
        sig=link.get("sig", ""),
    )


def original_link(
    settings: Settings, principal: Principal, result: Classification, *, today: date
) -> str | None:
    """The link a dry run's duplicate notice carries to the outline of its original."""
    if result.duplicate_of is None:
        return None
    asked = originals.asked_keys(
        {o.element.code for o in result.fields if o.element is not None},
        [o.field.label for o in result.fields if o.element is None],
    )
    return originals.pass_link(
        settings.secret_key.get_secret_value(),
        principal,
        result.duplicate_of,
        asked=asked,
        overlap=result.overlap,
        today=today,
    )


def visible_requests(
    session: Session, principal: Principal, *, statuses: list[str] | None = None, limit: int = 200
) -> list[DataRequest]:
    """The requests `principal` may see: a department its own; a bureau those its division reaches."""
    LIST.check(principal)
    if principal.role is Role.DEPARTMENT:
        return RequestRepository(session).list(department_id=principal.id, statuses=statuses, limit=limit)
    return RequestRepository(session).list(
        statuses=statuses, within_division=bound_division(principal), limit=limit
    )


def can_see(principal: Principal, request: DataRequest) -> bool:
    if SEE_ALL.allows(principal):
        return True
    if principal.role is Role.DEPARTMENT:
        return request.department_id == principal.id
    return False


def _slug(label: str) -> str:
    words = lazy_pinyin(dedup.normalise(label))
    slug = re.sub(r"[^a-z0-9]+", "_", "_".join(words).lower()).strip("_")
    return (slug or "field")[:40]


def new_element_for(
    std: schemas.Standard,
    entity: str,
    f: RequestField,
    taken: set[str],
    spec: ElementSpecIn | None = None,
) -> schemas.Element:
    """The element an approved new field becomes: its label as the zh label, and the checks the bureau
    set (or, where it set none, the proposal from the label: 学时 an integer 0–1000, 日期 not in the future)."""
    base = f"x_{_slug(f.label)}"
    name, n = base, 2
    existing = {e.name for e in std.elements_for(entity)} | taken
    while name in existing:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    checks = proposed_checks(f)
    if spec is not None:
        fields = {"type": "value_type", "min": "min_value", "max": "max_value"}
        set_by_bureau = {fields.get(k, k): getattr(spec, k) for k in spec.model_fields_set}
        checks = proposals.with_changes(checks, set_by_bureau)
    if checks.code_list is not None and checks.code_list not in {c.name for c in std.code_lists}:
        raise NewElementSpecInvalid(
            f"“{f.label}”：代码表 {checks.code_list} 不在数据标准中",
            f"{f.label!r}: the code list {checks.code_list!r} is not in the standard",
            detail={"field": f.label, "code_list": checks.code_list},
        )
    try:
        return schemas.Element(
            code=f"{entity}.{name}",
            entity=entity,
            name=name,
            label_zh=f.label,
            label_en=f"{f.label} (approved new element)",
            value_type=checks.value_type,
            code_list=checks.code_list if checks.value_type == "code" else None,
            unit=checks.unit or None,
            min_value=checks.min_value if checks.value_type in ("integer", "decimal") else None,
            max_value=checks.max_value if checks.value_type in ("integer", "decimal") else None,
            future_allowed=checks.future_allowed,
            sensitivity="personal" if entity == "teacher" else "internal",
            description_zh=f.description or "",
            description_en=f"added by approval of request {f.request_id}",
        )
    except schemas.InvalidStandardError as exc:
        raise NewElementSpecInvalid(
            f"“{f.label}”的检查设置有误：{exc.reason_zh}",
            f"the checks set for {f.label!r} do not fit: {exc.reason_en}",
            detail={"field": f.label},
        ) from None


def proposed_checks(f: RequestField) -> proposals.ElementSpec:
    """What the hub proposes a new field's element checks, from its label and declared type."""
    return proposals.propose(f.label, f.value_type)


def decide(
    session: Session,
    principal: Principal,
    request_id: int,
    decision: DecisionIn,
    *,
    now: datetime,
    level: DecisionLevel = "request",
) -> DataRequest:
    """The statistics bureau approves (new fields become elements) or rejects a waiting request."""
    DECIDE.check(principal)
    request = get_request(session, principal, request_id)
    if not may_act_at(bound_division(principal), request.division, or_above=level == "request_or_above"):
        raise DecisionAtAnotherLevel(
            f"采集需求 {request_id} 属于 {request.division or '全域'} 一级，由该级统计机构审批",
            f"request {request_id} is decided by the statistics bureau of {request.division or 'the whole hub'}",
            detail={"division": request.division, "decision_level": level},
        )
    lifecycle.awaiting_decision(request)
    if decision.decision == "reject":
        if not decision.note:
            raise RejectionNeedsReason(
                "驳回须说明理由", "a rejection needs a reason (note)", detail={"field": "note"}
            )
        lifecycle.reject(request, by=principal.id, note=decision.note, now=now)
        # Requests pointed at this one would wait for an answer that never comes: each goes to review.
        for duplicate in RequestRepository(session).duplicates_of(request.id):
            lifecycle.orphaned(duplicate)
        session.flush()
        audit.record_act(
            session,
            principal,
            "request.decision",
            target={"kind": "request", "id": request.id, "decision": "reject"},
            reason=decision.note,
            entity=request.entity,
            request_id=request.id,
        )
        return request
    if not decision.approval_number:
        raise ApprovalNumberRequired(
            "批准须填写批准文号",
            "an approval needs an approval_number (批准文号)",
            detail={"field": "approval_number"},
        )
    check_approval_number(decision.approval_number, today=local_date(now))
    # Unless the bureau says otherwise, an approval runs to the end of the year, and at least to the
    # request's own deadline (a collection must not outlive its approval).
    valid_until = decision.valid_until or max(
        date(local_date(now).year, 12, 31), request.deadline or date.min
    )
    if valid_until < local_date(now):
        raise ValidityInPast(
            f"有效期至 {valid_until} 已过",
            f"valid_until {valid_until} is in the past",
            detail={"field": "valid_until", "value": valid_until.isoformat()},
        )
    if request.deadline is not None and valid_until < request.deadline:
        # Schools would still be filling a collection whose approval had ended (seed rule 13).
        raise ValidityBeforeDeadline(
            f"有效期至 {valid_until} 早于采集需求 {request.id} 的截止日期 {request.deadline}",
            f"valid_until {valid_until} is before the deadline of request {request.id} ({request.deadline})",
            detail={
                "field": "valid_until",
                "value": valid_until.isoformat(),
                "request_id": request.id,
                "deadline": request.deadline.isoformat(),
            },
        )
    std = current_standard(session)
    _apply_reviewer_mappings(session, std, request, decision, principal)
    taken: set[str] = set()
    new_fields = [f for f in request.fields if f.element_code is None]
    for label in decision.elements or {}:
        if label not in {f.label for f in new_fields}:
            raise NotANewField(
                f"“{label}”不是该需求中的新字段",
                f"{label!r} is not a new field of this request",
                detail={"field": "elements", "value": label},
            )
    # A label an earlier approval already made an element of (two requests waiting with the same new
    # field, approved one after the other) is that element, not a second one with the same name.
    approved = {_norm(e.label_zh): e for e in std.elements_for(request.entity)}
    # A "new" field the standard already names (编制类别, a synonym of 编制情况, asked without its options)
    # is that element: a second element of the same name would split one datum in two, and every later
    # request for it would miss the data gathered under the other (issue 13, class 6).
    named = {
        _norm(term): e for e in std.elements_for(request.entity) if not e.derived for term in e.terms if term
    }
    by_label: dict[str, schemas.Element] = {}
    known: set[str] = set()
    added: list[schemas.Element] = []
    for f in new_fields:
        key = _norm(f.label)
        if key in by_label:
            continue
        spec = (decision.elements or {}).get(f.label)
        if key in approved and not spec:
            by_label[key] = approved[key]
            continue
        if key in named and key not in approved:
            if spec:
                raise NewElementSpecInvalid(
                    f"“{f.label}”已是数据元“{named[key].label_zh}”（{named[key].code}）的名称，不能另设新数据元",
                    f"{f.label!r} already names element {named[key].code}: it cannot become a new element",
                    detail={"field": f.label, "element": named[key].code},
                )
            by_label[key] = named[key]
            known.add(key)
            continue
        by_label[key] = new_element_for(std, request.entity, f, taken, spec)
        added.append(by_label[key])
    if added:
        add_elements(
            session,
            added,
            principal_id=principal.id,
            note=(
                f"采集需求 {request.id}「{request.title}」，批准文号 {decision.approval_number} / "
                f"request {request.id}: {request.title} ({decision.approval_number})"
            ),
        )
    for f in new_fields:
        element = by_label[_norm(f.label)]
        f.element_code, f.status, f.match_kind, f.confidence = element.code, "missing", "approved", 1.0
        if _norm(f.label) in known:
            f.explanation_zh = f"经统计机构批准（{decision.approval_number}）；“{f.label}”是数据元“{element.label_zh}”的名称，即该数据元"
            f.explanation_en = (
                f"approved ({decision.approval_number}); {f.label} is a name of element {element.code}, so it is"
                " that element"
            )
            learn_synonym(
                session, element.code, f.label, principal_id=principal.id, source=f"request {request.id}"
            )
            continue
        f.explanation_zh = f"经统计机构批准（{decision.approval_number}）新增为数据元“{element.label_zh}”"
        f.explanation_en = f"approved as new element {element.code} ({decision.approval_number})"
    lifecycle.approve(request, by=principal.id, note=decision.note, now=now)
    request.approval_number = decision.approval_number
    request.form_number = decision.form_number
    request.valid_until = valid_until
    # The collection's data are read until the approval's 有效期 and no longer.
    grant = grant_for_request(
        session,
        request,
        valid_until=valid_until,
        created_by=principal.id,
        today=local_date(now),
        ends_by=valid_until,
    )
    session.flush()
    audit.record_act(
        session,
        principal,
        "request.decision",
        target={"kind": "request", "id": request.id, "decision": "approve"},
        reason=decision.note,
        entity=request.entity,
        elements=sorted({f.element_code for f in request.fields if f.element_code}),
        request_id=request.id,
        grant_id=grant.id,
        detail={
            "approval_number": decision.approval_number,
            "valid_until": valid_until.isoformat(),
            "new_elements": [e.code for e in added],
        },
    )
    return request


# 批准文号: the approving body, the year in brackets of any usual kind, the number, 号 (统制〔2026〕12号).
APPROVAL_NUMBER = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,20}[〔\[【(（](\d{4})[〕\]】)）]第?[1-9]\d{0,5}号$")


def check_approval_number(number: str, *, today: date) -> None:
    """Refuse an approval number that is not written as one, or carries a year it cannot have."""
    found = APPROVAL_NUMBER.match(number.strip())
    year = int(found.group(1)) if found else None
    if year is not None and 2000 <= year <= today.year + 1:
        return
    reason = (
        (
            f"年份不对（应为 2000 至 {today.year + 1} 年）",
            f"its year must be 2000 to {today.year + 1}",
        )
        if found
        else (
            "格式应为“机关代字〔年份〕N号”，如 统制〔2026〕12号",
            "write it as 统制〔2026〕12号: body, 〔year〕, number, 号",
        )
    )
    raise ApprovalNumberInvalid(
        f"批准文号“{number}”{reason[0]}",
        f"approval number {number!r}: {reason[1]}",
        detail={"field": "approval_number", "value": number},
    )


def decide_many(
    session: Session,
    principal: Principal,
    request_ids: Sequence[int],
    decision: DecisionIn,
    *,
    now: datetime,
    level: DecisionLevel = "request",
) -> list[DataRequest]:
    """One decision (one 批准文号 and 有效期至) for several waiting requests, all or none: each is
    decided and recorded on its own; the first refusal names its request and nothing is decided."""
    DECIDE.check(principal)
    if decision.decision == "approve" and decision.approval_number:
        check_approval_number(decision.approval_number, today=local_date(now))
    decided = []
    for request_id in dict.fromkeys(request_ids):
        try:
            decided.append(decide(session, principal, request_id, decision, now=now, level=level))
        except HubError as exc:
            exc.message_zh = f"采集需求 {request_id} 未能处理：{exc.message_zh}"
            exc.message_en = f"request {request_id} could not be decided: {exc.message_en}"
            exc.args = (exc.message,)
            base = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail}
            exc.detail = {**base, "request_id": request_id}
            raise
    return decided


def release_request(
    session: Session,
    settings: Settings,
    principal: Principal,
    request_id: int,
    decision: ReleaseIn,
    *,
    now: datetime,
) -> DataRequest:
    """The education bureau of the request's level or above releases (or refuses) gathered data."""
    RELEASE.check(principal)
    request = get_request(session, principal, request_id)
    if not may_act_at(bound_division(principal), request.division, or_above=True):
        raise RequestNotFound(f"采集需求 {request_id} 不存在", f"request {request_id} not found")
    return release.decide(session, settings, principal, request, decision, now=now)


def release_review(
    session: Session, principal: Principal, request_id: int, *, today: date
) -> release.ReleaseReview:
    """What releasing `request_id` would hand over (the education bureau's review)."""
    RELEASE.check(principal)
    request = get_request(session, principal, request_id)
    return release.review(session, current_standard(session), request, today=today)


def _apply_reviewer_mappings(
    session: Session, std: schemas.Standard, request: DataRequest, decision: DecisionIn, principal: Principal
) -> None:
    """A reviewer who recognises a "new" field as an existing element ties them; the label is learned."""
    labels = {f.label for f in request.fields if f.element_code is None}
    for label, code in (decision.mappings or {}).items():
        if label not in labels:
            raise NotANewField(
                f"“{label}”不是该需求中的新字段",
                f"{label!r} is not a new field of this request",
                detail={"field": "mappings", "value": label},
            )
        if not std.has_element(code) or std.element(code).entity != request.entity:
            raise ElementNotForEntity(
                f"数据元 {code} 不存在或不属于{request.entity}",
                f"element {code} does not exist for {request.entity}",
                detail={"field": "mappings", "value": code},
            )
        element = std.element(code)
        for f in request.fields:
            if f.label == label and f.element_code is None:
                f.element_code, f.match_kind, f.confidence = code, "reviewer", 1.0
                f.status = "derived" if element.derivation is not None else "missing"
                f.explanation_zh = f"统计机构审核认定为已有数据元“{element.label_zh}”"
                f.explanation_en = (
                    f"the reviewer identified it as existing element {element.label_en} ({code})"
                )
        learn_synonym(session, code, label, principal_id=principal.id, source=f"request {request.id}")


# --- who may read an answered request's data ----------------------------------------------------


def readable_request(
    session: Session, principal: Principal, request_id: int, *, today: date
) -> tuple[DataRequest, Grant]:
    """The request and the grant under which `principal` reads its data (404 / 403 / 409 otherwise)."""
    request = get_request(session, principal, request_id)
    READ_DATA.check(principal)
    source = request
    if request.status == RequestStatus.DUPLICATE and request.duplicate_of:
        source = RequestRepository(session).get(request.duplicate_of) or request
    # A read never moves a request: one past its deadline is readable now and recorded answered by the
    # scheduler's job (or the next submission).
    if not lifecycle.answered_by(source, today):
        raise RequestNotAnswered(
            f"采集需求 {request_id} 尚未完成（{status_words(source.status)[0]}）",
            f"request {request_id} is not answered yet ({status_words(source.status)[1]})",
            detail={"status": source.status},
        )
    grant = active_grant(session, request_id=request.id, department_id=request.department_id, today=today)
    if grant is None:
        latest = latest_grant(session, request_id=request.id, department_id=request.department_id)
        if latest is None:
            raise GrantInactive("该需求没有数据授权", "no grant lets this request's data be read")
        raise refusal(session, latest, today)
    return request, grant
