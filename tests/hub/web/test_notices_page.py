"""A department signing in sees that its request was refused (or answered), opens it, marks it read;
it sets its webhook in the browser and the hub shows the secret it made once."""

from __future__ import annotations

import re

from tests.hub.tasks.factories import People
from tests.hub.web.conftest import Browser, request_form, text


def test_the_department_sees_the_refusal_after_signing_in(browser: Browser, people: People) -> None:
    browser.sign_in(people.department)
    answer = browser.post("/requests", request_form("姓名", "本学期家访次数"))
    request_id = int(re.search(r"/requests/(\d+)", str(answer.url)).group(1))  # type: ignore[union-attr]
    assert 'id="notices"' not in browser.get("/requests").text
    browser.sign_in(people.statistics)
    browser.post(f"/requests/{request_id}/decision", {"decision": "reject", "note": "与教育教学无关"})

    landing = browser.sign_in(people.department)
    notice = re.search(r'<div class="card notices".*?</div>', landing.text, re.S)
    assert notice, text(landing.text)[:300]
    seen = text(notice.group(0))
    assert f"采集需求 {request_id}" in seen and "未获同意" in seen and "与教育教学无关" in seen
    assert f'href="/requests/{request_id}"' in notice.group(0)
    read = browser.post("/notices/read")
    assert "消息已标为已读" in read.text and 'id="notices"' not in read.text


def test_the_department_sets_its_webhook_in_the_browser(browser: Browser, people: People) -> None:
    browser.sign_in(people.department)
    page = browser.get("/webhook")
    assert page.status_code == 200 and "X-Yici-Signature-256" in page.text
    bad = browser.post("/webhook", {"url": "not a url", "active": "on"})
    assert bad.status_code == 422 and "不是有效的" in text(bad.text)
    made = browser.post("/webhook", {"url": "https://hr.example.org/hooks/yici", "active": "on"})
    secret = re.search(r"<code data-secret>([^<]+)</code>", made.text)
    assert secret and len(secret.group(1)) >= 32
    again = browser.get("/webhook")
    assert "https://hr.example.org/hooks/yici" in again.text and secret.group(1) not in again.text
    browser.sign_in(people.schools[next(iter(people.schools))])
    assert browser.get("/webhook").status_code == 403
