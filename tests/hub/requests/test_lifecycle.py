"""A request's status moves only through hub/requests/lifecycle.py, and only where it may go."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

import hub
from hub.requests import lifecycle
from hub.requests.errors import RequestNotPending, TransitionNotAllowed
from hub.requests.lifecycle import ALLOWED, RequestStatus
from hub.requests.models import DataRequest, status_words

HUB = Path(hub.__file__).parent
NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)
# Objects of the hub that carry a `status` of their own (not a request's): a task, a source run, a complaint,
# a webhook delivery, a secondment, an item of the annual list (hub/register/lists.py).
OTHER_STATUSES = {"task", "run", "complaint", "f", "field", "secondment", "delivery", "item"}


def _request(status: RequestStatus) -> DataRequest:
    return DataRequest(id=7, title="t", purpose="p", entity="teacher", status=status, standard_version=1)


def _status_writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(t, ast.Attribute) and t.attr == "status":
                    owner = t.value.id if isinstance(t.value, ast.Name) else ast.unparse(t.value)
                    if owner not in OTHER_STATUSES:
                        found.append(f"{path.relative_to(HUB.parent)}:{node.lineno} {ast.unparse(t)} =")
        if (
            isinstance(node, ast.Call)
            and ast.unparse(node.func).endswith("DataRequest")
            and any(k.arg == "status" for k in node.keywords)
        ):
            found.append(f"{path.relative_to(HUB.parent)}:{node.lineno} DataRequest(status=…)")
    return found


def test_only_the_lifecycle_sets_a_request_status() -> None:
    writes = [w for p in sorted(HUB.rglob("*.py")) if p.name != "lifecycle.py" for w in _status_writes(p)]
    assert writes == []
    # and the scan does see the lifecycle's own writes, so an empty list above means something
    assert _status_writes(HUB / "requests" / "lifecycle.py")


def test_the_road_of_a_collected_request() -> None:
    request = lifecycle.submitted(_request(RequestStatus.SUBMITTED))
    lifecycle.classified(request, RequestStatus.PENDING_APPROVAL, now=NOW)
    lifecycle.approve(request, by=3, note="ok", now=NOW)
    assert (request.status, request.decided_by, request.decided_at) == ("approved", 3, NOW)
    lifecycle.publish(request, by=4, now=NOW)
    assert (request.status, request.published_by) == ("published", 4)
    lifecycle.answer(request, now=NOW)
    assert (request.status, request.answered_at) == ("answered", NOW)


def test_answered_at_once_at_intake() -> None:
    request = lifecycle.submitted(_request(RequestStatus.SUBMITTED))
    lifecycle.classified(request, RequestStatus.ANSWERED, now=NOW)
    assert (request.status, request.answered_at) == ("answered", NOW)


@pytest.mark.parametrize("status", [RequestStatus.APPROVED, RequestStatus.PUBLISHED, RequestStatus.ANSWERED])
def test_only_a_waiting_request_is_decided(status: RequestStatus) -> None:
    request = _request(status)
    with pytest.raises(RequestNotPending) as caught:
        lifecycle.approve(request, by=3, note=None, now=NOW)
    assert caught.value.code == "RequestNotPending" and request.status == status
    with pytest.raises(RequestNotPending):
        lifecycle.reject(request, by=3, note="no", now=NOW)


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (RequestStatus.PENDING_APPROVAL, lambda r: lifecycle.publish(r, by=4, now=NOW)),
        (RequestStatus.REJECTED, lambda r: lifecycle.answer(r, now=NOW)),
        (RequestStatus.ANSWERED, lambda r: lifecycle.answer(r, now=NOW)),
        (RequestStatus.PUBLISHED, lambda r: lifecycle.publish(r, by=4, now=NOW)),
        (RequestStatus.APPROVED, lambda r: lifecycle.answer(r, now=NOW)),
        (RequestStatus.ANSWERED, lambda r: lifecycle.classified(r, RequestStatus.DUPLICATE, now=NOW)),
    ],
)
def test_refused_moves_name_both_ends(start: RequestStatus, move) -> None:  # type: ignore[no-untyped-def]
    request = _request(start)
    with pytest.raises(TransitionNotAllowed) as caught:
        move(request)
    assert request.status == start
    assert caught.value.code == "TransitionNotAllowed"
    assert caught.value.detail["status"] == start
    zh, en = status_words(start)
    assert zh in caught.value.message_zh and en in caught.value.message_en


def test_every_status_has_its_exits_and_the_ends_have_none() -> None:
    assert set(ALLOWED) == set(RequestStatus)
    for end in (RequestStatus.ANSWERED, RequestStatus.REJECTED, RequestStatus.CLOSED):
        assert ALLOWED[end] == frozenset()
    # a release decision waits in pending_release and ends answered or rejected
    assert {RequestStatus.ANSWERED, RequestStatus.REJECTED} <= ALLOWED[RequestStatus.PENDING_RELEASE]
