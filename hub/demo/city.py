"""A synthetic city: a few hundred schools of mixed kinds and their ten thousand teachers.

Columns are the standard's element names and coded values are codes, as the store keeps
them. `to_form_frames` and `write_city_files` turn a city into what a school or a bureau
would actually send: Chinese headers, labels instead of codes, a title row above the
header of an XLSX sheet, a GB18030 CSV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font

import schemas
from hub.demo.places import HomeCity, home_city_for
from hub.demo.schools import (
    SchoolSite,
    allocate,
    faker_for,
    initials,
    lay_out_sites,
    school_codes,
    uscc,
)
from hub.demo.teachers import (
    FEMALE_SHARE,
    ROAD_STEMS,
    ROAD_SUFFIXES,
    STAGES,
    Column,
    Postings,
    teacher_columns,
)
from hub.demo.vocabulary import Vocabulary

AS_OF = date(2026, 9, 1)
"""The reference date of generated data (start of the 2026 school year): ages, teaching
years and every date are relative to it, so that a seed gives the same city on any day."""

# Codes whose labels a real export shows as codes all the same.
_CODED_IN_EXPORTS = frozenset({"division_code"})
# Export spellings that differ from the code list's label: exports say 男/女, not 男性/女性.
_EXPORT_SPELLING = {"gender": {"男性": "男", "女性": "女"}}


@dataclass(frozen=True, kw_only=True, eq=False)
class City:
    """Schools and teachers of one synthetic city, columns named by the standard's elements."""

    name: str
    division_code: str
    as_of: date
    schools: pd.DataFrame
    teachers: pd.DataFrame


def generate_city(
    *,
    seed: int = 2026,
    schools: int = 320,
    teachers: int = 10500,
    division_code: str = "330106",
    as_of: date = AS_OF,
) -> City:
    """A plausible city around `division_code`; the same seed gives the same city."""
    if schools < 1 or teachers < schools:
        raise ValueError(f"need at least one school and one teacher per school, got {schools} and {teachers}")
    standard = schemas.load_standard()
    school_vocabulary = Vocabulary(standard, "school")
    teacher_vocabulary = Vocabulary(standard, "teacher")
    home = home_city_for(division_code)
    school_rng, teacher_rng, extra_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)
    )
    fake = faker_for(seed)

    sites = lay_out_sites(school_rng, home, schools, division_code)
    type_codes = list(school_vocabulary.codes("school_type", [site.kind.type_label for site in sites]))
    codes = school_codes(type_codes, home)
    rural = np.array([site.urban_rural in ("村庄", "乡中心区") for site in sites])
    size = np.array([site.kind.teachers for site in sites]) * school_rng.lognormal(0, 0.4, schools)
    size *= np.where(rural, 0.55, 1.0)
    staffed = allocate(teachers, size, minimum=min(3, teachers // schools))

    # One row per teacher, grouped by school.
    owner = np.repeat(np.arange(schools), staffed)
    stage = np.empty(teachers, dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(staffed)])
    for index, site in enumerate(sites):
        rows = slice(int(bounds[index]), int(bounds[index + 1]))
        options = np.array([STAGES.index(name) for name in site.kind.stages])
        weights = np.array(list(site.kind.stages.values()))
        stage[rows] = options[
            teacher_rng.choice(len(options), size=int(staffed[index]), p=weights / weights.sum())
        ]
    district_index = {district.code: index for index, district in enumerate(home.districts)}
    postings = Postings(
        school_codes=np.array(codes, dtype=object)[owner],
        school_index=owner,
        stages=stage,
        rural=rural[owner],
        districts=np.array([district_index[site.district.code] for site in sites])[owner],
    )
    female_share = np.array([FEMALE_SHARE[name] for name in STAGES])[stage]
    male = teacher_rng.random(teachers) >= female_share
    person_names = np.array(
        [fake.last_name() + (fake.first_name_male() if m else fake.first_name_female()) for m in male],
        dtype=object,
    )
    columns = teacher_columns(
        teacher_rng,
        teacher_vocabulary,
        home=home,
        as_of=as_of,
        postings=postings,
        person_names=person_names,
        male=male,
    )
    teacher_frame = _frame(standard, "teacher", columns)
    school_frame = _school_frame(
        school_vocabulary,
        extra_rng,
        home=home,
        sites=sites,
        codes=codes,
        type_codes=type_codes,
        staffed=staffed,
    )
    _appoint(extra_rng, teacher_vocabulary, school_frame, teacher_frame, sites, owner)
    school_frame = school_frame[[c for c in _element_names(standard, "school") if c in school_frame]]
    return City(
        name=home.name,
        division_code=division_code,
        as_of=as_of,
        schools=school_frame,
        teachers=teacher_frame,
    )


def generate_teachers_frame(
    n: int,
    *,
    seed: int,
    school_codes: list[str] | npt.NDArray[np.str_],
    division_code: str = "330106",
    as_of: date = AS_OF,
) -> pd.DataFrame:
    """`n` valid teacher rows spread over `school_codes`, fully vectorised (no faker): for benchmarks.

    A school code made by this package carries its school category in its first two digits,
    which decides the subjects and stage of its teachers; other codes get primary teachers.
    """
    standard = schemas.load_standard()
    home = home_city_for(division_code)
    rng = np.random.default_rng(seed)
    distinct = np.asarray(school_codes, dtype=object)
    category_stage = {
        "11": "preschool",
        "21": "primary",
        "31": "junior",
        "34": "senior",
        "36": "vocational",
        "51": "special",
    }
    school_stage = np.array([STAGES.index(category_stage.get(str(code)[:2], "primary")) for code in distinct])
    school_district = rng.integers(0, len(home.districts), len(distinct))
    rural_school = rng.random(len(distinct)) < 0.25
    owner = rng.integers(0, len(distinct), n)
    postings = Postings(
        school_codes=distinct[owner],
        school_index=owner,
        stages=school_stage[owner],
        rural=rural_school[owner],
        districts=school_district[owner],
    )
    values = teacher_columns(rng, Vocabulary(standard, "teacher"), home=home, as_of=as_of, postings=postings)
    return _frame(standard, "teacher", values)


def to_form_frames(city: City, *, labels: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The city's (schools, teachers) as forms carry them: zh labels as headers, everything text.

    With `labels`, coded values are written as their labels (性别 男/女, 民族 汉族, 学历 大学本科毕业 …)
    and booleans as 是/否, as real exports do; without, codes stay codes.
    """
    standard = schemas.load_standard()
    return (
        _form_frame(standard, "school", city.schools, labels=labels),
        _form_frame(standard, "teacher", city.teachers, labels=labels),
    )


def write_city_files(city: City, folder: str | Path, *, labels: bool = True) -> tuple[Path, Path]:
    """Write schools.xlsx (a title row above the header) and teachers.csv (GB18030) into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    school_form, teacher_form = to_form_frames(city, labels=labels)
    schools_path = folder / "schools.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = "学校基本信息"
    sheet.append([f"{city.name}学校基本信息表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(school_form.columns))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sheet.append(list(school_form.columns))
    # Counts and areas are numbers in a spreadsheet; codes, phones and dates stay text.
    standard = schemas.load_standard()
    numeric = [
        standard.element(f"school.{name}").value_type in ("integer", "decimal")
        for name in city.schools.columns
    ]
    for typed, text in zip(
        city.schools.itertuples(index=False), school_form.itertuples(index=False), strict=True
    ):
        values = [
            _plain(typed_value) if is_number else text_value
            for typed_value, text_value, is_number in zip(typed, text, numeric, strict=True)
        ]
        sheet.append([None if isinstance(value, float) and math.isnan(value) else value for value in values])
    workbook.save(schools_path)
    teachers_path = folder / "teachers.csv"
    teacher_form.to_csv(teachers_path, index=False, encoding="gb18030")
    return schools_path, teachers_path


def _plain(value: object) -> object:
    """A numpy scalar as the Python number openpyxl writes."""
    return value.item() if isinstance(value, np.generic) else value


def _element_names(standard: schemas.Standard, entity: str) -> list[str]:
    """Element names the generator fills: all but the derived ones, which the hub computes."""
    return [e.name for e in standard.elements_for(entity) if e.derivation is None]


def _frame(standard: schemas.Standard, entity: str, columns: dict[str, Column]) -> pd.DataFrame:
    """The generated columns in the standard's order; a column the standard lacks is a generator bug."""
    unknown = set(columns) - {e.name for e in standard.elements_for(entity)}
    if unknown:
        raise LookupError(f"generated columns the standard lacks: {sorted(unknown)}")
    return pd.DataFrame({name: columns[name] for name in _element_names(standard, entity) if name in columns})


def _school_frame(
    vocabulary: Vocabulary,
    rng: np.random.Generator,
    *,
    home: HomeCity,
    sites: list[SchoolSite],
    codes: list[str],
    type_codes: list[str],
    staffed: npt.NDArray[np.int64],
) -> pd.DataFrame:
    count = len(sites)

    def uniform(
        low: npt.NDArray[np.float64] | float, high: npt.NDArray[np.float64] | float
    ) -> npt.NDArray[np.float64]:
        return rng.uniform(low, high, count)

    kinds = [site.kind for site in sites]
    rural = np.array([site.urban_rural in ("村庄", "乡中心区", "镇乡结合区") for site in sites])
    urban = np.array([site.urban_rural in ("主城区", "城乡结合区") for site in sites])
    students = np.round(
        staffed * np.array([k.students_per_teacher for k in kinds]) * uniform(0.85, 1.15)
    ).astype(int)
    class_size = np.array([k.class_size for k in kinds]) * uniform(0.8, 1.02)
    classes = np.maximum(1, np.ceil(students / class_size)).astype(int)
    years = np.array([k.years for k in kinds])
    staff = staffed + np.round(staffed * uniform(0.04, 0.12)).astype(int) + 1
    private = rng.random(count) < np.array([k.private_share for k in kinds])
    boarding_share = np.array(
        [k.rural_boarding_share if r else k.boarding_share for k, r in zip(kinds, rural, strict=True)]
    )
    boarding = rng.random(count) < boarding_share
    boarders = np.where(boarding, np.round(students * uniform(0.3, 0.9)), 0).astype(int)
    kindergarten = np.array([k.key == "kindergarten" for k in kinds])
    canteen = boarding | kindergarten | (rng.random(count) < 0.8)
    compulsory = np.array([k.compulsory for k in kinds])
    migrants = np.round(
        students * np.where(urban & compulsory, uniform(0.1, 0.4), uniform(0.0, 0.04))
    ).astype(int)
    left_behind = np.round(
        students * np.where(rural & compulsory, uniform(0.05, 0.2), uniform(0.0, 0.01))
    ).astype(int)
    land_per_student = np.array([k.land_per_student for k in kinds])
    floor_per_student = np.array([k.floor_per_student for k in kinds])
    land = np.round(students * uniform(land_per_student[:, 0], land_per_student[:, 1]), 2)
    floor = np.round(students * uniform(floor_per_student[:, 0], floor_per_student[:, 1]), 2)
    equipment = np.round(students * uniform(0.04, 0.12), 2)
    books_low = np.array([k.books_per_student[0] for k in kinds])
    books_high = np.array([k.books_per_student[1] for k in kinds])
    type_code_array = np.array(type_codes)
    urban_rural = vocabulary.codes("urban_rural", [site.urban_rural for site in sites])
    addresses, postcodes = [], []
    for site in sites:
        road = str(rng.choice(ROAD_STEMS + home.road_stems)) + str(rng.choice(ROAD_SUFFIXES))
        addresses.append(
            f"{home.province}{home.name}{site.district.name}{site.town}{road}{int(rng.integers(1, 600))}号"
        )
        postcodes.append(str(rng.choice(home.postcode_prefixes)) + f"{int(rng.integers(0, 1000)):03d}")
    school_names = [site.name for site in sites]
    prefixes = [home.name, *(d.name for d in home.districts)]
    short_names = pd.Series(
        [
            next((n.removeprefix(p) for p in prefixes if n.startswith(p) and len(n) - len(p) >= 4), None)
            for n in school_names
        ],
        dtype="str",
    )
    spelled = [initials(n) for n in school_names]
    mail_host = rng.choice(["163.com", "126.com", "sina.com"], count)
    first_local_digit = rng.integers(2, 9, count) if home.local_digits == 7 else rng.choice([8, 6], count)
    phones = [
        f"{home.area_code}-{d}{int(rng.integers(0, 10 ** (home.local_digits - 1))):0{home.local_digits - 1}d}"
        for d in first_local_digit
    ]
    faxes = pd.Series([p[:-1] + str((int(p[-1]) + 1) % 10) for p in phones], dtype="str").where(
        rng.random(count) < 0.4
    )
    authorities = [_authority(home, site, rng) for site in sites]
    longitude = np.round(home.centre[0] + rng.normal(0, 0.18, count), 6)
    latitude = np.round(home.centre[1] + rng.normal(0, 0.12, count), 6)
    founded = np.array([int(rng.integers(k.founded[0], k.founded[1] + 1)) for k in kinds])
    frame = pd.DataFrame(
        {
            "code": codes,
            "name": school_names,
            "short_name": short_names,
            "uscc": [
                uscc(rng, site.district.code, public=not p) for site, p in zip(sites, private, strict=True)
            ],
            "school_type": type_code_array,
            "ownership": np.where(
                private, vocabulary.code("ownership", "民办"), vocabulary.code("ownership", "公办")
            ),
            "competent_authority": authorities,
            "division_code": [site.district.code for site in sites],
            "province": vocabulary.code("province", home.province),
            "urban_rural": urban_rural,
            "address": addresses,
            "postcode": postcodes,
            "longitude": longitude,
            "latitude": latitude,
            "phone": phones,
            "fax": faxes,
            "email": [f"{s}@{h}" for s, h in zip(spelled, mail_host, strict=True)],
            "website": pd.Series([f"https://www.{s}.cn" for s in spelled], dtype="str").where(
                rng.random(count) < 0.35
            ),
            "founding_year": founded,
            "student_count": students,
            "class_count": classes,
            "staff_count": staff,
            "established_post_count": np.where(private, 0, np.round(staff * uniform(0.85, 1.0))).astype(int),
            "enrolment_count": np.round(students / years * uniform(0.9, 1.1)).astype(int),
            "graduate_count": np.round(students / years * uniform(0.85, 1.05)).astype(int),
            "boarding_student_count": boarders,
            "migrant_student_count": migrants,
            "left_behind_student_count": left_behind,
            "land_area": land,
            "floor_area": floor,
            "sports_ground_area": np.round(land * uniform(0.18, 0.32), 2),
            "green_area": np.round(land * uniform(0.2, 0.35), 2),
            "canteen_area": np.where(
                canteen, np.round(students * uniform(0.3, 0.6) + boarders * 0.5, 2), 0.0
            ),
            "dormitory_area": np.round(boarders * uniform(6, 9), 2),
            "fixed_assets_value": np.round(floor * uniform(0.25, 0.5) + equipment, 2),
            "equipment_value": equipment,
            "annual_expenditure": np.round(staffed * uniform(20, 30), 2),
            "book_count": np.round(students * uniform(books_low, books_high)).astype(int),
            "computer_count": np.ceil(students / np.where(kindergarten, 15, uniform(5, 10))).astype(int),
            "multimedia_classroom_count": classes + rng.integers(0, 9, count),
            "internet_bandwidth": rng.choice([300.0, 500.0, 1000.0, 2000.0], count, p=[0.1, 0.3, 0.45, 0.15]),
            "has_canteen": canteen,
            "has_dormitory": boarding,
            "is_boarding": boarding,
            "security_staff_count": 1 + students // 600 + rng.integers(0, 2, count),
            "school_doctor_count": (students >= 600).astype(int) + (students >= 2000).astype(int),
            "psych_teacher_count": np.where(
                kindergarten,
                0,
                # Secondary schools keep at least one; primary schools often none.
                rng.integers(0, 2, count) + np.array([k.key != "primary" for k in kinds]),
            ),
        }
    )
    return frame


def _authority(home: HomeCity, site: SchoolSite, rng: np.random.Generator) -> str:
    """The education bureau a school reports to: its district's, or the city's for some high schools."""
    if site.kind.key in ("senior", "complete", "vocational") and rng.random() < 0.3:
        return f"{home.name}教育局"
    district = site.district.name
    if district.endswith("区"):
        return f"{home.name}{district}教育局"
    return f"{district}教育局"


def _appoint(
    rng: np.random.Generator,
    vocabulary: Vocabulary,
    schools: pd.DataFrame,
    teachers: pd.DataFrame,
    sites: list[SchoolSite],
    owner: npt.NDArray[np.int64],
) -> None:
    """Give each school its leaders and class teachers from its own staff, and name them in the school row."""
    member = vocabulary.code("political_status", "中共党员")
    full_time = vocabulary.code("staff_category", "专任教师")
    senior_titles = set(vocabulary.codes("title", ["正高级教师", "高级教师", "一级教师"]))
    core_subjects = set(vocabulary.codes("subject", ["语文", "数学"]))
    positions = np.full(len(teachers), None, dtype=object)
    head = np.zeros(len(teachers), dtype=bool)
    birth = teachers["birth_date"].to_numpy()
    political = teachers["political_status"].to_numpy()
    titles = teachers["title"].to_numpy()
    subjects = teachers["subject"].to_numpy()
    staff_category = teachers["staff_category"].to_numpy()
    mobile = teachers["mobile"].to_numpy()
    person = teachers["name"].to_numpy()
    starts = np.searchsorted(owner, np.arange(len(sites)))
    ends = np.searchsorted(owner, np.arange(len(sites)), side="right")
    leaders: dict[str, list[object]] = {
        key: []
        for key in (
            "principal_name",
            "principal_phone",
            "party_secretary_name",
            "legal_representative",
            "contact_person",
            "contact_phone",
            "safety_officer_name",
            "safety_officer_phone",
        )
    }
    for index, site in enumerate(sites):
        rows = np.arange(starts[index], ends[index])
        # Leaders are senior, graded and mostly Party members; the eldest such are likeliest.
        seniority = (np.datetime64("2100-01-01") - birth[rows]).astype("timedelta64[D]").astype(float)
        score = (
            seniority
            * np.where(political[rows] == member, 2.0, 1.0)
            * np.where(np.isin(titles[rows], list(senior_titles)), 1.5, 0.5)
            * rng.uniform(0.7, 1.3, len(rows))
        )
        ranked = rows[np.argsort(-score)]
        kindergarten = site.kind.key == "kindergarten"
        principal = ranked[0]
        positions[principal] = "园长" if kindergarten else "校长"
        members = [r for r in ranked[1:] if political[r] == member]
        if political[principal] == member and (not members or rng.random() < 0.45):
            secretary = principal
            positions[principal] = "党支部书记、" + positions[principal]
        else:
            secretary = members[0] if members else None
            if secretary is not None:
                positions[secretary] = "党支部书记"
        others = [r for r in ranked[1:] if positions[r] is None]
        offices = (
            ["副园长"] if kindergarten else ["副校长", "教务处主任", "德育处主任", "总务处主任", "办公室主任"]
        )
        if len(rows) > 25 and not kindergarten:
            offices.insert(1, "副校长")
        for office, row in zip(offices, others, strict=False):
            positions[row] = office
        by_office = {positions[r]: r for r in rows if positions[r] is not None}
        contact = by_office.get("办公室主任", by_office.get("副园长", principal))
        safety = by_office.get("总务处主任", contact)
        leaders["principal_name"].append(person[principal])
        leaders["principal_phone"].append(mobile[principal])
        leaders["party_secretary_name"].append(person[secretary] if secretary is not None else None)
        leaders["legal_representative"].append(person[principal])
        leaders["contact_person"].append(person[contact])
        leaders["contact_phone"].append(mobile[contact])
        leaders["safety_officer_name"].append(person[safety])
        leaders["safety_officer_phone"].append(mobile[safety])
        # One class teacher per class, from the full-time teachers, Chinese and maths first.
        eligible = rows[(staff_category[rows] == full_time) & np.array([positions[r] is None for r in rows])]
        wanted = min(int(schools.at[index, "class_count"]), int(len(eligible) * 0.8))
        if wanted:
            weight = np.where(np.isin(subjects[eligible], list(core_subjects)), 3.0, 1.0)
            chosen = rng.choice(eligible, size=wanted, replace=False, p=weight / weight.sum())
            head[chosen] = True
    for column, values in leaders.items():
        schools[column] = pd.Series(values, dtype="str")
    teachers["position"] = pd.Series(positions, dtype="str")
    teachers["is_head_teacher"] = head
    years = teachers["head_teacher_years"].to_numpy().copy()
    years[head & (years == 0)] = 1
    teachers["head_teacher_years"] = years
    # Leaders hold management posts.
    leader = teachers["position"].notna().to_numpy()
    teachers.loc[leader, "post_category"] = vocabulary.code("post_category", "管理岗位")


def _form_frame(
    standard: schemas.Standard, entity: str, frame: pd.DataFrame, *, labels: bool
) -> pd.DataFrame:
    form = {}
    for name in frame.columns:
        element = standard.element(f"{entity}.{name}")
        column = frame[name]
        if labels and element.code_list is not None and name not in _CODED_IN_EXPORTS:
            code_list = standard.code_list(element.code_list)
            spelled = _EXPORT_SPELLING.get(element.code_list, {})
            column = column.map({c.code: spelled.get(c.label_zh, c.label_zh) for c in code_list.codes})
        elif element.value_type == "boolean":
            column = column.map({True: "是", False: "否"} if labels else {True: "1", False: "0"})
        elif element.value_type == "date":
            column = pd.to_datetime(column).dt.strftime("%Y-%m-%d")
        form[element.label_zh] = column.astype("str")
    return pd.DataFrame(form)
