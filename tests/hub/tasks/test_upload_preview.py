"""A second upload shows what it would change before it is applied: each saved value it would overwrite
or clear, old and new, the cells it would fill and refuse; the preview changes nothing, not even the
task's 未查看 state, and never waits for a writer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.records.models import IngestBatch, RecordHistory
from hub.tasks.models import TaskSubmission
from tests.hub.tasks.factories import People, Town, create_people, create_town, published_request, task_of
from tests.hub.tasks.test_no_data_loss import csv_bytes, rows_of
from tests.hub.tasks.test_submissions import post_rows

LABEL = "本年度继续教育学时"


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings, withhold={"training_hours": [0]}, teachers=30)


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(RecordHistory)) or 0,
        session.scalar(select(func.count()).select_from(IngestBatch)) or 0,
        session.scalar(select(func.count()).select_from(TaskSubmission)) or 0,
    )


def test_a_second_upload_lists_what_it_would_overwrite_and_changes_nothing(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    headers = people.schools[town.schools[0]]
    request_id, _ = published_request(client, people, LABEL)
    task = task_of(client, headers, request_id)
    refs = [r["reference"] for r in task["rows"]]
    names = {r["reference"]: r["name"] for r in task["rows"]}
    post_rows(client, headers, task["id"], [{"参考号": ref, LABEL: "30"} for ref in refs[:3]])
    before = counts(session)

    second = csv_bytes(
        [
            ["参考号", LABEL],
            [refs[0], "30"],  # what is saved: unchanged
            [refs[1], "45"],  # overwrites 30
            [refs[2], "#清空"],  # clears 30
            [refs[3], "12"],  # fills an empty cell
            [refs[4], "-2"],  # refused
            [refs[5], ""],  # blank: no change
        ]
    )
    url = f"/api/v1/tasks/{task['id']}/submission"
    preview = client.post(f"{url}/preview", headers={**headers, "Content-Type": "text/csv"}, content=second)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["would_overwrite"] is True
    (overwritten,) = body["overwritten"]
    assert overwritten == {
        "row": 3,
        "reference": refs[1],
        "name": names[refs[1]],
        "field": LABEL,
        "element": "teacher.training_hours",
        "old": "30",
        "new": "45",
    }
    (cleared,) = body["cleared"]
    assert cleared["reference"] == refs[2] and cleared["old"] == "30" and cleared["new"] == ""
    assert body["filled"] == 1 and body["filled_cells"][0]["reference"] == refs[3]
    assert body["unchanged"] == 1
    assert (
        body["rejected_rows"] == 1
        and body["rejected"][0]["row"] == 6
        and body["rejected"][0]["value"] == "-2"
    )

    # Nothing was stored: no history, no batch, no submission, the values as they were.
    assert counts(session) == before
    values = rows_of(client, headers, task["id"])
    assert [values[ref] for ref in refs[:4]] == [30, 30, 30, None]

    # Confirmed: the same file applies exactly what the preview said.
    applied = client.post(
        url,
        headers={**headers, "Content-Type": "text/csv"},
        params={"previewed_at": body["previewed_at"]},
        content=second,
    ).json()
    assert applied["cleared"] == 1 and applied["rejected_rows"] == 1
    values = rows_of(client, headers, task["id"])
    assert [values[ref] for ref in refs[:4]] == [30, 45, None, 12]


def test_an_upload_that_only_fills_empty_cells_overwrites_nothing(
    client: TestClient, town: Town, people: People
) -> None:
    headers = people.schools[town.schools[0]]
    request_id, _ = published_request(client, people, LABEL)
    task = task_of(client, headers, request_id)
    refs = [r["reference"] for r in task["rows"]]
    first = csv_bytes([["参考号", LABEL], *[[ref, "8"] for ref in refs[:2]]])
    preview = client.post(
        f"/api/v1/tasks/{task['id']}/submission/preview",
        headers={**headers, "Content-Type": "text/csv"},
        content=first,
    ).json()
    assert preview["would_overwrite"] is False and preview["filled"] == 2 and preview["overwritten"] == []


def test_a_value_saved_after_the_preview_is_kept_when_the_upload_is_confirmed(
    client: TestClient, town: Town, people: People
) -> None:
    headers = people.schools[town.schools[0]]
    request_id, _ = published_request(client, people, LABEL)
    task = task_of(client, headers, request_id)
    refs = [r["reference"] for r in task["rows"]]
    post_rows(client, headers, task["id"], [{"参考号": refs[0], LABEL: "30"}])
    second = csv_bytes([["参考号", LABEL], [refs[0], "40"]])
    url = f"/api/v1/tasks/{task['id']}/submission"
    previewed_at = datetime.now(UTC).isoformat()
    # A colleague corrects the value in the browser between the preview and the confirmation.
    post_rows(client, headers, task["id"], [{"参考号": refs[0], LABEL: "36"}])
    applied = client.post(
        url,
        headers={**headers, "Content-Type": "text/csv"},
        params={"previewed_at": previewed_at},
        content=second,
    ).json()
    assert [k["value"] for k in applied["kept"]] == ["40"]
    assert rows_of(client, headers, task["id"])[refs[0]] == 36


def test_the_preview_does_not_open_the_task_nor_pass_another_schools(
    client: TestClient, town: Town, people: People
) -> None:
    headers = people.schools[town.schools[0]]
    request_id, _ = published_request(client, people, LABEL)
    progress = client.get(f"/api/v1/requests/{request_id}/progress", headers=people.education).json()
    mine = next(s for s in progress["schools"] if s["school_code"] == town.schools[0])
    assert mine["state"] == "not_opened"
    content = csv_bytes([["参考号", LABEL], ["T00001", "8"]])
    preview = client.post(
        f"/api/v1/tasks/{mine['task_id']}/submission/preview",
        headers={**headers, "Content-Type": "text/csv"},
        content=content,
    )
    assert preview.status_code == 200, preview.text
    progress = client.get(f"/api/v1/requests/{request_id}/progress", headers=people.education).json()
    assert (
        next(s for s in progress["schools"] if s["school_code"] == town.schools[0])["state"] == "not_opened"
    )

    other = people.schools[town.schools[1]]
    refused = client.post(
        f"/api/v1/tasks/{mine['task_id']}/submission/preview",
        headers={**other, "Content-Type": "text/csv"},
        content=content,
    )
    # Another school's task is not confirmed to exist (issue 17: 404, never 403).
    assert refused.status_code == 404 and refused.json()["code"] == "TaskOfAnotherSchool"
    department = client.post(
        f"/api/v1/tasks/{mine['task_id']}/submission/preview",
        headers={**people.department, "Content-Type": "text/csv"},
        content=content,
    )
    assert department.status_code == 403
