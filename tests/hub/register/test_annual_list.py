"""The annual 督查检查评比考核 list (seed items 1–3): departments propose, the hub finds similar items of other
departments, the Party committee office merges and approves, approved items reach the schools they
concern, and an inspection reaches schools only under an approved item of this year, at term-end,
without screenshots, never re-asking data the hub holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from hub.register.lists import at_term_end
from hub.register.models import InspectedSchool, Inspection, ListItem
from tests.hub.burden.factories import City, create_city
from tests.hub.factories import create_principal

SEED_1 = "未纳入清单的督查检查评比考核事项不得进入校园"


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return create_city(client, session, settings, admin_headers)


@pytest.fixture
def office(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, kind="office", code="office", name="市委办公室")


def year_end(year: int) -> tuple[str, str]:
    return date(year, 12, 1).isoformat(), date(year, 12, 31).isoformat()


def propose(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    starts, ends = year_end(local_today().year)
    payload = {
        "year": local_today().year,
        "kind": "inspection",
        "title": "全市中小学校园安全专项检查",
        "inspected": "校园安全、消防设施、食堂卫生",
        "frequency": "每年1次",
        "method": "实地查看、查阅制度文本",
        "window_starts": starts,
        "window_ends": ends,
        **body,
    }
    return client.post("/api/v1/register/list/items", headers=headers, json=payload)


def decide(client: TestClient, office: dict[str, str], item_id: int, decision: str = "approve") -> Any:
    return client.post(
        f"/api/v1/register/list/items/{item_id}/decision", headers=office, json={"decision": decision}
    )


def inspect(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    starts, _ = year_end(local_today().year)
    payload = {"starts_on": starts, "ends_on": starts, **body}
    return client.post("/api/v1/register/inspections", headers=headers, json=payload)


def stored(session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        int(session.scalar(select(func.count()).select_from(model)) or 0)
        for model in (ListItem, Inspection, InspectedSchool)
    )


def test_term_end_is_june_to_mid_july_and_december_to_january() -> None:
    assert at_term_end(date(2026, 6, 1), date(2026, 7, 15))
    assert at_term_end(date(2026, 12, 10), date(2027, 1, 20))
    assert at_term_end(date(2027, 1, 5), date(2027, 1, 31))
    assert not at_term_end(date(2026, 4, 1), date(2026, 4, 30))
    assert not at_term_end(date(2026, 6, 20), date(2026, 9, 10))


def test_similar_items_of_two_departments_are_proposed_merged_approved_and_published_to_their_schools(
    client: TestClient, admin_headers: dict[str, str], city: City, office: dict[str, str]
) -> None:
    health = create_principal(client, admin_headers, code="health", name="市卫生健康委员会")
    first = propose(client, city.education, schools=city.schools[:2])
    assert first.status_code == 201, first.text
    second = propose(
        client,
        health,
        title="中小学校园食品安全与消防安全检查",
        inspected="食堂卫生、消防设施",
        schools=[city.schools[1]],
    )
    assert second.status_code == 201, second.text
    unrelated = propose(client, health, kind="assessment", title="教师继续教育学分审核", inspected="学分登记")
    assert unrelated.status_code == 201
    first_id, second_id, unrelated_id = first.json()["id"], second.json()["id"], unrelated.json()["id"]

    seen = client.get(f"/api/v1/register/list/items/{second_id}", headers=office).json()
    assert [s["item_id"] for s in seen["similar"]] == [first_id]
    assert seen["similar"][0]["department"] == "市教育局" and seen["similar"][0]["score"] >= 0.62
    assert client.get(f"/api/v1/register/list/items/{unrelated_id}", headers=office).json()["similar"] == []

    # Nothing is published before the office approves: the schools see an empty list.
    school = city.school_headers[city.schools[1]]
    assert client.get("/api/v1/register/list/items", headers=school).json() == []
    # Only the office merges and approves.
    assert decide(client, city.education, first_id).status_code == 403
    merged = client.post(
        f"/api/v1/register/list/items/{second_id}/merge", headers=office, json={"into": first_id}
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["co_organisers"] == ["市卫生健康委员会"]
    assert merged.json()["schools"] == city.schools[:2]
    gone = client.get(f"/api/v1/register/list/items/{second_id}", headers=office).json()
    assert (gone["status"], gone["merged_into"]) == ("merged", first_id)
    assert decide(client, office, second_id).status_code == 409

    assert decide(client, office, first_id).json()["status"] == "approved"
    assert decide(client, office, unrelated_id, "refuse").json()["status"] == "refused"
    published = client.get("/api/v1/register/list/items", headers=school).json()
    assert [(i["id"], i["title"]) for i in published] == [(first_id, "全市中小学校园安全专项检查")]
    # 卫健委, whose proposal was merged in, holds the check under the merged item (会同); others may not.
    held = inspect(client, health, item_id=first_id, schools=[city.schools[1]])
    assert held.status_code == 201, held.text
    assert inspect(client, city.department, item_id=first_id, schools=[city.schools[1]]).status_code == 422
    outside = city.school_headers[city.schools[2]]
    assert client.get("/api/v1/register/list/items", headers=outside).json() == []
    assert client.get(f"/api/v1/register/list/items/{first_id}", headers=outside).status_code == 404


def test_an_inspection_outside_the_approved_list_of_this_year_is_refused_naming_seed_item_1(
    client: TestClient, session: Session, city: City, office: dict[str, str]
) -> None:
    this_year = local_today().year
    unlisted = inspect(client, city.education, title="临时安全大检查", schools=city.schools[:1])
    assert unlisted.status_code == 422, unlisted.text
    body = unlisted.json()
    assert body["code"] == "InspectionNotListed" and body["detail"]["seed_item"] == 1
    assert SEED_1 in body["message"] and "临时安全大检查" in body["message"]

    proposed = propose(client, city.education).json()["id"]
    assert inspect(client, city.education, item_id=proposed, schools=city.schools[:1]).status_code == 422
    starts, ends = date(this_year + 1, 6, 1).isoformat(), date(this_year + 1, 7, 10).isoformat()
    next_year = propose(client, city.education, year=this_year + 1, window_starts=starts, window_ends=ends)
    assert next_year.status_code == 201, next_year.text
    decide(client, office, next_year.json()["id"])
    refused = inspect(
        client,
        city.education,
        item_id=next_year.json()["id"],
        schools=city.schools[:1],
        starts_on=starts,
        ends_on=starts,
    )
    assert refused.status_code == 422 and str(this_year + 1) in refused.json()["message"]
    assert stored(session)[1:] == (0, 0)

    decide(client, office, proposed)
    held = inspect(client, city.education, item_id=proposed, schools=city.schools[:2])
    assert held.status_code == 201, held.text
    assert [s["school_code"] for s in held.json()["schools"]] == city.schools[:2]
    school = city.school_headers[city.schools[0]]
    reached = client.get("/api/v1/register/inspections", headers=school).json()
    assert [(i["item_id"], [s["school_code"] for s in i["schools"]]) for i in reached] == [
        (proposed, [city.schools[0]])
    ]
    # Outside the approved window, asking screenshots, or a department holding another's item: refused.
    late = inspect(client, city.education, item_id=proposed, schools=city.schools[:1], starts_on="2099-01-01")
    assert late.json()["code"] == "InspectionOutsideWindow" and late.json()["detail"]["seed_item"] == 3
    shots = inspect(
        client, city.education, item_id=proposed, schools=city.schools[:1], evidence="在工作群上传检查截图"
    )
    assert shots.json()["code"] == "ScreenshotEvidenceRefused" and shots.json()["detail"]["value"] == ["截图"]
    other = inspect(client, city.department, item_id=proposed, schools=city.schools[:1])
    assert other.json()["code"] == "InspectionNotListed"
    assert stored(session)[1:] == (1, 2)


def test_item_3_rules_refuse_off_term_windows_screenshots_and_data_the_hub_holds(
    client: TestClient, session: Session, city: City, office: dict[str, str]
) -> None:
    year = local_today().year
    april = {
        "window_starts": date(year + 1, 4, 1).isoformat(),
        "window_ends": date(year + 1, 4, 30).isoformat(),
    }
    off_term = propose(client, city.department, year=year + 1, **april)
    assert off_term.status_code == 422, off_term.text
    assert (off_term.json()["code"], off_term.json()["detail"]["seed_item"]) == ("ListWindowNotAtTermEnd", 3)
    video = propose(client, city.department, method="各校录制视频上传政务APP")
    assert video.json()["code"] == "ScreenshotEvidenceRefused" and video.json()["detail"]["value"] == [
        "录制视频"
    ]
    reasked = propose(
        client,
        city.department,
        materials=[{"label": "教师姓名", "entity": "teacher"}, {"label": "学校安全管理制度文本"}],
    )
    assert reasked.status_code == 422, reasked.text
    assert reasked.json()["code"] == "MaterialsAlreadyReported"
    assert reasked.json()["detail"]["value"] == ["教师姓名"] and "严禁重复" in reasked.json()["message"]
    assert stored(session) == (0, 0, 0)

    # An off-term window with a reason goes to the office, which approves it with the item.
    excepted = propose(client, city.department, year=year + 1, window_reason="配合省级年中评估", **april)
    assert excepted.status_code == 201, excepted.text
    item = excepted.json()
    assert (item["window_at_term_end"], item["window_reason"]) == (False, "配合省级年中评估")
    kept = propose(client, city.department, materials=[{"label": "学校安全管理制度文本"}])
    assert kept.status_code == 201, kept.text
    assert [(m["label"], m["status"]) for m in kept.json()["materials"]] == [("学校安全管理制度文本", "new")]
    assert propose(client, office).status_code == 403
    assert propose(client, city.department, year=year - 1).json()["code"] == "ListYearInvalid"


def approve_list(client: TestClient, office: dict[str, str], year: int, **body: Any) -> Any:
    return client.post(f"/api/v1/register/list/{year}/approval", headers=office, json=body)


def test_the_office_approves_the_whole_list_in_one_act_on_the_audit_log(
    client: TestClient, session: Session, admin_headers: dict[str, str], city: City, office: dict[str, str]
) -> None:
    from hub.audit.models import AuditEntry

    year = local_today().year
    health = create_principal(client, admin_headers, code="health", name="市卫生健康委员会")
    safety = propose(client, city.education).json()["id"]
    food = propose(
        client, health, title="中小学校园食品安全与消防安全检查", inspected="食堂卫生、消防设施"
    ).json()["id"]
    credits = propose(client, health, kind="assessment", title="教师继续教育学分审核", inspected="学分登记")
    credits_id = credits.json()["id"]

    assert approve_list(client, city.education, year).status_code == 403
    # Two similar proposals of two departments would both be listed: merge first, nothing decided.
    similar = approve_list(client, office, year)
    assert similar.status_code == 409, similar.text
    body = similar.json()
    assert body["code"] == "ListSimilarUnmerged" and body["detail"]["value"] == [[safety, food]]
    assert "合并" in body["message"] and body["detail"]["seed_item"] == 1
    # The office reviewed three; refusing one not waiting, or a list that changed, decides nothing either.
    stray = approve_list(client, office, year, refuse=[999999], keep_apart=True)
    assert stray.status_code == 422 and stray.json()["code"] == "ListRefusalInvalid"
    changed = approve_list(client, office, year, expected=[safety, food], keep_apart=True)
    assert changed.status_code == 409 and changed.json()["code"] == "ListChanged"
    assert str(credits_id) in changed.json()["message"]
    waiting = client.get("/api/v1/register/list/items?status=proposed", headers=office).json()
    assert sorted(i["id"] for i in waiting) == sorted([safety, food, credits_id])

    merged = client.post(f"/api/v1/register/list/items/{food}/merge", headers=office, json={"into": safety})
    assert merged.status_code == 200, merged.text
    approved = approve_list(
        client,
        office,
        year,
        expected=[safety, credits_id],
        refuse=[credits_id],
        note="年度清单经市委常委会审议通过",
    )
    assert approved.status_code == 200, approved.text
    assert approved.json() == {"year": year, "approved": [safety], "refused": [credits_id], "listed": 1}
    listed = client.get(f"/api/v1/register/list/items?year={year}", headers=office).json()
    assert {i["id"]: i["status"] for i in listed} == {
        safety: "approved",
        food: "merged",
        credits_id: "refused",
    }
    school = city.school_headers[city.schools[0]]
    assert [i["id"] for i in client.get("/api/v1/register/list/items", headers=school).json()] == [safety]

    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "list.approve")).all()
    target = (entry.detail or {})["target"]
    assert (target["year"], target["approved"], target["refused"]) == (year, [safety], [credits_id])
    assert (entry.detail or {})["reason"] == "年度清单经市委常委会审议通过"
    again = approve_list(client, office, year)
    assert again.status_code == 409 and again.json()["code"] == "ListNothingToApprove"
