"""The education bureau sets up sources in the browser: a folder, a database and an HTTP feed, each
checked as the API checks it; edits keep stored secrets; a disabled source says so; schools may not."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.audit.models import AuditEntry
from hub.identity.models import Principal
from hub.sources.models import Source
from tests.hub.tasks.factories import People, Town
from tests.hub.web.conftest import Browser, text

PASSWORD = "s3cret-pw"


def row_of(html: str, name: str) -> str:
    start = html.index(f'data-source="{name}"')
    return text(html[start : html.index("</tr>", start)])


def test_the_bureau_creates_edits_and_disables_sources(
    browser: Browser, people: People, session: Session, tmp_path: Path
) -> None:
    browser.sign_in(people.education)
    assert 'href="/sources/new"' in browser.get("/sources").text
    form = browser.get("/sources/new")
    assert (
        form.status_code == 200
        and "文件夹" in form.text
        and "数据库" in form.text
        and "HTTP 接口" in form.text
    )

    made = browser.post(
        "/sources",
        {
            "name": "hr-drops",
            "kind": "folder",
            "entity": "teacher",
            "description": "人事处每晚导出",
            "folder_path": str(tmp_path),
            "folder_pattern": "*.csv",
            "mapping": "sfzh = 公民身份号码\nxm = 姓名\nbeizhu =",
            "cron": "30 2 * * *",
            "enabled": "on",
        },
    )
    assert made.status_code == 200 and "数据源已创建" in made.text
    listed = row_of(made.text, "hr-drops")
    assert "文件夹" in listed and "30 2 * * *" in listed and "folder" not in listed
    stored = session.scalars(select(Source).where(Source.name == "hr-drops")).one()
    assert stored.settings == {"path": str(tmp_path), "pattern": "*.csv"}
    assert stored.mapping == {"sfzh": "id_number", "xm": "name", "beizhu": None}

    database = browser.post(
        "/sources",
        {
            "name": "hr-db",
            "kind": "sql",
            "entity": "teacher",
            "sql_url": f"postgresql+psycopg://reader:{PASSWORD}@127.0.0.1:5432/hr",
            "sql_table": "staff",
            "interval_seconds": "3600",
            "enabled": "on",
        },
    )
    assert database.status_code == 200 and "数据库" in row_of(database.text, "hr-db")
    edit = browser.get("/sources/hr-db/edit")
    assert PASSWORD not in edit.text and "******" in edit.text
    saved = browser.post(
        "/sources/hr-db/edit",
        {
            "sql_url": "postgresql+psycopg://reader:******@127.0.0.1:5432/hr",
            "sql_table": "staff_view",
            "sql_updated_at_column": "modified_at",
            "interval_seconds": "1800",
            "enabled": "on",
        },
    )
    assert saved.status_code == 200 and "数据源已保存" in saved.text
    session.expire_all()
    db = session.scalars(select(Source).where(Source.name == "hr-db")).one()
    assert PASSWORD in db.settings["url"], "a secret left masked keeps its stored value"
    assert db.settings["table"] == "staff_view" and db.schedule_seconds == 1800

    feed = browser.post(
        "/sources",
        {"name": "hr-feed", "kind": "http", "entity": "teacher", "http_url": "ftp://hr.example.org/x"},
    )
    assert feed.status_code == 422 and "数据源设置有误" in text(feed.text)
    assert 'value="hr-feed"' in feed.text, "the form keeps what was typed"
    bad_cron = browser.post(
        "/sources",
        {
            "name": "hr-feed",
            "kind": "http",
            "entity": "teacher",
            "http_url": "https://hr.example.org/api",
            "cron": "every day",
        },
    )
    assert bad_cron.status_code == 422 and "cron" in text(bad_cron.text)
    good = browser.post(
        "/sources",
        {
            "name": "hr-feed",
            "kind": "http",
            "entity": "teacher",
            "http_url": "https://hr.example.org/api",
            "http_paging": "page",
            "http_items_path": "data.items",
            "enabled": "on",
        },
    )
    assert "HTTP 接口" in row_of(good.text, "hr-feed")

    off = browser.post("/sources/hr-drops/enabled", {"enabled": "false"})
    assert "已停用" in row_of(off.text, "hr-drops") and "数据源已停用" in off.text
    session.expire_all()
    assert session.scalars(select(Source).where(Source.name == "hr-drops")).one().enabled is False
    on = browser.post("/sources/hr-drops/enabled", {"enabled": "true"})
    assert "已停用" not in row_of(on.text, "hr-drops")

    # Every change made in the browser is an audit entry naming the bureau that made it.
    session.expire_all()
    bureau = session.scalars(select(Principal.id).where(Principal.code == "edu")).one()
    acts = [
        (e.action, e.principal_id, (e.detail or {})["target"]["id"])
        for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("source.%")).order_by(AuditEntry.id)
        )
    ]
    assert acts == [
        ("source.create", bureau, "hr-drops"),
        ("source.create", bureau, "hr-db"),
        ("source.update", bureau, "hr-db"),
        ("source.create", bureau, "hr-feed"),
        ("source.update", bureau, "hr-drops"),
        ("source.update", bureau, "hr-drops"),
    ]


def test_a_school_sets_up_no_source(browser: Browser, people: People, town: Town) -> None:
    browser.sign_in(people.schools[town.schools[0]])
    assert browser.get("/sources/new").status_code == 403
    assert browser.post("/sources", {"name": "x", "kind": "folder", "folder_path": "/tmp"}).status_code == 403


def test_a_source_names_the_period_of_its_values_on_the_form(
    browser: Browser, people: People, session: Session, tmp_path: Path
) -> None:
    """The form offers the period (blank: the current one at each run, said beside it); a period that
    is none is refused on the form, and clearing it goes back to the current one."""
    browser.sign_in(people.education)
    form = browser.get("/sources/new")
    assert 'name="period"' in form.text and "留空则每次运行写入当时的当前期间" in text(form.text)
    fields = {
        "name": "last-year-hours",
        "kind": "folder",
        "entity": "teacher",
        "folder_path": str(tmp_path),
        "folder_pattern": "*.csv",
        "enabled": "on",
    }
    bad = browser.post("/sources", {**fields, "period": "2025-13"})
    assert bad.status_code == 422 and "13 月不存在" in text(bad.text)
    made = browser.post("/sources", {**fields, "period": "2025年"})
    assert made.status_code == 200, made.text
    stored = session.scalars(select(Source).where(Source.name == "last-year-hours")).one()
    assert stored.period == "2025年"
    edit = browser.get("/sources/last-year-hours/edit")
    assert 'value="2025年"' in edit.text
    browser.post("/sources/last-year-hours/edit", {**fields, "period": ""})
    session.refresh(stored)
    assert stored.period is None
