"""The pages through TestClient: each role's main path, what it shows, and what it refuses."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.access.models import Grant
from hub.audit.models import AuditEntry
from hub.db import utcnow
from hub.identity.models import Principal, WebSession
from hub.kit.clock import local_today
from hub.requests.models import DataRequest
from hub.tasks.models import Task
from hub.tasks.templates import HEADER_ROW
from tests.hub.tasks.factories import People, Town
from tests.hub.web.conftest import HTMX, Browser, request_form, text, token_of


def audit_rows(html: str) -> list[str]:
    table = re.search(r'id="audit-entries".*?<tbody>(.*?)</tbody>', html, re.S)
    return re.findall(r"<tr>.*?</tr>", table.group(1), re.S) if table else []


# --- signing in ---------------------------------------------------------------------------------------


def test_a_page_without_a_token_sends_the_reader_to_sign_in(browser: Browser) -> None:
    answer = browser.client.get("/requests", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/requests"
    assert "访问令牌" in browser.get("/login").text


def test_signing_in_opens_a_server_side_session_whose_cookie_never_holds_the_token(
    browser: Browser, people: People, session: Session
) -> None:
    token = token_of(people.department)
    answer = browser.client.post(
        "/login", data={"token": token}, headers={"Origin": "http://testserver"}, follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/requests"
    cookie = answer.headers["set-cookie"]
    lowered = cookie.lower()
    assert "hub_session=" in lowered and "httponly" in lowered and "samesite=strict" in lowered
    assert "max-age=43200" in lowered  # HUB_SESSION_HOURS, 12 by default
    assert "secure" not in lowered  # plain http, no TLS proxy in front
    assert token not in cookie and token not in str(browser.client.cookies)
    opaque = browser.client.cookies["hub_session"]
    assert session.scalar(select(func.count()).select_from(WebSession)) == 1
    assert "市人力资源和社会保障局" in browser.get("/requests").text
    signed_out = browser.post("/logout")
    assert "已退出" in signed_out.text and "hub_session" not in browser.client.cookies
    assert browser.client.get("/requests", follow_redirects=False).status_code == 303
    # The session is gone on the server: the old cookie, kept by someone, opens nothing.
    assert session.scalar(select(func.count()).select_from(WebSession)) == 0
    browser.client.cookies.set("hub_session", opaque)
    replayed = browser.client.get("/requests", follow_redirects=False)
    assert replayed.status_code == 303 and replayed.headers["location"].startswith("/login")


def test_behind_a_tls_proxy_the_session_cookie_is_secure(browser: Browser, people: People) -> None:
    answer = browser.client.post(
        "/login",
        data={"token": token_of(people.department)},
        headers={"Origin": "http://testserver", "X-Forwarded-Proto": "https"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and "; secure" in answer.headers["set-cookie"].lower()


def test_an_expired_session_sends_the_reader_to_sign_in_again(
    browser: Browser, people: People, session: Session
) -> None:
    browser.sign_in(people.department)
    assert browser.client.get("/requests", follow_redirects=False).status_code == 200
    session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    session.flush()
    answer = browser.client.get("/requests", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/requests"


def test_a_wrong_token_is_refused_and_next_never_leaves_the_site(browser: Browser, people: People) -> None:
    refused = browser.post("/login", {"token": "not-a-token"})
    assert refused.status_code == 401 and "令牌无效" in refused.text
    answer = browser.client.post(
        "/login", data={"token": token_of(people.education), "next": "//evil.example/x"},
        headers={"Origin": "http://testserver"}, follow_redirects=False,
    )  # fmt: skip
    assert answer.headers["location"] == "/requests"


def test_a_post_from_another_origin_or_none_is_refused_and_changes_nothing(
    browser: Browser, people: People, session: Session
) -> None:
    browser.sign_in(people.department)
    before = session.scalar(select(func.count()).select_from(DataRequest))
    form = request_form("姓名", "普通话水平等级")
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "", "Referer": "https://evil.example/x"}):
        refused = browser.client.post("/requests", data=form, headers=headers)
        assert refused.status_code == 403 and "Origin/Referer" in refused.text
    bare = browser.client.post("/requests", data=form)
    assert bare.status_code == 403
    assert session.scalar(select(func.count()).select_from(DataRequest)) == before
    same_site = browser.client.post(
        "/requests", data=form, headers={"Referer": "http://testserver/requests/new"}
    )
    assert same_site.status_code == 200 and "采集需求已提交" in same_site.text


def test_english_is_one_click_away_and_remembered(browser: Browser, people: People) -> None:
    browser.sign_in(people.department)
    english = browser.get("/requests?lang=en")
    assert "My data requests" in english.text and 'lang="en"' in english.text
    assert "hub_lang=en" in english.headers["set-cookie"]
    assert "New data request" in browser.get("/requests/new").text
    assert "我的采集需求" in browser.get("/requests?lang=zh").text


# --- who may open what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        ("department", ["/tasks", "/school", "/complaints", "/selfcheck", "/burden", "/review", "/audit", "/grants",
                        "/sources", "/principals"]),
        ("school", ["/requests", "/requests/new", "/review", "/burden", "/audit", "/grants", "/principals"]),
        ("statistics", ["/tasks", "/school", "/requests/new", "/burden", "/complaints", "/grants"]),
    ],
)  # fmt: skip
def test_each_role_gets_a_403_page_outside_its_own(
    browser: Browser, people: People, town: Town, role: str, paths: list[str]
) -> None:
    headers = people.schools[town.schools[0]] if role == "school" else getattr(people, role)
    browser.sign_in(headers)
    for path in paths:
        answer = browser.get(path)
        assert answer.status_code == 403, path
        assert "无权" in answer.text and "<html" in answer.text, path


def test_a_department_never_sees_another_departments_request(
    browser: Browser, people: People, client: object, admin_headers: dict[str, str]
) -> None:
    from tests.hub.factories import create_principal

    other = create_principal(browser.client, admin_headers, code="health", name="市卫生健康委员会")
    browser.sign_in(people.department)
    answer = browser.post("/requests", request_form("姓名", "普通话水平等级"))
    request_id = re.search(r"/requests/(\d+)", str(answer.url)).group(1)  # type: ignore[union-attr]
    browser.sign_in(other)
    assert browser.get(f"/requests/{request_id}").status_code == 404
    assert browser.get(f"/requests/{request_id}/data").status_code == 404
    assert "教师语言能力统计" not in browser.get("/requests").text


# --- the department -----------------------------------------------------------------------------------


def test_checking_classifies_every_field_before_anything_is_stored(
    browser: Browser, people: People, session: Session
) -> None:
    browser.sign_in(people.department)
    labels = ("姓名", "出生年月", "年龄", "普通话水平等级", "每周课后服务课时 | integer")
    answer = browser.post("/requests/check", request_form(*labels), headers=HTMX)
    assert answer.status_code == 200 and "<html" not in answer.text  # an htmx fragment
    classes = dict(re.findall(r'data-field="([^"]+)" data-status="(\w+)"', answer.text))
    assert classes == {
        "姓名": "available",
        "出生年月": "available",
        "年龄": "derived",
        "普通话水平等级": "missing",
        "每周课后服务课时": "new",
    }
    shown = text(answer.text)
    # The matched element reads as its label; its code stays out of the text, on hover only.
    assert "待统计局审批" in shown and "出生年月" in shown and "teacher.birth_date" not in shown
    assert 'title="teacher.birth_date"' in answer.text
    assert session.scalar(select(func.count()).select_from(DataRequest)) == 0
    # Without JavaScript the same check comes back as the whole form, values kept.
    page = browser.post("/requests/check", request_form(*labels))
    assert (
        "<html" in page.text and 'value="教师语言能力统计"' in page.text and 'data-status="new"' in page.text
    )


def test_a_form_with_problems_says_what_to_fix_in_the_readers_words(browser: Browser, people: People) -> None:
    browser.sign_in(people.department)
    answer = browser.post("/requests", request_form("姓", schools="不存在的学校"))
    assert answer.status_code == 422
    shown = text(answer.text)
    assert "找不到这些学校：不存在的学校" in shown
    answer = browser.post("/requests", request_form("x"))
    assert "字段 1「x」" in text(answer.text) and "太短" in answer.text


def test_a_request_whose_fields_are_all_gathered_is_answered_at_once(
    browser: Browser, people: People, town: Town, session: Session
) -> None:
    browser.sign_in(people.department)
    answer = browser.post("/requests", request_form("姓名", "性别", "年龄", "公民身份号码"))
    assert 'data-status="answered"' in answer.text
    assert session.scalar(select(func.count()).select_from(Task)) == 0
    data = browser.get(str(answer.url).split("?")[0] + "/data")
    assert data.status_code == 200
    rows = re.findall(r"<tr><td>(\d{10})</td>", data.text)
    assert len(rows) == len(town.teachers)
    # ID numbers are sensitive: masked unless the grant says otherwise.
    assert "公民身份号码*" in data.text
    assert not any(number in data.text for number in town.teachers["id_number"])
    assert "****" in data.text


def test_the_header_row_of_an_uploaded_form_becomes_the_field_list(browser: Browser, people: People) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2026年教师基本情况统计表"])
    sheet.append(["序号", "姓名", "身份证号码（18位）", "每周课后服务课时"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    browser.sign_in(people.department)
    answer = browser.post(
        "/requests/header",
        request_form("出生日期"),
        headers=HTMX,
        files={"file": ("form.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert "已从表头读取 3 个字段" in answer.text
    labels = re.search(r'<textarea id="labels"[^>]*>(.*?)</textarea>', answer.text, re.S).group(1)  # type: ignore[union-attr]
    assert labels.splitlines() == ["出生日期", "姓名", "身份证号码（18位）", "每周课后服务课时"]
    broken = browser.post(
        "/requests/header", request_form(), headers=HTMX, files={"file": ("form.xlsx", b"PK not a zip", "x")}
    )
    assert "error-box" in broken.text


# --- statistics, education, school, department: the whole flow ---------------------------------------


def test_an_approval_needs_its_number_and_says_so_beside_the_request(
    browser: Browser, people: People, session: Session
) -> None:
    browser.sign_in(people.department)
    answer = browser.post("/requests", request_form("姓名", "每周课后服务课时 | integer"))
    request_id = int(re.search(r"/requests/(\d+)", str(answer.url)).group(1))  # type: ignore[union-attr]
    browser.sign_in(people.statistics)
    queue = browser.get("/review")
    assert f'id="review-{request_id}"' in queue.text and "每周课后服务课时" in text(queue.text)
    refused = browser.post(f"/requests/{request_id}/decision", {"decision": "approve"})
    assert refused.status_code == 422 and "批准文号" in text(refused.text)
    assert session.get(DataRequest, request_id).status == "pending_approval"  # type: ignore[union-attr]
    rejected = browser.post(
        f"/requests/{request_id}/decision", {"decision": "reject", "note": "与教育教学无关"}
    )
    assert "msg=decided" in str(rejected.url)
    browser.sign_in(people.department)
    detail = text(browser.get(f"/requests/{request_id}").text)
    assert "已驳回" in detail and "与教育教学无关" in detail


def test_the_whole_flow_through_the_pages(
    browser: Browser,
    people: People,
    town: Town,
    session: Session,
    approved_request: Callable[..., int],
) -> None:
    request_id = approved_request("姓名", "普通话水平等级")
    lacking, complete = town.schools[0], town.schools[1:]

    # The education bureau sees who will get a task before publishing.
    browser.sign_in(people.education)
    detail = browser.get(f"/requests/{request_id}")
    preview = re.search(r'id="preview-tasks".*?</table>', detail.text, re.S).group(0)  # type: ignore[union-attr]
    assert lacking in preview and not any(code in preview for code in complete)
    need_none = re.search(r'id="preview-complete">(.*?)</ul>', detail.text, re.S).group(1)  # type: ignore[union-attr]
    assert all(code in need_none for code in complete)
    assert session.scalar(select(func.count()).select_from(Task)) == 0
    published = browser.post(f"/requests/{request_id}/publish", {"deadline": ""})
    assert 'data-status="published"' in published.text and 'id="progress"' in published.text
    assert [t.school_code for t in session.scalars(select(Task))] == [lacking]

    # The school fills in the browser: a value outside the code list comes back beside its field.
    browser.sign_in(people.schools[lacking])
    tasks_page = browser.get("/tasks")
    task_id = int(re.search(r'href="/tasks/(\d+)"', tasks_page.text).group(1))  # type: ignore[union-attr]
    form = browser.get(f"/tasks/{task_id}")
    names = re.findall(r'name="(v\|[^"]+)"', form.text)
    assert len(names) == len(town.of(lacking))
    assert "二级甲等" in form.text  # the code list's labels are the dropdown's choices
    code = re.search(r'<option value="([^"]+)">二级甲等</option>', form.text).group(1)  # type: ignore[union-attr]
    values = {name: code for name in names}
    values[names[0]] = "五级"
    first = browser.post(f"/tasks/{task_id}/fill", values)
    bad = re.findall(r'<td data-label="普通话水平等级" class="cell-bad">.*?</td>', first.text, re.S)
    assert len(bad) == 1 and "cell-error" in bad[0]
    assert "selected>" not in bad[0].split("cell-error")[0] or "五级" not in bad[0]
    assert f"接收 {len(names) - 1} 行，退回 1 行" in text(first.text)
    values[names[0]] = code
    second = browser.post(f"/tasks/{task_id}/fill", values)
    assert "全部通过" in second.text and "cell-bad" not in second.text
    assert session.get(Task, task_id).status == "closed"  # type: ignore[union-attr]
    # A closed task shows what the school sent, read-only, by the code list's labels.
    closed = browser.get(f"/tasks/{task_id}")
    assert "<input" not in closed.text.split('id="task-rows"')[1] and closed.text.count("二级甲等") == len(
        names
    )

    # The school's overview, and another school never sees the task.
    overview = text(browser.get("/school").text)
    assert "教师语言能力统计" in overview
    assert "本校账号" in overview  # its own task reads, told apart from the departments that used its data
    browser.sign_in(people.schools[complete[0]])
    assert browser.get(f"/tasks/{task_id}").status_code == 404
    assert "没有需要填报的任务" in text(browser.get("/tasks").text)
    assert "无需本校填报" in text(browser.get("/school").text)

    # The department reads all of it, as a page, CSV and Excel; each read is on the audit log.
    browser.sign_in(people.department)
    assert 'data-status="answered"' in browser.get(f"/requests/{request_id}").text
    reads = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "request.data")
    )
    page = browser.get(f"/requests/{request_id}/data")
    assert page.status_code == 200 and len(re.findall(r"<tr><td>\d{10}</td>", page.text)) == len(
        town.teachers
    )
    csv = browser.get(f"/requests/{request_id}/data.csv")
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("\ufeff学校标识码")
    assert len(csv.text.strip().splitlines()) == len(town.teachers) + 1
    workbook = openpyxl.load_workbook(io.BytesIO(browser.get(f"/requests/{request_id}/data.xlsx").content))
    sheet = workbook.active
    assert sheet is not None
    # The request's title and its export date above a frozen header, then a row a teacher.
    top = next(r for r in range(1, 10) if sheet.cell(row=r, column=1).value == "学校标识码")
    assert sheet.cell(row=1, column=1).value == "教师语言能力统计" and sheet.freeze_panes == f"A{top + 1}"
    assert sheet.max_row == top + len(town.teachers)
    assert [c.value for c in sheet[top]] == ["学校标识码", "学校名称", "姓名", "普通话水平等级"]
    after = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "request.data")
    )
    assert after == (reads or 0) + 3

    # The education bureau sees the reads in the audit log, filtered by school and element.
    browser.sign_in(people.education)
    log = browser.get(f"/audit?action=request.data&school={lacking}&element=teacher.mandarin_level")
    assert len(audit_rows(log.text)) == 3 and all("读取需求数据" in row for row in audit_rows(log.text))
    assert audit_rows(
        browser.get(f"/audit?action=request.data&school={complete[0]}&element=teacher.mandarin_level").text
    )
    assert audit_rows(browser.get("/audit?action=request.data&element=teacher.bank_account").text) == []
    verify = browser.get("/audit/verify", headers=HTMX)
    assert 'data-ok="true"' in verify.text and "<html" not in verify.text


def test_the_upload_path_takes_the_excel_template_back(
    browser: Browser, people: People, town: Town, approved_request: Callable[..., int]
) -> None:
    request_id = approved_request("普通话水平等级")
    browser.sign_in(people.education)
    browser.post(f"/requests/{request_id}/publish")
    browser.sign_in(people.schools[town.schools[0]])
    task_id = int(re.search(r'href="/tasks/(\d+)"', browser.get("/tasks").text).group(1))  # type: ignore[union-attr]
    template = browser.get(f"/tasks/{task_id}/template.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = workbook["填报"]
    first = HEADER_ROW + 1
    for row in range(first, sheet.max_row + 1):
        sheet.cell(row=row, column=4, value="一级乙等")
    sheet.cell(row=first, column=4, value="十级")
    buffer = io.BytesIO()
    workbook.save(buffer)
    answer = browser.post(
        f"/tasks/{task_id}/upload",
        files={"file": ("task.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    shown = text(answer.text)
    assert f"接收 {sheet.max_row - first} 行，退回 1 行" in shown and "十级" in shown


# --- the bureau's desk --------------------------------------------------------------------------------


def test_the_burden_dashboard_draws_its_charts_on_the_server(
    browser: Browser, people: People, town: Town, approved_request: Callable[..., int]
) -> None:
    request_id = approved_request("普通话水平等级")
    browser.sign_in(people.education)
    browser.post(f"/requests/{request_id}/publish")
    dashboard = browser.get("/burden")
    assert dashboard.status_code == 200
    # The year against last year's baseline on one scale, and the term-by-term measures as small
    # multiples, one chart each on its own scale (received, answered, tasks; filled, spared).
    assert (
        dashboard.text.count('<svg class="chart"') == 1
        and dashboard.text.count('<svg class="chart panel"') == 5
        and "<script" not in dashboard.text.split("</head>")[1]
    )
    rows = re.search(r'id="burden-schools".*?</table>', dashboard.text, re.S).group(0)  # type: ignore[union-attr]
    assert all(code in rows for code in town.schools)
    # No baseline yet: the page says so and claims no reduction.
    assert 'id="no-baseline"' in dashboard.text
    reduction = re.search(r'id="burden-reduction"><b>(.*?)</b>', dashboard.text).group(1)  # type: ignore[union-attr]
    assert reduction == "–"
    # What entered the schools this year shows without a baseline too (the task published above).
    assert re.search(r"<b>[1-9]\d* / –</b>", dashboard.text)
    last_year = str(local_today().year - 1)
    saved = browser.post(
        "/burden/baselines", {"year": last_year, "demands": "12", "note": "上年清单与任务台账"}
    )
    assert "基数已保存" in saved.text and "上年清单与任务台账" in saved.text
    assert 'id="no-baseline"' not in saved.text
    reduction = re.search(r'id="burden-reduction"><b>(.*?)</b>', saved.text).group(1)  # type: ignore[union-attr]
    assert reduction.endswith("%")
    this_year = browser.post("/burden/baselines", {"year": str(local_today().year), "demands": "12"})
    assert this_year.status_code == 422 and "往年" in this_year.text
    export = browser.get("/burden.xlsx")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert sheet.max_row == len(town.schools) + 1
    school = browser.get(f"/burden/{town.schools[0]}")
    assert school.status_code == 200 and school.text.count('<svg class="chart panel"') == 5
    browser.sign_in(people.schools[town.schools[0]])
    assert browser.get(f"/burden/{town.schools[0]}").status_code == 200
    assert browser.get(f"/burden/{town.schools[1]}").status_code == 404


def test_anyone_reports_without_signing_in_and_follows_the_answer_by_code(
    browser: Browser, people: People, town: Town
) -> None:
    browser.client.cookies.clear()
    form = browser.get("/report")
    assert form.status_code == 200 and 'id="report-form"' in form.text and "login" not in str(form.url)
    empty = browser.post("/report", {"text": "  ", "school_name": "某小学"})
    assert empty.status_code == 422 and "高平方案（四）" in empty.text
    filed = browser.post(
        "/report",
        {"text": "要求教师每天在群里上传截图", "school_code": town.schools[0], "contact": "李老师 139"},
    )
    assert filed.status_code == 200 and "举报已提交" in filed.text
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', filed.text).group(1)  # type: ignore[union-attr]
    assert "李老师" not in filed.text and "尚未答复" in filed.text
    assert browser.get(f"/report/follow?code={code.lower()}").url.path == f"/report/{code}"
    assert browser.get("/report/JB-2222-2222-2222").status_code == 404
    # The education bureau reads it with the contact and answers; the school reported never sees it.
    browser.sign_in(people.schools[town.schools[0]])
    assert "要求教师每天在群里上传截图" not in browser.get("/complaints").text
    browser.sign_in(people.education)
    inbox = browser.get("/complaints")
    assert "李老师 139" in inbox.text and "公众举报" in inbox.text
    complaint_id = re.search(r'data-complaint="(\d+)"', inbox.text).group(1)  # type: ignore[union-attr]
    browser.post(f"/complaints/{complaint_id}/answer", {"response": "已约谈该校校长", "status": "closed"})
    browser.client.cookies.clear()
    answered = browser.get(f"/report/{code}")
    assert "已约谈该校校长" in answered.text and "已办结" in answered.text


def test_a_school_complains_and_the_bureau_answers(
    browser: Browser, people: People, town: Town, approved_request: Callable[..., int]
) -> None:
    request_id = approved_request("普通话水平等级")
    school = town.schools[0]
    browser.sign_in(people.schools[school])
    form = browser.get(f"/complaints/new?request_id={request_id}")
    assert f'<option value="{request_id}" selected>' in form.text
    filed = browser.post(
        "/complaints", {"reason": "rule 12", "text": "周五下发，周一就要", "request_id": str(request_id)}
    )
    assert "举报已提交" in filed.text and "周五下发，周一就要" in filed.text
    complaint_id = re.search(r'data-complaint="(\d+)"', filed.text).group(1)  # type: ignore[union-attr]
    browser.sign_in(people.schools[town.schools[1]])
    assert "周五下发" not in browser.get("/complaints").text
    browser.sign_in(people.education)
    inbox = browser.get("/complaints?status=open")
    assert "周五下发，周一就要" in inbox.text and school in inbox.text
    browser.post(f"/complaints/{complaint_id}/answer", {"response": "已责成延期至下周五", "status": "closed"})
    browser.sign_in(people.schools[school])
    mine = text(browser.get("/complaints").text)
    assert "已责成延期至下周五" in mine and "已办结" in mine


def test_the_self_check_table_is_shown_and_exported(browser: Browser, people: People, town: Town) -> None:
    browser.sign_in(people.schools[town.schools[0]])
    page = browser.get("/selfcheck")
    assert page.status_code == 200 and len(re.findall(r'data-item="\d+"', page.text)) == 21
    export = browser.get("/selfcheck.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(export.content))
    assert workbook.active is not None and workbook.active.max_row >= 21
    browser.sign_in(people.education)
    assert browser.get(f"/selfcheck?school={town.schools[1]}").status_code == 200
    picker = browser.get("/selfcheck")
    assert picker.status_code == 200 and 'name="school"' in picker.text
    assert browser.get("/selfcheck?school=0000000000").status_code == 404


def test_grants_are_given_and_revoked_from_the_page(
    browser: Browser, people: People, session: Session
) -> None:
    department = session.scalars(select(Principal).where(Principal.code == "hrss")).one()
    browser.sign_in(people.education)
    granted = browser.post(
        "/grants",
        {"department_id": str(department.id), "entity": "teacher", "elements": "姓名\nteacher.gender",
         "purpose": "人员结构分析"},
    )  # fmt: skip
    assert "授权已生效" in granted.text
    grant = session.scalars(select(Grant).where(Grant.purpose == "人员结构分析")).one()
    assert grant.elements == ["teacher.name", "teacher.gender"]
    unknown = browser.post(
        "/grants",
        {
            "department_id": str(department.id),
            "entity": "teacher",
            "elements": "配偶姓名",
            "purpose": "人员结构分析",
        },
    )
    assert unknown.status_code == 422 and "配偶姓名" in text(unknown.text)
    revoked = browser.post(f"/grants/{grant.id}/revoke")
    assert "授权已撤销" in revoked.text
    session.refresh(grant)
    assert grant.revoked_at is not None


def test_accounts_are_opened_with_a_token_shown_once(
    browser: Browser, people: People, town: Town, admin_headers: dict[str, str]
) -> None:
    browser.sign_in(people.education)
    opened = browser.post(
        "/principals",
        {"kind": "school", "name": "新学校账号", "code": "school-new", "school_code": town.schools[2]},
    )
    token = re.search(r"data-token>([^<]+)<", opened.text).group(1)  # type: ignore[union-attr]
    assert token not in browser.get("/principals").text
    refused = browser.post("/principals", {"kind": "admin", "name": "x", "code": "sneaky-admin"})
    assert refused.status_code == 403
    browser.client.cookies.clear()
    welcome = browser.post("/login", {"token": token})
    assert str(welcome.url).endswith("/tasks") and "新学校账号" in welcome.text
    taken = None
    browser.sign_in(admin_headers)
    taken = browser.post("/principals", {"kind": "department", "name": "重复", "code": "school-new"})
    assert taken.status_code == 409 and "已被使用" in text(taken.text)


def test_an_unknown_address_is_a_page_for_people_and_json_for_machines(browser: Browser) -> None:
    page = browser.get("/no-such-page")
    assert page.status_code == 404 and "没有这个页面" in page.text and "<html" in page.text
    api = browser.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")


def test_a_source_is_run_from_its_page(
    browser: Browser, people: People, town: Town, session: Session, tmp_path: Path
) -> None:
    from hub.sources.payloads import SourceIn
    from hub.sources.service import create_source

    teachers = town.of(town.schools[2]).iloc[:3].copy()
    teachers["training_hours"] = [40, 48, 500000]  # the last one is beyond what a year holds
    teachers.to_csv(tmp_path / "hr-export.csv", index=False)
    create_source(
        session,
        SourceIn(name="hr-drop", kind="folder", entity="teacher", settings={"path": str(tmp_path)}),
        principal_id=None,
        actor=None,
    )
    session.flush()
    browser.sign_in(people.education)
    assert "hr-drop" in browser.get("/sources").text
    run = browser.post("/sources/hr-drop/run")
    result = text(re.search(r'id="run-result".*?</div>\s*{?', run.text, re.S).group(0))  # type: ignore[union-attr]
    assert "成功" in result and "succeeded" not in result and "读取 3" in result and "退回 1" in result
    bureau = session.scalars(select(Principal.id).where(Principal.code == "edu")).one()
    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "source.run"))
    assert (entry.principal_id, entry.row_count, entry.detail["trigger"], entry.detail["rejected"]) == (
        bureau,
        2,
        "web",
        1,
    )
    assert browser.get("/sources/hr-drop/run").url.path == "/sources"
    missing = browser.post("/sources/no-such-source/run")
    assert missing.status_code == 404 and "no-such-source" in text(missing.text) and "hr-drop" in missing.text


def test_what_people_type_is_shown_as_text_never_run(browser: Browser, people: People) -> None:
    browser.sign_in(people.department)
    answer = browser.post(
        "/requests", request_form("姓名", "普通话水平等级", title="<script>alert(1)</script>")
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    assert "<script>alert(1)" not in answer.text


def test_the_education_bureau_releases_in_bulk_and_renews_from_the_page(
    browser: Browser, people: People, town: Town, client, admin_headers, session: Session
) -> None:  # type: ignore[no-untyped-def]
    from tests.hub.factories import create_principal

    health = create_principal(client, admin_headers, code="health", name="市卫生健康委员会")
    browser.sign_in(health)
    first = browser.post("/requests", request_form("姓名", "性别", title="体检名单"))
    second = browser.post("/requests", request_form("姓名", "出生日期", title="慰问名单"))
    assert 'data-status="pending_release"' in first.text and 'data-status="pending_release"' in second.text
    browser.sign_in(people.education)
    queue = browser.get("/releases")
    assert queue.status_code == 200
    shown = text(queue.text)
    assert "体检名单" in shown and "慰问名单" in shown and "有条件共享" in shown
    assert f"涉及 {len(town.schools)} 所学校、{len(town.teachers)} 条记录" in shown
    ids = [int(i) for i in re.findall(r'data-request="(\d+)"', queue.text)]
    refused = browser.post("/releases", {**{f"pick|{i}": "on" for i in ids}, "decision": "reject"})
    assert refused.status_code == 422 and "不予提供须说明理由" in text(refused.text)
    until = local_today().isoformat()
    done = browser.post(
        "/releases", {**{f"pick|{i}": "on" for i in ids}, "decision": "approve", "valid_until": until}
    )
    assert "已同意提供" in text(done.text) and "没有待决定的数据提供" in text(done.text)
    statuses = session.scalars(select(DataRequest.status).where(DataRequest.id.in_(ids))).all()
    assert set(statuses) == {"answered"}
    # Both releases end today, so they are listed as ending soon, and one is renewed from the page.
    grant = session.scalars(select(Grant).where(Grant.request_id == ids[0])).one()
    assert f'action="/grants/{grant.id}/renew"' in done.text
    later = date.fromordinal(local_today().toordinal() + 20).isoformat()
    renewed = browser.post(f"/grants/{grant.id}/renew", {"valid_until": later})
    assert "已续期" in text(renewed.text)
    session.refresh(grant)
    assert grant.valid_until is not None and grant.valid_until.isoformat() == later
    browser.sign_in(people.department)
    assert browser.get("/releases").status_code == 403


def test_a_school_looks_up_one_teacher_on_its_page_and_sees_the_department_read_of_her_record(
    browser: Browser, client: TestClient, town: Town, people: People
) -> None:
    school, other = town.schools[0], town.schools[1]
    body = {
        "title": "教师队伍情况统计",
        "purpose": "教师队伍建设规划",
        "entity": "teacher",
        "fields": [{"label": "姓名"}, {"label": "出生日期"}],
        "schools": [school],
    }
    answered = client.post("/api/v1/requests", headers=people.department, json=body).json()
    assert answered["status"] == "answered"
    assert client.get(f"/api/v1/requests/{answered['id']}/data", headers=people.department).status_code == 200
    mine = str(town.of(school)["id_number"].iloc[0])

    browser.sign_in(people.schools[school])
    assert "某位教师的数据被谁读取" in text(browser.get("/school").text)
    page = browser.post(f"/schools/{school}/teacher-reads", {"id_number": mine})
    assert page.status_code == 200 and mine not in str(page.url)
    shown = text(page.text.split('id="teacher-read-list"')[1])
    assert "市人力资源和社会保障局" in shown and "姓名、出生日期" in shown and f"#{answered['id']}" in shown
    assert mine not in page.text.split('id="teacher-reads"')[1]  # only the last four characters are shown
    stranger = browser.post(
        f"/schools/{school}/teacher-reads", {"id_number": str(town.of(other)["id_number"].iloc[0])}
    )
    assert stranger.status_code == 404 and "本校没有该公民身份号码的教师" in text(stranger.text)
    assert browser.post(f"/schools/{other}/teacher-reads", {"id_number": mine}).status_code == 404
