"""The synthetic city: valid identifiers, consistent values, deterministic output, real-looking files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import schemas
from hub.demo.city import City, generate_city, generate_teachers_frame, to_form_frames, write_city_files
from hub.demo.places import UnsupportedDivisionError
from schemas import validators
from schemas.frames import validate_frame

STANDARD = schemas.load_standard()


@pytest.fixture(scope="module")
def city() -> City:
    return generate_city()


def _whole_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_default_city_has_the_requested_counts(city: City) -> None:
    assert len(city.schools) == 320
    assert len(city.teachers) == 10500
    assert city.schools["code"].is_unique
    assert city.schools["name"].is_unique
    assert city.teachers["id_number"].is_unique
    assert set(city.teachers["school_code"]) == set(city.schools["code"])


def test_every_identifier_passes_the_standard_validators(city: City) -> None:
    schools, teachers = city.schools, city.teachers
    assert all(validators.is_valid_school_code(code) for code in schools["code"])
    assert all(validators.is_valid_uscc(code) for code in schools["uscc"])
    assert all(validators.is_valid_id_number(number) for number in teachers["id_number"])
    assert all(validators.is_valid_mobile(number) for number in teachers["mobile"])
    assert all(validators.is_valid_phone(number) for number in schools["phone"])
    assert all(validators.is_valid_division_code(code) for code in schools["division_code"])
    assert all(validators.is_valid_email(address) for address in schools["email"])


def test_birth_date_and_sex_agree_with_the_id_number(city: City) -> None:
    teachers = city.teachers
    born = [validators.birth_date_from_id_number(number) for number in teachers["id_number"]]
    assert born == [stamp.date() for stamp in teachers["birth_date"]]
    male_code = STANDARD.code_list("gender").resolve("男")
    odd_order_code = teachers["id_number"].str[16].astype(int) % 2 == 1
    assert (odd_order_code == (teachers["gender"] == male_code)).all()


def test_teachers_are_of_working_age_and_their_dates_follow_each_other(city: City) -> None:
    teachers = city.teachers
    ages = [_whole_years(stamp.date(), city.as_of) for stamp in teachers["birth_date"]]
    assert min(ages) >= 22
    assert max(ages) <= 60
    birth_month = teachers["birth_date"].dt.strftime("%Y-%m")
    as_of_month = city.as_of.strftime("%Y-%m")
    assert (teachers["work_start_date"] <= as_of_month).all()
    sixteenth_birthday = (teachers["birth_date"].dt.year + 16).astype(str) + "-" + birth_month.str[5:]
    assert (teachers["work_start_date"] >= sixteenth_birthday).all()
    assert (teachers["school_join_date"] >= teachers["work_start_date"]).all()
    graded = teachers["title_obtained_date"].notna()
    assert (teachers.loc[graded, "title_obtained_date"] >= teachers.loc[graded, "work_start_date"]).all()


def test_every_column_is_a_non_derived_element_with_values_the_standard_accepts(city: City) -> None:
    for entity, frame in (("school", city.schools), ("teacher", city.teachers)):
        elements = {element.name: element for element in STANDARD.elements_for(entity)}
        assert set(frame.columns) <= set(elements)
        assert not [name for name in frame.columns if elements[name].derivation is not None]
        for name in frame.columns:
            element = elements[name]
            values = frame[name].dropna()
            if element.code_list is not None:
                assert set(values) <= set(STANDARD.code_list(element.code_list).values), name
            if element.max_length is not None:
                assert values.astype(str).str.len().max() <= element.max_length, name
            if element.min_value is not None:
                assert values.min() >= element.min_value, name
            if element.max_value is not None:
                assert values.max() <= element.max_value, name


@pytest.mark.parametrize("entity", ["school", "teacher"])
def test_the_standard_frame_validation_accepts_every_row_as_text(city: City, entity: str) -> None:
    frame = city.schools if entity == "school" else city.teachers
    report = validate_frame(STANDARD, entity, frame.astype(str))
    assert report.failures == ()
    assert len(report.valid) == len(frame)


def test_the_same_seed_gives_the_same_city_and_another_seed_another() -> None:
    first = generate_city(seed=11, schools=30, teachers=700)
    again = generate_city(seed=11, schools=30, teachers=700)
    other = generate_city(seed=12, schools=30, teachers=700)
    pd.testing.assert_frame_equal(first.schools, again.schools)
    pd.testing.assert_frame_equal(first.teachers, again.teachers)
    assert not set(first.teachers["id_number"]) & set(other.teachers["id_number"])
    assert list(first.schools["name"]) != list(other.schools["name"])


def test_schools_are_of_mixed_kinds_in_several_districts_of_one_city(city: City) -> None:
    type_codes = STANDARD.code_list("school_type")
    counts = city.schools["school_type"].map(lambda code: type_codes.get(code).label_zh).value_counts()
    assert counts.index[0] == "小学"
    assert {"幼儿园", "初级中学", "九年一贯制学校", "高级中学", "完全中学"} <= set(counts.index)
    assert counts.size >= 7
    districts = city.schools["division_code"]
    assert districts.str[:4].nunique() == 1
    assert districts.nunique() >= 5
    assert (districts == city.division_code).any()
    assert city.schools["name"].str.contains("中心小学").any()
    assert city.schools["name"].str.contains(r"第[一二三四五六七八九十]+实验小学").any()


def test_staff_size_follows_school_size(city: City) -> None:
    staff = city.teachers.groupby("school_code").size()
    schools = city.schools.set_index("code")
    students = schools["student_count"].reindex(staff.index)
    assert staff.rank().corr(students.rank()) > 0.9  # Spearman: Pearson of the ranks (no scipy needed)
    assert (schools["staff_count"].reindex(staff.index) >= staff).all()
    head_teachers = city.teachers[city.teachers["is_head_teacher"]].groupby("school_code").size()
    assert (head_teachers <= schools["class_count"].reindex(head_teachers.index)).all()


def test_each_principal_is_a_teacher_of_that_school(city: City) -> None:
    leaders = city.teachers[city.teachers["position"].str.contains("校长|园长", na=False)]
    for school in city.schools.itertuples():
        staff = leaders[leaders["school_code"] == school.code]
        principal = staff[
            staff["position"].str.endswith(("校长", "园长")) & ~staff["position"].str.startswith("副")
        ]
        assert list(principal["name"]) == [school.principal_name]
        assert list(principal["mobile"]) == [school.principal_phone]


def test_most_teachers_are_han_with_a_realistic_minority_share(city: City) -> None:
    han = STANDARD.code_list("ethnicity").resolve("汉族")
    share = (city.teachers["ethnicity"] == han).mean()
    assert 0.95 < share < 0.999


def test_form_frames_carry_labels_not_codes(city: City) -> None:
    school_form, teacher_form = to_form_frames(city)
    assert list(teacher_form.columns) == [
        STANDARD.element(f"teacher.{name}").label_zh for name in city.teachers.columns
    ]
    assert set(teacher_form["性别"]) == {"男", "女"}
    assert "汉族" in set(teacher_form["民族"])
    assert set(teacher_form["是否班主任"]) == {"是", "否"}
    assert "小学" in set(school_form["办学类型"])
    assert not set(teacher_form["学历"]) & set(STANDARD.code_list("education_level").values)
    # Every label resolves back to the code the city holds.
    for name in (
        "gender",
        "ethnicity",
        "political_status",
        "education_level",
        "title",
        "subject",
        "staffing",
    ):
        label = STANDARD.element(f"teacher.{name}").label_zh
        code_list = STANDARD.code_list(STANDARD.element(f"teacher.{name}").code_list or "")
        assert [code_list.resolve(value) for value in teacher_form[label]] == list(city.teachers[name])


def test_form_frames_without_labels_keep_codes(city: City) -> None:
    _, teacher_form = to_form_frames(city, labels=False)
    assert set(teacher_form["性别"]) == set(city.teachers["gender"])
    assert list(teacher_form["公民身份号码"]) == list(city.teachers["id_number"])


def test_label_forms_pass_the_standard_validation(city: City) -> None:
    school_form, teacher_form = to_form_frames(city)
    for entity, form in (("school", school_form), ("teacher", teacher_form)):
        by_label = {element.label_zh: element.name for element in STANDARD.elements_for(entity)}
        report = validate_frame(STANDARD, entity, form.rename(columns=by_label))
        assert report.failures == ()


def test_city_files_read_back_like_real_exports(city: City, tmp_path: Path) -> None:
    schools_path, teachers_path = write_city_files(city, tmp_path / "export")
    sheet = openpyxl.load_workbook(schools_path).active
    assert sheet is not None
    assert sheet["A1"].value == "杭州市学校基本信息表"
    assert [cell.value for cell in sheet[2]][:3] == ["学校标识码", "学校名称", "学校简称"]
    schools = pd.read_excel(schools_path, header=1, dtype=str, engine="calamine")
    assert len(schools) == len(city.schools)
    assert list(schools["学校标识码"]) == list(city.schools["code"])

    raw = teachers_path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    teachers = pd.read_csv(teachers_path, encoding="gb18030", dtype=str)
    assert len(teachers) == len(city.teachers)
    assert list(teachers["公民身份号码"]) == list(city.teachers["id_number"])
    assert list(teachers["姓名"]) == list(city.teachers["name"])
    assert set(teachers["性别"]) == {"男", "女"}


def test_bulk_teacher_frames_are_valid_unique_and_deterministic(city: City) -> None:
    codes = list(city.schools["code"])
    frame = generate_teachers_frame(20_000, seed=5, school_codes=codes)
    again = generate_teachers_frame(20_000, seed=5, school_codes=codes)
    pd.testing.assert_frame_equal(frame, again)
    assert len(frame) == 20_000
    assert frame["id_number"].is_unique
    assert validators.id_number_mask(frame["id_number"]).all()
    assert set(frame["school_code"]) <= set(codes)
    assert list(frame.columns) == list(city.teachers.columns)
    born = frame["id_number"].str[6:14]
    assert (born == frame["birth_date"].dt.strftime("%Y%m%d")).all()
    assert validate_frame(STANDARD, "teacher", frame.astype(str)).failures == ()


def test_bulk_teachers_follow_the_kind_of_school_their_code_names(city: City) -> None:
    kindergartens = city.schools.loc[city.schools["school_type"] == "111", "code"]
    frame = generate_teachers_frame(500, seed=3, school_codes=list(kindergartens))
    preschool = STANDARD.code_list("subject").resolve("学前教育")
    assert (frame["subject"] == preschool).all()


def test_a_county_elsewhere_gives_a_city_there() -> None:
    city = generate_city(seed=3, schools=40, teachers=600, division_code="140581")
    assert city.name == "晋城市"
    assert city.schools["division_code"].str.startswith("1405").all()
    assert city.schools["phone"].str.startswith("0356-").all()
    assert city.teachers["id_number"].str[:2].isin(["14"]).mean() > 0.7


def test_a_division_outside_the_known_cities_is_refused() -> None:
    with pytest.raises(UnsupportedDivisionError) as raised:
        generate_city(division_code="440106")
    assert raised.value.division_code == "440106"


def test_fewer_teachers_than_schools_is_refused() -> None:
    with pytest.raises(ValueError, match="one teacher per school"):
        generate_city(schools=10, teachers=5)


def test_the_smallest_city_still_staffs_every_school() -> None:
    city = generate_city(seed=1, schools=8, teachers=8)
    assert city.teachers.groupby("school_code").size().tolist() == [1] * 8
    assert np.array_equal(np.sort(city.teachers["school_code"].unique()), np.sort(city.schools["code"]))
