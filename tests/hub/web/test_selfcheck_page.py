"""The school answers its 自查表 on the page at term end and submits it; the bureau's summary counts it."""

from __future__ import annotations

import re

from hub.kit.clock import local_today
from hub.kit.terms import term_of
from tests.hub.tasks.factories import People, Town
from tests.hub.web.conftest import Browser, text


def test_the_school_answers_the_open_items_on_the_page_and_the_bureau_sees_it_submitted(
    browser: Browser, people: People, town: Town
) -> None:
    school = town.schools[0]
    last = term_of(local_today()).previous().label  # over: open for submission on any day
    browser.sign_in(people.schools[school])
    page = browser.get(f"/selfcheck?term={last}")
    open_items = [int(n) for n in re.findall(r'id="answer-(\d+)"', page.text)]
    assert page.status_code == 200 and open_items and "可以提交" in text(page.text)
    assert f"{len(open_items)} 项须由学校自查作答" in text(page.text)
    # The items the records settle carry no answer field: the school cannot change them.
    settled = re.findall(r'data-item="(\d+)" data-finding="(?:compliant|violation)"', page.text)
    assert settled and not set(int(n) for n in settled) & set(open_items)

    form = {"term": last}
    for number in open_items[1:]:
        form |= {f"finding-{number}": "compliant", f"text-{number}": "经核对无此情况"}
    missing = browser.post("/selfcheck/submission", form)
    assert missing.status_code == 422 and f"第 {open_items[0]} 项" in text(missing.text)
    assert "经核对无此情况" in missing.text  # what the school typed is kept
    english = browser.post("/selfcheck/submission?lang=en", form)
    assert english.status_code == 422 and f"items {open_items[0]}" in text(english.text)
    browser.client.cookies.delete("hub_lang")

    form |= {f"finding-{open_items[0]}": "violation", f"text-{open_items[0]}": "本学期有一次临时检查"}
    done = browser.post("/selfcheck/submission", form)
    shown = text(done.text)
    assert done.status_code == 200 and "自查表已提交" in shown and "已提交" in shown
    assert "本学期有一次临时检查" in shown and 'id="selfcheck-form"' not in done.text

    next_term = term_of(local_today()).next().label
    early = browser.post("/selfcheck/submission", {"term": next_term})
    assert early.status_code == 422 and "学期末" in text(early.text)

    browser.sign_in(people.education)
    summary = browser.get(f"/selfcheck?term={last}")
    assert re.search(r'data-level="total">.*?data-submitted="1"', summary.text, re.S)
