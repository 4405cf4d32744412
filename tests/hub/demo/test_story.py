"""`hub demo` leaves a city whose pages tell the story: read back through the real API with the demo tokens.

The demo is a job that commits, like `hub demo` itself, so it runs on a throwaway database of its own
(beside the test database on PostgreSQL, a temporary file on SQLite), loaded once for the module.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from hub.app import create_app
from hub.config import Settings
from hub.databases import drop_database, fresh_engine
from hub.db import session_factory
from hub.demo import story
from hub.demo.city import generate_city
from hub.demo.loader import load_demo

SCHOOLS, TEACHERS, SEED = 14, 420, 2026


@dataclass(frozen=True, kw_only=True)
class Demo:
    engine: Engine
    settings: Settings
    tokens: dict[str, str]
    client: TestClient
    output: str
    cast: story.Cast

    def headers(self, code: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[code]}"}

    def get(self, path: str, who: str) -> Any:
        answer = self.client.get(f"/api/v1{path}", headers=self.headers(who))
        assert answer.status_code == 200, answer.text
        return answer.json()

    def request_by_title(self, title: str) -> dict[str, Any]:
        found = [r for r in self.get("/requests", "demo-edu") if r["title"] == title]
        assert len(found) == 1, [r["title"] for r in self.get("/requests", "demo-edu")]
        request: dict[str, Any] = found[0]
        return request


def _demo_url(database_url: str, folder: Path) -> str:
    if database_url.startswith("postgresql"):
        url = make_url(database_url)
        return url.set(database=f"{url.database}_demo").render_as_string(hide_password=False)
    return f"sqlite:///{folder / 'demo.db'}"


SERVE_PORT = 8765  # the port the person will serve on, told to `hub demo` so its links work


def _load(engine: Engine, settings: Settings, folder: Path) -> tuple[dict[str, str], str]:
    console = Console(record=True, width=200, file=io.StringIO())
    with contextlib.chdir(folder):  # demo-tokens.txt goes to the working directory
        tokens = load_demo(
            engine,
            settings,
            schools=SCHOOLS,
            teachers=TEACHERS,
            seed=SEED,
            console=console,
            port=SERVE_PORT,
        )
    return tokens, console.export_text()


@pytest.fixture(scope="module")
def demo(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo")
    url = _demo_url(database_url, folder)
    engine = fresh_engine(url)
    settings = Settings(
        env="test",
        database_url=url,
        secret_key=SecretStr("demo-story-secret-key-0123456789"),
        scheduler_enabled=False,
    )
    try:
        tokens, output = _load(engine, settings, folder)
        codes = generate_city(seed=SEED, schools=SCHOOLS, teachers=TEACHERS).schools["code"].astype(str)
        app = create_app(settings, factory=session_factory(engine))
        with TestClient(app) as client:
            yield Demo(
                engine=engine,
                settings=settings,
                tokens=tokens,
                client=client,
                output=output,
                cast=story.cast(codes.tolist(), seed=SEED),
            )
    finally:
        engine.dispose()
        drop_database(url)


def test_a_request_of_gathered_fields_was_answered_without_asking_any_school(demo: Demo) -> None:
    roster = demo.request_by_title(story.ROSTER.title)
    assert roster["status"] == "answered"
    assert {f["status"] for f in roster["fields"]} <= {"available", "derived"}
    school = demo.cast.signed_in[0]
    overview = demo.get(f"/schools/{school}/overview", f"demo-school-{school}")
    concerned = {r["id"]: r for r in overview["requests"]}
    assert concerned[roster["id"]]["satisfied_without_input"] is True
    assert concerned[roster["id"]]["task_id"] is None
    assert {f["label"] for f in concerned[roster["id"]]["fields_not_filled"]} == {
        label for label, _ in story.ROSTER.fields
    }


def test_the_burden_dashboard_counts_requests_answered_refused_and_sent(demo: Demo) -> None:
    burden = demo.get("/burden", "demo-edu")
    totals = burden["totals"]
    assert totals["requests_satisfied_without_school"] == SCHOOLS  # the roster, for every school
    assert totals["requests_refused"] == 2 * SCHOOLS  # 组织部's table and 文明办's survey, city-wide
    assert totals["tasks_sent"] == len(demo.cast.pilot)
    assert totals["fields_spared"] > totals["fields_filled"] > 0
    assert totals["complaints"] == 2
    first = next(s for s in burden["schools"] if s["school_code"] == demo.cast.signed_in[0])
    assert first["requests_received"] == len(story.SCRIPTS)
    assert first["tasks_sent"] == 1
    assert first["requests_satisfied_without_school"] == 1
    assert first["complaints"] == 1


def test_new_fields_were_approved_and_published_and_some_schools_have_filled_their_task(demo: Demo) -> None:
    survey = demo.request_by_title(story.FIRST_AID.title)
    assert survey["status"] == "published"
    assert survey["approval_number"] and survey["valid_until"]
    approved = [f for f in survey["fields"] if f["kind"] == "approved"]
    assert [f["label"] for f in approved] == ["是否持有红十字救护员证", "近三年参加应急救护培训次数"]
    progress = demo.get(f"/requests/{survey['id']}/progress", "demo-edu")
    assert progress["tasks_total"] == len(demo.cast.pilot)
    assert 0 < progress["tasks_complete"] < progress["tasks_total"]
    assert 0 < progress["rows_filled"] < progress["rows_expected"]
    by_school = {s["school_code"]: s for s in progress["schools"]}
    assert all(by_school[code]["complete"] for code in demo.cast.complete)
    half_way = by_school[demo.cast.partial[0]]
    assert not half_way["complete"] and 0 < half_way["rows_filled"] < half_way["rows_expected"]
    # A signed-in school still has its task to fill, each field typed, teachers prefilled.
    waiting = next(s for s in demo.cast.signed_in if s not in {*demo.cast.complete, *demo.cast.partial})
    (task,) = demo.get("/tasks", f"demo-school-{waiting}")
    assert task["request_id"] == survey["id"] and task["status"] == "open"


def test_a_request_repeating_an_open_one_is_pointed_at_it(demo: Demo) -> None:
    again = demo.request_by_title(story.FIRST_AID_AGAIN.title)
    assert again["status"] == "duplicate"
    assert again["duplicate_of"] == demo.request_by_title(story.FIRST_AID.title)["id"]


def test_rule_breakers_were_refused_with_reasons(demo: Demo) -> None:
    party = demo.request_by_title(story.PARTY_TABLE.title)
    assert party["status"] == "rejected"
    (deadline,) = [v for v in party["violations"] if v["severity"] == "block"]
    assert deadline["rule"] == "rule 12" and "最早可定为" in deadline["message"]
    assert deadline["detail"]["earliest_allowed"] > party["deadline"]
    campaign = demo.request_by_title(story.CITY_CAMPAIGN.title)
    assert campaign["status"] == "rejected"
    assert "与教育教学无关" in campaign["decision_note"]
    assert any(
        v["rule"] == "rule 7" and v["detail"]["screen"] == "street_duty" for v in campaign["violations"]
    )
    waiting = demo.request_by_title(story.SUBSIDY.title)
    assert waiting["status"] == "pending_approval"


def test_schools_reported_the_rule_breakers_and_the_bureau_sees_it(demo: Demo) -> None:
    party = demo.request_by_title(story.PARTY_TABLE.title)
    complaints = demo.get("/complaints", "demo-edu")
    (report,) = [c for c in complaints if c["request_id"] == party["id"]]
    assert report["school_code"] == demo.cast.signed_in[0]
    assert report["reason"] == "rule 12" and report["status"] == "open"
    answered = [c for c in complaints if c["status"] == "closed"]
    assert len(answered) == 1 and answered[0]["response"]


def test_a_parents_public_report_waits_for_the_bureau_and_is_followed_by_its_code(demo: Demo) -> None:
    complaints = demo.get("/complaints", "demo-edu")
    (public,) = [c for c in complaints if c["channel"] == "public"]
    assert public["text"] == story.PUBLIC_REPORT and public["status"] == "open" and public["contact"]
    assert f"/report/{public['tracking_code']}" in demo.output
    followed = demo.client.get(f"/api/v1/public/complaints/{public['tracking_code']}")
    assert followed.status_code == 200 and followed.json()["text"] == story.PUBLIC_REPORT
    # With no baseline set the dashboard claims no reduction, and the closing lines say why.
    burden = demo.get("/burden", "demo-edu")
    assert burden["totals"]["reduction"] is None
    assert not any(s["goal_met"] for s in burden["schools"])
    assert "no reduction is claimed" in demo.output


def test_each_school_sees_the_department_that_read_its_data(demo: Demo) -> None:
    roster = demo.request_by_title(story.ROSTER.title)
    for school in demo.cast.signed_in:
        usage = demo.get(f"/schools/{school}/usage", f"demo-school-{school}")
        reads = [r for r in usage["reads"] if r["request_id"] == roster["id"]]
        assert len(reads) == 1, usage["reads"]
        assert reads[0]["reader"]["name"] == "市人力资源和社会保障局"
        assert reads[0]["action"] == "request.data" and reads[0]["rows"] > 0


def test_the_closing_lines_point_at_the_requests_and_pages(demo: Demo) -> None:
    for script in story.SCRIPTS:
        request = demo.request_by_title(script.title)
        assert f"#{request['id']}" in demo.output
        assert script.title in demo.output
    for page in ("/burden", "/review", "/complaints", "/school", "/tasks"):
        assert page in demo.output


def test_the_printed_links_name_the_port_the_hub_will_serve_on(demo: Demo) -> None:
    assert f"hub serve --port {SERVE_PORT}" in demo.output
    assert f"http://127.0.0.1:{SERVE_PORT}/requests/1" in demo.output
    assert ":8000" not in demo.output


def test_the_demo_prints_an_admin_token_that_creates_principals(demo: Demo) -> None:
    token = demo.tokens["demo-admin"]
    assert "demo-admin" in demo.output and token in demo.output
    made = demo.client.post(
        "/api/v1/principals",
        headers=demo.headers("demo-admin"),
        json={"kind": "department", "name": "市退役军人事务局", "code": "demo-veterans"},
    )
    assert made.status_code in (200, 201), made.text
    refused = demo.client.post(
        "/api/v1/principals",
        headers=demo.headers("demo-hrss"),
        json={"kind": "department", "name": "x", "code": "x-1"},
    )
    assert refused.status_code == 403


def test_a_second_demo_on_the_same_database_does_not_send_the_requests_again(
    demo: Demo, tmp_path: Path
) -> None:
    before = {r["id"] for r in demo.get("/requests", "demo-edu")}
    tokens, output = _load(demo.engine, demo.settings, tmp_path)
    headers = {"Authorization": f"Bearer {tokens['demo-edu']}"}
    after = {r["id"] for r in demo.client.get("/api/v1/requests", headers=headers).json()}
    assert after == before
    assert "earlier `hub demo`" in output
    demo.tokens.update(tokens)  # a run rotates the tokens


def test_the_cast_follows_from_the_seed() -> None:
    codes = generate_city(seed=SEED, schools=SCHOOLS, teachers=TEACHERS).schools["code"].astype(str).tolist()
    first, again = story.cast(codes, seed=SEED), story.cast(list(reversed(codes)), seed=SEED)
    assert first == again
    assert set(first.signed_in) <= set(first.pilot)
    assert set(first.complete).isdisjoint(first.partial)
    assert story.cast(codes, seed=SEED + 1).complete != first.complete or len(first.pilot) <= 4


def test_gathered_data_without_an_agreement_wait_for_the_education_bureau(demo: Demo) -> None:
    checkup = demo.request_by_title(story.CHECKUP.title)
    assert checkup["status"] == "pending_release"
    assert {f["status"] for f in checkup["fields"]} <= {"available", "derived"}
    review = demo.get(f"/requests/{checkup['id']}/release", "demo-edu")
    assert review["records"] == TEACHERS and review["department"] == "市卫生健康委员会"
    # 人社局's roster was answered under the agreement it signed, which the grant records.
    roster = demo.request_by_title(story.ROSTER.title)
    grants = demo.get("/grants", "demo-hrss")
    (answer,) = [g for g in grants if g["request_id"] == roster["id"]]
    (agreement,) = [g for g in grants if g["id"] == answer["agreement_id"]]
    assert agreement["request_id"] is None and agreement["legal_basis"] == story.ROSTER_AGREEMENT_BASIS


def test_two_teachers_secondments_are_on_record_and_one_is_past_its_end(demo: Demo) -> None:
    away = demo.get("/register/away", "demo-edu")
    assert [(a["kind"], a["school_code"], a["overrun"]) for a in away] == [
        ("second", demo.cast.signed_in[1], True),
        ("borrow", demo.cast.signed_in[0], False),
    ]
    seconded, borrowed = away
    assert (seconded["headcount"], seconded["teacher_name"], seconded["days_over"]) == (2, None, 14)
    assert (seconded["department"], seconded["filing_number"]) == (
        "市精神文明建设委员会办公室",
        story.SECOND_FILING,
    )
    assert (
        borrowed["teacher_name"]
        and borrowed["headcount"] == 1
        and borrowed["filing_number"] == story.BORROW_FILING
    )
    # The schools concerned were informed, each of its own teachers only.
    lender = demo.cast.signed_in[0]
    informed = demo.get("/register/secondments", f"demo-school-{lender}")
    assert [(s["kind"], [t["school_code"] for t in s["teachers"]]) for s in informed] == [
        ("borrow", [lender])
    ]
    assert "/away" in demo.output


def test_the_city_keeps_an_annual_list_a_whitelist_and_one_count_for_every_page(demo: Demo) -> None:
    items = demo.get("/register/list/items", "demo-office")
    by_title = {i["title"]: i for i in items}
    safety, health = by_title[story.LIST_SAFETY], by_title[story.LIST_HEALTH]
    assert (safety["status"], safety["co_organisers"]) == ("approved", ["市卫生健康委员会"])
    assert (health["status"], health["merged_into"]) == ("merged", safety["id"])
    assert by_title[story.LIST_WAITING]["status"] == "proposed" and safety["inspections"] == 1
    first = demo.cast.signed_in[0]
    published = demo.get("/register/list/items", f"demo-school-{first}")
    assert [i["title"] for i in published] == [story.LIST_SAFETY]

    kept = demo.get("/register/whitelist", "demo-edu")
    assert [i["title"] for i in kept["items"]] == [title for _, title, _ in story.WHITELIST]
    assert [(i["demands"], i["schools_reached"]) for i in kept["items"]][:4:3] == [(1, 2), (1, 1)]

    counts = {s["school_code"]: s for s in demo.get("/register/counts", "demo-edu")["schools"]}
    assert counts[first]["inspections"] == 1 and counts[first]["social_demands"] == 1
    overview = demo.get(f"/schools/{first}/overview", f"demo-school-{first}")["counts"]
    assert all(
        overview[name] == counts[first][name] for name in ("demands_reached", "fields_spared", "items")
    )
    seconder = demo.cast.signed_in[1]
    assert counts[seconder]["borrowed_teacher_days"] > 0
    assert "/list" in demo.output and "/whitelist" in demo.output and "/counts" in demo.output


def test_the_city_holds_last_years_and_this_years_hours_and_nothing_before(demo: Demo) -> None:
    from hub.kit.clock import local_today

    year = local_today().year
    labels = [
        f"{year - 1}年继续教育学时",
        "本年度继续教育学时",
        f"{year - 3}年继续教育学时",
        "上学年在校学生数",
    ]
    fields = []
    for entity, label in [
        ("teacher", labels[0]),
        ("teacher", labels[1]),
        ("teacher", labels[2]),
        ("school", labels[3]),
    ]:
        answer = demo.client.post(
            "/api/v1/requests/check",
            headers=demo.headers("demo-hrss"),
            json={
                "title": "学时核对",
                "purpose": "继续教育学时审验",
                "entity": entity,
                "fields": [{"label": label}],
            },
        )
        assert answer.status_code == 200, answer.text
        fields.append(answer.json()["fields"][0]["status"])
    assert fields == ["available", "available", "missing", "available"]
    assert f"records for {year - 1}" in demo.output
