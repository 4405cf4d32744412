"""The data-standard browser: every role finds an element by its label or a synonym and reads its type,
unit, range, code list with labels, sharing type and the version that added it."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.hub.tasks.factories import People, Town
from tests.hub.web.conftest import Browser, text


def rows(html: str) -> dict[str, str]:
    table = re.search(r'id="standard-elements".*?<tbody>(.*?)</tbody>', html, re.S)
    assert table, html[:300]
    return {
        m.group(1): text(m.group(2))
        for m in re.finditer(r'<tr data-element="([^"]+)"[^>]*>(.*?)</tr>', table.group(1), re.S)
    }


def test_every_role_browses_the_standard(browser: Browser, people: People, town: Town) -> None:
    for headers in (people.department, people.statistics, people.education, people.schools[town.schools[0]]):
        browser.sign_in(headers)
        page = browser.get("/standard")
        assert page.status_code == 200
        assert 'href="/standard"' in page.text, "the menu links the standard"
        found = rows(page.text)
        assert len(found) > 20


def test_search_by_a_synonym_shows_type_code_list_labels_and_sharing(
    browser: Browser, people: People
) -> None:
    browser.sign_in(people.department)
    page = browser.client.get("/standard", params={"q": "性别"})
    found = rows(page.text)
    gender = found["teacher.gender"]
    assert gender.strip().startswith("性别"), "the Chinese label comes first, the id after it"
    assert "代码表选项" in gender and "有条件共享" in gender
    codes = re.search(r'<details id="list-([^"]+)".*?</details>', page.text, re.S)
    assert codes and "男" in text(codes.group(0)) and "女" in text(codes.group(0))
    assert "teacher.name" not in found, "a search shows only what matches"

    by_synonym = rows(browser.client.get("/standard", params={"q": "公民身份号码"}).text)
    assert "teacher.id_number" in by_synonym

    none = browser.client.get("/standard", params={"q": "不存在的东西"})
    assert rows(none.text) == {} and "没有与" in none.text


def test_an_approved_element_shows_its_range_unit_and_version(
    browser: Browser, people: People, approved_request: Callable[..., int]
) -> None:
    request_id = approved_request("姓名", "本学期家访次数 | integer")
    browser.sign_in(people.education)
    page = browser.client.get("/standard", params={"q": "家访"})
    (row,) = rows(page.text).values()
    assert row.strip().startswith("本学期家访次数") and "整数" in row and "第 2 版" in row
    assert re.search(r"\d+ 至 \d+", row), row
    versions = text(re.search(r'id="standard-versions".*?</table>', page.text, re.S).group(0))  # type: ignore[union-attr]
    assert (
        f"采集需求 {request_id}" in versions
        and "统批〔2026〕9号" in versions
        and "本学期家访次数" in versions
    )
    english = browser.client.get("/standard", params={"q": "家访", "lang": "en"})
    assert "Value type" in english.text and "whole number" in text(english.text)
