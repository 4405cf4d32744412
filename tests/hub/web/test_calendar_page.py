"""The education bureau loads next year's holidays at /calendar; its pages ask for them from November."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hub.holidays.service import missing_next_year
from hub.kit.clock import local_today
from tests.hub.holidays.test_calendar import first_unknown_year
from tests.hub.tasks.factories import People
from tests.hub.web.conftest import Browser, text


def test_the_bureau_enters_a_years_holidays_from_the_form_and_the_banner_goes(
    browser: Browser, people: People, session: Session
) -> None:
    year = first_unknown_year()
    browser.sign_in(people.education)
    page = browser.get("/requests")
    asked = missing_next_year(session, local_today())
    assert ("calendar-banner" in page.text) == (asked is not None)
    if asked is not None:
        assert f"尚未录入 {asked} 年的法定节假日和调休安排" in text(page.text)

    form = browser.get(f"/calendar?year={year}")
    assert form.status_code == 200 and "尚未录入" in text(form.text)
    assert f"系统还不知道 {year} 年的节假日安排" in text(form.text)

    bad = browser.post(f"/calendar/{year}", {"holidays": f"{year}-01-01 元旦\n{year}-13-40 春节"})
    assert bad.status_code == 422 and "第 2 行" in text(bad.text)
    assert f"{year}-01-01 元旦" in bad.text  # what was typed stays in the form

    saved = browser.post(
        f"/calendar/{year}",
        {
            "holidays": f"{year}-01-01 元旦\n{year}-02-08 至 {year}-02-15 春节",
            "workdays": f"{year}-02-06 春节调休上班",
            "note": "国办发明电〔2026〕14号",
        },
    )
    assert saved.status_code == 200 and "已保存" in text(saved.text)
    row = text(saved.text.split(f'data-year="{year}"')[1].split("</tr>")[0])
    assert "教育局已录入" in row and "9 天" in row and "1 天" in row
    if asked == year:
        assert "calendar-banner" not in browser.get("/requests").text

    browser.sign_in(people.department)
    readonly = browser.get(f"/calendar?year={year}")
    assert readonly.status_code == 200 and f"{year}-02-10 春节" in text(readonly.text)
    assert "<textarea" not in readonly.text and "calendar-banner" not in readonly.text
