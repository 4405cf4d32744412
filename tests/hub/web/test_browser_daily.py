"""Every role's daily work clicked through in Debian Chromium against a real `hub serve` (issue 18):
the department writes a request (and sees where a repeated one's answer comes from), the statistics
bureau approves the waiting new fields at once with one 批准文号, the education bureau publishes and sends
催报, the school reads the reminder, fills its task in the browser, uploads a second copy of the
template, reads what it would overwrite and confirms, the department reads the answer, and the admin
opens an account. Screenshots go to test-artifacts/web-daily-*.png.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from hub.tasks.templates import HEADER_ROW
from tests.hub.web.test_browser import CHROMIUM, Hub, shot, signed_in
from tests.hub.web.test_browser import browser as browser  # noqa: PLC0414  (module fixture)
from tests.hub.web.test_browser import hub as hub  # noqa: PLC0414  (module fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]
NEW_FIELD = "本学期家访次数"
OTHER_FIELD = "本学期听评课节数"


def daily(page: object, artifacts_dir: Path, name: str) -> None:
    shot(page, artifacts_dir, f"daily-{name}")


def write_request(page: object, hub: Hub, title: str, labels: str) -> None:
    page.goto(f"{hub.url}/requests/new")  # type: ignore[attr-defined]
    page.fill("#title", title)  # type: ignore[attr-defined]
    page.fill("#purpose", "家校共育工作量测算")  # type: ignore[attr-defined]
    page.fill("#deadline", (date.today() + timedelta(days=40)).isoformat())  # type: ignore[attr-defined]
    page.fill("#schools", hub.school_code)  # type: ignore[attr-defined]
    page.fill("#labels", labels)  # type: ignore[attr-defined]


def test_every_roles_daily_work(browser: object, hub: Hub, artifacts_dir: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    school = hub.school_code

    # The department writes a request with a new field, checks it, submits it; a second one for the queue.
    department = signed_in(browser, hub, "demo-hrss")
    write_request(department, hub, "教师家访情况统计", f"姓名\n{NEW_FIELD} | integer")
    department.click("#check")  # type: ignore[attr-defined]
    expect(department.locator(f'#classification tr[data-field="{NEW_FIELD}"]')).to_have_attribute(  # type: ignore[attr-defined]
        "data-status", "new", timeout=60_000
    )
    department.click("#submit")  # type: ignore[attr-defined]
    expect(department.locator("#request-status")).to_have_attribute("data-status", "pending_approval")  # type: ignore[attr-defined]
    request_url = department.url.split("?")[0]  # type: ignore[attr-defined]
    daily(department, artifacts_dir, "01-department-submitted")
    write_request(department, hub, "教师听评课情况统计", f"姓名\n{OTHER_FIELD} | integer")
    department.click("#submit")  # type: ignore[attr-defined]
    expect(department.locator("#request-status")).to_have_attribute("data-status", "pending_approval")  # type: ignore[attr-defined]

    # Another department checks the same form: a duplicate, with a link to what it may see of the original.
    red_cross = signed_in(browser, hub, "demo-redcross")
    write_request(red_cross, hub, "家访情况摸底", f"姓名\n{NEW_FIELD}")
    red_cross.click("#check")  # type: ignore[attr-defined]
    expect(red_cross.locator("#classification")).to_contain_text("重复", timeout=60_000)  # type: ignore[attr-defined]
    daily(red_cross, artifacts_dir, "02-department-check-duplicate")
    red_cross.click("#original-link")  # type: ignore[attr-defined]
    expect(red_cross.locator("#original")).to_contain_text("教师家访情况统计")  # type: ignore[attr-defined]
    expect(red_cross.locator("#original")).to_contain_text("市人力资源和社会保障局")  # type: ignore[attr-defined]
    daily(red_cross, artifacts_dir, "03-department-original-outline")

    # The statistics bureau ticks the waiting requests and approves them with one number; a bad one first.
    statistics = signed_in(browser, hub, "demo-stats")
    expect(statistics).to_have_url(f"{hub.url}/review")  # type: ignore[arg-type]
    for box in statistics.locator("input[form=bulk-form]").all():  # type: ignore[attr-defined]
        box.check()
    statistics.fill("#bulk-approval_number", "统计局45号")  # type: ignore[attr-defined]
    statistics.click("#bulk-submit")  # type: ignore[attr-defined]
    expect(statistics.locator("#bulk-error")).to_contain_text("统制〔2026〕12号")  # type: ignore[attr-defined]
    daily(statistics, artifacts_dir, "04-statistics-bulk-refused")
    # What was typed and ticked is still there, to correct.
    expect(statistics.locator("#bulk-approval_number")).to_have_value("统计局45号")  # type: ignore[attr-defined]
    for box in statistics.locator("input[form=bulk-form]").all():  # type: ignore[attr-defined]
        expect(box).to_be_checked()
    statistics.fill("#bulk-approval_number", f"市统制〔{date.today().year}〕45号")  # type: ignore[attr-defined]
    statistics.fill("#bulk-form_number", "教统表9号")  # type: ignore[attr-defined]
    daily(statistics, artifacts_dir, "05-statistics-bulk-review")
    statistics.click("#bulk-submit")  # type: ignore[attr-defined]
    expect(statistics.locator("#messages")).to_contain_text("已批准勾选的采集需求")  # type: ignore[attr-defined]

    # The education bureau publishes to the school and sends 催报.
    education = signed_in(browser, hub, "demo-edu")
    education.goto(request_url)  # type: ignore[attr-defined]
    education.click("#publish-button")  # type: ignore[attr-defined]
    expect(education.locator("#request-status")).to_have_attribute("data-status", "published")  # type: ignore[attr-defined]
    expect(education.locator("#progress")).to_contain_text("未查看")  # type: ignore[attr-defined]
    education.fill("#remind-note", "请本周五前完成家访次数填报。")  # type: ignore[attr-defined]
    education.click("#remind-button")  # type: ignore[attr-defined]
    expect(education.locator("#progress-table")).to_contain_text("已催报")  # type: ignore[attr-defined]
    daily(education, artifacts_dir, "06-education-published-reminded")

    # The school sees the reminder on signing in, opens the task and fills all rows but the last.
    teacher_school = signed_in(browser, hub, f"demo-school-{school}")
    expect(teacher_school.locator("#reminders")).to_contain_text("请本周五前完成家访次数填报")  # type: ignore[attr-defined]
    daily(teacher_school, artifacts_dir, "07-school-reminded")
    teacher_school.locator("#reminders a").first.click()  # type: ignore[attr-defined]
    task_url = teacher_school.url.split("?")[0]  # type: ignore[attr-defined]
    task_id = task_url.rsplit("/", 1)[1]
    inputs = teacher_school.locator("#task-rows input[type=text]")  # type: ignore[attr-defined]
    count = inputs.count()
    assert count >= 3
    for index in range(count - 1):
        inputs.nth(index).fill("3")
    teacher_school.click("#submit-task")  # type: ignore[attr-defined]
    expect(teacher_school.locator("#outcome")).to_contain_text("全部通过")  # type: ignore[attr-defined]
    daily(teacher_school, artifacts_dir, "08-school-filled")

    # A second copy of the template: one saved value changed and the last row filled. The preview says
    # what it would overwrite, nothing is written until the school confirms.
    template = teacher_school.request.get(f"{hub.url}/tasks/{task_id}/template.xlsx")  # type: ignore[attr-defined]
    workbook = openpyxl.load_workbook(io.BytesIO(template.body()))
    sheet = workbook["填报"]
    first, last = HEADER_ROW + 1, HEADER_ROW + count
    column = next(
        c for c in range(1, sheet.max_column + 1) if NEW_FIELD in str(sheet.cell(HEADER_ROW, c).value)
    )
    sheet.cell(row=first, column=column, value=5)
    sheet.cell(row=last, column=column, value=2)
    path = tmp_path / "second-copy.xlsx"
    workbook.save(path)
    teacher_school.set_input_files("#upload", str(path))  # type: ignore[attr-defined]
    expect(teacher_school.locator("#upload-name")).to_have_text("second-copy.xlsx")  # type: ignore[attr-defined]
    teacher_school.click("#upload-submit")  # type: ignore[attr-defined]
    overwritten = teacher_school.locator("#preview-overwritten tbody tr")  # type: ignore[attr-defined]
    expect(overwritten).to_have_count(1)
    expect(overwritten.first.locator("td.old")).to_have_text("3")
    expect(overwritten.first.locator("td.new")).to_have_text("5")
    expect(teacher_school.locator("#preview-summary")).to_contain_text(
        "将填写 1 个空白单元格，覆盖 1 个已保存的值"
    )  # type: ignore[attr-defined]
    daily(teacher_school, artifacts_dir, "09-school-upload-preview")
    teacher_school.click("#preview-apply")  # type: ignore[attr-defined]
    expect(teacher_school.locator("#outcome")).to_contain_text("全部通过")  # type: ignore[attr-defined]
    expect(teacher_school.locator("#task-status")).to_contain_text("已关闭")  # type: ignore[attr-defined]
    daily(teacher_school, artifacts_dir, "10-school-upload-applied")

    # The department reads the answer, school names and labels beside the codes.
    department.goto(request_url)  # type: ignore[attr-defined]
    expect(department.locator("#request-status")).to_have_attribute("data-status", "answered")  # type: ignore[attr-defined]
    department.click("#read-data")  # type: ignore[attr-defined]
    table = department.locator("#data")  # type: ignore[attr-defined]
    expect(table.locator("thead")).to_contain_text(NEW_FIELD)
    expect(table.locator("thead")).to_contain_text("学校名称")
    assert table.locator("tbody tr").count() == count
    expect(table.locator("tbody")).to_contain_text("5")
    daily(department, artifacts_dir, "11-department-answer")
    answer = department.request.get(f"{request_url}/data.xlsx")  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(answer.body())).active
    assert sheet is not None and sheet.cell(row=1, column=1).value == "教师家访情况统计"

    # The admin opens an account for a new department; its token signs in.
    admin = signed_in(browser, hub, "admin")
    admin.select_option("#kind", "department")  # type: ignore[attr-defined]
    admin.fill("#name", "市退役军人事务局")  # type: ignore[attr-defined]
    admin.fill("#code", "veterans")  # type: ignore[attr-defined]
    admin.click("text=创建并生成令牌")  # type: ignore[attr-defined]
    token = admin.locator("[data-token]").inner_text().strip()  # type: ignore[attr-defined]
    daily(admin, artifacts_dir, "12-admin-account")
    newcomer = signed_in(browser, Hub(url=hub.url, tokens={"new": token}), "new")
    expect(newcomer.locator("header")).to_contain_text("市退役军人事务局")  # type: ignore[attr-defined]
    assert re.fullmatch(r"[\w\-]{20,}", token)
