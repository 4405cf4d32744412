"""Where a request stands, and the one place that moves it (every `request.status =` of the hub is here).

Each transition is a function: it checks the move is allowed from where the request stands (a named
error otherwise) and records it on the request (status, and who and when where the request keeps it).
Reads never move a request: an overdue published request is answered by the scheduler's daily job
(`hub.tasks.service.close_due_requests`) and by the writes that need it (a submission, 确认完成).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from hub.requests.errors import RequestNotPending, TransitionNotAllowed
from hub.requests.models import DataRequest, status_words


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"  # stored, not yet classified (never seen outside a transaction)
    PENDING_APPROVAL = "pending_approval"  # new fields wait for the statistics bureau
    PENDING_RELEASE = "pending_release"  # gathered data wait for the education bureau's release
    APPROVED = "approved"
    PUBLISHED = "published"  # tasks are out at schools
    ANSWERED = "answered"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"  # an open request covers it; answered with it
    CLOSED = "closed"  # withdrawn or expired without an answer


# From each status, where a request may go next.
ALLOWED: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.SUBMITTED: frozenset(
        {
            RequestStatus.PENDING_APPROVAL,
            RequestStatus.PENDING_RELEASE,
            RequestStatus.ANSWERED,
            RequestStatus.REJECTED,
            RequestStatus.DUPLICATE,
        }
    ),
    RequestStatus.PENDING_APPROVAL: frozenset(
        {RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.CLOSED}
    ),
    RequestStatus.PENDING_RELEASE: frozenset(
        {RequestStatus.ANSWERED, RequestStatus.REJECTED, RequestStatus.CLOSED}
    ),
    RequestStatus.APPROVED: frozenset({RequestStatus.PUBLISHED, RequestStatus.CLOSED}),
    RequestStatus.PUBLISHED: frozenset({RequestStatus.ANSWERED, RequestStatus.CLOSED}),
    # A duplicate whose original ends unanswered goes to review on its own.
    # A duplicate answered with its original waits for a release when no agreement covers its department.
    RequestStatus.DUPLICATE: frozenset(
        {
            RequestStatus.ANSWERED,
            RequestStatus.CLOSED,
            RequestStatus.PENDING_APPROVAL,
            RequestStatus.PENDING_RELEASE,
        }
    ),
    RequestStatus.ANSWERED: frozenset(),
    RequestStatus.REJECTED: frozenset(),
    RequestStatus.CLOSED: frozenset(),
}
# Requests a new one may duplicate: still collecting.
OPEN_STATUSES = (RequestStatus.PENDING_APPROVAL, RequestStatus.APPROVED, RequestStatus.PUBLISHED)
# What intake may conclude.
INTAKE_OUTCOMES = ALLOWED[RequestStatus.SUBMITTED]


def answered_by(request: DataRequest, today: date) -> bool:
    """Whether the request's answer stands: answered, or published with its deadline passed (what came
    in is the answer, even before the scheduler's job has recorded it)."""
    if request.status == RequestStatus.ANSWERED:
        return True
    return (
        request.status == RequestStatus.PUBLISHED
        and request.deadline is not None
        and request.deadline < today
    )


def _move(request: DataRequest, to: RequestStatus) -> None:
    current = RequestStatus(request.status)
    if to not in ALLOWED[current]:
        raise TransitionNotAllowed(
            f"采集需求 {request.id} {status_words(current)[0]}，不能变为“{status_words(to)[0]}”",
            f"request {request.id} is {status_words(current)[1]} and cannot become {status_words(to)[1]}",
            detail={"status": str(current), "to": str(to)},
        )
    request.status = to


def submitted(request: DataRequest) -> DataRequest:
    """A new request starts here, before intake classifies it."""
    request.status = RequestStatus.SUBMITTED
    return request


def classified(request: DataRequest, outcome: RequestStatus, *, now: datetime) -> None:
    """Intake's conclusion: answered at once, pending approval or release, a duplicate, or rejected."""
    _move(request, outcome)
    if outcome is RequestStatus.ANSWERED:
        request.answered_at = now


def awaiting_decision(request: DataRequest) -> None:
    """Refuses (RequestNotPending) unless the request waits for the statistics bureau's decision."""
    if request.status != RequestStatus.PENDING_APPROVAL:
        raise RequestNotPending(
            f"采集需求 {request.id} {status_words(request.status)[0]}，不在待审批队列",
            f"request {request.id} is {status_words(request.status)[1]}, not waiting for a decision",
            detail={"status": request.status},
        )


def approve(request: DataRequest, *, by: int, note: str | None, now: datetime) -> None:
    """The statistics bureau approves a waiting request (its new fields become elements)."""
    awaiting_decision(request)
    _move(request, RequestStatus.APPROVED)
    request.decided_at, request.decided_by, request.decision_note = now, by, note


def reject(request: DataRequest, *, by: int, note: str | None, now: datetime) -> None:
    """The statistics bureau (or the education bureau, for a release) refuses a waiting request."""
    if request.status not in (RequestStatus.PENDING_APPROVAL, RequestStatus.PENDING_RELEASE):
        awaiting_decision(request)
    _move(request, RequestStatus.REJECTED)
    request.decided_at, request.decided_by, request.decision_note = now, by, note


def release(request: DataRequest, *, by: int, note: str | None, now: datetime) -> None:
    """The education bureau releases the gathered data a request waits for: it is answered."""
    _move(request, RequestStatus.ANSWERED)
    request.decided_at, request.decided_by, request.decision_note = now, by, note
    request.answered_at = now


def await_release(request: DataRequest) -> None:
    """A duplicate whose original was answered, for a department no agreement covers: its data wait for
    the education bureau's release like any other request's."""
    _move(request, RequestStatus.PENDING_RELEASE)


def orphaned(request: DataRequest) -> None:
    """A duplicate whose original was refused or closed: it no longer points at it and waits for the
    statistics bureau's review of its own."""
    _move(request, RequestStatus.PENDING_APPROVAL)
    request.duplicate_of = None
    request.overlap = None


def publish(request: DataRequest, *, by: int, now: datetime) -> None:
    """The education bureau sends an approved request's tasks to schools."""
    _move(request, RequestStatus.PUBLISHED)
    request.published_at, request.published_by = now, by


def answer(request: DataRequest, *, now: datetime) -> None:
    """Every task is in (or the deadline passed), a release was granted, or the original was answered."""
    _move(request, RequestStatus.ANSWERED)
    request.answered_at = now


def close(session: Session, request: DataRequest, *, now: datetime) -> None:
    """A request that ends without an answer (withdrawn, or its approval lapsed before publication)."""
    _move(request, RequestStatus.CLOSED)
    session.flush()
