"""A department hears when its request is answered or refused: each such move of a request's status
leaves a notice (and a signed webhook delivery) in the same flush, whichever path made it (a release,
the last task in, the deadline job, a duplicate's original answered). A request answered or refused at
intake is not noticed: the department read that answer when it submitted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from hub.db import utcnow
from hub.notices.service import notify
from hub.requests.lifecycle import RequestStatus
from hub.requests.models import DataRequest

NOTICED = {RequestStatus.ANSWERED: "request.answered", RequestStatus.REJECTED: "request.rejected"}
AT_INTAKE = (None, RequestStatus.SUBMITTED)


def _messages(request: DataRequest) -> tuple[str, str]:
    if request.status == RequestStatus.ANSWERED:
        return (
            f"您的采集需求 {request.id}「{request.title}」已有结果，可以查看数据。",
            f"Your request {request.id} “{request.title}” is answered: its data can be read.",
        )
    reason = request.decision_note or ""
    return (
        f"您的采集需求 {request.id}「{request.title}」未获同意" + (f"：{reason}" if reason else "。"),
        f"Your request {request.id} “{request.title}” was refused" + (f": {reason}" if reason else "."),
    )


@event.listens_for(Session, "before_flush")
def _notice_answers(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty):
        if not isinstance(obj, DataRequest) or obj.status not in NOTICED:
            continue
        history = inspect(obj).attrs.status.history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        if before in AT_INTAKE or before == obj.status:
            continue
        zh, en = _messages(obj)
        notify(
            session,
            principal_id=obj.department_id,
            event=NOTICED[RequestStatus(obj.status)],
            request_id=obj.id,
            message_zh=zh,
            message_en=en,
            link=f"/requests/{obj.id}",
            data={"title": obj.title, "status": str(obj.status)},
            now=utcnow(),
        )
