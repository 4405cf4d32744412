"""The statistics bureau sees what each new field's element will accept, proposed from its label, and
approves with its own changes."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from hub.standard.service import current_standard
from tests.hub.tasks.factories import People
from tests.hub.web.conftest import Browser, request_form, text


def test_the_approval_form_proposes_checks_and_the_element_takes_the_bureaus_choice(
    browser: Browser, people: People, session: Session
) -> None:
    browser.sign_in(people.department)
    answer = browser.post("/requests", request_form("姓名", "本学期家访次数", "最近一次疫苗接种日期"))
    request_id = int(re.search(r"/requests/(\d+)", str(answer.url)).group(1))  # type: ignore[union-attr]
    browser.sign_in(people.statistics)
    queue = browser.get("/review").text
    row = queue.split('data-spec="本学期家访次数"')[1].split("</tr>")[0]
    assert '<option value="integer" selected>整数</option>' in row
    assert 'value="次"' in row and 'name="spec|1|min" value="0"' in row and 'value="1000"' in row
    dated = queue.split('data-spec="最近一次疫苗接种日期"')[1].split("</tr>")[0]
    assert '<option value="date" selected>日期</option>' in dated and "checked" not in dated
    assert "新数据元的填报要求" in text(queue)

    decided = browser.post(
        f"/requests/{request_id}/decision",
        {
            "decision": "approve",
            "approval_number": "统制〔2026〕40号",
            "spec|1|label": "本学期家访次数",
            "spec|1|type": "integer",
            "spec|1|unit": "次",
            "spec|1|min": "0",
            "spec|1|max": "40",
            "spec|2|label": "最近一次疫苗接种日期",
            "spec|2|type": "date",
        },
    )
    assert "msg=decided" in str(decided.url), text(decided.text)[:400]
    session.expire_all()
    by_label = {e.label_zh: e for e in current_standard(session).elements_for("teacher")}
    visits, vaccinated = by_label["本学期家访次数"], by_label["最近一次疫苗接种日期"]
    assert (visits.value_type, visits.unit, visits.min_value, visits.max_value) == ("integer", "次", 0, 40)
    assert vaccinated.value_type == "date" and vaccinated.future_allowed is False


def test_the_reviewer_ties_a_new_field_to_an_existing_element_from_the_close_ones_shown(
    browser: Browser, people: People, session: Session
) -> None:
    """Issue 13, class 6: the approval form offers, per new field, the close elements the matcher found
    (then every other element); picking one approves the field as that element, makes no new element
    and teaches the label, so the next request for it is matched."""
    browser.sign_in(people.department)
    answer = browser.post("/requests", request_form("姓名", "编制类别", "编制身份", "本学期家访次数"))
    request_id = int(re.search(r"/requests/(\d+)", str(answer.url)).group(1))  # type: ignore[union-attr]
    browser.sign_in(people.statistics)
    queue = browser.get("/review").text
    row = queue.split('data-spec="编制类别"')[1].split("</tr>")[0]
    choices = row.split('name="spec|1|maps_to"')[1]
    assert "否，新增为新数据元" in choices
    close = choices.split('<optgroup label="最接近的现有数据元">')[1].split("</optgroup>")[0]
    assert close.startswith('<option value="teacher.staffing">')  # the closest first
    unknown = queue.split('data-spec="编制身份"')[1].split("</tr>")[0]
    assert "最接近的现有数据元" not in unknown  # nothing close: every element is still offered
    assert 'value="teacher.staffing"' in unknown and 'value="teacher.mobile"' in unknown

    decided = browser.post(
        f"/requests/{request_id}/decision",
        {
            "decision": "approve",
            "approval_number": "统制〔2026〕41号",
            "spec|1|label": "编制类别",
            "spec|1|type": "string",
            "spec|1|maps_to": "teacher.staffing",
            "spec|2|label": "编制身份",
            "spec|2|type": "string",
            "spec|2|maps_to": "teacher.staffing",
            "spec|3|label": "本学期家访次数",
            "spec|3|type": "integer",
            "spec|3|maps_to": "",
        },
    )
    assert "msg=decided" in str(decided.url), text(decided.text)[:400]
    session.expire_all()
    labels = {e.label_zh for e in current_standard(session).elements_for("teacher")}
    assert "本学期家访次数" in labels and not {"编制类别", "编制身份"} & labels
    detail = text(browser.get(f"/requests/{request_id}").text)
    assert detail.count("统计机构审核认定为已有数据元") == 2
    browser.sign_in(people.department)
    checked = text(browser.post("/requests/check", request_form("编制身份")).text)
    assert "编制情况" in checked
