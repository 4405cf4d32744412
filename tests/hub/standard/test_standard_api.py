from __future__ import annotations

from fastapi.testclient import TestClient


def _token(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    token = client.post(
        "/api/v1/principals",
        headers=admin_headers,
        json={"kind": "department", "name": "市人社局", "code": "d1"},
    ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_elements_list_the_standard_with_labels_and_code_lists(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    answer = client.get("/api/v1/standard/elements", headers=_token(client, admin_headers))
    assert answer.status_code == 200
    items = answer.json()["items"]
    by_entity = {"teacher": 0, "school": 0}
    for item in items:
        by_entity[item["entity"]] += 1
        assert item["label_zh"] and item["label_en"]
    assert by_entity["teacher"] >= 45 and by_entity["school"] >= 35
    gender = next(i for i in items if i["code"] == "teacher.gender")
    assert any(v["code"] == "1" and v["label_zh"].startswith("男") for v in gender["allowed_values"])
    age = next(i for i in items if i["code"] == "teacher.age")
    assert age["derived_from"] == ["teacher.birth_date"]


def test_elements_filter_by_entity_and_need_a_token(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    assert client.get("/api/v1/standard/elements").status_code == 401
    schools = client.get(
        "/api/v1/standard/elements?entity=school", headers=_token(client, admin_headers)
    ).json()
    assert {i["entity"] for i in schools["items"]} == {"school"}


def test_versions_start_with_the_bundled_standard(client: TestClient, admin_headers: dict[str, str]) -> None:
    versions = client.get("/api/v1/standard/versions", headers=_token(client, admin_headers)).json()
    assert versions[0]["version"] == 1
    assert "teacher.id_number" in versions[0]["added_elements"]


def test_elements_say_which_period_their_values_belong_to(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    items = {
        i["code"]: i
        for i in client.get("/api/v1/standard/elements", headers=_token(client, admin_headers)).json()[
            "items"
        ]
    }
    assert items["school.student_count"]["period"] == {
        "kind": "school_year",
        "measure": "stock",
        "additive": False,
        "kind_zh": "学年",
    }
    assert items["teacher.training_hours"]["period"]["measure"] == "flow"
    assert items["teacher.training_hours"]["period"]["additive"] is True
    assert items["teacher.name"]["period"] is None
