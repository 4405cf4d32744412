"""The 自查表 (高平方案 附件2): the seed's 21 items word for word, answered from what the hub recorded for the
school this term, and an XLSX that prints like the paper form."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.terms import term_of
from hub.register.models import Secondment
from hub.requests.models import DataRequest
from hub.selfcheck.items import ITEMS
from hub.tasks.models import Task
from tests.hub.burden.factories import (
    APPROVAL_NUMBER,
    GATHERED_LABELS,
    City,
    approve_and_publish,
    create_city,
    request_body,
    run_scenario,
    submit,
)

SEED = Path(__file__).resolve().parent / "seeds" / "002_cc4b3f3e09373f8c.txt"
TERM = term_of(datetime.now(UTC)).label
VOTING_LABEL = "教师参与网上投票次数"


def seed_table() -> list[tuple[str, str]]:
    """(项目, 内容) of every row of 附件2 as the seed writes it; a row with an empty 项目 cell continues the group."""
    text = SEED.read_text(encoding="utf-8")
    table = text[text.index("项目\t内 容\t自查情况\t备注") : text.index("填表人")]
    rows, group = [], ""
    for line in table.splitlines()[1:]:
        cells = line.split("\t")
        content = next((c for c in cells if re.match(r"\d+\. ", c)), None)
        if content is None:
            continue
        first = cells[0].strip()
        if first and first != content:
            group = first
        rows.append((group, content))
    return rows


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    """The burden scenario, plus a survey about online voting that the statistics bureau let through
    to the first school, and that school's complaint about it."""
    city = run_scenario(client, create_city(client, session, settings, admin_headers))
    first = city.schools[0]
    voting = submit(
        client,
        city.department,
        request_body(
            {"label": VOTING_LABEL, "type": "integer"}, title="网络文明活动参与情况", schools=[first]
        ),
    )
    assert any(v["rule"] == "rule 11" and v["severity"] == "review" for v in voting["violations"]), voting
    approve_and_publish(client, city, voting["id"])
    city.requests["voting"] = voting["id"]
    complaint = client.post(
        "/api/v1/complaints",
        headers=city.school_headers[first],
        json={
            "reason": "rule 13",
            "text": "要求统计教师网上投票次数，与教学无关",
            "request_id": voting["id"],
        },
    )
    assert complaint.status_code == 201, complaint.text
    city.requests["complaint"] = complaint.json()["id"]
    return city


def selfcheck(client: TestClient, city: City, school: str, **params: Any) -> dict[str, Any]:
    answer = client.get(
        f"/api/v1/schools/{school}/selfcheck", headers=city.school_headers[school], params=params
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_the_items_are_the_seeds_twenty_one_word_for_word() -> None:
    expected = seed_table()
    assert len(expected) == 21
    assert [(item.group, item.content) for item in ITEMS] == expected
    assert [item.number for item in ITEMS] == list(range(1, 22))


def test_the_answers_follow_what_the_hub_recorded_for_the_school(client: TestClient, city: City) -> None:
    first = city.schools[0]
    check = selfcheck(client, city, first, term=TERM)
    items = {i["number"]: i for i in check["items"]}
    assert len(items) == 21 and check["term"] == TERM
    assert [(i["group"], i["content"]) for i in check["items"]] == seed_table()

    # 3 重复上报: no gathered field asked again; the request for gathered fields was answered without the school.
    repeat = items[3]
    assert (repeat["source"], repeat["finding"]) == ("hub", "compliant") and repeat["answer"].startswith("否")
    assert repeat["evidence"]["requests_satisfied_without_school"] == [city.requests["answered"]]
    assert repeat["evidence"]["reasked_fields"] == []
    assert repeat["evidence"]["fields_spared"] == (len(GATHERED_LABELS) + 1) * city.teachers[first]

    # 18 报表: four requests, two tasks (the voting one and the after-school one), deadlines long enough.
    forms = items[18]
    assert (forms["source"], forms["finding"]) == ("hub", "compliant") and forms["answer"].startswith("是")
    assert forms["evidence"]["requests_received"] == 4 and forms["evidence"]["tasks_sent"] == 2
    assert forms["evidence"]["short_deadlines"] == []

    # 19 统计调研 and 4 网上投票: an unrelated survey reached the school, although it was approved.
    survey = items[19]
    assert (survey["finding"], survey["answer"][0]) == ("violation", "否")
    assert survey["evidence"]["unrelated_reached_school"] == [city.requests["voting"]]
    assert city.requests["complaint"] in survey["evidence"]["complaints"] and "举报 1 件" in survey["note"]
    voting = items[4]
    assert (voting["source"], voting["finding"], voting["answer"][0]) == ("partial", "violation", "是")
    assert voting["evidence"]["reached_school"] == [city.requests["voting"]]

    # 1 审批: every task through the hub carried an approval number; inspections are the school's to check.
    approval = items[1]
    assert (approval["source"], approval["finding"]) == ("partial", "unknown")
    assert APPROVAL_NUMBER in approval["answer"] and approval["evidence"]["unapproved_tasks"] == []

    # What the hub cannot see is left to the school.
    for number in (5, 6, 8, 10, 12, 13, 17, 20, 21):
        assert (items[number]["source"], items[number]["answer"]) == ("school", "需学校自查"), number
    assert check["summary"]["violation"] == 2 and check["summary"]["school"] == 9


def test_another_school_sees_a_clean_record_and_no_one_elses_table(
    client: TestClient, city: City, admin_headers: dict[str, str]
) -> None:
    first, second = city.schools[:2]
    items = {i["number"]: i for i in selfcheck(client, city, second)["items"]}
    assert items[19]["finding"] == "compliant" and items[19]["answer"].startswith("是")
    assert items[4]["finding"] == "unknown" and items[4]["evidence"]["matching_requests"] == []
    assert items[18]["evidence"]["requests_received"] == 2 and items[19]["note"] == ""
    url = f"/api/v1/schools/{first}/selfcheck"
    assert client.get(url, headers=city.school_headers[second]).status_code == 404
    assert client.get(url, headers=city.department).status_code == 403
    assert client.get(url, headers=city.education).status_code == 200
    assert client.get(url + ".xlsx", headers=city.school_headers[second]).status_code == 404
    assert client.get(url, headers=admin_headers, params={"term": "someday"}).status_code == 422


def test_a_deadline_under_the_minimum_shows_in_item_18(
    client: TestClient, session: Session, city: City
) -> None:
    first = city.schools[0]
    # A task whose deadline was moved up after publication to the next working day.
    task_id = (
        session.query(Task.id)
        .filter(Task.request_id == city.requests["published"], Task.school_code == first)
        .scalar()
    )
    session.execute(update(Task).where(Task.id == task_id).values(deadline=date.today() + timedelta(days=1)))
    session.flush()
    forms = {i["number"]: i for i in selfcheck(client, city, first)["items"]}[18]
    assert forms["finding"] == "violation" and forms["answer"].startswith("否")
    assert [d["task"] for d in forms["evidence"]["short_deadlines"]] == [task_id]
    assert "少于 5 个工作日" in forms["answer"]


def test_a_term_without_records_leaves_the_hub_items_at_zero(client: TestClient, city: City) -> None:
    items = {i["number"]: i for i in selfcheck(client, city, city.schools[0], term="2020-春")["items"]}
    assert items[18]["evidence"]["requests_received"] == 0 and items[18]["evidence"]["tasks_sent"] == 0
    assert items[19]["finding"] == "compliant" and items[4]["finding"] == "unknown"
    assert "未向本校下发填报任务" in items[1]["answer"] and "未向本校下发填报任务" in items[19]["answer"]


def test_the_title_names_the_city_the_hub_serves(client: TestClient, city: City, settings: Settings) -> None:
    settings.city_name = "泽州县"
    first = city.schools[0]
    check = selfcheck(client, city, first)
    assert check["title"] == "泽州县中小学教师减负清单自查表"
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(check["xlsx_url"], headers=city.school_headers[first]).content)
    ).active
    assert sheet["A1"].value == "泽州县中小学教师减负清单自查表"


def test_the_xlsx_prints_like_the_paper_form(client: TestClient, city: City) -> None:
    first = city.schools[0]
    check = selfcheck(client, city, first)
    answer = client.get(check["xlsx_url"], headers=city.school_headers[first])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet["A1"].value == "高平市中小学教师减负清单自查表"
    assert sheet["A2"].value.startswith("学校（盖章）：") and first in sheet["A2"].value
    assert sheet["C2"].value.startswith("填表时间：")
    assert [sheet.cell(4, c).value for c in range(1, 5)] == ["项目", "内容", "自查情况", "备注"]
    rows = [[sheet.cell(r, c).value for c in range(1, 5)] for r in range(5, 26)]
    assert [r[1] for r in rows] == [content for _, content in seed_table()]
    assert [r[2] for r in rows] == [i["answer"] for i in check["items"]]
    merged = {str(m) for m in sheet.merged_cells.ranges}
    # The four 项目 groups as the seed's table draws them: items 1–3, 4–8, 9–19, 20–21.
    assert {"A5:A7", "A8:A12", "A13:A23", "A24:A25"} <= merged
    assert [sheet.cell(r, 1).value for r in (5, 8, 13, 24)] == list(dict.fromkeys(g for g, _ in seed_table()))
    assert (
        sheet["B5"].alignment.wrap_text
        and sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    )
    assert sheet.page_setup.orientation == "portrait" and sheet.print_title_rows == "$4:$4"
    assert any(str(sheet.cell(r, 1).value or "").startswith("填表人") for r in range(26, 30))


def test_a_task_without_approval_or_past_its_validity_shows_in_items_1_2_and_19(
    client: TestClient, session: Session, city: City
) -> None:
    """Publication refuses both, so the records are altered as an import from an older system would leave them."""
    first = city.schools[0]
    published, voting = city.requests["published"], city.requests["voting"]
    session.execute(update(DataRequest).where(DataRequest.id == published).values(approval_number=None))
    session.execute(
        update(DataRequest)
        .where(DataRequest.id == voting)
        .values(valid_until=date.today() - timedelta(days=1))
    )
    session.flush()
    items = {i["number"]: i for i in selfcheck(client, city, first)["items"]}
    assert (items[1]["finding"], items[1]["answer"][0]) == ("violation", "是")
    assert items[1]["evidence"]["unapproved_requests"] == [published]
    assert f"#{published}" in items[1]["answer"]
    assert items[2]["finding"] == "violation" and len(items[2]["evidence"]["outside_validity"]) == 1
    assert items[19]["finding"] == "violation" and len(items[19]["evidence"]["unapproved_tasks"]) == 1
    # The other school got the same unapproved task.
    other = {i["number"]: i for i in selfcheck(client, city, city.schools[1])["items"]}
    assert other[1]["finding"] == "violation" and other[2]["finding"] == "unknown"


def submission(client: TestClient, city: City, school: str, term: str, answers: list[dict[str, Any]]) -> Any:
    return client.post(
        f"/api/v1/schools/{school}/selfcheck/submission",
        headers=city.school_headers[school],
        params={"term": term},
        json={"answers": answers},
    )


def test_the_school_answers_the_open_items_at_term_end_never_against_its_records(
    client: TestClient, session: Session, city: City
) -> None:
    from hub.selfcheck.models import SelfCheckSubmission

    first = city.schools[0]
    current = term_of(datetime.now(UTC))
    # Submitted at term end: the next term's table cannot be handed in yet.
    early = submission(client, city, first, current.next().label, [])
    assert early.status_code == 422 and early.json()["code"] == "SelfCheckNotAtTermEnd"
    assert "学期末" in early.json()["message"] and "附件2" in early.json()["message"]

    # This term's records: the voting survey that reached the school settles items 4 and 19 as breaches.
    check = selfcheck(client, city, first, term=TERM)
    records = {i["number"]: i["finding"] for i in check["items"]}
    open_items = check["open_items"]
    assert open_items == [n for n, f in records.items() if f == "unknown"] and 5 in open_items
    assert check["submitted_at"] is None
    last = current.previous()  # over, so always open for submission
    past = selfcheck(client, city, first, term=last.label)
    assert past["submittable_from"] <= date.today().isoformat()

    def answers(check: dict[str, Any], **overrides: str) -> list[dict[str, Any]]:
        return [
            {"number": n, "finding": overrides.get(str(n), "compliant"), "text": "经核对无此情况"}
            for n in check["open_items"]
        ]

    # An open item left out, an item the table lacks, or an answer against the records: nothing stored.
    partial = submission(client, city, first, TERM, answers(check)[1:])
    if date.today() >= date.fromisoformat(check["submittable_from"]):
        assert partial.status_code == 422 and partial.json()["code"] == "SelfCheckAnswerMissing"
        assert partial.json()["detail"]["value"] == open_items[:1]
    gone = submission(client, city, first, last.label, [{"number": 22, "finding": "compliant"}])
    assert gone.status_code == 422 and gone.json()["code"] == "SelfCheckItemUnknown"
    term_items = {i["number"]: i for i in past["items"]}
    settled = next(n for n, i in term_items.items() if i["finding"] != "unknown")
    opposite = "violation" if term_items[settled]["finding"] == "compliant" else "compliant"
    against = submission(
        client, city, first, last.label, [*answers(past), {"number": settled, "finding": opposite}]
    )
    assert against.status_code == 422 and against.json()["code"] == "SelfCheckContradictsRecords"
    assert against.json()["detail"]["item"] == settled and "与数据中心记录不符" in against.json()["message"]
    assert session.query(SelfCheckSubmission).count() == 0

    # A bureau reads, never submits, a school's table.
    bureau = client.post(
        f"/api/v1/schools/{first}/selfcheck/submission",
        headers=city.education,
        params={"term": last.label},
        json={"answers": answers(past)},
    )
    assert bureau.status_code == 403 and bureau.json()["code"] == "SelfCheckNotOwnSchool"

    # The school answers every open item (one of them a breach it found itself) and submits once.
    breach = str(past["open_items"][0])
    done = submission(client, city, first, last.label, answers(past, **{breach: "violation"}))
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["submitted_at"] and body["open_items"] == []
    items = {i["number"]: i for i in body["items"]}
    own = items[int(breach)]
    assert (own["source"], own["finding"]) == ("school", "violation") and "学校自查" in own["answer"]
    assert own["evidence"]["school_answer"]["text"] == "经核对无此情况"
    # What the records settled stays as the records say.
    assert all(
        items[n]["finding"] == term_items[n]["finding"]
        for n in term_items
        if term_items[n]["finding"] != "unknown"
    )
    again = submission(client, city, first, last.label, answers(past))
    assert again.status_code == 409 and again.json()["code"] == "SelfCheckSubmitted"

    # The bureau's summary counts the submission and the breach the school declared.
    rollup = client.get("/api/v1/selfcheck", headers=city.education, params={"term": last.label}).json()
    total = rollup["rows"][-1]
    assert total["level"] == "total" and total["submitted"] == 1 and total["schools"] == len(city.schools)
    assert total["violations"][breach] == 1


def test_the_rollup_counts_exactly_what_each_schools_own_table_answers(
    client: TestClient, session: Session, city: City
) -> None:
    """The roll-up is counted by the database (issue 17); every school's row still equals its own 自查表,
    item by item, with breaches of items 1, 2, 4, 18, 19 and 20 in the records."""
    second = city.schools[1]
    published, voting = city.requests["published"], city.requests["voting"]
    session.execute(update(DataRequest).where(DataRequest.id == published).values(approval_number=None))
    session.execute(
        update(DataRequest)
        .where(DataRequest.id == voting)
        .values(valid_until=date.today() - timedelta(days=1))
    )
    session.execute(
        update(Task)
        .where(Task.request_id == published, Task.school_code == second)
        .values(deadline=date.today() + timedelta(days=1))
    )
    borrowed = client.post(
        "/api/v1/register/secondments",
        headers=city.department,
        json={
            "kind": "borrow",
            "purpose": "专项工作借用",
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=30)).isoformat(),
            "teachers": [{"school_code": second, "teacher_name": "借用教师"}],
        },
    )
    assert borrowed.status_code == 201, borrowed.text
    decided = client.post(
        f"/api/v1/register/secondments/{borrowed.json()['id']}/decision",
        headers=city.education,
        json={"decision": "approve", "filing_number": "备〔2026〕1号"},
    )
    assert decided.status_code == 200, decided.text
    session.execute(
        update(Secondment)
        .where(Secondment.id == borrowed.json()["id"])
        .values(ends_on=date.today() - timedelta(days=2), starts_on=date.today() - timedelta(days=9))
    )
    session.flush()

    def rows(**params: str) -> list[dict[str, Any]]:
        answer = client.get("/api/v1/selfcheck", headers=city.education, params=params)
        assert answer.status_code == 200, answer.text
        return list(answer.json()["rows"])

    top = rows()
    total = next(r for r in top if r["level"] == "total")
    per_school = []
    for area in (r for r in top if r["level"] != "total"):
        opened = rows(division=area["code"]) if area["level"] != "school" else [area]
        per_school += [r for r in opened if r["level"] == "school"]
    assert sorted(r["code"] for r in per_school) == sorted(city.schools)
    seen: dict[str, dict[int, int]] = {"violation": {}, "unknown": {}}  # item → schools
    for row in per_school:
        own = {i["number"]: i["finding"] for i in selfcheck(client, city, row["code"])["items"]}
        for number, finding in own.items():
            for kind in ("violation", "unknown"):
                counted = row["violations" if kind == "violation" else "unknown"][str(number)]
                assert counted == int(finding == kind), (row["code"], number, finding, row)
                seen[kind][number] = seen[kind].get(number, 0) + counted
        assert row["schools_with_violation"] == int("violation" in own.values())
    for number in range(1, 22):
        assert total["violations"][str(number)] == seen["violation"].get(number, 0), number
        assert total["unknown"][str(number)] == seen["unknown"].get(number, 0), number
    assert {n for n in range(1, 22) if seen["violation"].get(n)} >= {1, 2, 4, 18, 19, 20}
