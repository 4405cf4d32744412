"""validate_frame: text in, typed rows and per-cell failures (row, field, value, reason) out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors

import schemas
from schemas import MissingColumnsError
from schemas.frames import RowFailure, build_frame_schema, validate_frame
from schemas.validators import id_number_check_char, school_code_check_digit, uscc_check_char


@pytest.fixture(scope="module")
def std() -> schemas.Standard:
    return schemas.load_standard()


def make_id(born: str, seq: str = "003", region: str = "410105") -> str:
    first17 = region + born + seq
    return first17 + id_number_check_char(first17)


def make_school_code(first9: str = "311011000") -> str:
    return first9 + school_code_check_digit(first9)


SCHOOL = make_school_code()


def teachers(**columns: list[str]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "id_number": [make_id(f"198{i % 10}0{1 + i % 9}1{i % 10}", seq=f"{i:03d}") for i in range(n)],
        "school_code": [SCHOOL] * n,
    }
    base.update(columns)
    return pd.DataFrame(base, dtype="str")


def failures_of(report: schemas.frames.FrameReport, field: str) -> list[RowFailure]:
    return [f for f in report.failures if f.field == field]


def test_labels_are_stored_as_codes(std: schemas.Standard) -> None:
    df = teachers(
        gender=["男", "Female", "2"],
        ethnicity=["汉族", "1", "回"],
        title=["一级教师", "中学高级", "5"],
        political_status=["中共党员", "群众", "03"],
    )
    report = validate_frame(std, "teacher", df)
    assert report.failures == ()
    assert report.valid["gender"].tolist() == ["1", "2", "2"]
    assert report.valid["ethnicity"].tolist() == ["01", "01", "03"]
    assert report.valid["title"].tolist() == ["3", "2", "5"]
    assert report.valid["political_status"].tolist() == ["01", "13", "03"]


def test_dates_in_the_formats_forms_use(std: schemas.Standard) -> None:
    born = ["1985-06-12", "1985/06/12", "1985年6月12日", "19850612", "1985.6.12", "1985-06-12 00:00:00"]
    ids = [make_id("19850612", seq=f"{i:03d}") for i in range(len(born))]
    df = pd.DataFrame({"id_number": ids, "school_code": [SCHOOL] * 6, "birth_date": born}, dtype="str")
    report = validate_frame(std, "teacher", df)
    assert report.failures == ()
    assert str(report.valid["birth_date"].dtype) == "datetime64[us]"
    assert set(report.valid["birth_date"]) == {pd.Timestamp("1985-06-12")}


def test_year_months_are_stored_as_the_first_of_the_month(std: schemas.Standard) -> None:
    report = validate_frame(
        std, "teacher", teachers(work_start_date=["2007-09", "2007.09", "2007年9月", "200709", "2007-09-15"])
    )
    assert report.failures == ()
    assert set(report.valid["work_start_date"]) == {pd.Timestamp("2007-09-01")}


def test_month_only_birth_date_takes_its_day_from_the_id_number(std: schemas.Standard) -> None:
    df = pd.DataFrame(
        {
            "id_number": [make_id("19850612"), make_id("19850712", "004")],
            "school_code": [SCHOOL] * 2,
            "birth_date": ["1985年6月", "1985-06"],
        },
        dtype="str",
    )
    report = validate_frame(std, "teacher", df)
    assert report.valid["birth_date"].tolist() == [pd.Timestamp("1985-06-12")]
    [failure] = report.failures
    assert (failure.row, failure.field, failure.value) == (1, "birth_date", "1985-06")
    assert "1985-07-12" in failure.reason_zh and "1985-07-12" in failure.reason_en


def test_booleans_and_numbers(std: schemas.Standard) -> None:
    report = validate_frame(
        std,
        "teacher",
        teachers(is_head_teacher=["是", "否", "Y", "0"], weekly_lessons=["12", "14.0", " 8 ", "10节"]),
    )
    assert report.failures == ()
    assert report.valid["is_head_teacher"].tolist() == [True, False, True, False]
    assert str(report.valid["weekly_lessons"].dtype) == "Int64"
    assert report.valid["weekly_lessons"].tolist() == [12, 14, 8, 10]


def test_each_bad_cell_is_reported_with_row_field_value_and_reason(std: schemas.Standard) -> None:
    good = make_id("19850612")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    df = pd.DataFrame(
        {
            "id_number": [good, wrong_check, make_id("19900101", "005"), make_id("19910101", "006")],
            "school_code": [SCHOOL, SCHOOL, SCHOOL, "6" + SCHOOL[1:]],  # 6 is no education level
            "gender": ["男", "女", "火星人", "1"],
            "birth_date": ["1985-06-12", "", "19990230", "1991-01-01"],
            "weekly_lessons": ["12", "3.5", "99", "abc"],
        },
        index=[10, 11, 12, 13],
        dtype="str",
    )
    report = validate_frame(std, "teacher", df)
    by_cell = {(f.row, f.field): f for f in report.failures}
    assert set(by_cell) == {
        (11, "id_number"),
        (11, "weekly_lessons"),
        (12, "gender"),
        (12, "birth_date"),
        (12, "weekly_lessons"),
        (13, "school_code"),
        (13, "weekly_lessons"),
    }
    check = by_cell[(11, "id_number")]
    assert check.value == wrong_check
    assert check.reason_zh == f"身份证号码校验位错误，应为 {good[17]}"
    assert check.reason_en == f"check digit wrong, expected {good[17]}"
    assert "不在代码表" in by_cell[(12, "gender")].reason_zh and "火星人" in by_cell[(12, "gender")].reason_en
    assert (
        by_cell[(12, "birth_date")].value == "19990230"
        and "不是有效日期" in by_cell[(12, "birth_date")].reason_zh
    )
    assert "整数" in by_cell[(11, "weekly_lessons")].reason_zh
    assert "0到40" in by_cell[(12, "weekly_lessons")].reason_zh
    assert "首位应为教育层次码" in by_cell[(13, "school_code")].reason_zh
    # Nothing valid is lost: the one clean row comes back typed.
    assert report.valid.index.tolist() == [10]
    assert report.rejected_rows == (11, 12, 13)


def test_birth_date_must_agree_with_the_id_number(std: schemas.Standard) -> None:
    df = pd.DataFrame(
        {"id_number": [make_id("19850612")], "school_code": [SCHOOL], "birth_date": ["1985-06-13"]},
        dtype="str",
    )
    [failure] = validate_frame(std, "teacher", df).failures
    assert failure.field == "birth_date" and failure.value == "1985-06-13"
    assert failure.reason_zh == "出生日期与身份证号码中的出生日期 1985-06-12 不一致"


def test_required_values_and_duplicates(std: schemas.Standard) -> None:
    same = make_id("19850612")
    df = pd.DataFrame({"id_number": [same, same, ""], "school_code": [SCHOOL] * 3}, dtype="str")
    report = validate_frame(std, "teacher", df)
    reasons = {(f.row, f.field): f.reason_zh for f in report.failures}
    assert "重复" in reasons[(0, "id_number")] and "重复" in reasons[(1, "id_number")]
    assert "必填" in reasons[(2, "id_number")]
    assert report.valid.empty


def test_text_as_people_type_it(std: schemas.Standard) -> None:
    plain = make_id("19491231", "002", "110105")  # ends in X
    assert plain.endswith("X")
    full_width = plain[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    other = make_id("19800101", "007")
    df = pd.DataFrame(
        {
            "id_number": [f"  {plain.lower()} ", full_width, other],
            "school_code": [SCHOOL, SCHOOL, f" {SCHOOL}"],
            "name": [" 张三", "李四", "王五 "],
        },
        dtype="str",
    )
    report = validate_frame(std, "teacher", df)
    reasons = {(f.row, f.field) for f in report.failures}
    # The first two are the same person once folded: the table holds a duplicate, reported on both rows.
    assert reasons == {(0, "id_number"), (1, "id_number")}
    assert report.valid.loc[2, "school_code"] == SCHOOL and report.valid.loc[2, "name"] == "王五"


@pytest.mark.parametrize(
    ("char", "shown"),
    [("\x07", "U+0007"), ("\x1b", "U+001B"), ("\u202e", "U+202E"), ("\x7f", "U+007F"), ("\x1f", "U+001F")],
)
def test_a_control_character_in_text_is_refused_naming_it(
    std: schemas.Standard, char: str, shown: str
) -> None:
    # A BEL, an ESC or a right-to-left override in a name breaks every XLSX export of the scope later, and
    # makes a name display as another: refused at the door, the other rows kept.
    report = validate_frame(std, "teacher", teachers(name=["张三", f"李{char}四", "王五\t"]))
    [failure] = report.failures
    assert (failure.row, failure.field, failure.value) == (1, "name", f"李{char}四")
    assert (
        shown in failure.reason_zh and shown in failure.reason_en and "control character" in failure.reason_en
    )
    assert report.valid["name"].tolist() == ["张三", "王五"]


def test_a_column_without_control_characters_passes_untouched(std: schemas.Standard) -> None:
    names = ["张三", "Zhang San", "阿依古丽·买买提", "王\n五"]
    report = validate_frame(std, "teacher", teachers(name=names))
    assert report.failures == () and report.valid["name"].tolist() == [
        "张三",
        "Zhang San",
        "阿依古丽·买买提",
        "王\n五",
    ]


def test_max_length(std: schemas.Standard) -> None:
    report = validate_frame(std, "teacher", teachers(name=["张三", "名" * 51]))
    [failure] = report.failures
    assert failure.field == "name" and "51" in failure.reason_zh and "50" in failure.reason_en


def test_missing_required_columns_raise(std: schemas.Standard) -> None:
    with pytest.raises(MissingColumnsError) as info:
        validate_frame(std, "teacher", pd.DataFrame({"name": ["张三"]}, dtype="str"))
    assert set(info.value.columns) == {"id_number", "school_code"}
    assert "school_code" in str(info.value) and "缺少" in str(info.value) and "missing" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_only_present_columns_are_checked_and_unknown_ones_are_set_aside(std: schemas.Standard) -> None:
    df = teachers(shoe_size=["42"])
    report = validate_frame(std, "teacher", df)
    assert report.failures == ()
    assert list(report.valid.columns) == ["id_number", "school_code"]
    assert report.ignored_columns == ("shoe_size",)


def test_non_integer_index_reports_positions(std: schemas.Standard) -> None:
    df = teachers(gender=["男", "x"]).set_axis(["a", "b"])
    [failure] = validate_frame(std, "teacher", df).failures
    assert failure.row == 1


def test_school_rows(std: schemas.Standard) -> None:
    first17 = "12410100" + "MB1234567"
    uscc = first17 + uscc_check_char(first17)
    df = pd.DataFrame(
        {
            "code": [SCHOOL, make_school_code("211011001")],
            "name": ["第一中学", "实验小学"],
            "school_type": ["完全中学", "211"],
            "urban_rural": ["主城区", "999"],
            "student_count": ["1,200", "800人"],
            "land_area": ["35000.5", "-1"],
            "uscc": [uscc, uscc[:-1] + ("0" if uscc[-1] != "0" else "1")],
            "phone": ["0371-62345678", "12345"],
            "division_code": ["410105", "990105"],
        },
        dtype="str",
    )
    report = validate_frame(std, "school", df)
    assert report.valid["school_type"].tolist() == ["341"]
    assert report.valid["student_count"].tolist() == [1200]
    assert report.valid["land_area"].tolist() == [35000.5]
    assert {f.field for f in report.failures} == {
        "urban_rural",
        "land_area",
        "uscc",
        "phone",
        "division_code",
    }
    assert all(f.row == 1 and f.reason_zh and f.reason_en for f in report.failures)


def test_the_schema_is_a_pandera_schema_of_element_names(std: schemas.Standard) -> None:
    schema = build_frame_schema(std, "teacher")
    assert isinstance(schema, pa.DataFrameSchema)
    assert set(schema.columns) == {e.name for e in std.elements_for("teacher")}
    assert schema.columns["id_number"].required and not schema.columns["mobile"].required
    typed = pd.DataFrame(
        {
            "id_number": pd.Series([make_id("19850612")], dtype="str"),
            "school_code": pd.Series(["1"], dtype="str"),
            "gender": pd.Series(["7"], dtype="str"),
        }
    )
    with pytest.raises(SchemaErrors) as info:
        schema.validate(typed, lazy=True)
    failed = set(zip(info.value.failure_cases["column"], info.value.failure_cases["check"], strict=True))
    assert ("gender", "code_list") in failed and ("school_code", "validator") in failed


def test_large_frame_reports_exactly_the_broken_rows(std: schemas.Standard) -> None:
    rng = np.random.default_rng(3)
    n = 5000
    ids = [
        make_id(
            f"19{70 + i % 30:02d}0{1 + i % 9}1{i % 9}",
            seq=f"{i % 1000:03d}",
            region=["410105", "310104", "110105", "440106", "510107"][i // 1000],
        )
        for i in range(n)
    ]
    gender = rng.choice(["男", "女"], n).astype(object)
    broken = rng.choice(n, 50, replace=False)
    gender[broken] = "未知性别x"
    df = pd.DataFrame({"id_number": ids, "school_code": [SCHOOL] * n, "gender": gender}, dtype="str")
    report = validate_frame(std, "teacher", df)
    assert sorted(report.rejected_rows) == sorted(broken.tolist())
    assert len(report.valid) == n - 50


def test_numbers_written_with_their_unit(std: schemas.Standard) -> None:
    df = pd.DataFrame(
        {
            "code": [make_school_code(f"21101100{i}") for i in range(4)],
            "name": ["甲校", "乙校", "丙校", "丁校"],
            "floor_area": ["35000平方米", "1,200㎡", "800 m2", "12亩"],
            "fixed_assets_value": ["3.5万元", "120", "7", "8"],
            "student_count": ["1200人", "800", "99999999999999999999", "5"],
        },
        dtype="str",
    )
    report = validate_frame(std, "school", df)
    assert report.valid["floor_area"].tolist() == [35000.0, 1200.0]
    assert report.valid["fixed_assets_value"].tolist() == [3.5, 120.0]
    assert {(f.row, f.field) for f in report.failures} == {(2, "student_count"), (3, "floor_area")}


def test_a_column_given_twice_is_refused(std: schemas.Standard) -> None:
    df = teachers(name=["张三"], gender=["男"])
    df.columns = ["id_number", "school_code", "name", "name"]
    with pytest.raises(ValueError, match="name"):
        validate_frame(std, "teacher", df)


def test_dates_in_2099_or_1900_are_refused_naming_why(std: schemas.Standard) -> None:
    """Well-formed is not enough: a check-up in 2099 has not happened, 1900-01-01 is an empty Excel date."""
    report = validate_frame(
        std,
        "teacher",
        teachers(
            last_health_check_date=["2099-03-01", "1900-01-01", "2024-05-10"],
            work_start_date=["2099-09", "2001-09", "1919-12"],
        ),
    )
    checks = {(f.row, f.field): f for f in report.failures}
    assert set(checks) == {
        (0, "last_health_check_date"),
        (1, "last_health_check_date"),
        (0, "work_start_date"),
        (2, "work_start_date"),
    }
    future = checks[(0, "last_health_check_date")]
    assert (
        future.value == "2099-03-01"
        and "不能是将来的日期" in future.reason_zh
        and "future" in future.reason_en
    )
    early = checks[(1, "last_health_check_date")]
    assert "早于 1920-01-01" in early.reason_zh and "before 1920-01-01" in early.reason_en
    assert "不能是将来的日期" in checks[(0, "work_start_date")].reason_zh
    assert report.valid.index.tolist() == []


def test_an_element_that_allows_the_future_takes_a_planned_date(std: schemas.Standard) -> None:
    planned = schemas.Element(
        code="teacher.x_plan",
        entity="teacher",
        name="x_plan",
        label_zh="计划培训日期",
        label_en="Planned training day",
        value_type="date",
        future_allowed=True,
    )
    report = validate_frame(std.with_elements([planned]), "teacher", teachers(x_plan=["2099-03-01"]))
    assert report.failures == ()
