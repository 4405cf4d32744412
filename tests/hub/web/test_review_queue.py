"""The statistics bureau's review queue in the browser: how many wait, sorted, each request's impact
(schools asked, records to fill), ticked requests decided at once (all or none); and a duplicate's
department reads an outline of the original it is pointed at, never a 404."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.hub.factories import create_principal
from tests.hub.tasks.factories import People, Town
from tests.hub.web.conftest import Browser, request_form, text


def submit(browser: Browser, headers: dict[str, str], *labels: str, **extra: str) -> int:
    browser.sign_in(headers)
    answer = browser.post("/requests", request_form(*labels, **extra))
    return int(re.search(r"/requests/(\d+)", str(answer.url)).group(1))  # type: ignore[union-attr]


def status(client: TestClient, headers: dict[str, str], request_id: int) -> str:
    return str(client.get(f"/api/v1/requests/{request_id}", headers=headers).json()["status"])


def card_order(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<div class="card" id="review-(\d+)"', html)]


def test_the_queue_counts_sorts_shows_impact_and_decides_several_at_once(
    browser: Browser, client: TestClient, people: People, town: Town
) -> None:
    one_school = submit(
        browser, people.department, "本学期家访次数", schools=town.schools[0], title="家访统计"
    )
    every_school = submit(
        browser, people.department, "每周课后服务课时", "本学期家访次数", title="课后服务统计"
    )
    browser.sign_in(people.statistics)
    page = browser.get("/review")
    assert "待审批 2 项" in text(page.text)
    impact = text(re.search(rf'id="impact-{every_school}".*?</p>', page.text, re.S).group(0))  # type: ignore[union-attr]
    records = int(re.search(r"涉及 (\d+) 条记录", impact).group(1))  # type: ignore[union-attr]
    assert f"向 {len(town.schools)} 所学校发放任务" in impact and records > 0 and "新增字段 2 个" in impact
    single = text(re.search(rf'id="impact-{one_school}".*?</p>', page.text, re.S).group(0))  # type: ignore[union-attr]
    assert "向 1 所学校发放任务" in single

    assert card_order(page.text) == [one_school, every_school]
    assert card_order(browser.client.get("/review", params={"sort": "schools"}).text) == [
        every_school,
        one_school,
    ]
    assert card_order(browser.client.get("/review", params={"sort": "newest"}).text) == [
        every_school,
        one_school,
    ]

    nothing = browser.post(
        "/review/decisions", {"decision": "approve", "approval_number": "统制〔2026〕30号"}
    )
    assert nothing.status_code == 422 and "请至少勾选" in nothing.text

    # A rejection without a reason refuses the whole batch: neither request changes.
    refused = browser.post(
        "/review/decisions", {"decision": "reject", f"pick|{one_school}": "on", f"pick|{every_school}": "on"}
    )
    assert refused.status_code == 422 and f"需求 {one_school} 未能处理" in text(refused.text)
    assert status(client, people.statistics, one_school) == "pending_approval"

    done = browser.post(
        "/review/decisions",
        {
            "decision": "approve",
            "form_number": "教统表3号",
            "approval_number": "统制〔2026〕30号",
            f"pick|{one_school}": "on",
            f"pick|{every_school}": "on",
        },
    )
    assert done.status_code == 200 and "已批准勾选的采集需求" in done.text, text(done.text)[:400]
    assert "没有等待审批的采集需求" in text(done.text)
    for request_id in (one_school, every_school):
        found = client.get(f"/api/v1/requests/{request_id}", headers=people.statistics).json()
        assert found["status"] == "approved" and found["approval_number"] == "统制〔2026〕30号"


def test_a_duplicates_department_reads_an_outline_of_the_original(
    browser: Browser, client: TestClient, people: People, admin_headers: dict[str, str]
) -> None:
    original = submit(browser, people.department, "姓名", "每周课后服务课时", title="课后服务统计")
    red_cross = create_principal(client, admin_headers, code="redcross", name="市红十字会")
    duplicate = submit(browser, red_cross, "姓名", "每周课后服务课时", title="课后服务情况")
    assert status(client, red_cross, duplicate) == "duplicate"
    assert client.get(f"/api/v1/requests/{original}", headers=red_cross).status_code == 404

    browser.sign_in(red_cross)
    detail = browser.get(f"/requests/{duplicate}")
    assert f'href="/requests/{duplicate}/original"' in detail.text
    outline = browser.get(f"/requests/{duplicate}/original")
    seen = text(outline.text)
    assert outline.status_code == 200
    assert "课后服务统计" in seen and "市人力资源和社会保障局" in seen and "待统计局审批" in seen
    assert "每周课后服务课时" in seen or "姓名" in seen
    assert 'id="original-full"' not in outline.text, "the other department gets no link to a 404"

    # Only whoever may see the duplicate reads the outline; a request that is no duplicate has none.
    stranger = create_principal(client, admin_headers, code="civil", name="市民政局")
    browser.sign_in(stranger)
    assert browser.get(f"/requests/{duplicate}/original").status_code == 404
    browser.sign_in(people.department)
    assert browser.get(f"/requests/{original}/original").status_code == 404
    browser.sign_in(people.statistics)
    full = browser.get(f"/requests/{duplicate}/original")
    assert f'href="/requests/{original}"' in full.text
