"""HTTP feed sources, run against a real feed server on loopback, through the one ingestion path."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.records.models import IngestBatch, RecordHistory, teachers_table
from hub.sources.service import run_source
from tests.hub.factories import create_city
from tests.hub.sources.factories import create_source, feed_records, feed_settings, upstream_teachers


@pytest.fixture
def city(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    return create_city(session, settings, schools=2, teachers=0)


def count(session: Session, table) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_a_paged_feed_is_stored_with_the_run_as_provenance(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.records = feed_records(upstream_teachers(city, 20), city)
    create_source(session, settings=feed_settings(url, page_size=7))

    run = run_source(session, settings, "hr-feed", actor=None)

    assert run.status == "succeeded", run.error
    assert (run.rows_read, run.accepted, run.inserted, run.rejected) == (20, 20, 20, 0)
    pages = [path for path in state.requests if "page=" in path]
    assert len(pages) == 3  # 7 + 7 + 6: the short page ends the feed
    assert count(session, teachers_table) == 20
    batch = session.get(IngestBatch, run.batch_ids[0])
    assert batch is not None
    assert (batch.source_kind, batch.source_ref) == ("connector", f"source:hr-feed:run:{run.id}")
    # The nested employer object was flattened and mapped; its name column was dropped on purpose.
    stored_schools = set(session.scalars(select(teachers_table.c.school_code)))
    assert stored_schools == set(city.schools["code"])
    assert run.notices == ["3 page(s) from " + url]


def test_a_rerun_with_no_upstream_change_writes_nothing(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.records = feed_records(upstream_teachers(city, 12), city)
    create_source(session, settings=feed_settings(url))
    run_source(session, settings, "hr-feed", actor=None)
    history = count(session, RecordHistory)
    stamps = dict(session.execute(select(teachers_table.c.teacher_key, teachers_table.c.updated_at)).all())

    again = run_source(session, settings, "hr-feed", actor=None)

    assert again.status == "succeeded"
    assert (again.rows_read, again.accepted, again.unchanged) == (12, 12, 12)
    assert (again.inserted, again.updated) == (0, 0)
    assert count(session, RecordHistory) == history
    assert (
        dict(session.execute(select(teachers_table.c.teacher_key, teachers_table.c.updated_at)).all())
        == stamps
    )


def test_a_changed_record_upstream_updates_that_record_only(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.records = feed_records(upstream_teachers(city, 10), city)
    create_source(session, settings=feed_settings(url))
    run_source(session, settings, "hr-feed", actor=None)
    history = count(session, RecordHistory)
    state.records[4]["xm"] = "欧阳明远"

    run = run_source(session, settings, "hr-feed", actor=None)

    assert (run.inserted, run.updated, run.unchanged) == (0, 1, 9)
    assert count(session, RecordHistory) == history + 1
    assert "欧阳明远" in set(session.scalars(select(teachers_table.c.name)))


def test_bad_records_are_quarantined_with_reasons_and_the_rest_stored(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    records = feed_records(upstream_teachers(city, 8), city)
    good_id = records[2]["sfzh"]
    records[2]["sfzh"] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")  # wrong check digit
    records[5]["xb"] = "未知性别"
    state.records = records
    create_source(session, settings=feed_settings(url))

    run = run_source(session, settings, "hr-feed", actor=None)

    assert run.status == "succeeded"
    assert (run.rows_read, run.accepted, run.rejected) == (8, 6, 2)
    assert count(session, teachers_table) == 6
    by_row = {r["row"]: r for r in run.rejections}
    assert set(by_row) == {3, 6}  # the feed's record numbers, 1-based
    assert by_row[3]["field"] == "公民身份号码" and by_row[3]["reason"] and by_row[3]["reason_en"]
    assert good_id[:6] in by_row[3]["value"] and good_id not in by_row[3]["value"]  # masked: sensitive
    assert by_row[6]["value"] == "未知性别"


def test_a_server_error_then_success_is_retried_and_the_run_succeeds(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.records = feed_records(upstream_teachers(city, 5), city)
    state.fail_next = 1
    create_source(session, settings=feed_settings(url))

    run = run_source(session, settings, "hr-feed", actor=None)

    assert run.status == "succeeded", run.error
    assert run.accepted == 5
    assert state.requests[0] == state.requests[1]  # the 500, then the same page again


def test_a_refused_token_fails_the_run_with_a_clear_error_and_stores_nothing(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.records = feed_records(upstream_teachers(city, 5), city)
    state.token = "the-right-token"
    create_source(session, settings=feed_settings(url, bearer_token="an-expired-token"))

    run = run_source(session, settings, "hr-feed", actor=None)

    assert run.status == "failed"
    assert "HTTP 401" in (run.error or "") and "127.0.0.1" in (run.error or "")
    assert "认证失败" in (run.error or "")
    assert len(state.requests) == 1  # a 4xx is not retried
    assert count(session, teachers_table) == 0
    assert (run.rows_read, run.accepted, run.batch_ids) == (0, 0, [])


def test_the_right_token_is_sent(session: Session, settings: Settings, city, feed) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.records = feed_records(upstream_teachers(city, 3), city)
    state.token = "the-right-token"
    create_source(session, settings=feed_settings(url, bearer_token="the-right-token"))

    assert run_source(session, settings, "hr-feed", actor=None).accepted == 3


def test_malformed_json_fails_the_run_and_says_so(session: Session, settings: Settings, city, feed) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.malformed = True
    create_source(session, settings=feed_settings(url))

    run = run_source(session, settings, "hr-feed", actor=None)

    assert run.status == "failed"
    assert "not valid JSON" in (run.error or "")
    assert count(session, teachers_table) == 0


def test_a_feed_that_repeats_a_page_fails_the_run_instead_of_reading_forever(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.records = feed_records(upstream_teachers(city, 10), city)
    state.ignores_paging = True
    create_source(session, settings=feed_settings(url, page_size=7))

    run = run_source(session, settings, "hr-feed", actor=None)

    assert run.status == "failed"
    assert "repeats" in (run.error or "")
    assert session.scalar(select(func.count()).select_from(teachers_table)) == 0


def test_a_server_slower_than_the_timeout_fails_the_run(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.records = feed_records(upstream_teachers(city, 3), city)
    state.delay = 1.0
    create_source(session, settings=feed_settings(url, timeout=0.2, max_retries=1))

    run = run_source(session, settings, "hr-feed", actor=None)

    assert run.status == "failed"
    assert "0.2" in (run.error or "") and len(state.requests) == 2


def test_a_mapping_that_leaves_out_a_required_element_fails_the_run(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.records = feed_records(upstream_teachers(city, 3), city)
    create_source(
        session, settings=feed_settings(url), mapping={"xm": "name", "sfzh": None, "dw.code": "school_code"}
    )

    run = run_source(session, settings, "hr-feed", actor=None)

    assert run.status == "failed"
    assert "id_number" in (run.error or "") or "公民身份号码" in (run.error or "")


def test_a_token_sent_in_the_url_does_not_show_in_the_run_error(
    session: Session, settings: Settings, city, feed
) -> None:  # type: ignore[no-untyped-def]
    state, url = feed
    state.down = True
    create_source(session, settings=feed_settings(url, params={"access_token": "tok-9f8e7d6c"}))

    run = run_source(session, settings, "hr-feed", actor=None)

    assert run.status == "failed" and "HTTP 500" in (run.error or "")
    assert "tok-9f8e7d6c" not in (run.error or "") and "access_token=******" in (run.error or "")
