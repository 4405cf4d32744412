"""Every privileged act leaves an entry in the sealed audit log naming who acted, what they did, on which
target, and why (the note, purpose or answer they gave).

The acts are a table: each row performs one act through the API, as the role that may perform it, and
says which entry it must leave. A second test walks the OpenAPI document: a new route that changes
something is in the table or in NOT_PRIVILEGED with the reason it leaves no act entry, so a privileged
route added without an audit entry fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.audit.models import AuditEntry
from hub.config import Settings
from hub.kit.clock import local_today
from tests.hub.burden.factories import NEW_LABEL, City, create_city
from tests.hub.factories import create_principal

FILING = "高委备〔2026〕12号"


def later(days: int) -> str:
    return (local_today() + timedelta(days=days)).isoformat()


@dataclass(kw_only=True)
class World:
    client: TestClient
    city: City
    admin: dict[str, str]
    office: dict[str, str]
    drops: Path
    ids: dict[str, Any]

    def headers(self, role: str) -> dict[str, str]:
        return {
            "admin": self.admin,
            "office": self.office,
            "department": self.city.department,
            "statistics": self.city.statistics,
            "education": self.city.education,
            "school": self.city.school_headers[self.city.schools[0]],
            "activated": self.ids.get("activated", {}),
        }[role]

    def call(self, role: str, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        answer = self.client.request(method, path, headers=self.headers(role), **kwargs)
        assert answer.status_code == expect, f"{method} {path}: {answer.status_code} {answer.text[:300]}"
        return answer.json() if answer.content and "json" in answer.headers.get("content-type", "") else None


@dataclass(frozen=True, kw_only=True)
class Act:
    operation: str  # "METHOD /api/v1/path/{param}" as the OpenAPI document names it
    action: str  # the audit entry's action
    actor: str  # the role performing it
    target: str  # detail.target.kind
    perform: Callable[[World], tuple[Any, str | None]]  # does the act; returns (target id, reason)


def new_request(w: World, role: str, *labels: str) -> dict[str, Any]:
    body = {
        "title": "课后服务情况",
        "purpose": "课后服务经费测算",
        "entity": "teacher",
        "deadline": later(40),
        "fields": [{"label": label} for label in labels],
    }
    result: dict[str, Any] = w.call(role, "POST", "/api/v1/requests", 201, json=body)
    return result


def open_principal(w: World) -> tuple[Any, str | None]:
    made = w.call(
        "admin",
        "POST",
        "/api/v1/principals",
        201,
        json={"kind": "department", "name": "市卫健委", "code": "health"},
    )
    w.ids["health"] = {"Authorization": f"Bearer {made['token']}"}
    w.ids["health_id"] = made["id"]
    return made["id"], None


def revoke_principal(w: World) -> tuple[Any, str | None]:
    spare = w.call(
        "admin",
        "POST",
        "/api/v1/principals",
        201,
        json={"kind": "department", "name": "市文明办", "code": "civ"},
    )
    w.call("admin", "POST", f"/api/v1/principals/{spare['id']}/revoke", json={"note": "机构撤并"})
    return spare["id"], "机构撤并"


def create_grant(w: World) -> tuple[Any, str | None]:
    body = {
        "department_id": w.ids["health_id"],
        "entity": "teacher",
        "elements": ["teacher.name"],
        "purpose": "核对卫生健康系统兼职教师",
        "legal_basis": "《基本医疗卫生与健康促进法》",
        "valid_until": later(30),
    }
    grant = w.call("education", "POST", "/api/v1/grants", 201, json=body)
    w.ids["grant"] = grant["id"]
    return grant["id"], "核对卫生健康系统兼职教师"


def renew_grant(w: World) -> tuple[Any, str | None]:
    w.call(
        "education",
        "POST",
        f"/api/v1/grants/{w.ids['grant']}/renew",
        json={"valid_until": later(90), "note": "续签一年"},
    )
    return w.ids["grant"], "续签一年"


def revoke_grant(w: World) -> tuple[Any, str | None]:
    w.call("education", "POST", f"/api/v1/grants/{w.ids['grant']}/revoke", json={"note": "协议终止"})
    return w.ids["grant"], "协议终止"


def approve_request(w: World) -> tuple[Any, str | None]:
    rid = new_request(w, "department", "姓名", NEW_LABEL)["id"]
    decision = {
        "decision": "approve",
        "approval_number": "国统制〔2026〕88号",
        "valid_until": later(300),
        "note": "同意采集",
    }
    w.call("statistics", "POST", f"/api/v1/requests/{rid}/decision", json=decision)
    w.ids["collecting"] = rid
    return rid, "同意采集"


def reject_requests(w: World) -> tuple[Any, str | None]:
    rid = new_request(w, "department", "姓名", "教师家中宠物数量")["id"]
    body = {"request_ids": [rid], "decision": "reject", "note": "与教育教学无关"}
    w.call("statistics", "POST", "/api/v1/requests/decisions", json=body)
    return rid, "与教育教学无关"


def publish_request(w: World) -> tuple[Any, str | None]:
    w.call("education", "POST", f"/api/v1/requests/{w.ids['collecting']}/publish")
    return w.ids["collecting"], "课后服务经费测算"


def remind_schools(w: World) -> tuple[Any, str | None]:
    w.call(
        "education",
        "POST",
        f"/api/v1/requests/{w.ids['collecting']}/reminders",
        json={"note": "请于周五前填报"},
    )
    return w.ids["collecting"], "请于周五前填报"


def pending_release(w: World) -> int:
    answer = w.client.post(
        "/api/v1/requests",
        headers=w.ids["health"],
        json={
            "title": "体检名单",
            "purpose": "教师年度体检",
            "entity": "teacher",
            "deadline": later(40),
            "fields": [{"label": "姓名"}, {"label": "出生日期"}],
        },
    )
    assert answer.status_code == 201 and answer.json()["status"] == "pending_release", answer.text
    rid: int = answer.json()["id"]
    return rid


def release_request(w: World) -> tuple[Any, str | None]:
    rid = pending_release(w)
    w.call(
        "education",
        "POST",
        f"/api/v1/requests/{rid}/release",
        json={"decision": "approve", "valid_until": later(60), "note": "体检所需"},
    )
    return rid, "体检所需"


def refuse_releases(w: World) -> tuple[Any, str | None]:
    rid = pending_release(w)
    w.call(
        "education",
        "POST",
        "/api/v1/requests/releases",
        json={"request_ids": [rid], "decision": "reject", "note": "超出最小必要"},
    )
    return rid, "超出最小必要"


def folder_source(w: World) -> dict[str, Any]:
    return {
        "name": "hr-drops",
        "kind": "folder",
        "entity": "teacher",
        "description": "人事科每周导出",
        "settings": {"path": str(w.drops)},
    }


def create_source(w: World) -> tuple[Any, str | None]:
    w.call("education", "POST", "/api/v1/sources", 201, json=folder_source(w))
    return "hr-drops", "人事科每周导出"


def update_source(w: World) -> tuple[Any, str | None]:
    w.call(
        "education",
        "PATCH",
        "/api/v1/sources/hr-drops",
        json={"enabled": False, "description": "暂停：人事系统升级"},
    )
    return "hr-drops", "暂停：人事系统升级"


def run_source(w: World) -> tuple[Any, str | None]:
    csv = f"任职学校,姓名,公民身份号码,性别\n{w.city.schools[0]},张三,110101199003077777,雄\n"
    (w.drops / "hr-export.csv").write_text(csv, encoding="utf-8")
    run = w.call("education", "POST", "/api/v1/sources/hr-drops/run")
    assert (run["status"], run["rejected"]) == ("succeeded", 1)
    w.ids["run"] = run["id"]
    return "hr-drops", None


def read_run(w: World) -> tuple[Any, str | None]:
    run = w.call("education", "GET", f"/api/v1/sources/hr-drops/runs/{w.ids['run']}")
    assert {r["row"] for r in run["rejections"]} == {2}
    return w.ids["run"], None


def delete_source(w: World) -> tuple[Any, str | None]:
    w.call("education", "DELETE", "/api/v1/sources/hr-drops", 204)
    return "hr-drops", None


def file_complaint(w: World) -> int:
    if "complaint" not in w.ids:
        filed = w.call(
            "school",
            "POST",
            "/api/v1/complaints",
            201,
            json={"reason": "rule 12", "text": "通知当天要求上交"},
        )
        w.ids["complaint"] = filed["id"]
    complaint: int = w.ids["complaint"]
    return complaint


def answer_complaint(w: World) -> tuple[Any, str | None]:
    cid = file_complaint(w)
    w.call("education", "POST", f"/api/v1/complaints/{cid}/answer", json={"response": "已责成延长截止日期"})
    return cid, "已责成延长截止日期"


def route_complaint(w: World) -> tuple[Any, str | None]:
    cid = file_complaint(w)
    w.call("education", "POST", f"/api/v1/complaints/{cid}/route", json={"queue": "discipline"})
    return cid, None


def onboard(w: World) -> tuple[Any, str | None]:
    w.call("education", "POST", "/api/v1/schools/accounts", 201)
    return None, None  # the hub-wide bureau onboards the whole hub: no division


def rotate_token(w: World) -> tuple[Any, str | None]:
    code = w.city.schools[1]
    line = w.call("education", "POST", f"/api/v1/schools/{code}/token/rotate")
    w.ids["activation_code"] = line["activation_code"]
    return code, None


def activate(w: World) -> tuple[Any, str | None]:
    made = w.client.post("/api/v1/public/activation", json={"code": w.ids["activation_code"]})
    assert made.status_code == 201, made.text
    w.ids["activated"] = {"Authorization": f"Bearer {made.json()['token']}"}
    return w.city.schools[1], None


def revoke_token(w: World) -> tuple[Any, str | None]:
    code = w.city.schools[2]
    w.call("education", "POST", f"/api/v1/schools/{code}/token/revoke")
    return code, None


def set_calendar(w: World) -> tuple[Any, str | None]:
    year = local_today().year + 2
    body = {
        "holidays": [{"day": f"{year}-10-01", "name": "国庆节"}],
        "workdays": [],
        "note": "国务院办公厅通知",
    }
    w.call("education", "PUT", f"/api/v1/calendar/{year}", json=body)
    return year, "国务院办公厅通知"


def delete_calendar(w: World) -> tuple[Any, str | None]:
    year = local_today().year + 2
    w.call("education", "DELETE", f"/api/v1/calendar/{year}", 204)
    return year, None


def set_baseline(w: World) -> tuple[Any, str | None]:
    year = local_today().year - 1
    w.call(
        "education",
        "PUT",
        "/api/v1/burden/baselines",
        json={"year": year, "demands": 40, "note": "去年清单与任务台账"},
    )
    return f"{year}/*", "去年清单与任务台账"


def delete_baseline(w: World) -> tuple[Any, str | None]:
    year = local_today().year - 1
    w.call("education", "DELETE", "/api/v1/burden/baselines", 204, params={"year": year})
    return f"{year}/*", None


def ask_secondment(w: World) -> int:
    payload = {
        "kind": "borrow",
        "purpose": "市委巡察工作借用",
        "starts_on": local_today().isoformat(),
        "ends_on": later(90),
        "teachers": [{"school_code": w.city.schools[0], "headcount": 1}],
    }
    asked: int = w.call("department", "POST", "/api/v1/register/secondments", 201, json=payload)["id"]
    return asked


def decide_secondment(w: World) -> tuple[Any, str | None]:
    sid = ask_secondment(w)
    w.call(
        "education",
        "POST",
        f"/api/v1/register/secondments/{sid}/decision",
        json={"decision": "approve", "filing_number": FILING, "note": "巡察需要"},
    )
    w.ids["secondment"] = sid
    return sid, "巡察需要"


def return_secondment(w: World) -> tuple[Any, str | None]:
    sid = w.ids["secondment"]
    w.call(
        "department",
        "POST",
        f"/api/v1/register/secondments/{sid}/return",
        json={"returned_on": local_today().isoformat()},
    )
    return sid, None


def propose_item(w: World, title: str) -> int:
    year = local_today().year
    body = {
        "year": year,
        "kind": "inspection",
        "title": title,
        "inspected": "校园安全、消防设施、食堂卫生",
        "frequency": "每年1次",
        "method": "实地查看、查阅制度文本",
        "window_starts": date(year, 12, 1).isoformat(),
        "window_ends": date(year, 12, 31).isoformat(),
    }
    item: int = w.call("department", "POST", "/api/v1/register/list/items", 201, json=body)["id"]
    return item


def decide_item(w: World) -> tuple[Any, str | None]:
    item = propose_item(w, "全市中小学校园安全专项检查")
    w.ids["item"] = item
    w.call(
        "office",
        "POST",
        f"/api/v1/register/list/items/{item}/decision",
        json={"decision": "approve", "note": "列入年度清单"},
    )
    return item, "列入年度清单"


def merge_item(w: World) -> tuple[Any, str | None]:
    item = propose_item(w, "校园消防安全检查")
    w.call(
        "office",
        "POST",
        f"/api/v1/register/list/items/{item}/merge",
        json={"into": w.ids["item"], "note": "同类事项合并"},
    )
    return item, "同类事项合并"


def approve_list(w: World) -> tuple[Any, str | None]:
    year = local_today().year
    propose_item(w, "教师继续教育学分审核")
    w.call("office", "POST", f"/api/v1/register/list/{year}/approval", json={"note": "年度清单经党委审批"})
    return year, "年度清单经党委审批"


def add_whitelist_item(w: World) -> tuple[Any, str | None]:
    body = {
        "year": local_today().year,
        "category": "safety",
        "title": "防溺水安全教育",
        "organiser": "市应急管理局",
        "description": "暑期前一次，不占课时",
    }
    item = w.call("education", "POST", "/api/v1/register/whitelist", 201, json=body)
    return item["id"], "暑期前一次，不占课时"


def read_log(w: World) -> tuple[Any, str | None]:
    w.call("admin", "GET", "/api/v1/audit/entries", params={"action": "grant.create", "limit": 5})
    return None, None


def verify_log(w: World) -> tuple[Any, str | None]:
    w.call("admin", "GET", "/api/v1/audit/verify")
    return None, None


def read_rejected_rows(w: World) -> tuple[Any, str | None]:
    csv = f"任职学校,姓名,公民身份号码,性别\n{w.city.schools[0]},张三,110101199003077777,雄\n"
    imported = w.call(
        "admin",
        "POST",
        "/api/v1/records/teachers/import",
        files={"file": ("t.csv", csv.encode(), "text/csv")},
    )
    answer = w.client.get(imported["errors_url"], headers=w.admin)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    return imported["batch_id"], None


# Performed in this order in one hub: later acts use what earlier ones made.
ACTS = [
    Act(
        operation="POST /api/v1/principals",
        action="principal.create",
        actor="admin",
        target="principal",
        perform=open_principal,
    ),
    Act(
        operation="POST /api/v1/principals/{principal_id}/revoke",
        action="principal.revoke",
        actor="admin",
        target="principal",
        perform=revoke_principal,
    ),
    Act(
        operation="POST /api/v1/grants",
        action="grant.create",
        actor="education",
        target="grant",
        perform=create_grant,
    ),
    Act(
        operation="POST /api/v1/grants/{grant_id}/renew",
        action="grant.renew",
        actor="education",
        target="grant",
        perform=renew_grant,
    ),
    Act(
        operation="POST /api/v1/grants/{grant_id}/revoke",
        action="grant.revoke",
        actor="education",
        target="grant",
        perform=revoke_grant,
    ),
    Act(
        operation="POST /api/v1/requests/{request_id}/decision",
        action="request.decision",
        actor="statistics",
        target="request",
        perform=approve_request,
    ),
    Act(
        operation="POST /api/v1/requests/decisions",
        action="request.decision",
        actor="statistics",
        target="request",
        perform=reject_requests,
    ),
    Act(
        operation="POST /api/v1/requests/{request_id}/publish",
        action="request.publish",
        actor="education",
        target="request",
        perform=publish_request,
    ),
    Act(
        operation="POST /api/v1/requests/{request_id}/reminders",
        action="request.reminders",
        actor="education",
        target="request",
        perform=remind_schools,
    ),
    Act(
        operation="POST /api/v1/requests/{request_id}/release",
        action="request.release",
        actor="education",
        target="request",
        perform=release_request,
    ),
    Act(
        operation="POST /api/v1/requests/releases",
        action="request.release_refused",
        actor="education",
        target="request",
        perform=refuse_releases,
    ),
    Act(
        operation="POST /api/v1/sources",
        action="source.create",
        actor="education",
        target="source",
        perform=create_source,
    ),
    Act(
        operation="PATCH /api/v1/sources/{name}",
        action="source.update",
        actor="education",
        target="source",
        perform=update_source,
    ),
    Act(
        operation="POST /api/v1/sources/{name}/run",
        action="source.run",
        actor="education",
        target="source",
        perform=run_source,
    ),
    Act(
        operation="GET /api/v1/sources/{name}/runs/{run_id}",
        action="records.errors_read",
        actor="education",
        target="source_run",
        perform=read_run,
    ),
    Act(
        operation="DELETE /api/v1/sources/{name}",
        action="source.delete",
        actor="education",
        target="source",
        perform=delete_source,
    ),
    Act(
        operation="POST /api/v1/complaints/{complaint_id}/answer",
        action="complaint.answer",
        actor="education",
        target="complaint",
        perform=answer_complaint,
    ),
    Act(
        operation="POST /api/v1/complaints/{complaint_id}/route",
        action="complaint.route",
        actor="education",
        target="complaint",
        perform=route_complaint,
    ),
    Act(
        operation="POST /api/v1/schools/accounts",
        action="schools.onboard",
        actor="education",
        target="division",
        perform=onboard,
    ),
    Act(
        operation="POST /api/v1/schools/{code}/token/rotate",
        action="school.token_rotate",
        actor="education",
        target="school",
        perform=rotate_token,
    ),
    Act(
        operation="POST /api/v1/public/activation",
        action="school.activate",
        actor="activated",
        target="school",
        perform=activate,
    ),
    Act(
        operation="POST /api/v1/schools/{code}/token/revoke",
        action="school.token_revoke",
        actor="education",
        target="school",
        perform=revoke_token,
    ),
    Act(
        operation="PUT /api/v1/calendar/{year}",
        action="calendar.set",
        actor="education",
        target="calendar",
        perform=set_calendar,
    ),
    Act(
        operation="DELETE /api/v1/calendar/{year}",
        action="calendar.delete",
        actor="education",
        target="calendar",
        perform=delete_calendar,
    ),
    Act(
        operation="PUT /api/v1/burden/baselines",
        action="baseline.set",
        actor="education",
        target="baseline",
        perform=set_baseline,
    ),
    Act(
        operation="DELETE /api/v1/burden/baselines",
        action="baseline.delete",
        actor="education",
        target="baseline",
        perform=delete_baseline,
    ),
    Act(
        operation="POST /api/v1/register/secondments/{secondment_id}/decision",
        action="secondment.decision",
        actor="education",
        target="secondment",
        perform=decide_secondment,
    ),
    Act(
        operation="POST /api/v1/register/secondments/{secondment_id}/return",
        action="secondment.return",
        actor="department",
        target="secondment",
        perform=return_secondment,
    ),
    Act(
        operation="POST /api/v1/register/list/items/{item_id}/decision",
        action="list.decision",
        actor="office",
        target="list_item",
        perform=decide_item,
    ),
    Act(
        operation="POST /api/v1/register/list/items/{item_id}/merge",
        action="list.merge",
        actor="office",
        target="list_item",
        perform=merge_item,
    ),
    Act(
        operation="POST /api/v1/register/list/{year}/approval",
        action="list.approve",
        actor="office",
        target="list",
        perform=approve_list,
    ),
    Act(
        operation="POST /api/v1/register/whitelist",
        action="whitelist.add",
        actor="education",
        target="whitelist_item",
        perform=add_whitelist_item,
    ),
    Act(
        operation="GET /api/v1/audit/entries",
        action="audit.read",
        actor="admin",
        target="audit_log",
        perform=read_log,
    ),
    Act(
        operation="GET /api/v1/audit/verify",
        action="audit.read",
        actor="admin",
        target="audit_log",
        perform=verify_log,
    ),
    Act(
        operation="GET /api/v1/records/batches/{batch_id}/errors.csv",
        action="records.errors_read",
        actor="admin",
        target="batch",
        perform=read_rejected_rows,
    ),
]

# Routes that change something but are no privileged act, each with where its trace is instead.
NOT_PRIVILEGED = {
    "POST /api/v1/requests/check": "a dry run: stores nothing",
    "POST /api/v1/tasks/{task_id}/submission/preview": "a dry run of a school's upload: stores nothing",
    "POST /api/v1/requests": "a department's own request, kept with its submitter; an answer at once is `request.answered`",
    "POST /api/v1/complaints": "a school's report, kept with the school",
    "POST /api/v1/public/complaints": "a citizen's report without an account",
    "POST /api/v1/register/secondments": "a department's own request, decided by a privileged act",
    "POST /api/v1/register/list/items": "a department's proposal, decided by a privileged act",
    "POST /api/v1/register/inspections": "held under an approved list item, kept with the department",
    "POST /api/v1/records/{entity}/import": "a write into the store: its `records.write` entry names batch, rows and schools",
    "POST /api/v1/tasks/{task_id}/submission": "a write into the store: its `records.write` entry names batch, rows and schools",
    "POST /api/v1/tasks/{task_id}/complete": "a school's own task, kept with its reason on the task",
    "POST /api/v1/schools/{code}/teachers/reads": "a school looks up the reads of its own teacher: reads nothing out",
    "POST /api/v1/register/social-demands": "registered against a whitelist item, kept with who brought it",
    "POST /api/v1/notices/read": "a department marks its own notices read",
    "POST /api/v1/schools/{code}/selfcheck/submission": "a school's own 自查表, kept with who submitted it",
    "PUT /api/v1/webhook": "a department's own delivery address; what it is sent is what it may read",
    "DELETE /api/v1/webhook": "a department's own delivery address",
}


@pytest.fixture
def world(
    client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str], tmp_path: Path
) -> World:
    city = create_city(client, session, settings, admin_headers)
    office = create_principal(client, admin_headers, kind="office", code="office", name="市委办公室")
    return World(client=client, city=city, admin=admin_headers, office=office, drops=tmp_path, ids={})


def test_every_privileged_act_names_who_what_which_and_why(world: World, session: Session) -> None:
    for act in ACTS:
        before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
        target_id, reason = act.perform(world)
        actor = world.call(act.actor, "GET", "/api/v1/me")["id"]
        session.expire_all()
        entries = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.id > before, AuditEntry.action == act.action)
                .order_by(AuditEntry.id)
            )
        )
        assert entries, f"{act.operation} left no {act.action} entry"
        entry = entries[-1]
        detail = entry.detail or {}
        assert (
            entry.principal_id,
            detail["target"]["kind"],
            detail["target"].get("id"),
            detail.get("reason"),
        ) == (
            actor,
            act.target,
            target_id,
            reason,
        ), act.operation
    assert audit.verify(session).ok


def test_no_route_that_changes_something_is_left_out_of_the_table(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    changing = {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if method in ("post", "put", "patch", "delete")
    }
    listed = {act.operation for act in ACTS}
    assert sorted(changing - listed - set(NOT_PRIVILEGED)) == []
    assert (
        sorted(
            (listed | set(NOT_PRIVILEGED))
            - changing
            - {a.operation for a in ACTS if a.operation.startswith("GET")}
        )
        == []
    )
    assert {act.action for act in ACTS} <= set(audit.ACT_ACTIONS) | set(audit.READ_ACTIONS)
