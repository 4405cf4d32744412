"""The review queue's one 批准文号 and 有效期至 for the ticked requests, checked in the browser: a
number not written as one or a day that is none comes back above the form in plain words, and no
ticked request changes; a good one approves each of them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.hub.tasks.factories import People, Town
from tests.hub.web.conftest import Browser, text
from tests.hub.web.test_review_queue import status, submit


def test_one_number_for_the_ticked_requests_is_checked_before_any_changes(
    browser: Browser, client: TestClient, people: People, town: Town
) -> None:
    first = submit(browser, people.department, "本学期家访次数", title="家访统计")
    second = submit(browser, people.department, "本学期听评课节数", title="听评课统计")
    browser.sign_in(people.statistics)
    ticked = {f"pick|{first}": "on", f"pick|{second}": "on", "decision": "approve"}

    bad_number = browser.post("/review/decisions", {**ticked, "approval_number": "统计局12号"})
    assert bad_number.status_code == 422
    box = text(re.search(r'id="bulk-error".*?</div>', bad_number.text, re.S).group(0))  # type: ignore[union-attr]
    assert "批准文号“统计局12号”" in box and "统制〔2026〕12号" in box and "均未改变" in box
    # What was typed and ticked comes back, to correct rather than retype.
    assert 'name="approval_number" maxlength="128" value="统计局12号"' in bad_number.text
    assert all(re.search(rf'name="pick\|{i}"[^>]*checked', bad_number.text) for i in (first, second)), (
        "the ticked requests stay ticked"
    )

    bad_day = browser.post(
        "/review/decisions", {**ticked, "approval_number": "统制〔2026〕33号", "valid_until": "2027-02-30"}
    )
    assert bad_day.status_code == 422 and "有效期至“2027-02-30”不是日期" in text(bad_day.text)
    assert (
        status(client, people.statistics, first)
        == status(client, people.statistics, second)
        == "pending_approval"
    )

    done = browser.post(
        "/review/decisions", {**ticked, "approval_number": "统制〔2026〕33号", "valid_until": "2027-06-30"}
    )
    assert done.status_code == 200 and "已批准勾选的采集需求" in done.text
    for request_id in (first, second):
        found = client.get(f"/api/v1/requests/{request_id}", headers=people.statistics).json()
        assert found["approval_number"] == "统制〔2026〕33号" and found["valid_until"] == "2027-06-30"
