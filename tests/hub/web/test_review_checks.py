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
