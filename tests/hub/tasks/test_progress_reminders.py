"""Progress a bureau can act on: per school 未查看 / 填报中 / 已提交, filtered, sorted, exported, and
催报 to the schools that have not submitted, which each school sees."""

from __future__ import annotations

import io

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.tasks.factories import People, Town, create_people, create_town, published_request, task_of
from tests.hub.tasks.test_completion import fill
from tests.hub.web.conftest import Browser, text


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings, withhold={"mandarin_level": [0, 1, 2]}, teachers=30)


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def states(client: TestClient, people: People, request_id: int, query: str = "") -> dict[str, str]:
    answer = client.get(f"/api/v1/requests/{request_id}/progress{query}", headers=people.education)
    assert answer.status_code == 200, answer.text
    return {s["school_code"]: s["state"] for s in answer.json()["schools"]}


def test_schools_that_never_opened_a_task_are_not_opened_and_are_reminded(
    client: TestClient, town: Town, people: People
) -> None:
    opened, untouched, done = town.schools
    request_id, _ = published_request(client, people, "普通话水平等级")
    assert set(states(client, people, request_id).values()) == {"not_opened"}

    task = task_of(client, people.schools[opened], request_id)
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=people.schools[opened]).status_code == 200
    fill(client, people.schools[done], task_of(client, people.schools[done], request_id), "一级乙等")
    assert states(client, people, request_id) == {
        opened: "in_progress",
        untouched: "not_opened",
        done: "submitted",
    }
    waiting = states(client, people, request_id, "?state=not_opened&state=in_progress&sort=state")
    assert list(waiting) == [untouched, opened]

    assert (
        client.post(
            f"/api/v1/requests/{request_id}/reminders", headers=people.department, json={}
        ).status_code
        == 403
    )
    sent = client.post(
        f"/api/v1/requests/{request_id}/reminders", headers=people.education, json={"note": "请本周五前完成"}
    )
    assert sent.status_code == 200, sent.text
    assert sorted(sent.json()["reminded"]) == sorted([opened, untouched]) and sent.json()["skipped"] == []
    nothing = client.post(
        f"/api/v1/requests/{request_id}/reminders", headers=people.education, json={"schools": [done]}
    )
    assert nothing.status_code == 409 and nothing.json()["code"] == "NothingToRemind"

    (reminded,) = client.get(
        f"/api/v1/tasks?request_id={request_id}", headers=people.schools[untouched]
    ).json()
    assert [r["note"] for r in reminded["reminders"]] == ["请本周五前完成"] and reminded[
        "state"
    ] == "not_opened"
    progress = client.get(f"/api/v1/requests/{request_id}/progress", headers=people.education).json()
    assert progress["states"] == {"not_opened": 1, "in_progress": 1, "submitted": 1, "overdue": 0}
    row = next(s for s in progress["schools"] if s["school_code"] == untouched)
    assert row["reminders"] == 1 and row["last_reminded_at"] is not None


def test_progress_exports_to_excel_with_the_same_filter(
    client: TestClient, town: Town, people: People
) -> None:
    request_id, _ = published_request(client, people, "普通话水平等级")
    done = town.schools[2]
    fill(client, people.schools[done], task_of(client, people.schools[done], request_id), "一级乙等")
    answer = client.get(
        f"/api/v1/requests/{request_id}/progress.xlsx?state=not_opened&sort=school", headers=people.education
    )
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    assert "填报进度" in str(sheet["A1"].value)
    assert [c.value for c in sheet[2]][:3] == ["学校名称", "学校标识码", "状态"]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert sorted(r[1] for r in body) == sorted(town.schools[:2]) and {r[2] for r in body} == {"未查看"}
    assert sheet.freeze_panes == "A3"


def test_the_bureau_filters_and_reminds_in_the_browser_and_the_school_sees_it(
    client: TestClient, town: Town, people: People
) -> None:
    browser = Browser(client=client)
    request_id, _ = published_request(client, people, "普通话水平等级")
    done, untouched = town.schools[2], town.schools[0]
    fill(client, people.schools[done], task_of(client, people.schools[done], request_id), "一级乙等")
    browser.sign_in(people.education)
    page = browser.get(f"/requests/{request_id}?state=not_opened&state=in_progress&state=overdue")
    shown = page.text.split('id="progress-table"')[1].split("</table>")[0]
    assert f'data-school="{untouched}"' in shown and f'data-school="{done}"' not in shown
    assert "未查看" in text(shown) and "填报中" not in text(shown)
    assert "未查看 2 所 · 填报中 0 所 · 已提交 1 所" in text(page.text)
    reminded = browser.post(f"/requests/{request_id}/remind", {"note": "请尽快填报"})
    assert reminded.status_code == 200 and "已向未提交的学校发出催报" in text(reminded.text)
    assert "已催报 1 次" in text(reminded.text)

    browser.sign_in(people.schools[untouched])
    tasks_page = browser.get("/tasks")
    assert 'id="reminders"' in tasks_page.text and "请尽快填报" in text(tasks_page.text)
    task = task_of(client, people.schools[untouched], request_id)
    fill_page = browser.get(f"/tasks/{task['id']}")
    assert "请尽快填报" in text(fill_page.text)
    assert 'id="reminders"' not in browser.get("/tasks").text  # seen once the task was opened

    refused = browser.post(f"/tasks/{task['id']}/complete", {})
    assert refused.status_code == 422 and "确认完成须说明" in text(refused.text)
    assert "onsubmit=\"return confirm('还有" in fill_page.text
    accepted = browser.post(f"/tasks/{task['id']}/complete", {"reason": "本校教师均未参加测试"})
    assert "msg=task_done" in str(accepted.url)
