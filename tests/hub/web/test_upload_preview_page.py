"""A school's second upload in the browser: a page lists each saved value the file would overwrite
(old and new) before anything is written; confirming applies it, cancelling changes nothing; a first
upload, which overwrites nothing, is applied at once."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import openpyxl
from fastapi.testclient import TestClient

from hub.tasks.templates import HEADER_ROW
from tests.hub.tasks.factories import People, Town
from tests.hub.web.conftest import Browser, text


def _workbook(browser: Browser, task_id: int) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(browser.get(f"/tasks/{task_id}/template.xlsx").content))


def _bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(browser: Browser, task_id: int, content: bytes):  # type: ignore[no-untyped-def]
    return browser.post(
        f"/tasks/{task_id}/upload/preview",
        files={"file": ("task.xlsx", content, "application/octet-stream")},
    )


def test_a_second_upload_shows_what_it_would_overwrite_then_applies_it_on_confirmation(
    browser: Browser,
    client: TestClient,
    people: People,
    town: Town,
    approved_request: Callable[..., int],
) -> None:
    request_id = approved_request("普通话水平等级")
    browser.sign_in(people.education)
    browser.post(f"/requests/{request_id}/publish")
    school = people.schools[town.schools[0]]
    browser.sign_in(school)
    task_id = int(re.search(r'href="/tasks/(\d+)"', browser.get("/tasks").text).group(1))  # type: ignore[union-attr]

    first = _workbook(browser, task_id)
    sheet = first["填报"]
    # All but the last row (a task filled completely is answered and closes).
    rows = range(HEADER_ROW + 1, sheet.max_row)
    for row in rows:
        sheet.cell(row=row, column=4, value="一级乙等")
    applied = _upload(browser, task_id, _bytes(first))
    assert applied.status_code == 200 and 'id="preview"' not in applied.text, [
        (r.request.method, r.status_code, r.url) for r in applied.history
    ]
    assert "退回 0 行" in text(applied.text) and "全部通过" in text(applied.text)

    # The next week's file: one value corrected, one cleared.
    second = _workbook(browser, task_id)
    sheet = second["填报"]
    reference = sheet.cell(row=HEADER_ROW + 1, column=1).value
    sheet.cell(row=HEADER_ROW + 1, column=4, value="二级甲等")
    sheet.cell(row=HEADER_ROW + 2, column=4, value="#清空")
    content = _bytes(second)
    preview = _upload(browser, task_id, content)
    assert preview.status_code == 200
    seen = text(preview.text)
    assert "覆盖 1 个已保存的值，清空 1 个" in seen
    table = text(re.search(r'id="preview-overwritten".*?</table>', preview.text, re.S).group(0))  # type: ignore[union-attr]
    assert reference in table and "一级乙等" in table and "二级甲等" in table and "普通话水平等级" in table
    assert 'id="preview-cleared"' in preview.text

    def saved() -> dict[str, str | None]:
        task = client.get(f"/api/v1/tasks/{task_id}", headers=school).json()
        return {r["reference"]: r["values"]["teacher.mandarin_level"] for r in task["rows"]}

    before = saved()
    assert before[reference] is not None
    assert sum(1 for v in before.values() if v is None) == 1
    # Cancelling is just leaving: the preview wrote nothing.
    assert saved() == before

    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', preview.text))
    confirmed = browser.post(f"/tasks/{task_id}/upload/confirm", form)
    assert confirmed.status_code == 200, text(confirmed.text)[:400]
    assert "已按 #清空 清除 1 个已保存的值" in text(confirmed.text)
    after = saved()
    assert after[reference] != before[reference]
    assert sum(1 for v in after.values() if v is None) == 2


def test_a_file_the_hub_cannot_read_comes_back_on_the_preview_page(
    browser: Browser, people: People, town: Town, approved_request: Callable[..., int]
) -> None:
    request_id = approved_request("普通话水平等级")
    browser.sign_in(people.education)
    browser.post(f"/requests/{request_id}/publish")
    browser.sign_in(people.schools[town.schools[0]])
    task_id = int(re.search(r'href="/tasks/(\d+)"', browser.get("/tasks").text).group(1))  # type: ignore[union-attr]
    answer = browser.post(
        f"/tasks/{task_id}/upload/preview", files={"file": ("notes.csv", "备注\n无\n".encode(), "text/csv")}
    )
    assert answer.status_code == 422 and 'id="preview-failure"' in answer.text
    assert "请使用任务模板" in text(answer.text)


def test_the_fill_form_states_each_fields_rule_as_the_template_and_the_server_check_it(
    browser: Browser, people: People, town: Town, approved_request: Callable[..., int]
) -> None:
    request_id = approved_request("本学期家访次数")
    browser.sign_in(people.education)
    browser.post(f"/requests/{request_id}/publish")
    browser.sign_in(people.schools[town.schools[0]])
    task_id = int(re.search(r'href="/tasks/(\d+)"', browser.get("/tasks").text).group(1))  # type: ignore[union-attr]
    page = browser.get(f"/tasks/{task_id}")
    header = text(re.search(r"<thead>.*?</thead>", page.text, re.S).group(0))  # type: ignore[union-attr]
    assert "本学期家访次数（次） 整数，0 至 1000次" in header
    refused = browser.post(f"/tasks/{task_id}/fill", {f"v|T00001|{_element(page.text)}": "1200"})
    assert "1000" in text(refused.text) and 'class="cell-bad"' in refused.text


def _element(html: str) -> str:
    return re.search(r'name="v\|T00001\|([^"]+)"', html).group(1)  # type: ignore[union-attr]
