"""Chinese-first words: the pages each role reads carry no element ids (teacher.x_jia_fang…), no
"rule 12", no type names (string, integer, year_month), no status codes inside sentences and no
percentage without the words saying what it measures."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from hub.web.service import format_field_lines, parse_field_lines
from tests.hub.tasks.factories import People, Town
from tests.hub.web.conftest import Browser, request_form, text

TECHNICAL = {
    "an element id": re.compile(r"\b(?:teacher|school)\.[a-z][a-z0-9_]*|\bx_[a-z0-9_]{3,}"),
    "a rule number in English": re.compile(r"\brule \d+"),
    "a type name": re.compile(r"\b(?:string|integer|decimal|year_month|boolean)\b"),
    "a status code": re.compile(
        r"\b(?:pending_approval|pending_release|published|answered|approved|rejected|duplicate|"
        r"not_opened|in_progress|submitted|overdue)\b"
    ),
}
PERCENT = re.compile(r"\d+(?:\.\d+)?\s?%")
# A percentage says what it measures within a few characters.
MEASURES = ("相似度", "覆盖率", "重合度", "比例", "减少", "目标", "已填")


# The one place an id may show: small, beside its label, for whoever writes programs against the API.
ELEMENT_ID = re.compile(r'<small class="element-id[^"]*"[^>]*>[^<]*</small>')


def technical_words(page: str) -> list[str]:
    seen = text(ELEMENT_ID.sub("", page))
    found = [f"{what}: {m.group(0)!r}" for what, pattern in TECHNICAL.items() for m in pattern.finditer(seen)]
    for m in PERCENT.finditer(seen):
        around = seen[max(0, m.start() - 16) : m.end() + 16]
        if not any(word in around for word in MEASURES):
            found.append(f"an unexplained percentage: {around!r}")
    return found


def test_every_roles_pages_read_in_chinese(
    browser: Browser,
    client: TestClient,
    people: People,
    town: Town,
    approved_request: Callable[..., int],
) -> None:
    published = approved_request("姓名", "普通话水平等级", "本学期家访次数 | integer")
    browser.sign_in(people.education)
    assert browser.post(f"/requests/{published}/publish", {"deadline": ""}).status_code == 200
    browser.sign_in(people.department)
    waiting = browser.post("/requests", request_form("教师姓名", "每周课后服务课时 | 整数", "配偶工作单位"))
    waiting_id = int(re.search(r"/requests/(\d+)", str(waiting.url)).group(1))  # type: ignore[union-attr]
    (task,) = client.get(
        f"/api/v1/tasks?request_id={published}", headers=people.schools[town.schools[0]]
    ).json()

    pages = {
        "department": (
            people.department,
            [
                "/requests",
                f"/requests/{published}",
                f"/requests/{waiting_id}",
                "/requests/new",
                "/calendar",
                "/standard",
                "/catalogue",
                "/webhook",
                "/away",
            ],
        ),
        "statistics": (
            people.statistics,
            [
                "/review",
                "/review?sort=records",
                f"/requests/{waiting_id}",
                f"/requests/{published}",
                "/standard",
            ],
        ),
        "education": (
            people.education,
            [
                "/requests",
                f"/requests/{published}",
                "/calendar",
                "/burden",
                "/grants",
                "/complaints",
                "/releases",
                "/sources",
                "/audit",
                "/away",
                "/standard?q=职称",
            ],
        ),
        "school": (
            people.schools[town.schools[0]],
            [
                "/tasks",
                f"/tasks/{task['id']}",
                "/school",
                "/selfcheck",
                "/standard?q=家访",
                "/complaints",
                "/away",
            ],
        ),
    }
    problems: list[str] = []
    for role, (headers, paths) in pages.items():
        browser.sign_in(headers)
        for path in paths:
            answer = browser.get(path)
            assert answer.status_code == 200, f"{role} {path} -> {answer.status_code}"
            problems += [f"{role} {path}: {p}" for p in technical_words(answer.text)]
    check = browser.post(
        "/requests/check",
        request_form("姓名", "本学期家访次数", "出生年月"),
        headers={"HX-Request": "true"},
    )
    problems += [f"department /requests/check: {p}" for p in technical_words(check.text)]
    assert problems == [], "\n".join(problems)


def test_types_are_written_in_chinese_words_too() -> None:
    lines = parse_field_lines("每周课后服务课时 | 整数\n最近体检日期 | 日期\n是否党员 | 是否\n备注 | integer")
    assert [f.type for f in lines] == ["integer", "date", "boolean", "integer"]
    assert format_field_lines(lines).splitlines()[0] == "每周课后服务课时 | 整数"


def test_the_scan_finds_what_it_looks_for() -> None:
    page = (
        "<p>尚未完成（published） rule 12 teacher.x_jia_fang_ci_shu integer 98%</p>"
        "<p>这里是一段足够长的说明文字，隔开两个数字。匹配把握很大（相似度 98%）</p>"
    )
    found = technical_words(page)
    assert len(found) == 5 and not any("相似度" in f for f in found)
