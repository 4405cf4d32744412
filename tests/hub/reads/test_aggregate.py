"""Aggregates: counts, sums and averages by school, division and code values, small groups suppressed."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import City
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_city, create_principal

K = 5


@pytest.fixture
def city(session: Session, settings: Settings) -> City:
    return create_city(session, settings, schools=8, teachers=120, seed=3)


@pytest.fixture
def dept(client: TestClient, admin_headers: dict[str, str], city: City) -> dict[str, str]:
    headers = create_principal(client, admin_headers, code="stats-dept", name="市统计局人口处")
    create_grant(
        client,
        admin_headers,
        holder=headers,
        elements=[
            "teacher.gender",
            "teacher.title",
            "teacher.age",
            "teacher.weekly_lessons",
            "teacher.health_status",
        ],
    )
    return headers


def aggregate(client: TestClient, headers: dict[str, str], **params: object) -> dict:
    answer = client.get("/api/v1/query/teacher/aggregate", headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_counts_by_school_match_the_store_and_small_schools_are_suppressed(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    result = aggregate(client, dept, group_by="school")
    actual = city.teachers["school_code"].value_counts().to_dict()
    assert result["k"] == K and result["total"]["count"] == len(city.teachers)
    shown = {g["keys"]["school"]: g["count"] for g in result["groups"] if not g["suppressed"]}
    assert all(actual[code] == count for code, count in shown.items())
    hidden = [g for g in result["groups"] if g["suppressed"]]
    assert all(g["count"] is None for g in hidden)
    assert {g["keys"]["school"] for g in result["groups"]} == set(actual)
    assert all(actual[g["keys"]["school"]] >= K for g in result["groups"] if not g["suppressed"])
    assert len(hidden) != 1  # one hidden group would be the total minus the others


def test_gender_by_school_suppresses_small_cells_with_complements(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    result = aggregate(client, dept, group_by=["school", "gender"])
    actual = city.teachers.groupby(["school_code", "gender"]).size().to_dict()
    for group in result["groups"]:
        count = actual[(group["keys"]["school"], group["keys"]["teacher.gender"])]
        if count < K:
            assert group["suppressed"]
        if not group["suppressed"]:
            assert group["count"] == count
        assert group["labels"]["teacher.gender"] in ("男性", "女性")
    for school in {g["keys"]["school"] for g in result["groups"]}:
        line = [g for g in result["groups"] if g["keys"]["school"] == school]
        assert sum(g["suppressed"] for g in line) != 1 or len(line) == 1


def test_sum_and_average_of_numbers_and_derived_ages(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    result = aggregate(
        client, dept, measure=["avg:teacher.age", "sum:teacher.weekly_lessons"], group_by="gender"
    )
    born = city.teachers["birth_date"].astype("datetime64[us]")
    today = date.today()
    ages = born.map(lambda b: today.year - b.year - ((today.month, today.day) < (b.month, b.day)))
    for group in result["groups"]:
        if group["suppressed"]:
            continue
        mask = city.teachers["gender"] == group["keys"]["teacher.gender"]
        assert group["values"]["avg:teacher.age"] == pytest.approx(ages[mask].mean(), abs=1e-3)
        lessons = city.teachers.loc[mask, "weekly_lessons"].astype("Int64").sum()
        assert group["values"]["sum:teacher.weekly_lessons"] == pytest.approx(float(lessons))


def test_masked_or_text_elements_cannot_be_grouped_or_summed(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    sensitive = client.get(
        "/api/v1/query/teacher/aggregate", headers=dept, params={"group_by": "health_status"}
    )
    assert sensitive.status_code == 403
    text = client.get(
        "/api/v1/query/teacher/aggregate", headers=dept, params={"measure": "sum:teacher.title"}
    )
    assert text.status_code == 422
    ungranted = client.get("/api/v1/query/teacher/aggregate", headers=dept, params={"group_by": "ethnicity"})
    assert ungranted.status_code == 403


def test_differencing_two_aggregates_of_one_grant_recovers_no_suppressed_cell(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    """The classic attack: titles over every school, then over every school but one; subtracted, the
    two tables would give that school's titles, small cells included. Every answer the hub gives is
    checked against every other: no difference of published counts is a group of 1 to k-1 records."""
    actual = city.teachers.groupby(["school_code", "title"]).size().to_dict()
    schools = sorted(city.teachers["school_code"].unique())
    # A school holding a title fewer than k times: the cell the school-by-title table withholds.
    target = next(s for s in schools if any(0 < n < K for (code, _), n in actual.items() if code == s))
    whole = aggregate(client, dept, group_by="title")
    cut = client.get(
        "/api/v1/query/teacher/aggregate",
        headers=dept,
        params={"group_by": "title", "school": [s for s in schools if s != target]},
    )
    assert cut.status_code == 403, cut.text
    refusal = cut.json()
    assert refusal["code"] == "AggregateDifferencing" and refusal["detail"]["k"] == K
    assert "少于 5 条记录" in refusal["message"] and "suppression threshold 5" in refusal["message"]

    answered = [whole]
    for left_out in schools:
        answer = client.get(
            "/api/v1/query/teacher/aggregate",
            headers=dept,
            params={"group_by": "title", "school": [s for s in schools if s != left_out]},
        )
        assert answer.status_code in (200, 403), answer.text
        if answer.status_code == 200:
            answered.append(answer.json())

    def published(result: dict) -> dict[object, int]:
        shown = {g["keys"]["teacher.title"]: g["count"] for g in result["groups"] if not g["suppressed"]}
        if not result["total"]["suppressed"]:
            shown["*total*"] = result["total"]["count"]
        return shown

    for i, first in enumerate(answered):
        for second in answered[i + 1 :]:
            a, b = published(first), published(second)
            for key in set(a) & set(b):
                assert not 0 < abs(a[key] - b[key]) < K, (key, a[key], b[key])
    # The same question asked again is answered: only a difference is refused.
    assert aggregate(client, dept, group_by="title") == whole
