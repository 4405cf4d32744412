"""举报 on the pages: the handling queue sees its statistics and hands a report to 纪检监察 (or back), the
discipline-inspection queue answers it out of the education bureau's sight, a school may report to 纪检
directly, and the reporter is never named to the department or school reported."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.hub.factories import create_principal
from tests.hub.tasks.factories import People, Town
from tests.hub.web.conftest import Browser, text


def stats(page: str, queue: str) -> dict[str, int]:
    row = re.search(rf'<tr data-queue="{queue}">(.*?)</tr>', page, re.S)
    assert row is not None, page
    return {k: int(v) for k, v in re.findall(r'data-stat="(\w+)">(?:<span[^>]*>)?(\d+)', row.group(1))}


def test_a_public_report_is_handed_to_discipline_inspection_and_answered_there(
    client: TestClient, admin_headers: dict[str, str], browser: Browser, people: People, town: Town
) -> None:
    office = create_principal(
        client, admin_headers, kind="office", code="jjw", name="市纪委监委驻教育局纪检组"
    )
    browser.client.cookies.clear()
    filed = browser.post(
        "/report",
        {
            "text": "教育局某科室要求教师周末到岗整理台账",
            "school_code": town.schools[0],
            "contact": "王老师 137",
        },
    )
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', filed.text).group(1)  # type: ignore[union-attr]

    browser.sign_in(people.education)
    inbox = browser.get("/complaints")
    assert stats(inbox.text, "education") == {
        "filed": 1, "public": 1, "open": 1, "answered": 0, "closed": 0, "overdue": 0, "answered_in_time": 0,
    }  # fmt: skip
    assert "答复期限" in text(inbox.text) and "王老师 137" in inbox.text
    complaint_id = re.search(r'data-complaint="(\d+)"', inbox.text).group(1)  # type: ignore[union-attr]
    routed = browser.post(f"/complaints/{complaint_id}/route", {"queue": "discipline"})
    assert routed.status_code == 200 and "举报已转办" in routed.text
    assert "周末到岗整理台账" not in routed.text and stats(routed.text, "education")["filed"] == 0
    assert browser.post(f"/complaints/{complaint_id}/route", {"queue": "nowhere"}).status_code in (404, 422)

    # Neither the department nor the school reported learns of it, let alone who filed it.
    browser.sign_in(people.department)
    assert browser.get("/complaints").status_code == 403
    browser.sign_in(people.schools[town.schools[0]])
    assert "周末到岗整理台账" not in browser.get("/complaints").text

    browser.sign_in(office)
    queue = browser.get("/complaints")
    assert (
        "周末到岗整理台账" in queue.text and "王老师 137" in queue.text and "纪检监察部门办理" in queue.text
    )
    assert stats(queue.text, "discipline")["open"] == 1 and 'data-queue="education"' not in queue.text
    browser.post(f"/complaints/{complaint_id}/answer", {"response": "已立案核查", "status": "answered"})
    assert stats(browser.get("/complaints").text, "discipline")["answered_in_time"] == 1

    browser.client.cookies.clear()
    followed = text(browser.get(f"/report/{code}").text)
    assert "纪检监察部门办理" in followed and "已立案核查" in followed and "王老师" not in followed


def test_a_school_reports_the_bureau_itself_to_discipline_inspection(
    client: TestClient, admin_headers: dict[str, str], browser: Browser, people: People, town: Town
) -> None:
    office = create_principal(
        client, admin_headers, kind="office", code="jjw", name="市纪委监委驻教育局纪检组"
    )
    school = town.schools[0]
    browser.sign_in(people.schools[school])
    assert "纪检监察" in browser.get("/complaints/new").text
    filed = browser.post(
        "/complaints",
        {
            "reason": "other",
            "text": "教育局临时要求各校报送迎检材料",
            "outside_department": "市教育局",
            "to": "discipline",
        },
    )
    assert (
        filed.status_code == 200 and "教育局临时要求各校报送迎检材料" in filed.text
    )  # the school sees its own
    browser.sign_in(people.education)
    assert "迎检材料" not in browser.get("/complaints").text
    browser.sign_in(office)
    assert "迎检材料" in browser.get("/complaints").text
