"""The province demo clicked through in a real Chromium (issue 17): a county bureau and the provincial
bureau sign in, open their school list (/onboarding) and a request's progress, and see exactly their
subtree; the screenshots (web-levels-*.png in test-artifacts/) are for a person to read.

A fresh SQLite file holds `hub demo --province --schools 60 --teachers 600`; each bureau signs in with
its token from demo-tokens.txt. What the page lists is compared with the API's answer for the same
bureau and with the schools of other counties.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.hub.served import hub_command, serving
from tests.hub.web.test_browser import CHROMIUM, shot
from tests.hub.web.test_browser import browser as browser  # noqa: PLC0414  (module fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]
ADMIN_TOKEN = "levels-browser-admin-token-0123456789"


@dataclass(frozen=True, kw_only=True)
class Province:
    url: str
    tokens: dict[str, str]

    def api(self, who: str, path: str, **params: str) -> Any:
        answer = httpx.get(
            f"{self.url}/api/v1{path}", params=params, headers={"Authorization": f"Bearer {self.tokens[who]}"}
        )
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Province]:
    workdir = tmp_path_factory.mktemp("hub-levels-browser")
    checkout = str(Path(__file__).resolve().parents[3])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (checkout, os.environ.get("PYTHONPATH", "")) if p),
        "HUB_DATABASE_URL": f"sqlite:///{workdir / 'hub.db'}",
        "HUB_ADMIN_TOKEN": ADMIN_TOKEN,
        "HUB_SECRET_KEY": "levels-browser-secret-key-0123456789",
        "HUB_SCHEDULER_ENABLED": "false",
    }
    subprocess.run(
        hub_command("demo", "--province", "--schools", "60", "--teachers", "600"),
        cwd=workdir, env=env, check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    tokens = dict(
        line.split("\t", 1)
        for line in (workdir / "demo-tokens.txt").read_text(encoding="utf-8").splitlines()
        if line
    )
    with serving("--no-scheduler", cwd=workdir, env=env, start_seconds=60) as url:
        yield Province(url=url, tokens=tokens)


def signed_in(browser: object, province: Province, who: str) -> object:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{province.url}/")
    page.fill("#token", province.tokens[who])
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def listed(page: object, selector: str) -> set[str]:
    return set(page.eval_on_selector_all(selector, "rows => rows.map(r => r.dataset.school)"))  # type: ignore[attr-defined]


def test_a_county_bureau_and_the_province_see_exactly_their_schools_and_progress(
    browser: object, province: Province, artifacts_dir: Path
) -> None:
    every = {s["code"]: s for s in province.api("zj-edu", "/schools", limit="1000")["items"]}
    assert len(every) == 60 and {s["division"][:2] for s in every.values()} == {"33"}
    # A county of 宁波市, where 宁波市's request was published to every county.
    county_bureau = sorted(c for c in province.tokens if c.startswith("edu-3302") and not c.endswith("00"))[0]
    county = county_bureau.removeprefix("edu-")
    mine = {code for code, s in every.items() if s["division"] == county}
    assert mine and len(mine) < len(every)

    page = signed_in(browser, province, county_bureau)
    page.goto(f"{province.url}/onboarding")  # type: ignore[attr-defined]
    assert listed(page, "tr[data-school]") == mine
    body = page.inner_text("body")  # type: ignore[attr-defined]
    assert "学校" in body and county_bureau not in body
    shot(page, artifacts_dir, "levels-county-schools")

    published = province.api(county_bureau, "/requests", status="published")
    assert published, "宁波市's request is published to its counties"
    request_id = published[0]["id"]
    page.goto(f"{province.url}/requests/{request_id}#progress")  # type: ignore[attr-defined]
    shown = listed(page, "#progress tr[data-school]")
    assert shown and shown <= mine, shown - mine
    assert "填报进度" in page.inner_text("#progress") or "进度" in page.inner_text("#progress")  # type: ignore[attr-defined]
    shot(page, artifacts_dir, "levels-county-progress")

    # The province sees every school, and the same request's progress over all of 宁波市's counties.
    page = signed_in(browser, province, "zj-edu")
    page.goto(f"{province.url}/onboarding")  # type: ignore[attr-defined]
    assert listed(page, "tr[data-school]") == set(every)
    shot(page, artifacts_dir, "levels-province-schools")
    page.goto(f"{province.url}/requests/{request_id}#progress")  # type: ignore[attr-defined]
    wide = listed(page, "#progress tr[data-school]")
    assert shown < wide and {every[c]["division"][:4] for c in wide} == {"3302"}
    shot(page, artifacts_dir, "levels-province-progress")
    page.goto(f"{province.url}/burden")  # type: ignore[attr-defined]
    shot(page, artifacts_dir, "levels-province-burden")
