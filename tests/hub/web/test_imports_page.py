"""The bureau's import page: the period of the data is chosen on the form, its default (the current
period of each element) shown there, and every periodic column's period shown before the import is
confirmed; a column whose year contradicts the chosen period is refused on the preview."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from hub.records.models import PERIOD_TABLES
from tests.hub.factories import create_city, create_principal
from tests.hub.web.conftest import Browser, text

YEAR = local_today().year
teacher_periods = PERIOD_TABLES["teacher"]


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    return ("\n".join([",".join(header), *(",".join(map(str, r)) for r in rows)]) + "\n").encode("utf-8-sig")


def _hours(session: Session, period: str) -> set[Any]:
    query = select(teacher_periods.c.training_hours).where(teacher_periods.c.period == period)
    return set(session.scalars(query))


def test_the_bureau_sees_the_period_before_it_confirms_an_import(
    client: Any, browser: Browser, session: Session, settings: Settings, admin_headers: dict[str, str]
) -> None:
    city = create_city(session, settings, schools=1, teachers=3)
    bureau = create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")
    browser.sign_in(bureau)
    form = browser.get("/imports")
    assert form.status_code == 200
    shown = text(form.text)
    assert "数据所属期间" in shown and "留空即当前期间" in form.text
    assert f"本年度继续教育学时 {YEAR}年" in shown  # the default, before anything is chosen

    ids = list(city.teachers["id_number"])
    content = _csv(["公民身份号码", "继续教育学时"], [[i, 44] for i in ids])
    preview = browser.post(
        "/imports/preview",
        data={"entity": "teachers", "period": f"{YEAR - 1}年"},
        files={"file": ("学时.csv", content, "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    page = text(preview.text)
    assert f"所选期间：{YEAR - 1}年" in page and "这是往期数据" in page
    assert f'data-header="继续教育学时" data-period="{YEAR - 1}"' in preview.text
    assert _hours(session, str(YEAR - 1)) == set()  # nothing written by the preview

    confirm = browser.post("/imports/confirm", data=_hidden(preview.text))
    assert confirm.status_code == 200, confirm.text
    assert "导入完成" in text(confirm.text) and "接受 3 行" in text(confirm.text)
    assert _hours(session, str(YEAR - 1)) == {44}

    # No period chosen: the default is the current one, said so on the preview.
    current = browser.post(
        "/imports/preview",
        data={"entity": "teachers", "period": ""},
        files={"file": ("学时.csv", content, "text/csv")},
    )
    assert "当前期间" in text(current.text)
    assert f'data-header="继续教育学时" data-period="{YEAR}"' in current.text

    # A header naming another year than the one chosen: refused on the preview, naming the column.
    dated = _csv(["公民身份号码", f"{YEAR - 2}年培训学时"], [[i, 30] for i in ids])
    refused = browser.post(
        "/imports/preview",
        data={"entity": "teachers", "period": str(YEAR - 1)},
        files={"file": ("学时.csv", dated, "text/csv")},
    )
    assert refused.status_code == 422
    assert f"{YEAR - 2}年培训学时" in text(refused.text) and f"{YEAR - 1}年" in text(refused.text)

    school = create_principal(
        client, admin_headers, kind="school", code="s1", school_code=city.schools["code"][0]
    )
    browser.sign_in(school)
    assert browser.get("/imports").status_code == 403


def _hidden(page: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page))
