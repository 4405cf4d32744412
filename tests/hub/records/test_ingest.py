"""Ingestion: the one path into the store. Bad input gets row, field, value and reason; nothing valid is lost."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.db import utcnow
from hub.demo.city import generate_city
from hub.kit.tokens import teacher_key
from hub.records.errors import FileUnreadable, RequiredColumnsMissing
from hub.records.models import IngestBatch, RecordHistory, teachers_table
from hub.records.service import Provenance, ingest_chunks, values_as_of
from hub.records.writer import clear_values
from hub.standard.service import current_standard
from tests.hub.factories import as_file_frame, create_city, ingest


@pytest.fixture
def city(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    return create_city(session, settings, schools=2, teachers=0)


def teachers(city, n: int = 5, seed: int = 3) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    frame = generate_city(seed=seed, schools=1, teachers=n).teachers
    codes = list(city.schools["code"])
    frame["school_code"] = [codes[i % len(codes)] for i in range(len(frame))]
    return as_file_frame(
        frame[["school_code", "name", "gender", "id_number", "birth_date", "ethnicity", "title"]]
    )


def stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(teachers_table)) or 0


def test_valid_rows_are_stored_with_labels_resolved_to_codes(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city)
    frame["gender"] = ["男", "女", "男", "女", "男"]
    frame["ethnicity"] = "汉族"
    report = ingest(session, settings, "teacher", frame)
    assert report.accepted == 5 and report.rejected == []
    genders = set(session.scalars(select(teachers_table.c.gender)))
    assert genders == {"1", "2"}
    assert set(session.scalars(select(teachers_table.c.ethnicity))) == {"01"}


def test_teacher_key_is_an_hmac_not_the_id_number(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=1)
    ingest(session, settings, "teacher", frame)
    key = session.scalar(select(teachers_table.c.teacher_key))
    id_number = frame["id_number"].iloc[0]
    assert key == teacher_key(settings.secret_key.get_secret_value(), id_number)
    assert id_number not in key


def test_bad_cells_come_back_with_row_field_value_reason(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city)
    good_id = frame.loc[3, "id_number"]
    frame.loc[3, "id_number"] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")  # wrong check digit
    frame.loc[5, "ethnicity"] = "99"  # not in GB/T 3304
    report = ingest(session, settings, "teacher", frame)
    assert report.accepted == 3
    by_row = {r.row: r for r in report.rejected}
    assert set(by_row) == {3, 5}
    assert by_row[3].field == "公民身份号码" and by_row[3].reason and by_row[3].reason_en
    assert "****" in by_row[3].value  # a sensitive value is masked even in an error report
    assert by_row[5].field == "民族" and by_row[5].value == "99"
    assert stored(session) == 3


def test_duplicate_teacher_within_a_file_names_the_first_row(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=3)
    frame.loc[4, "id_number"] = frame.loc[2, "id_number"]
    frame.loc[4, "birth_date"] = frame.loc[2, "birth_date"]
    report = ingest(session, settings, "teacher", frame)
    assert [r.row for r in report.rejected] == [4]
    assert "第 2 行" in report.rejected[0].reason and "row 2" in report.rejected[0].reason_en
    assert stored(session) == 2


def test_required_column_missing_refuses_the_whole_file(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city).drop(columns=["id_number"])
    with pytest.raises(RequiredColumnsMissing) as raised:
        ingest(session, settings, "teacher", frame)
    assert raised.value.code == "RequiredColumnsMissing"
    assert "公民身份号码" in raised.value.message
    assert raised.value.detail["missing_columns"] == ["id_number"]
    assert stored(session) == 0


def test_unknown_columns_are_reported_not_fatal(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=2)
    frame["鞋码"] = "42"
    report = ingest(session, settings, "teacher", frame)
    assert report.unknown_columns == ["鞋码"] and report.accepted == 2


def test_headers_are_matched_by_label_synonym_and_width(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=2).rename(
        columns={
            "school_code": "任职学校",
            "name": "姓  名",
            "id_number": "身份证号码（18位）",
            "birth_date": "出生年月日",
        }
    )
    report = ingest(session, settings, "teacher", frame)
    assert report.columns["姓  名"] == "name"
    assert report.columns["身份证号码（18位）"] == "id_number"
    assert report.accepted == 2


def test_same_file_twice_changes_nothing_the_second_time(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city)
    first = ingest(session, settings, "teacher", frame)
    history = session.scalar(select(func.count()).select_from(RecordHistory))
    second = ingest(session, settings, "teacher", frame)
    assert first.inserted == 5
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 5)
    assert session.scalar(select(func.count()).select_from(RecordHistory)) == history


def test_a_change_keeps_the_old_value_and_reads_as_of_a_date_work(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=1)
    frame["title"] = "3"
    ingest(session, settings, "teacher", frame)
    between = utcnow()
    frame["title"] = "2"
    report = ingest(session, settings, "teacher", frame)
    assert report.updated == 1
    key = session.scalar(select(teachers_table.c.teacher_key))
    assert values_as_of(session, "teacher", key, between)["title"] == "3"
    assert values_as_of(session, "teacher", key, utcnow() + timedelta(seconds=1))["title"] == "2"
    changes = session.scalars(select(RecordHistory.changes).order_by(RecordHistory.id)).all()
    assert changes[-1] == {"title": ["3", "2"]}


def test_an_empty_cell_never_erases_a_value(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=1)
    ingest(session, settings, "teacher", frame)
    frame["title"] = ""
    report = ingest(session, settings, "teacher", frame)
    assert report.unchanged == 1
    assert session.scalar(select(teachers_table.c.title)) is not None


def test_a_teacher_who_moves_school_is_moved_not_duplicated(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=1)
    ingest(session, settings, "teacher", frame)
    other = [c for c in city.schools["code"] if c != frame["school_code"].iloc[0]][0]
    frame["school_code"] = other
    report = ingest(session, settings, "teacher", frame)
    assert list(session.scalars(select(teachers_table.c.school_code))) == [other]
    assert (report.inserted, report.moved, report.updated, report.unchanged) == (0, 1, 0, 0)


def test_teacher_school_may_be_named_by_full_name(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=1)
    frame["school_code"] = city.schools["name"].iloc[0]
    frame.loc[frame.index[0], "school_code"] = city.schools["name"].iloc[0]
    report = ingest(session, settings, "teacher", frame)
    assert report.accepted == 1
    assert session.scalar(select(teachers_table.c.school_code)) == city.schools["code"].iloc[0]


def test_teacher_of_an_unknown_school_is_rejected(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=2)
    frame.loc[3, "school_code"] = "第九十九中学"
    report = ingest(session, settings, "teacher", frame)
    assert [(r.row, r.value) for r in report.rejected] == [(3, "第九十九中学")]
    assert report.accepted == 1


@pytest.mark.slow
def test_100k_rows_with_10_percent_bad_store_the_90_percent(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    from hub.demo.city import generate_teachers_frame

    frame = generate_teachers_frame(100_000, seed=5, school_codes=list(city.schools["code"]))
    frame = as_file_frame(frame)
    bad = frame.index[::10]
    frame.loc[bad, "gender"] = "不详X"
    report = ingest(session, settings, "teacher", frame)
    assert report.rejected_rows == len(bad) == 10_000
    assert report.accepted == 90_000 == stored(session)


def test_an_import_in_chunks_stores_new_changed_and_moved_records_alike(
    session: Session, settings: Settings, city, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Chunks of only new records take the direct path on PostgreSQL, mixed ones the upsert: same result."""
    from hub.records import service

    stored_first = teachers(city, n=3, seed=8)
    ingest(session, settings, "teacher", stored_first)
    codes = list(city.schools["code"])
    monkeypatch.setattr(service, "CHUNK_ROWS", 2)
    again = stored_first.copy()
    again.loc[2, "title"] = "1" if again.loc[2, "title"] != "1" else "2"  # changed
    again.loc[3, "school_code"] = [c for c in codes if c != again.loc[3, "school_code"]][0]  # moved
    new = teachers(city, n=3, seed=9)
    # chunk 1: two new records; chunk 2: one new, one changed; chunk 3: one moved, one unchanged.
    frame = as_file_frame(pd.concat([new.iloc[:2], new.iloc[2:], again.iloc[[0]], again.iloc[[1, 2]]]))
    seen: list[tuple[int, int]] = []
    report = service.ingest_frame(
        session,
        std=current_standard(session),
        secret_key=settings.secret_key.get_secret_value(),
        entity="teacher",
        frame=frame,
        provenance=Provenance(source_kind="import", source_ref="test"),
        now=utcnow(),
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(2, 6), (4, 6), (6, 6)]
    assert (report.inserted, report.moved, report.updated, report.unchanged) == (3, 1, 1, 1)
    assert stored(session) == 6
    rows = {
        (r.school_code, r.teacher_key): r
        for r in session.execute(select(teachers_table.c.school_code, teachers_table.c.teacher_key))
    }
    secret = settings.secret_key.get_secret_value()
    assert (again.loc[3, "school_code"], teacher_key(secret, again.loc[3, "id_number"])) in rows
    changed = session.scalar(
        select(teachers_table.c.title).where(
            teachers_table.c.teacher_key == teacher_key(secret, again.loc[2, "id_number"])
        )
    )
    assert changed == again.loc[2, "title"]
    markers = session.scalar(
        select(func.count()).select_from(RecordHistory).where(RecordHistory.batch_id == report.batch_id)
    )
    assert markers == 3 + 1 + 2  # three new, one changed, the move (removal + arrival)


def test_stored_records_after_a_chunk_of_new_ones_are_merged_not_refused(
    session: Session, settings: Settings, city, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """After a chunk of only new records the next is COPied in without asking what is stored first; a
    chunk of stored, unchanged records then still counts them unchanged and writes no history."""
    from hub.records import service

    stored_first = teachers(city, n=2, seed=8)
    ingest(session, settings, "teacher", stored_first)
    monkeypatch.setattr(service, "CHUNK_ROWS", 2)
    frame = as_file_frame(pd.concat([teachers(city, n=2, seed=9), stored_first]))
    report = ingest(session, settings, "teacher", frame)
    assert (report.inserted, report.updated, report.unchanged) == (2, 0, 2)
    assert stored(session) == 4
    history = session.scalar(
        select(func.count()).select_from(RecordHistory).where(RecordHistory.batch_id == report.batch_id)
    )
    assert history == 2  # the two new records' markers, nothing for the unchanged ones


def test_a_failure_while_writing_a_later_chunk_leaves_nothing_behind(
    session: Session, settings: Settings, city, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from hub.records import service, writer

    monkeypatch.setattr(service, "CHUNK_ROWS", 2)
    real_upsert, calls = writer.upsert, []

    def failing_upsert(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(writer, "upsert", failing_upsert)
    with pytest.raises(RuntimeError, match="disk is full"), session.begin_nested():
        ingest(session, settings, "teacher", teachers(city, n=5))
    assert len(calls) == 2  # the first chunk was written before the second failed …
    assert stored(session) == 0  # … and went with the transaction


def test_a_file_moving_many_teachers_reports_them_moved_and_the_totals_stay(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=300, seed=11)
    assert ingest(session, settings, "teacher", frame).inserted == 300
    codes = list(city.schools["code"])
    moved = frame.copy()
    movers = moved.index[:120]
    moved.loc[movers, "school_code"] = [
        next(c for c in codes if c != old) for old in moved.loc[movers, "school_code"]
    ]
    report = ingest(session, settings, "teacher", moved)
    assert (report.inserted, report.moved, report.updated, report.unchanged) == (0, 120, 0, 180)
    assert stored(session) == 300


# --- streamed imports ---------------------------------------------------------------------------


def _ingest_in_chunks(session: Session, settings: Settings, frame: pd.DataFrame, size: int, **options):  # type: ignore[no-untyped-def]
    return ingest_chunks(
        session,
        std=current_standard(session),
        secret_key=settings.secret_key.get_secret_value(),
        entity="teacher",
        headers=list(frame.columns),
        chunks=(frame.iloc[start : start + size] for start in range(0, len(frame), size)),
        provenance=Provenance(source_kind="import", source_ref="test"),
        now=utcnow(),
        **options,
    )


def test_a_teacher_repeated_in_a_later_chunk_is_refused_naming_the_first_row(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=6)
    repeated = frame.loc[2].copy()
    repeated["id_number"] = repeated["id_number"].lower()  # the check letter's case does not make another
    frame.loc[8] = repeated
    streamed: list[list[int]] = []
    report = _ingest_in_chunks(
        session, settings, frame, 2, on_rejections=lambda found: streamed.append([r.row for r in found])
    )
    assert report.accepted == 6 and report.rejected_rows == 1 and stored(session) == 6
    (refusal,) = report.rejected
    assert refusal.row == 8 and "第 2 行" in refusal.reason and "row 2" in refusal.reason_en
    assert streamed == [[8]]


def test_a_streamed_import_keeps_only_the_rejections_asked_for_but_counts_them_all(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=6)
    frame["ethnicity"] = "99"  # not in GB/T 3304: every row is refused
    every: list[int] = []
    report = _ingest_in_chunks(
        session,
        settings,
        frame,
        4,
        keep_rejections=2,
        on_rejections=lambda found: every.extend(r.row for r in found),
    )
    assert report.rejected_rows == 6 and report.rejected_cells == 6 and len(report.rejected) == 2
    assert every == list(range(2, 8))


def test_an_import_failing_in_a_later_chunk_leaves_nothing_behind(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=6)
    batches_before = session.scalar(select(func.count()).select_from(IngestBatch))

    def chunks():  # type: ignore[no-untyped-def]
        yield frame.iloc[:3]
        yield frame.iloc[3:5]
        raise FileUnreadable("第 9 行有一个引号没有闭合", "a quote opened in row 9 is never closed")

    with pytest.raises(FileUnreadable), session.begin_nested():
        ingest_chunks(
            session,
            std=current_standard(session),
            secret_key=settings.secret_key.get_secret_value(),
            entity="teacher",
            headers=list(frame.columns),
            chunks=chunks(),
            provenance=Provenance(source_kind="import", source_ref="test"),
            now=utcnow(),
        )
    assert stored(session) == 0
    assert session.scalar(select(func.count()).select_from(IngestBatch)) == batches_before
    assert (
        session.scalar(
            select(func.count()).select_from(RecordHistory).where(RecordHistory.entity == "teacher")
        )
        == 0
    )


# --- re-imports ---------------------------------------------------------------------------------


def _history(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(RecordHistory)) or 0


def _stamps(session: Session) -> dict[str, tuple[object, object]]:
    rows = session.execute(
        select(teachers_table.c.teacher_key, teachers_table.c.updated_at, teachers_table.c.batch_id)
    )
    return {key: (updated_at, batch_id) for key, updated_at, batch_id in rows}


def test_importing_the_same_file_again_writes_no_record_and_no_history(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=6)
    first = ingest(session, settings, "teacher", frame)
    assert first.inserted == 6
    history, stamps = _history(session), _stamps(session)
    again = ingest(session, settings, "teacher", frame)
    assert (again.accepted, again.inserted, again.updated, again.unchanged) == (6, 0, 0, 6)
    assert _history(session) == history
    assert _stamps(session) == stamps  # no record was touched: same time, same batch


def test_a_re_import_still_writes_the_one_row_that_changed(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=6)
    ingest(session, settings, "teacher", frame)
    history = _history(session)
    frame.loc[4, "title"] = "二级教师" if frame.loc[4, "title"] != "二级教师" else "一级教师"
    again = ingest(session, settings, "teacher", frame)
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 5)
    assert _history(session) == history + 1


def test_a_value_cleared_since_the_last_import_is_written_again(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=3)
    first = ingest(session, settings, "teacher", frame)
    key = teacher_key(settings.secret_key.get_secret_value(), frame.loc[2, "id_number"])
    cleared = clear_values(session, "teacher", {key: ["title"]}, batch_id=first.batch_id, now=utcnow())
    assert cleared == 1
    again = ingest(session, settings, "teacher", frame)
    assert (again.updated, again.unchanged) == (1, 2)
    title = session.scalar(select(teachers_table.c.title).where(teachers_table.c.teacher_key == key))
    assert title is not None


def test_a_file_with_fewer_columns_changes_nothing_and_its_re_import_writes_nothing(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    frame = teachers(city, n=4)
    ingest(session, settings, "teacher", frame)
    fewer = frame[["school_code", "name", "gender", "id_number", "birth_date"]]
    history = _history(session)
    assert ingest(session, settings, "teacher", fewer).unchanged == 4
    stamps = _stamps(session)
    assert ingest(session, settings, "teacher", fewer).unchanged == 4
    assert ingest(session, settings, "teacher", frame).unchanged == 4
    assert _history(session) == history and _stamps(session) == stamps
