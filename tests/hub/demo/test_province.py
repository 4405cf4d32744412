"""`hub demo --province` leaves a province whose bureaus see their levels: read back through the real API
and pages with the printed tokens (a throwaway database of its own, like the city demo's story test)."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from rich.console import Console
from sqlalchemy.engine import make_url

from hub.app import create_app
from hub.config import Settings
from hub.databases import drop_database, fresh_engine
from hub.db import session_factory
from hub.demo import province
from schemas import divisions

SCHOOLS, TEACHERS = 60, 900
ORIGIN = {"Origin": "http://testserver"}


def _url(database_url: str, folder: Path) -> str:
    if database_url.startswith("postgresql"):
        url = make_url(database_url)
        return url.set(database=f"{url.database}_province").render_as_string(hide_password=False)
    return f"sqlite:///{folder / 'province.db'}"


@pytest.fixture(scope="module")
def demo(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    folder = tmp_path_factory.mktemp("province")
    url = _url(database_url, folder)
    engine = fresh_engine(url)
    settings = Settings(
        env="test",
        database_url=url,
        secret_key=SecretStr("demo-province-secret-0123456789"),
        scheduler_enabled=False,
    )
    console = Console(record=True, width=220, file=io.StringIO())
    try:
        with contextlib.chdir(folder):
            tokens = province.load_province(
                engine, settings, schools=SCHOOLS, teachers=TEACHERS, seed=7, console=console
            )
        with TestClient(create_app(settings, factory=session_factory(engine))) as client:
            yield client, tokens, console.export_text()
    finally:
        engine.dispose()
        drop_database(url)


def _get(client: TestClient, tokens: dict[str, str], who: str, path: str, **params: Any) -> Any:
    answer = client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {tokens[who]}"}, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_province_has_its_cities_counties_and_a_bureau_at_every_level(demo: Any) -> None:
    client, tokens, output = demo
    counties = province.counties()
    assert len(counties) == 20 and len({c[:4] for c in counties}) == 4
    everything = _get(client, tokens, "zj-edu", "/schools", limit=1000)
    assert everything["total"] == SCHOOLS
    assert {s["division"] for s in everything["items"]} == set(counties)
    for county in counties[:2] + counties[-1:]:
        mine = _get(client, tokens, f"edu-{county}", "/schools", limit=1000)
        assert mine["total"] == SCHOOLS // 20 and {s["division"] for s in mine["items"]} == {county}
    ningbo = _get(client, tokens, f"edu-{province.COLLECTING_CITY}", "/schools", limit=1000)
    assert all(divisions.contains(province.COLLECTING_CITY, s["division"]) for s in ningbo["items"])
    # Every account is printed with its token and level, as the city demo prints its tokens.
    for code in ("zj-edu", "zj-stats", f"edu-{counties[0]}", f"stats-{province.COLLECTING_CITY}"):
        assert tokens[code] in output
    assert "浙江省教育厅" in output and "hub serve" in output


def test_the_first_requests_sit_at_their_levels(demo: Any) -> None:
    client, tokens, _ = demo
    city = province.COLLECTING_CITY
    by_title = {r["title"]: r for r in _get(client, tokens, "zj-edu", "/requests")}
    assert by_title[province.PROVINCE_TITLE]["status"] == "pending_release"
    assert by_title[province.CITY_TITLE]["status"] == "published"
    assert by_title[province.COUNTY_TITLE]["status"] == "answered"
    # The city's request: its city and the counties below see it, a county of another city does not.
    request_id = by_title[province.CITY_TITLE]["id"]
    progress = _get(client, tokens, f"edu-{city}", f"/requests/{request_id}/progress")
    assert {s["school_code"][2:6] for s in progress["schools"]} == {city[:4]}
    assert sum(s["complete"] for s in progress["schools"]) == 5  # one school per county filled its task
    outsider = client.get(
        f"/api/v1/requests/{request_id}",
        headers={"Authorization": f"Bearer {tokens['edu-' + province.counties()[0]]}"},
    )
    assert outsider.status_code == 404
    # The province's dashboard rolls up per city, the city's per county.
    rows = _get(client, tokens, "zj-edu", "/burden")["levels"]
    assert {r["code"] for r in rows if r["level"] == "prefecture"} == set(province.CITIES)
    rows = _get(client, tokens, f"edu-{city}", "/burden")["levels"]
    assert {r["code"] for r in rows if r["level"] == "county"} == {
        c for c in province.counties() if c[:4] == city[:4]
    }


def test_a_county_onboards_its_schools_on_the_web_and_a_school_activates(demo: Any) -> None:
    client, tokens, _ = demo
    county = province.counties()[7]
    client.cookies.clear()
    assert client.post("/login", data={"token": tokens[f"edu-{county}"]}, headers=ORIGIN).status_code == 200
    page = client.get("/onboarding")
    assert page.status_code == 200 and 'data-state="active"' in page.text and 'data-state="none"' in page.text
    sheet = client.post("/onboarding", data={"division": ""}, headers=ORIGIN)
    assert sheet.status_code == 201, sheet.text
    codes = [c for c in re.findall(r'<strong class="token">([A-Z0-9-]+)</strong>', sheet.text)]
    assert len(codes) == SCHOOLS // 20 - 1  # every school of the county but the one already signed in
    workbook = client.post("/onboarding", data={"format": "xlsx"}, headers=ORIGIN)
    assert workbook.status_code == 201 and workbook.content[:2] == b"PK"
    client.cookies.clear()
    done = client.post("/activate", data={"code": codes[0]}, headers=ORIGIN)
    assert done.status_code == 409  # the XLSX run above voided the codes printed before it
    listing = _get(client, tokens, f"edu-{county}", "/schools/accounts")
    assert listing["without_account"] == SCHOOLS // 20 - 1
    fresh = client.post(
        "/api/v1/schools/accounts", headers={"Authorization": f"Bearer {tokens[f'edu-{county}']}"}, json={}
    ).json()["lines"][0]
    activated = client.post("/activate", data={"code": fresh["activation_code"]}, headers=ORIGIN)
    assert activated.status_code == 201 and fresh["school_name"] in activated.text
    again = client.post("/activate", data={"code": fresh["activation_code"]}, headers=ORIGIN)
    assert again.status_code == 409
    # Another county's school cannot be rotated from here.
    other = province.counties()[8]
    stranger = _get(client, tokens, f"edu-{other}", "/schools", limit=1)["items"][0]["code"]
    assert client.post("/login", data={"token": tokens[f"edu-{county}"]}, headers=ORIGIN).status_code == 200
    assert client.post(f"/onboarding/{stranger}/rotate", headers=ORIGIN).status_code == 404
