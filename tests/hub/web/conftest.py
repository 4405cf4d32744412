"""Page tests: a town of three schools (school 0 lacks 普通话水平等级), a principal per role, signing in
through the sign-in form, and the request flow driven through the pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.tasks.factories import DEADLINE, People, Town, create_people, create_town

ORIGIN = {"Origin": "http://testserver"}
HTMX = {**ORIGIN, "HX-Request": "true"}


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings, withhold={"mandarin_level": [0]})


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


@dataclass(frozen=True, kw_only=True)
class Browser:
    """The TestClient acting as one person at a time, signed in through the sign-in form."""

    client: TestClient

    def sign_in(self, headers: dict[str, str]) -> Response:
        self.client.cookies.clear()
        answer = self.client.post("/login", data={"token": token_of(headers)}, headers=ORIGIN)
        assert answer.status_code == 200, answer.text
        return answer

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.client.get(path, headers=headers)

    def post(self, path: str, data: dict[str, str] | None = None, **kwargs: object) -> Response:
        headers = {**ORIGIN, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return self.client.post(path, data=data or {}, headers=headers, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def browser(client: TestClient) -> Browser:
    return Browser(client=client)


def text(html: str) -> str:
    """What a reader sees: tags and scripts gone, whitespace collapsed."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def request_form(*labels: str, schools: str = "", **extra: str) -> dict[str, str]:
    return {
        "title": "教师语言能力统计",
        "purpose": "普通话推广工作",
        "entity": "teacher",
        "schools": schools,
        "period": "",
        "deadline": DEADLINE.isoformat(),
        "labels": "\n".join(labels),
        **extra,
    }


@pytest.fixture
def approved_request(browser: Browser, people: People) -> Callable[..., int]:
    """Submit a request through the pages as the department and approve it as the statistics bureau."""

    def make(*labels: str) -> int:
        browser.sign_in(people.department)
        answer = browser.post("/requests", request_form(*labels))
        request_id = int(re.search(r"/requests/(\d+)", str(answer.url)).group(1))  # type: ignore[union-attr]
        browser.sign_in(people.statistics)
        decided = browser.post(
            f"/requests/{request_id}/decision",
            {
                "decision": "approve",
                "form_number": "教统1号",
                "approval_number": "统批〔2026〕9号",
                "valid_until": f"{DEADLINE.year}-12-31",
            },
        )
        assert decided.status_code == 200 and "msg=decided" in str(decided.url), text(decided.text)[:500]
        return request_id

    return make
