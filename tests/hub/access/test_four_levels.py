"""Province, city, county A and county B: each bureau sees exactly its subtree, on every list, read and
action endpoint, API and web (issue 17).

One world holds the same story twice, once in county A and once in county B: a department's request
answered under an agreement, one waiting for a release, one waiting for the statistics bureau, one
published to the county's schools (tasks, progress), the agreement itself, a school's complaint, an
approved secondment and a baseline. Then every path is tried by the education and statistics bureaus
of all four levels, the two departments and a school of each county:

- a read or an action on county X's thing gets through exactly for the principals whose division holds
  X (among the roles it is meant for), and is a 404 for the others: never a 403, which would confirm it;
- a list shows county X's things exactly to the principals whose division holds X;
- a page does the same on the web.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import generate_city
from schemas import divisions
from tests.hub.access.factories import create_grant, principal_id
from tests.hub.factories import create_principal, ingest
from tests.hub.tasks.factories import SCHOOL_COLUMNS, approve, publish, request_body, submit_request

PROVINCE, CITY, ELSEWHERE = "330000", "330100", "140105"
ORIGIN = {"Origin": "http://testserver"}
LEVELS = ("P", "C", "A", "B")
# Each county's things carry its tag in their titles, purposes and texts, so a page or list showing
# them can be recognised.
TAG = {"A": "甲县", "B": "乙县"}


@dataclass(kw_only=True)
class World:
    division: dict[str, str]  # level → GB/T 2260 code
    schools: dict[str, list[str]]  # county → its school codes
    outsider: str
    tokens: dict[str, dict[str, str]]  # who → headers
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)  # thing → county → id

    def of(self, who: str) -> str:
        """The division of a principal: edu-C is the city, dept-A and school-A county A."""
        return self.division[who.rsplit("-", 1)[1]]

    def holds(self, who: str, county: str) -> bool:
        return divisions.contains(self.of(who), self.division[county])


BUREAUS = tuple(f"{kind}-{level}" for kind in ("edu", "stats") for level in LEVELS)
EVERYONE = (*BUREAUS, "dept-A", "dept-B", "school-A", "school-B")


@pytest.fixture
def world(
    client: TestClient,
    admin_headers: dict[str, str],
    session: Session,
    settings: Settings,
    tmp_path: Path,
) -> World:
    city = generate_city(seed=11, schools=12, teachers=80)
    frame = city.schools[list(SCHOOL_COLUMNS)].copy()
    counties = frame["division_code"].value_counts()
    county_a, county_b = str(counties.index[0]), str(counties.index[1])
    outsider = str(frame["code"].iloc[-1])
    frame.loc[frame["code"] == outsider, "division_code"] = ELSEWHERE
    assert ingest(session, settings, "school", frame.reset_index(drop=True)).accepted == len(frame)
    assert ingest(session, settings, "teacher", city.teachers).accepted == len(city.teachers)
    session.flush()
    placed = dict(zip(frame["code"], frame["division_code"], strict=True))
    division = {"P": PROVINCE, "C": CITY, "A": county_a, "B": county_b}
    schools = {c: sorted(code for code, d in placed.items() if d == division[c]) for c in ("A", "B")}
    assert all(schools.values())
    names = {"P": "浙江省", "C": "杭州市", "A": "甲县", "B": "乙县"}
    tokens: dict[str, dict[str, str]] = {}
    for level in LEVELS:
        for kind, short, suffix in (("education", "edu", "教育局"), ("statistics", "stats", "统计局")):
            tokens[f"{short}-{level}"] = create_principal(
                client,
                admin_headers,
                kind=kind,
                code=f"{short}-{level}",
                name=names[level] + suffix,
                division=division[level],
            )
    for county in ("A", "B"):
        tokens[f"dept-{county}"] = create_principal(
            client,
            admin_headers,
            code=f"dept-{county}",
            name=f"{names[county]}人社局",
            division=division[county],
        )
    # The city's Party committee office approves the list items its counties' departments propose.
    office = create_principal(
        client, admin_headers, kind="office", code="office-C", name="杭州市委办公室", division=CITY
    )
    w = World(division=division, schools=schools, outsider=outsider, tokens=tokens)
    # The county's own school: made by its county bureau, onboarding it with the others.
    for county in ("A", "B"):
        sheet = client.post("/api/v1/schools/accounts", headers=tokens[f"edu-{county}"], json={})
        assert sheet.status_code == 201, sheet.text
        first = next(a for a in sheet.json()["lines"] if a["school_code"] == schools[county][0])
        activated = client.post("/api/v1/public/activation", json={"code": first["activation_code"]})
        assert activated.status_code in (200, 201), activated.text
        tokens[f"school-{county}"] = {"Authorization": f"Bearer {activated.json()['token']}"}
    for county in ("A", "B"):
        tag, dept, edu = TAG[county], tokens[f"dept-{county}"], tokens[f"edu-{county}"]
        stats = tokens[f"stats-{county}"]
        ids: dict[str, Any] = {}
        grant = create_grant(
            client,
            edu,
            holder=dept,
            elements=["teacher.name", "teacher.gender"],
            purpose=f"{tag}人员信息核对",
        )
        ids["grant"] = grant["id"]
        answered = submit_request(client, dept, request_body("姓名", "性别", title=f"{tag}花名册"))
        assert answered["status"] == "answered", answered
        ids["answered"] = answered["id"]
        release = submit_request(client, dept, request_body("姓名", "出生日期", title=f"{tag}体检名单"))
        assert release["status"] == "pending_release", release
        ids["release"] = release["id"]
        pending = submit_request(client, dept, request_body("姓名", "借阅证类型", title=f"{tag}借阅调查"))
        assert pending["status"] == "pending_approval", pending
        ids["pending"] = pending["id"]
        collecting = submit_request(client, dept, request_body("姓名", "本学期家访次数", title=f"{tag}家访"))
        approve(client, stats, collecting["id"])
        publication = publish(client, edu, collecting["id"])
        ids["collecting"] = collecting["id"]
        ids["task"] = next(
            t["task_id"] for t in publication["tasks"] if t["school_code"] == schools[county][0]
        )
        complaint = client.post(
            "/api/v1/complaints",
            headers=tokens[f"school-{county}"],
            json={"reason": "rule 12", "text": f"{tag}通知当天要求上交", "request_id": collecting["id"]},
        )
        assert complaint.status_code == 201, complaint.text
        ids["complaint"] = complaint.json()["id"]
        borrowed = client.post(
            "/api/v1/register/secondments",
            headers=dept,
            json={
                "kind": "borrow",
                "purpose": f"{tag}专项工作借用",
                "starts_on": date.today().isoformat(),
                "ends_on": (date.today() + timedelta(days=60)).isoformat(),
                "teachers": [{"school_code": schools[county][0], "teacher_name": f"{tag}借用教师"}],
            },
        )
        assert borrowed.status_code == 201, borrowed.text
        ids["secondment"] = borrowed.json()["id"]
        decided = client.post(
            f"/api/v1/register/secondments/{ids['secondment']}/decision",
            headers=edu,
            json={"decision": "approve", "filing_number": f"{tag}备〔2026〕1号"},
        )
        assert decided.status_code == 200, decided.text
        baseline = client.put(
            "/api/v1/burden/baselines",
            headers=edu,
            json={"year": date.today().year - 1, "division": division[county], "demands": 40},
        )
        assert baseline.status_code == 200, baseline.text
        ids["school"] = schools[county][0]
        ids["dept_id"] = principal_id(client, dept)
        ids["teacher"] = str(
            city.teachers.loc[city.teachers["school_code"] == ids["school"], "id_number"].iloc[0]
        )
        ids.update(_county_register(client, tokens, office, county, ids["school"], tag))
        ids.update(_county_records(client, edu, county, tag, schools, tmp_path))
        w.ids[county] = ids
    return w


def _county_register(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    office: dict[str, str],
    county: str,
    school: str,
    tag: str,
) -> dict[str, Any]:
    """A list item the county's department proposed and the city's office approved, an inspection held
    under it in the county's school, and a social affair let in under the county bureau's whitelist."""
    dept, edu = tokens[f"dept-{county}"], tokens[f"edu-{county}"]
    year = date.today().year
    listed = {
        "year": year,
        "kind": "inspection",
        "title": f"{tag}校园安全专项检查",
        "inspected": "消防设施",
        "schools": [school],
        "frequency": "每年1次",
        "method": "实地查看",
        "window_starts": f"{year}-12-01",
        "window_ends": f"{year}-12-31",
    }
    item = client.post("/api/v1/register/list/items", headers=dept, json=listed)
    assert item.status_code == 201, item.text
    decided = client.post(
        f"/api/v1/register/list/items/{item.json()['id']}/decision",
        headers=office,
        json={"decision": "approve"},
    )
    assert decided.status_code == 200, decided.text
    held = client.post(
        "/api/v1/register/inspections",
        headers=dept,
        json={
            "item_id": item.json()["id"],
            "schools": [school],
            "starts_on": f"{year}-12-02",
            "ends_on": f"{year}-12-02",
        },
    )
    assert held.status_code == 201, held.text
    kept = client.post(
        "/api/v1/register/whitelist",
        headers=edu,
        json={"year": year, "category": "safety", "title": f"{tag}防溺水安全教育", "organiser": "应急管理局"},
    )
    assert kept.status_code == 201, kept.text
    entered = client.post(
        "/api/v1/register/social-demands",
        headers=dept,
        json={
            "item_id": kept.json()["id"],
            "title": f"{tag}防溺水讲座",
            "held_on": f"{year}-12-03",
            "schools": [school],
        },
    )
    assert entered.status_code == 201, entered.text
    return {"item": item.json()["id"], "inspection": held.json()["id"], "demand": entered.json()["id"]}


def _county_records(
    client: TestClient,
    edu: dict[str, str],
    county: str,
    tag: str,
    schools: dict[str, list[str]],
    tmp_path: Path,
) -> dict[str, Any]:
    """The county bureau's own source (run once, its folder empty) and an import with a refused row."""
    folder = tmp_path / county
    folder.mkdir()
    source = client.post(
        "/api/v1/sources",
        headers=edu,
        json={
            "name": f"src-{county.lower()}",
            "kind": "folder",
            "entity": "teacher",
            "settings": {"path": str(folder)},
            "description": f"{tag}人事系统",
        },
    )
    assert source.status_code == 201, source.text
    run = client.post(f"/api/v1/sources/src-{county.lower()}/run", headers=edu)
    assert run.status_code == 200, run.text
    other = schools["B" if county == "A" else "A"][0]
    csv = f"姓名,性别,公民身份号码,出生日期,任职学校\n{tag}教师,男,110101199003077777,1990-03-07,{other}\n"
    imported = client.post(
        "/api/v1/records/teachers/import", headers=edu, files={"file": ("t.csv", csv.encode(), "text/csv")}
    )
    assert imported.status_code == 200 and imported.json()["rejected_rows"] == 1, imported.text
    return {"source": f"src-{county.lower()}", "run": run.json()["id"], "batch": imported.json()["batch_id"]}


# --- reads and actions on one county's thing ----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Probe:
    method: str
    path: str  # with {request}, {task} … filled from the county's ids
    roles: frozenset[str]  # the kinds it is meant for: edu, stats, dept, school
    body: Any = None
    # An action that would change state when let through: tried by the outsiders only.
    outsiders_only: bool = False
    # What an outsider gets when not 404: a grant to a department outside the grantor's subtree is
    # refused exactly as one to a department that does not exist (422 GranteeNotFound).
    outside_code: str | None = None
    # Decided at the request's own level only (HUB_DECISION_LEVEL=request): a bureau above it sees it
    # and is told who decides (403 DecisionAtAnotherLevel).
    own_level: bool = False


def probe(method: str, path: str, roles: set[str], **kw: Any) -> Probe:
    return Probe(method=method, path=path, roles=frozenset(roles), **kw)


SCHOOL_VIEWS = ("overview", "usage", "burden", "selfcheck", "selfcheck.xlsx")
PROBES = [
    probe("GET", "/requests/{answered}", {"edu", "stats", "dept"}),
    probe("GET", "/requests/{answered}/data", {"edu", "dept"}),
    probe("GET", "/requests/{answered}/data?format=xlsx", {"edu", "dept"}),
    probe("GET", "/requests/{release}/release", {"edu"}),
    # A refusal without a reason: let through and told what is missing; nothing changes.
    probe("POST", "/requests/{release}/release", {"edu"}, body={"decision": "reject"}),
    probe("POST", "/requests/releases", {"edu"}, body={"request_ids": ["{release}"], "decision": "reject"}),
    probe("POST", "/requests/{pending}/decision", {"stats"}, body={"decision": "reject"}, own_level=True),
    probe(
        "POST",
        "/requests/decisions",
        {"stats"},
        body={"request_ids": ["{pending}"], "decision": "reject"},
        own_level=True,
    ),
    probe("POST", "/requests/{answered}/publish", {"edu"}, body={}),
    probe("GET", "/requests/{collecting}/progress", {"edu", "dept"}),
    probe("GET", "/requests/{collecting}/progress.xlsx", {"edu", "dept"}),
    probe("POST", "/requests/{collecting}/reminders", {"edu"}, body={"note": "请尽快"}, outsiders_only=True),
    probe("GET", "/tasks/{task}", {"edu", "school"}),
    probe("GET", "/tasks/{task}/template.xlsx", {"edu", "school"}),
    probe("GET", "/grants/{grant}", {"edu", "dept"}),
    # A renewal into the past: let through and told why; nothing changes.
    probe("POST", "/grants/{grant}/renew", {"edu"}, body={"valid_until": "2000-01-01"}),
    probe("POST", "/grants/{grant}/revoke", {"edu"}, outsiders_only=True),
    probe(
        "POST",
        "/grants",
        {"edu"},
        body={
            "department_id": "{dept_id}",
            "entity": "teacher",
            "elements": ["teacher.name"],
            "purpose": "核对信息",
        },
        outsiders_only=True,
        outside_code="GranteeNotFound",
    ),
    probe("GET", "/complaints/{complaint}", {"edu", "school"}),
    probe(
        "POST", "/complaints/{complaint}/answer", {"edu"}, body={"response": "已核实"}, outsiders_only=True
    ),
    probe(
        "POST", "/complaints/{complaint}/route", {"edu"}, body={"queue": "discipline"}, outsiders_only=True
    ),
    probe("GET", "/register/secondments/{secondment}", {"edu", "dept", "school"}),
    # Deciding it again (409) and a return before it began (422): let through, nothing changes.
    probe(
        "POST",
        "/register/secondments/{secondment}/decision",
        {"edu"},
        body={"decision": "approve", "filing_number": "备〔2026〕1号"},
    ),
    probe(
        "POST",
        "/register/secondments/{secondment}/return",
        {"edu", "dept"},
        body={"returned_on": "2000-01-01"},
    ),
    probe("POST", "/schools/{school}/token/rotate", {"edu"}, outsiders_only=True),
    probe("POST", "/schools/{school}/token/revoke", {"edu"}, outsiders_only=True),
    probe("GET", "/schools?division={county}", {"edu", "stats", "dept"}),
    probe("GET", "/schools/accounts?division={county}", {"edu"}),
    probe("POST", "/schools/accounts?format=json", {"edu"}, body={"division": "{county}"}),
    *(probe("GET", f"/schools/{{school}}/{view}", {"edu", "school"}) for view in SCHOOL_VIEWS),
    probe("POST", "/schools/{school}/teachers/reads", {"edu", "school"}, body={"id_number": "{teacher}"}),
    # The school's own task: tried by the other school only where it would change something.
    probe("POST", "/tasks/{task}/submission", {"school"}, body={"rows": []}, outsiders_only=True),
    probe("POST", "/tasks/{task}/submission/preview", {"school"}, body={"rows": []}),
    probe("POST", "/tasks/{task}/complete", {"school"}, outsiders_only=True),
    probe("GET", "/sources/{source}", {"edu"}),
    probe("PATCH", "/sources/{source}", {"edu"}, body={"enabled": False}, outsiders_only=True),
    probe("DELETE", "/sources/{source}", {"edu"}, outsiders_only=True),
    probe("POST", "/sources/{source}/run", {"edu"}, outsiders_only=True),
    probe("GET", "/sources/{source}/runs", {"edu"}),
    probe("GET", "/sources/{source}/runs/{run}", {"edu"}),
    probe("GET", "/records/batches/{batch}/errors.csv", {"edu"}),
    probe("GET", "/register/list/items/{item}", {"edu"}),
    probe("GET", "/register/inspections/{inspection}", {"edu", "dept", "school"}),
    probe("GET", "/register/counts/requests/{collecting}", {"edu", "dept"}),
    probe(
        "POST",
        "/schools/{school}/selfcheck/submission",
        {"school"},
        body={"answers": []},
        outsiders_only=True,
    ),
    probe("GET", "/register/social-demands/{demand}", {"edu", "dept", "school"}),
    probe("GET", "/query/teacher/rows?grant={grant}&division={county}", {"dept"}),
    probe("GET", "/query/teacher/aggregate?grant={grant}&division={county}&group_by=school", {"dept"}),
    probe("GET", "/query/teacher/changes?grant={grant}", {"dept"}),
    probe("GET", "/burden?division={county}", {"edu"}),
    probe("GET", "/burden/export.xlsx?division={county}", {"edu"}),
    probe("GET", "/selfcheck?division={county}", {"edu"}),
]


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        for key, v in ids.items():
            if value == "{" + key + "}":
                return v
            value = value.replace("{" + key + "}", str(v))
        return value
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def kind_of(who: str) -> str:
    return who.split("-")[0]


def test_a_read_or_an_action_reaches_exactly_the_subtree_holding_it(client: TestClient, world: World) -> None:
    wrong: list[str] = []
    for county in ("A", "B"):
        ids = {**world.ids[county], "county": world.division[county]}
        for p in PROBES:
            path = "/api/v1" + _fill(p.path, ids)
            body = _fill(p.body, ids)
            for who in EVERYONE:
                if kind_of(who) not in p.roles:
                    continue
                inside = world.holds(who, county)
                if inside and p.outsiders_only:
                    continue
                answer = client.request(p.method, path, headers=world.tokens[who], json=body)
                if inside and p.own_level and world.of(who) != world.division[county]:
                    if answer.status_code != 403 or answer.json()["code"] != "DecisionAtAnotherLevel":
                        wrong.append(f"{p.method} {path} as {who} (above) -> {answer.status_code}")
                    continue
                if inside and answer.status_code in (401, 403, 404):
                    wrong.append(
                        f"{p.method} {path} as {who} (inside) -> {answer.status_code} {answer.text[:90]}"
                    )
                if not inside and p.outside_code is not None:
                    if answer.status_code >= 500 or answer.json().get("code") != p.outside_code:
                        wrong.append(
                            f"{p.method} {path} as {who} (outside) -> {answer.status_code} {answer.text[:90]}"
                        )
                    continue
                if not inside and answer.status_code != 404:
                    wrong.append(
                        f"{p.method} {path} as {who} (outside) -> {answer.status_code} {answer.text[:90]}"
                    )
    assert wrong == [], "\n".join(wrong)


# --- lists ------------------------------------------------------------------------------------------


def _ids_of(key: str) -> Callable[[Any], set[Any]]:
    return lambda js: {row[key] for row in (js["items"] if isinstance(js, dict) else js)}


@dataclass(frozen=True, kw_only=True)
class Listing:
    path: str
    roles: frozenset[str]
    thing: str  # which of a county's ids the list shows
    found: Callable[[Any], set[Any]]


def listing(path: str, roles: set[str], thing: str, key: str = "id") -> Listing:
    return Listing(path=path, roles=frozenset(roles), thing=thing, found=_ids_of(key))


LISTINGS = [
    listing("/requests", {"edu", "stats", "dept"}, "answered"),
    listing("/requests?status=pending_release", {"edu"}, "release"),
    listing("/requests?status=pending_approval", {"stats", "edu"}, "pending"),
    listing("/tasks", {"edu", "school"}, "task"),
    listing("/grants", {"edu", "dept"}, "grant"),
    listing("/grants/expiring?within_days=400", {"edu"}, "grant"),
    listing("/complaints", {"edu", "school"}, "complaint"),
    listing("/register/secondments", {"edu", "dept", "school"}, "secondment"),
    listing("/register/away", {"edu", "dept", "school"}, "secondment", key="secondment_id"),
    listing("/schools?limit=1000", {"edu", "stats", "dept", "school"}, "school", key="code"),
    listing("/schools/accounts?limit=1000", {"edu"}, "school", key="school_code"),
    listing("/burden", {"edu"}, "school", key="school_code"),
    listing("/sources", {"edu"}, "source", key="name"),
    listing("/register/counts", {"edu", "school"}, "school", key="school_code"),
    listing("/register/inspections", {"edu", "dept", "school"}, "inspection"),
    listing("/register/social-demands", {"edu", "dept", "school"}, "demand"),
]


def test_a_list_shows_a_countys_things_exactly_to_the_subtree_holding_it(
    client: TestClient, world: World
) -> None:
    wrong: list[str] = []
    for entry in LISTINGS:
        for who in EVERYONE:
            if kind_of(who) not in entry.roles:
                continue
            answer = client.get("/api/v1" + entry.path, headers=world.tokens[who])
            if answer.status_code != 200:
                wrong.append(f"GET {entry.path} as {who} -> {answer.status_code} {answer.text[:90]}")
                continue
            js = answer.json()
            if entry.path.startswith(("/burden", "/register/counts")):
                js = js["schools"]
            seen = entry.found(js)
            if world.outsider in seen:
                wrong.append(f"GET {entry.path} as {who} shows the school outside the province")
            for county in ("A", "B"):
                inside = world.holds(who, county)
                mine = kind_of(who) not in ("dept", "school") or who.endswith(county)
                shown = world.ids[county][entry.thing] in seen
                if shown != (inside and mine):
                    wrong.append(f"GET {entry.path} as {who}: county {county}'s {entry.thing} shown={shown}")
    assert wrong == [], "\n".join(wrong)


def test_baselines_and_complaint_counts_stay_in_the_subtree(client: TestClient, world: World) -> None:
    for who in ("edu-P", "edu-C", "edu-A", "edu-B"):
        baselines = client.get("/api/v1/burden/baselines", headers=world.tokens[who])
        assert baselines.status_code == 200, baselines.text
        held = {b["division"] for b in baselines.json()}
        expected = {world.division[c] for c in ("A", "B") if world.holds(who, c)}
        assert held == expected, who
        statistics = client.get("/api/v1/complaints/statistics", headers=world.tokens[who])
        assert statistics.status_code == 200, statistics.text
        counted = sum(q["filed"] for q in statistics.json())
        assert counted == sum(world.holds(who, c) for c in ("A", "B")), (who, statistics.json())
    # A county bureau neither sets nor deletes another county's baseline.
    year = date.today().year - 1
    other = {"year": year, "division": world.division["B"], "demands": 1}
    assert (
        client.put("/api/v1/burden/baselines", headers=world.tokens["edu-A"], json=other).status_code == 404
    )
    gone = client.delete(
        "/api/v1/burden/baselines",
        headers=world.tokens["edu-A"],
        params={"year": year, "division": world.division["B"]},
    )
    assert gone.status_code == 404


# --- web pages -----------------------------------------------------------------------------------------


def _sign_in(client: TestClient, headers: dict[str, str]) -> None:
    client.cookies.clear()
    answer = client.post(
        "/login", data={"token": headers["Authorization"].removeprefix("Bearer ")}, headers=ORIGIN
    )
    assert answer.status_code == 200, answer.text


PAGES = [
    # (path, roles, is a list showing the county's tag)
    ("/requests", {"edu", "stats", "dept"}, True),
    ("/review", {"stats"}, True),
    ("/releases", {"edu"}, True),
    ("/grants", {"edu"}, True),
    ("/complaints", {"edu", "school"}, True),
    ("/away", {"edu", "dept", "school"}, True),
    ("/audit", {"edu"}, True),
    ("/tasks", {"school"}, True),
    ("/principals", {"edu"}, True),
]
ITEM_PAGES = [
    ("/requests/{answered}", {"edu", "stats", "dept"}),
    ("/requests/{answered}/data", {"edu", "dept"}),
    ("/requests/{answered}/data.csv", {"edu", "dept"}),
    ("/requests/{collecting}/progress.xlsx", {"edu", "dept"}),
    ("/requests/{pending}/decision", {"stats"}),
    ("/requests/{answered}/publish", {"edu"}),
    ("/schools/{school}", {"edu", "school"}),
    ("/burden/{school}", {"edu", "school"}),
    ("/selfcheck?school={school}", {"edu"}),
    ("/selfcheck.xlsx?school={school}", {"edu"}),
    ("/tasks/{task}", {"school"}),
]


def test_the_pages_show_each_principal_exactly_its_subtree(client: TestClient, world: World) -> None:
    wrong: list[str] = []
    for who in EVERYONE:
        _sign_in(client, world.tokens[who])
        for path, roles, _ in PAGES:
            if kind_of(who) not in roles:
                continue
            page = client.get(path)
            if page.status_code != 200:
                wrong.append(f"{path} as {who} -> {page.status_code}")
                continue
            for county in ("A", "B"):
                inside = world.holds(who, county)
                mine = kind_of(who) not in ("dept", "school") or who.endswith(county)
                shown = TAG[county] in page.text
                if shown != (inside and mine):
                    wrong.append(f"{path} as {who}: county {county} shown={shown}")
        for template, roles in ITEM_PAGES:
            if kind_of(who) not in roles:
                continue
            for county in ("A", "B"):
                path = _fill(template, world.ids[county])
                inside = world.holds(who, county) and (
                    kind_of(who) not in ("dept", "school") or who.endswith(county)
                )
                status = client.get(path).status_code
                if inside and status != 200:
                    wrong.append(f"{path} as {who} (inside) -> {status}")
                if not inside and status != 404:
                    wrong.append(f"{path} as {who} (outside) -> {status}")
    assert wrong == [], "\n".join(wrong)


WEB_PROBES = [
    # (method, path, roles, form, outsiders only: it would change something when let through)
    ("GET", "/requests/{answered}/data.xlsx", {"edu", "dept"}, None, False),
    ("POST", "/requests/{pending}/decision", {"stats"}, {"decision": "reject", "note": "不需要"}, True),
    ("POST", "/requests/{answered}/publish", {"edu"}, {}, True),
    ("POST", "/requests/{collecting}/remind", {"edu"}, {"note": "请尽快"}, True),
    ("POST", "/away/{secondment}/decision", {"edu"}, {"decision": "approve", "filing_number": "备1号"}, True),
    ("POST", "/complaints/{complaint}/answer", {"edu"}, {"response": "已核实"}, True),
    ("POST", "/complaints/{complaint}/route", {"edu"}, {"queue": "discipline"}, True),
    ("POST", "/grants/{grant}/renew", {"edu"}, {"valid_until": "2030-01-01"}, True),
    ("POST", "/grants/{grant}/revoke", {"edu"}, {}, True),
    ("POST", "/onboarding/{school}/rotate", {"edu"}, {}, True),
    ("POST", "/onboarding/{school}/revoke", {"edu"}, {}, True),
    ("POST", "/schools/{school}/teacher-reads", {"edu", "school"}, {"id_number": "{teacher}"}, False),
    ("GET", "/sources/{source}/edit", {"edu"}, None, False),
    ("POST", "/sources/{source}/edit", {"edu"}, {"description": "改"}, True),
    ("POST", "/sources/{source}/enabled", {"edu"}, {"enabled": "false"}, True),
    ("POST", "/sources/{source}/run", {"edu"}, {}, True),
    ("POST", "/tasks/{task}/fill", {"school"}, {}, True),
    ("POST", "/tasks/{task}/complete", {"school"}, {"reason": "人员调离"}, True),
    ("POST", "/tasks/{task}/upload", {"school"}, {}, True),
    ("GET", "/burden?division={county}", {"edu"}, None, False),
    ("GET", "/selfcheck?division={county}", {"edu"}, None, False),
    ("GET", "/onboarding?division={county}", {"edu"}, None, False),
]


def test_every_page_action_reaches_exactly_the_subtree_holding_it(client: TestClient, world: World) -> None:
    wrong: list[str] = []
    for who in EVERYONE:
        _sign_in(client, world.tokens[who])
        for method, template, roles, form, outsiders_only in WEB_PROBES:
            if kind_of(who) not in roles:
                continue
            for county in ("A", "B"):
                inside = world.holds(who, county) and (
                    kind_of(who) not in ("dept", "school") or who.endswith(county)
                )
                if inside and outsiders_only:
                    continue
                ids = {**world.ids[county], "county": world.division[county]}
                path = _fill(template, ids)
                data = _fill(form, ids) if form is not None else None
                answer = client.request(
                    method,
                    path,
                    data=data,
                    headers=ORIGIN if method == "POST" else None,
                    follow_redirects=False,
                )
                if inside and answer.status_code in (401, 403, 404):
                    wrong.append(f"{method} {path} as {who} (inside) -> {answer.status_code}")
                if not inside and answer.status_code != 404:
                    wrong.append(f"{method} {path} as {who} (outside) -> {answer.status_code}")
    assert wrong == [], "\n".join(wrong)


# --- the route table: no route with a school, an id or a division escapes the tests above --------------

# Routes whose parameter names no county's thing, with the reason.
EXEMPT = {
    "/api/v1/calendar/{}": "the hub's one working-day calendar, for every level",
    "/calendar/{}": "the hub's one working-day calendar, for every level",
    "/calendar/{}/delete": "the hub's one working-day calendar, for every level",
    "/api/v1/principals/{}/revoke": "admin only: admins have no division",
    "/principals/{}/revoke": "admin only: admins have no division",
    "/api/v1/public/complaints/{}": "public: anyone holding the tracking code, no account",
    "/report/{}": "public: anyone holding the tracking code, no account",
    "/api/v1/register/list/items/{}/decision": "the Party committee office decides; probed for bureaus as GET",
    "/api/v1/register/list/items/{}/merge": "the Party committee office decides; probed for bureaus as GET",
    "/api/v1/register/list/{}/approval": "the office approves a year's whole list",
    "/list/{}/decision": "the Party committee office decides",
    "/list/{}/approval": "the office approves a year's whole list",
    "/sources/{}/run#GET": "a reload of a run goes back to /sources: it reads nothing",
    "/tasks/{}/upload/confirm": "the school's own upload, after /tasks/{id}/upload (probed)",
    "/tasks/{}/upload/preview": "the school's own upload, after /tasks/{id}/upload (probed)",
    "/tasks/{}/fill#GET": "a reload of a submission's answer goes back to /tasks/{id} (probed): reads nothing",
    "/tasks/{}/upload#GET": "a reload of a submission's answer goes back to /tasks/{id} (probed): reads nothing",
    "/requests/{}/original": "only a duplicate's department, pointed at the open request; a 404 for anyone else",
    "/requests/originals/{}": "a link sealed for the department that checked; a 404 for anyone else",
    "/tasks/{}/template.xlsx": "probed on the API (the same service)",
    "/api/v1/records/{}/import": "bounded by the caller's division row by row (tests/hub/sources/test_source_levels.py)",
}
SCOPE_PARAMETERS = {"division", "school", "school_code"}


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.split("?", 1)[0])


def _routes(client: TestClient) -> set[tuple[str, str, bool]]:
    """(method, path, takes a division or school filter) of every route, API and pages."""
    from fastapi.routing import APIRoute, _IncludedRouter

    out: set[tuple[str, str, bool]] = set()

    def walk(router: Any, prefix: str = "") -> None:
        for route in router.routes:
            if isinstance(route, _IncludedRouter):
                walk(route.original_router, prefix + (route.include_context.prefix or ""))
            elif isinstance(route, APIRoute):
                names = {p.alias or p.name for p in route.dependant.query_params}
                for method in route.methods - {"HEAD"}:
                    out.add((method, prefix + route.path, bool(names & SCOPE_PARAMETERS)))

    walk(client.app.router)  # type: ignore[attr-defined]
    return out


def _matches(route: str, path: str) -> bool:
    """Whether a probed path (its ids filled in or still {placeholders}) is an address of `route`."""
    pattern = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]*\}", route))
    return re.fullmatch(pattern, path.split("?", 1)[0]) is not None


def test_every_route_with_a_school_an_id_or_a_division_is_probed(client: TestClient) -> None:
    probed = {(p.method, "/api/v1" + p.path) for p in PROBES}
    probed |= {("GET", "/api/v1" + entry.path) for entry in LISTINGS}
    probed |= {("GET", path) for path, _, _ in PAGES} | {("GET", path) for path, _ in ITEM_PAGES}
    probed |= {(method, path) for method, path, *_ in WEB_PROBES}
    # Set, listed and removed per division in test_baselines_and_complaint_counts_stay_in_the_subtree.
    probed |= {(m, "/api/v1/burden/baselines") for m in ("GET", "PUT", "DELETE")}
    missing = []
    for method, route, scoped in sorted(_routes(client), key=lambda r: (r[1], r[0])):
        if "{" not in route and not scoped:
            continue
        shape = _shape(route)
        if shape in EXEMPT or f"{shape}#{method}" in EXEMPT:
            continue
        if not any(m == method and _matches(route, path) for m, path in probed):
            missing.append(f"{method} {route}")
    assert missing == [], "routes naming a school, an id or a division with no subtree probe:\n" + "\n".join(
        missing
    )


def test_a_departments_reads_stay_inside_its_county(
    client: TestClient, world: World, admin_headers: dict[str, str]
) -> None:
    """Even an agreement naming no scope (made by the hub's admin) reads only the department's county."""
    wide = create_grant(client, admin_headers, holder=world.tokens["dept-A"], elements=["teacher.name"])
    assert wide["divisions"] is None
    rows = client.get(
        "/api/v1/query/teacher/rows",
        headers=world.tokens["dept-A"],
        params={"grant": wide["id"], "limit": 1000},
    )
    assert rows.status_code == 200, rows.text
    schools = {r["school_code"] for r in rows.json()["rows"]}
    assert schools and schools <= set(world.schools["A"])
    answer = client.get(f"/api/v1/requests/{world.ids['A']['answered']}/data", headers=world.tokens["dept-A"])
    assert answer.status_code == 200, answer.text
    assert {r["学校标识码"] for r in answer.json()["rows"]} <= set(world.schools["A"])
    # A county bureau's agreement naming no scope covers its county, and none names another county.
    assert client.get(f"/api/v1/grants/{world.ids['A']['grant']}", headers=world.tokens["edu-A"]).json()[
        "divisions"
    ] == [world.division["A"]]
    body = {
        "department_id": world.ids["A"]["dept_id"],
        "entity": "teacher",
        "elements": ["teacher.name"],
        "purpose": "核对信息",
        "divisions": [world.division["B"]],
    }
    assert client.post("/api/v1/grants", headers=world.tokens["edu-A"], json=body).status_code == 404
    body["divisions"], body["schools"] = None, [world.schools["B"][0]]
    stray = client.post("/api/v1/grants", headers=world.tokens["edu-A"], json=body)
    assert stray.status_code == 422 and world.schools["B"][0] in stray.text


# --- roll-ups ---------------------------------------------------------------------------------------


def _rows(client: TestClient, path: str, headers: dict[str, str], **params: str) -> dict[str, dict[str, Any]]:
    answer = client.get(path, headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    key = "levels" if path.endswith("/burden") else "rows"
    return {r["code"]: r for r in answer.json()[key] if r["level"] != "total"}


def test_dashboards_and_the_selfcheck_roll_up_one_level_below_the_viewer(
    client: TestClient, world: World
) -> None:
    a, b = world.division["A"], world.division["B"]
    for path in ("/api/v1/burden", "/api/v1/selfcheck"):
        province = _rows(client, path, world.tokens["edu-P"])
        assert set(province) == {CITY} and province[CITY]["level"] == "prefecture"
        city = _rows(client, path, world.tokens["edu-C"])
        assert {a, b} <= set(city) and {r["level"] for r in city.values()} == {"county"}
        size = (lambda r: r["totals"]["schools"]) if path.endswith("/burden") else (lambda r: r["schools"])
        assert size(city[a]) == len(world.schools["A"]) and size(city[b]) == len(world.schools["B"])
        assert sum(map(size, city.values())) == size(province[CITY])
        county = _rows(client, path, world.tokens["edu-A"])
        assert set(county) == set(world.schools["A"]) and {r["level"] for r in county.values()} == {"school"}
        # The city opens one of its counties; a county never opens its neighbour.
        assert set(_rows(client, path, world.tokens["edu-C"], division=a)) == set(world.schools["A"])
        assert client.get(path, headers=world.tokens["edu-A"], params={"division": b}).status_code == 404
        assert client.get(path, headers=world.tokens["school-A"]).status_code == 403
    # Each school's row of the roll-up is its own 自查表.
    for code, row in _rows(client, "/api/v1/selfcheck", world.tokens["edu-A"]).items():
        own = client.get(f"/api/v1/schools/{code}/selfcheck", headers=world.tokens["edu-A"]).json()
        assert sum(row["violations"].values()) == own["summary"]["violation"], code
        assert row["schools_with_violation"] == (own["summary"]["violation"] > 0)

    _sign_in(client, world.tokens["edu-C"])
    for page in ("/burden", "/selfcheck"):
        html = client.get(page).text
        assert f'data-code="{a}" data-level="county"' in html and f"?division={a}" in html, page
        opened = client.get(page, params={"division": a}).text
        assert f'data-code="{world.schools["A"][0]}" data-level="school"' in opened, page
        assert world.schools["B"][0] not in opened


def test_a_county_counts_only_its_own_schools_in_a_citywide_request(
    client: TestClient, admin_headers: dict[str, str], world: World
) -> None:
    # A request of the province's department reaches every school of the city (so it is the city's to
    # decide and publish); a county bureau's progress counts the schools of its county, never how many
    # the other counties have.
    dept = create_principal(client, admin_headers, code="dept-P", name="浙江省人社厅", division=PROVINCE)
    request = submit_request(
        client, dept, request_body("姓名", "本学年教研活动次数", title="全市教研活动统计")
    )
    approve(client, world.tokens["stats-C"], request["id"])
    publish(client, world.tokens["edu-C"], request["id"])
    scope = {
        who: client.get(f"/api/v1/requests/{request['id']}/progress", headers=world.tokens[who]).json()
        for who in ("edu-P", "edu-C", "edu-A", "edu-B")
    }
    for county in ("A", "B"):
        seen = scope[f"edu-{county}"]
        assert seen["schools_in_scope"] == len(world.schools[county]) == seen["tasks_total"]
    both = len(world.schools["A"]) + len(world.schools["B"])
    assert scope["edu-P"]["schools_in_scope"] == scope["edu-C"]["schools_in_scope"] >= both
