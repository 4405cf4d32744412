"""A dry run's duplicate notice links to what the department may see of the original, as a stored
duplicate's does: on the check page and in `/api/v1/requests/check`. The link is sealed for the
department that checked; anyone else, or an edited link, gets a 404."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.hub.factories import create_principal
from tests.hub.tasks.factories import People
from tests.hub.web.conftest import Browser, request_form, text

FORM = {
    "title": "课后服务情况",
    "purpose": "课后服务经费测算",
    "entity": "teacher",
    "fields": [{"label": "姓名"}, {"label": "每周课后服务课时"}],
}


def test_a_dry_runs_duplicate_notice_links_to_the_originals_outline(
    browser: Browser, client: TestClient, people: People, admin_headers: dict[str, str]
) -> None:
    browser.sign_in(people.department)
    answer = browser.post("/requests", request_form("姓名", "每周课后服务课时", title="课后服务统计"))
    original = int(re.search(r"/requests/(\d+)", str(answer.url)).group(1))  # type: ignore[union-attr]
    red_cross = create_principal(client, admin_headers, code="redcross", name="市红十字会")

    checked = client.post("/api/v1/requests/check", headers=red_cross, json=FORM).json()
    assert checked["status"] == "duplicate" and checked["duplicate_of"] == original
    link = checked["original_link"]
    assert link.startswith(f"/requests/originals/{original}?")

    browser.sign_in(red_cross)
    page = browser.post("/requests/check", request_form("姓名", "每周课后服务课时", title="课后服务情况"))
    found = re.search(r'<a href="([^"]+)" id="original-link">', page.text)
    assert found is not None, text(page.text)[:600]
    outline = browser.get(found.group(1).replace("&amp;", "&"))
    seen = text(outline.text)
    assert outline.status_code == 200
    assert "课后服务统计" in seen and "市人力资源和社会保障局" in seen and "待统计局审批" in seen
    assert (
        "两项需求共同询问的数据 姓名、每周课后服务课时" in seen
        and "您检查的采集需求与下面这项正在办理的需求重复" in seen
    )
    assert 'id="original-full"' not in outline.text

    # Sealed for 红十字会: another department, or an edited link, sees no such request.
    stranger = create_principal(client, admin_headers, code="civil", name="市民政局")
    browser.sign_in(stranger)
    assert browser.get(link).status_code == 404
    browser.sign_in(red_cross)
    assert browser.get(link.replace("overlap=", "overlap=9")).status_code == 404
    assert browser.get(f"/requests/originals/{original}").status_code == 404

    # A stored duplicate's answer carries its own page's link.
    stored = client.post("/api/v1/requests", headers=red_cross, json=FORM).json()
    assert stored["status"] == "duplicate" and stored["original_link"] == f"/requests/{stored['id']}/original"
