"""Teacher records, drawn column by column with numpy so that a million rows take seconds.

Values hang together the way they do in a real staff list: the ID number holds the birth
date, birthplace and sex; education limits when work began; teaching years decide the
title, the title the post grade; kindergartens are staffed by women; young teachers are
more often 共青团员 and off the establishment.

Speed comes from keeping text out of the loop: categorical values are indices into small
tables of shared string objects, sampled per group of rows with identical odds, and the
few free-text columns are assembled from tables or from ASCII digit matrices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from hub.demo import identity, names
from hub.demo.places import (
    CITIES,
    COLLEGES,
    COUNTIES,
    NORMAL_SCHOOLS,
    PROVINCES,
    UNIVERSITIES,
    HomeCity,
    place_name,
)
from hub.demo.vocabulary import Vocabulary, sample_grouped

Strings = npt.NDArray[np.str_]
Objects = npt.NDArray[np.object_]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
# A column of values: numpy until a frame is built, so that unused columns never become Python strings.
Column: TypeAlias = pd.Series | npt.NDArray[np.generic]

STAGES = ("preschool", "primary", "junior", "senior", "vocational", "special")
STAGE_LABELS = {
    "preschool": "学前教育",
    "primary": "小学",
    "junior": "初中",
    "senior": "普通高中",
    "vocational": "中等职业教育",
    "special": "特殊教育",
}
FEMALE_SHARE = {
    "preschool": 0.97,
    "primary": 0.78,
    "junior": 0.62,
    "senior": 0.52,
    "vocational": 0.50,
    "special": 0.75,
}
SUBJECTS: dict[str, dict[str, float]] = {
    "preschool": {"学前教育": 1},
    "primary": {
        "语文": 33,
        "数学": 24,
        "英语": 9,
        "科学": 6,
        "体育与健康": 8,
        "音乐": 5,
        "美术": 5,
        "信息科技": 3,
        "道德与法治": 4,
        "综合实践活动": 1,
        "劳动": 1,
        "心理健康教育": 1,
    },
    "junior": {
        "语文": 16,
        "数学": 16,
        "英语": 14,
        "物理": 6,
        "化学": 5,
        "生物学": 4,
        "科学": 5,
        "历史": 5,
        "地理": 4,
        "道德与法治": 6,
        "体育与健康": 8,
        "音乐": 3,
        "美术": 3,
        "信息科技": 3,
        "心理健康教育": 1,
    },
    "senior": {
        "语文": 13,
        "数学": 13,
        "英语": 12,
        "物理": 8,
        "化学": 7,
        "生物学": 6,
        "思想政治": 6,
        "历史": 6,
        "地理": 6,
        "体育与健康": 7,
        "信息科技": 4,
        "通用技术": 3,
        "音乐": 2,
        "美术": 3,
        "心理健康教育": 1,
    },
    "vocational": {
        "中职专业课": 55,
        "中职公共基础课": 10,
        "语文": 8,
        "数学": 8,
        "英语": 7,
        "体育与健康": 5,
        "思想政治": 4,
        "信息科技": 3,
    },
    "special": {"特殊教育": 70, "语文": 10, "数学": 10, "体育与健康": 5, "美术": 5},
}
MAJORS = {
    "语文": "汉语言文学",
    "数学": "数学与应用数学",
    "英语": "英语",
    "物理": "物理学",
    "化学": "化学",
    "生物学": "生物科学",
    "科学": "科学教育",
    "历史": "历史学",
    "地理": "地理科学",
    "道德与法治": "思想政治教育",
    "思想政治": "思想政治教育",
    "体育与健康": "体育教育",
    "音乐": "音乐学",
    "美术": "美术学",
    "信息科技": "计算机科学与技术",
    "通用技术": "教育技术学",
    "综合实践活动": "小学教育",
    "劳动": "教育学",
    "心理健康教育": "应用心理学",
    "学前教育": "学前教育",
    "特殊教育": "特殊教育",
    "中职公共基础课": "汉语言文学",
}
VOCATIONAL_MAJORS = (
    "机械设计制造及其自动化",
    "电子信息工程",
    "会计学",
    "计算机科学与技术",
    "旅游管理",
    "烹饪与营养教育",
)
GRADES = {
    "preschool": ("小班", "中班", "大班"),
    "primary": ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级"),
    "junior": ("七年级", "八年级", "九年级"),
    "senior": ("高一", "高二", "高三"),
    "vocational": ("一年级", "二年级", "三年级"),
    "special": ("一年级", "三年级", "五年级", "七年级", "九年级"),
}
WEEKLY_LESSONS = {
    "preschool": (18, 26),
    "primary": (12, 19),
    "junior": (10, 17),
    "senior": (8, 15),
    "vocational": (10, 19),
    "special": (12, 19),
}
QUALIFICATIONS: dict[str, dict[str, float]] = {
    "preschool": {"幼儿园教师资格": 92, "小学教师资格": 5, "无教师资格": 3},
    "primary": {"小学教师资格": 78, "初级中学教师资格": 12, "高级中学教师资格": 8, "无教师资格": 2},
    "junior": {"初级中学教师资格": 80, "高级中学教师资格": 19, "无教师资格": 1},
    "senior": {"高级中学教师资格": 99, "无教师资格": 1},
    "vocational": {
        "中等职业学校教师资格": 50,
        "高级中学教师资格": 30,
        "中等职业学校实习指导教师资格": 15,
        "无教师资格": 5,
    },
    "special": {"小学教师资格": 60, "初级中学教师资格": 38, "无教师资格": 2},
}

# Education levels the generator uses, with the age at which each is usually completed.
EDUCATION = ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专")
GRADUATION_AGE = np.array([29, 25, 22, 21, 18])
DEGREE_OF_EDUCATION = ("博士", "硕士", "学士", "无学位", "无学位")
# Shares of each education level among young (30 and under) and older (50 and over)
# teachers, per stage; in between the shares are interpolated.
EDUCATION_YOUNG = {
    "preschool": (0, 3, 70, 27, 0),
    "primary": (0, 15, 82, 3, 0),
    "junior": (0, 25, 74, 1, 0),
    "senior": (2, 43, 55, 0, 0),
    "vocational": (0, 28, 70, 2, 0),
    "special": (0, 15, 80, 5, 0),
}
EDUCATION_OLD = {
    "preschool": (0, 0, 40, 50, 10),
    "primary": (0, 2, 68, 27, 3),
    "junior": (0, 3, 90, 7, 0),
    "senior": (0, 15, 85, 0, 0),
    "vocational": (0, 10, 80, 10, 0),
    "special": (0, 2, 68, 30, 0),
}

TITLES = ("正高级教师", "高级教师", "一级教师", "二级教师", "三级教师", "未定职级")
# Title shares by years of teaching: <1, 1-4, 5-11, 12-19, 20+.
TITLE_BANDS = np.array([0, 1, 5, 12, 20])
TITLE_SHARES = np.array(
    [
        [0, 0, 0, 0, 0, 100],
        [0, 0, 0, 85, 10, 5],
        [0, 0, 65, 33, 2, 0],
        [0, 30, 64, 6, 0, 0],
        [1.5, 52, 44, 2.5, 0, 0],
    ]
)
# Years from starting work to obtaining each title (low, high).
TITLE_AFTER_YEARS = np.array([[20, 30], [10, 20], [4, 9], [1, 2], [1, 2], [0, 0]])
POST_GRADES = {
    "正高级教师": ("专业技术二级岗位", "专业技术三级岗位", "专业技术四级岗位"),
    "高级教师": ("专业技术五级岗位", "专业技术六级岗位", "专业技术七级岗位"),
    "一级教师": ("专业技术八级岗位", "专业技术九级岗位", "专业技术十级岗位"),
    "二级教师": ("专业技术十一级岗位", "专业技术十二级岗位"),
    "三级教师": ("专业技术十三级岗位",),
}

POLITICAL = (
    "中共党员",
    "中共预备党员",
    "共青团员",
    "民进会员",
    "民盟盟员",
    "九三学社社员",
    "农工党党员",
    "无党派人士",
    "群众",
)
BACKBONE = ("国家级", "省级", "市级", "县级", "校级", "非骨干教师")
BANKS = (
    "中国工商银行",
    "中国建设银行",
    "中国农业银行",
    "中国银行",
    "交通银行",
    "中国邮政储蓄银行",
    "农村商业银行",
)
BANK_PREFIXES = ("622202", "621700", "622848", "621661", "622260", "621799", "623059")
HONOURS = ("优秀教师", "优秀班主任", "教坛新秀", "师德先进个人", "优秀共产党员", "教学能手", "优秀教育工作者")
# Road names common to most Chinese cities; each home city adds its own.
ROAD_STEMS = (
    "学院",
    "解放",
    "建设",
    "人民",
    "中山",
    "新华",
    "和平",
    "东风",
    "朝阳",
    "光明",
    "振兴",
    "青年",
    "滨河",
    "环城",
    "健康",
    "府前",
    "胜利",
    "迎宾",
    "凤凰",
    "文化",
)
ROAD_SUFFIXES = ("路", "街", "大道", "路", "路")
MALE_LABEL, FEMALE_LABEL = "男", "女"

YOUNGEST, OLDEST = 22, 60


@dataclass(frozen=True, kw_only=True)
class Postings:
    """Where each teacher works: one entry per teacher row."""

    school_codes: Objects
    # Index of the school in its city's list (staff numbers run per school).
    school_index: Ints
    # Index into STAGES of the stage each teacher teaches.
    stages: Ints
    rural: Bools
    # Index into the home city's districts.
    districts: Ints


def weight_table(rows: Sequence[Mapping[str, float]]) -> tuple[list[str], npt.NDArray[np.float64]]:
    """The labels of several weight tables and a matrix of their weights (one row per table)."""
    labels = list(dict.fromkeys(label for row in rows for label in row))
    return labels, np.array([[row.get(label, 0.0) for label in labels] for row in rows], dtype=float)


def teacher_columns(
    rng: np.random.Generator,
    vocabulary: Vocabulary,
    *,
    home: HomeCity,
    as_of: date,
    postings: Postings,
    person_names: Objects | None = None,
    male: Bools | None = None,
) -> dict[str, Column]:
    """Columns of teacher records (element name -> values), codes where a code list applies.

    `male` and `person_names` may be given when names come from elsewhere (faker); they are
    drawn here otherwise.
    """
    count = len(postings.school_codes)
    stage = postings.stages
    columns: dict[str, Column] = {}

    def constant(code: str) -> Objects:
        return np.full(count, code, dtype=object)

    def by_stage(element: str, table: Mapping[str, Mapping[str, float]]) -> tuple[Ints, Objects]:
        """Per row an index drawn with the weights of its stage, and the codes it indexes."""
        labels, weights = weight_table([table[name] for name in STAGES])
        return sample_grouped(rng, stage, weights), vocabulary.codes(element, labels)

    # ── who they are ──
    if male is None:
        male = rng.random(count) >= np.array([FEMALE_SHARE[name] for name in STAGES])[stage]
    # Women used to retire at 55 and now later; nobody teaching is past 60.
    max_age = np.where(male, OLDEST, 57)
    age_years = YOUNGEST + rng.beta(2.0, 2.3, size=count) * (max_age + 1 - YOUNGEST)
    age_days = np.clip(
        np.floor(age_years * 365.2425).astype(np.int64),
        int(YOUNGEST * 365.2425) + 2,
        ((max_age + 1) * 365.2425).astype(np.int64) - 2,
    )
    as_of_day = np.datetime64(as_of, "D")
    as_of_month = int(np.datetime64(as_of, "M").astype(np.int64))
    birth_dates = as_of_day - age_days.astype("timedelta64[D]")
    age = _whole_years(birth_dates, as_of_day)
    age_group = np.clip(age - YOUNGEST, 0, OLDEST - YOUNGEST)
    ages = np.arange(YOUNGEST, OLDEST + 1)
    place_codes, birthplace = _birthplaces(rng, home, count)
    if person_names is None:
        person_names = names.draw_names(rng, male=male)

    columns["name"] = np.asarray(person_names, dtype=object)
    columns["gender"] = vocabulary.codes("gender", [FEMALE_LABEL, MALE_LABEL])[male.astype(np.int64)]
    columns["id_type"] = constant(vocabulary.code("id_type", "居民身份证"))
    columns["id_number"] = identity.unique_id_numbers(
        rng, birthplaces=np.array(place_codes, dtype=np.int64)[birthplace], birth_dates=birth_dates, male=male
    )
    columns["birth_date"] = birth_dates
    han_share = 0.985
    minority_total = sum(home.minorities.values())
    columns["ethnicity"] = vocabulary.draw(
        rng,
        "ethnicity",
        {"汉族": han_share, **{k: v / minority_total * (1 - han_share) for k, v in home.minorities.items()}},
        count,
    )
    columns["nationality"] = constant("中国")
    political = vocabulary.draw_grouped(
        rng, "political_status", POLITICAL, age_group, _political_weights(ages)
    )
    columns["political_status"] = political
    columns["party_join_date"] = _party_join(rng, vocabulary, political, birth_dates, as_of_month)
    columns["native_place"] = np.array([_native_place(code) for code in place_codes], dtype=object)[
        birthplace
    ]
    columns["birth_place"] = np.array([place_name(code) for code in place_codes], dtype=object)[birthplace]
    columns["hukou_type"] = vocabulary.draw(
        rng, "hukou_type", {"居民户口": 70, "非农业户口": 25, "农业户口": 5}, count
    )
    columns["marital_status"] = vocabulary.draw_grouped(
        rng, "marital_status", ["未婚", "已婚", "离婚", "丧偶"], age_group, _marital_weights(ages)
    )
    columns["health_status"] = vocabulary.draw(
        rng, "health_status", {"健康或良好": 96, "一般或较弱": 3, "有慢性病": 1}, count
    )
    columns["blood_type"] = vocabulary.draw(
        rng, "blood_type", {"A血型": 28, "B血型": 24, "O血型": 34, "AB血型": 9, "未定血型": 5}, count
    )
    height = np.clip(np.where(male, rng.normal(171.5, 6, count), rng.normal(159.5, 5.5, count)), 145, 198)
    columns["height"] = np.round(height, 1)
    # Weight follows height: a body-mass index around 23.5 for men and 21 for women.
    bmi = np.clip(np.where(male, rng.normal(23.5, 2.5, count), rng.normal(21.2, 2.3, count)), 17, 33)
    columns["weight"] = np.round(bmi * (height / 100) ** 2, 1)
    columns["last_health_check_date"] = as_of_day - rng.integers(10, 360, count).astype("timedelta64[D]")

    # ── contact ──
    mobiles = identity.mobile_numbers(rng, count)
    columns["mobile"] = mobiles
    columns["email"] = _emails(rng, mobiles)
    columns["home_address"] = _home_addresses(rng, home, postings.districts)
    postcodes = np.array([p + f"{i:03d}" for p in home.postcode_prefixes for i in range(1000)], dtype=object)
    columns["postcode"] = postcodes[rng.integers(0, len(postcodes), count)]
    contact_male = rng.random(count) < np.where(male, 0.1, 0.9)
    columns["emergency_contact_name"] = names.draw_names(rng, male=contact_male)
    columns["emergency_contact_phone"] = identity.mobile_numbers(rng, count)

    # ── education ──
    education, first_education = _education(rng, stage, age)
    columns["education_level"] = vocabulary.codes("education_level", EDUCATION)[education]
    columns["first_education_level"] = vocabulary.codes("first_education_level", EDUCATION)[first_education]
    degree = vocabulary.codes("degree", DEGREE_OF_EDUCATION)[education]
    # One bachelor's graduate in ten (mostly by correspondence) has no degree.
    no_degree = (education == 2) & (rng.random(count) < 0.1)
    columns["degree"] = np.where(no_degree, vocabulary.code("degree", "无学位"), degree)
    birth_months = birth_dates.astype("datetime64[M]").astype(np.int64)
    birth_year_months = birth_months - birth_months % 12
    # Work starts the summer or autumn after the first qualification (July of the year it is
    # completed), some after a gap year or two, a few the next spring.
    gap_years = (rng.random(count) < 0.15) * rng.integers(1, 4, count)
    first_graduation = birth_year_months + 12 * GRADUATION_AGE[first_education] + 6
    start_month = first_graduation + 12 * gap_years + rng.choice([1, 1, 1, 2, 2, 8], size=count)
    start_month = np.minimum(start_month, as_of_month)
    start_year_month = start_month - start_month % 12
    teaching_years = (as_of_month - start_month) // 12
    # An upgrade by correspondence or part-time study ends in January or July some years in.
    later = start_year_month + 12 * rng.integers(2, 9, count) + rng.choice([0, 6], size=count)
    later = np.where(later > as_of_month, as_of_month - as_of_month % 6, later)
    upgraded = education != first_education
    graduation = np.where(upgraded, np.maximum(later, start_month), np.minimum(first_graduation, start_month))
    columns["graduation_date"] = year_month_strings(graduation)
    columns["graduation_school"] = _graduation_schools(rng, home, education)
    subject_labels, subject_weights = weight_table([SUBJECTS[name] for name in STAGES])
    subject = sample_grouped(rng, stage, subject_weights)
    subject_codes = vocabulary.codes("subject", subject_labels)[subject]
    vocational_subject = subject_labels.index("中职专业课")
    majors = np.array([MAJORS.get(label, "") for label in subject_labels], dtype=object)[subject]
    vocational_major = np.array(VOCATIONAL_MAJORS, dtype=object)[
        rng.integers(0, len(VOCATIONAL_MAJORS), count)
    ]
    columns["major"] = np.where(subject == vocational_subject, vocational_major, majors)
    columns["is_normal_major"] = rng.random(count) < np.where(subject == vocational_subject, 0.1, 0.78)

    # ── qualification and title ──
    qualification, qualification_codes = by_stage("qualification_type", QUALIFICATIONS)
    columns["qualification_type"] = qualification_codes[qualification]
    has_qualification = qualification_codes[qualification] != vocabulary.code(
        "qualification_type", "无教师资格"
    )
    # The certificate number carries the kind of qualification as one digit.
    kind_digit = np.array([int(code) % 10 for code in qualification_codes], dtype=np.uint8)[qualification]
    columns["qualification_number"] = pd.Series(
        _qualification_numbers(rng, home, start_month, kind_digit, male)
    ).where(has_qualification)
    columns["qualification_subject"] = pd.Series(subject_codes).where(has_qualification)
    is_chinese = (subject == subject_labels.index("语文")).astype(np.int64)
    columns["mandarin_level"] = vocabulary.draw_grouped(
        rng,
        "mandarin_level",
        ["一级甲等", "一级乙等", "二级甲等", "二级乙等", "三级甲等"],
        is_chinese,
        np.array([[0, 3, 40, 52, 5], [3, 25, 68, 4, 0]], dtype=float),
    )
    young = (age < 28).astype(np.int64)
    staffing_weights = np.array(
        [
            [p, (1 - p) * 0.6, (1 - p) * 0.2, (1 - p) * 0.1, (1 - p) * 0.1]
            for name in STAGES
            for p in ((0.55 if name == "preschool" else 0.88), (0.40 if name == "preschool" else 0.73))
        ]
    )
    staffing = vocabulary.draw_grouped(
        rng,
        "staffing",
        ["在编", "编外聘用", "人事代理", "劳务派遣", "临时代课"],
        stage * 2 + young,
        staffing_weights,
    )
    on_establishment = staffing == vocabulary.code("staffing", "在编")
    title = _titles(rng, teaching_years, age, on_establishment)
    columns["title"] = vocabulary.codes("title", TITLES)[title]
    graded = title < 5
    # Titles are conferred at the year-end review, some years into the career.
    low, high = TITLE_AFTER_YEARS[title, 0], TITLE_AFTER_YEARS[title, 1]
    first_review = start_year_month + 12 * low + 11
    last_review = np.minimum(start_year_month + 12 * high + 11, as_of_month - as_of_month % 12 - 1)
    last_review = np.maximum(last_review, np.minimum(first_review, as_of_month))
    first_review = np.minimum(first_review, last_review)
    obtained = first_review + 12 * (rng.random(count) * ((last_review - first_review) // 12 + 1)).astype(
        np.int64
    )
    obtained = np.clip(obtained, start_month, as_of_month)
    appointed = np.minimum(obtained + rng.integers(0, 13, count), as_of_month)
    columns["title_obtained_date"] = pd.Series(year_month_strings(obtained)).where(graded)
    columns["title_appointed_date"] = pd.Series(year_month_strings(appointed)).where(graded)
    grade_labels, grade_weights = weight_table(
        [{grade: 1.0 for grade in POST_GRADES.get(name, POST_GRADES["三级教师"])} for name in TITLES]
    )
    columns["post_grade"] = pd.Series(
        vocabulary.draw_grouped(rng, "post_grade", grade_labels, title, grade_weights)
    ).where(graded)
    staff_category = vocabulary.draw(
        rng, "staff_category", {"专任教师": 94, "行政人员": 3, "教辅人员": 3}, count
    )
    columns["staff_category"] = staff_category
    administrative = staff_category == vocabulary.code("staff_category", "行政人员")
    columns["post_category"] = np.where(
        administrative,
        vocabulary.code("post_category", "管理岗位"),
        vocabulary.code("post_category", "专业技术岗位"),
    )
    columns["position"] = pd.Series(np.nan, index=pd.RangeIndex(count), dtype="str")

    # ── teaching ──
    columns["subject"] = subject_codes
    grade_labels, grade_weights = weight_table([dict.fromkeys(GRADES[name], 1.0) for name in STAGES])
    columns["grades_taught"] = np.array(grade_labels, dtype=object)[sample_grouped(rng, stage, grade_weights)]
    columns["teaching_stage"] = vocabulary.codes("teaching_stage", [STAGE_LABELS[name] for name in STAGES])[
        stage
    ]
    lessons = np.array([WEEKLY_LESSONS[name] for name in STAGES])[stage]
    columns["weekly_lessons"] = rng.integers(lessons[:, 0], lessons[:, 1])
    head = (rng.random(count) < 0.32) & ~administrative
    columns["is_head_teacher"] = head
    columns["head_teacher_years"] = _head_teacher_years(rng, head, teaching_years)
    columns["backbone_level"] = vocabulary.draw_grouped(
        rng,
        "backbone_level",
        BACKBONE,
        (age >= 32).astype(np.int64),
        np.array([[0, 0, 0, 1, 5, 94], [0.05, 1, 4, 7, 8, 79.95]]),
    )

    # ── employment ──
    columns["work_start_date"] = year_month_strings(start_month)
    joined_later = rng.random(count) < 0.55
    join_month = np.where(
        joined_later,
        start_month + 12 * (rng.random(count) * (teaching_years + 1)).astype(np.int64),
        start_month,
    )
    join_month = np.maximum(np.minimum(join_month - join_month % 12 + 7, as_of_month), start_month)
    columns["school_join_date"] = year_month_strings(join_month)
    columns["school_code"] = postings.school_codes
    columns["staffing"] = staffing
    columns["is_special_post_teacher"] = postings.rural & (age < 40) & (rng.random(count) < 0.12)
    columns["staff_number"] = _staff_numbers(postings.school_index, join_month)
    columns["training_hours"] = rng.integers(4, 21, count) * 6
    columns["honours"] = _honours(rng, home, postings.districts, teaching_years, as_of.year)
    bank = rng.integers(0, len(BANKS), count)
    columns["bank_name"] = np.array(BANKS, dtype=object)[bank]
    bank_prefix = np.array([[int(d) for d in prefix] for prefix in BANK_PREFIXES], dtype=np.uint8)[bank]
    columns["bank_account"] = identity.digits_to_strings(
        np.hstack([bank_prefix, identity.random_digits(rng, count, 13)])
    )
    columns["housing_fund_account"] = identity.digits_to_strings(identity.random_digits(rng, count, 12))
    return columns


def year_month_strings(months: Ints) -> Objects:
    """YYYY-MM for months counted from 1970-01 (one string object per distinct month)."""
    months = np.asarray(months, dtype=np.int64)
    if len(months) == 0:
        return np.array([], dtype=object)
    first = int(months.min())
    table = np.array(
        [f"{m // 12 + 1970:04d}-{m % 12 + 1:02d}" for m in range(first, int(months.max()) + 1)], dtype=object
    )
    return table[months - first]


def _whole_years(birth_dates: npt.NDArray[np.datetime64], as_of: np.datetime64) -> Ints:
    birth_years = birth_dates.astype("datetime64[Y]").astype(np.int64) + 1970
    as_of_year = int(as_of.astype("datetime64[Y]").astype(np.int64)) + 1970
    birthday_this_year = (birth_dates - birth_dates.astype("datetime64[Y]")) + np.datetime64(
        str(as_of_year), "D"
    )
    return as_of_year - birth_years - (birthday_this_year > as_of).astype(np.int64)


def _birthplaces(rng: np.random.Generator, home: HomeCity, count: int) -> tuple[list[str], Ints]:
    """County codes people were born in (mostly the home city, then its province, then
    elsewhere) and, per person, an index into them."""
    local = [code for code in COUNTIES if code[:4] == home.code]
    province = [code for code in COUNTIES if code[:2] == home.code[:2] and code[:4] != home.code]
    elsewhere = [code for code in COUNTIES if code[:2] != home.code[:2]]
    weights = np.concatenate(
        [
            np.full(len(local), 0.58 / len(local)),
            np.full(len(province), 0.27 / max(len(province), 1)),
            np.full(len(elsewhere), 0.15 / len(elsewhere)),
        ]
    )
    codes = local + province + elsewhere
    return codes, rng.choice(len(codes), size=count, p=weights / weights.sum())


def _native_place(county_code: str) -> str:
    """籍贯 as forms write it: province and city (a municipality alone)."""
    province = PROVINCES[county_code[:2]]
    city = CITIES[county_code[:4]]
    return province if province == city else province + city


def _political_weights(ages: Ints) -> npt.NDArray[np.float64]:
    """Shares of POLITICAL by age: Party membership grows with age, League membership ends at 28."""
    party = 0.12 + 0.35 * np.clip((ages - 24) / 30, 0, 1)
    league = np.where(ages < 28, 0.45, np.where(ages < 35, 0.08, 0.0))
    others = [np.full(len(ages), share) for share in (0.01, 0.015, 0.008, 0.003, 0.002, 0.003)]
    weights = np.column_stack([party, others[0], league, *others[1:]])
    return np.column_stack([weights, np.clip(1 - weights.sum(axis=1), 0, None)])


def _marital_weights(ages: Ints) -> npt.NDArray[np.float64]:
    single = np.select([ages < 25, ages < 30, ages < 35], [0.85, 0.45, 0.15], default=0.04)
    divorced = np.where(ages >= 35, 0.03, 0.0)
    widowed = np.where(ages >= 50, 0.01, 0.0)
    return np.column_stack([single, 1 - single - divorced - widowed, divorced, widowed])


def _party_join(
    rng: np.random.Generator,
    vocabulary: Vocabulary,
    political: Objects,
    birth_dates: npt.NDArray[np.datetime64],
    as_of_month: int,
) -> pd.Series:
    member = political == vocabulary.code("political_status", "中共党员")
    probationary = political == vocabulary.code("political_status", "中共预备党员")
    birth_month = birth_dates.astype("datetime64[M]").astype(np.int64)
    earliest = birth_month + 12 * 19
    # Full members joined more than a year ago; probationary ones within the year.
    latest = np.maximum(as_of_month - 13, earliest)
    joined = earliest + (rng.random(len(political)) * (latest - earliest + 1)).astype(np.int64)
    joined = np.where(probationary, as_of_month - rng.integers(0, 12, len(political)), joined)
    return pd.Series(year_month_strings(joined)).where(member | probationary)


def _education(rng: np.random.Generator, stage: Ints, age: Ints) -> tuple[Ints, Ints]:
    """Highest and first education, as indices into EDUCATION."""
    ages = np.arange(YOUNGEST, OLDEST + 1)
    mix = np.clip((ages - 30) / 20, 0, 1)[None, :, None]
    young = np.array([EDUCATION_YOUNG[name] for name in STAGES], dtype=float)[:, None, :]
    old = np.array([EDUCATION_OLD[name] for name in STAGES], dtype=float)[:, None, :]
    weights = (young * (1 - mix) + old * mix).reshape(-1, len(EDUCATION))
    education = sample_grouped(rng, stage * len(ages) + np.clip(age - YOUNGEST, 0, len(ages) - 1), weights)
    # Nobody holds a degree younger than one can earn it.
    while (too_young := age < GRADUATION_AGE[education]).any():
        education[too_young] += 1
    first = education.copy()
    # Many teachers upgraded while working: a master's on top of a bachelor's, a bachelor's
    # by correspondence on top of a college diploma, a diploma on top of normal school.
    roll = rng.random(len(age))
    first[(education <= 1) & (roll < 0.3)] = 2
    first[(education == 2) & (age > 38) & (roll < 0.5)] = 3
    early_years = np.isin(stage, [STAGES.index("preschool"), STAGES.index("primary")])
    first[(education == 3) & (age > 45) & (roll < 0.35) & early_years] = 4
    return education, first


def _titles(rng: np.random.Generator, teaching_years: Ints, age: Ints, on_establishment: Bools) -> Ints:
    """Index into TITLES by years of teaching; 正高级 for veterans only, few titles for new contract staff."""
    band = np.searchsorted(TITLE_BANDS, teaching_years, side="right") - 1
    under_45 = (age < 45).astype(np.int64)
    new_contract = (~on_establishment & (teaching_years < 3)).astype(np.int64)
    weights = np.repeat(TITLE_SHARES, 4, axis=0).astype(float)
    weights[1::2, 0] = 0  # rows with under_45
    weights[2::4, :5] *= 0.2  # rows with new_contract and not under_45
    weights[3::4, :5] *= 0.2  # rows with both
    return sample_grouped(rng, band * 4 + new_contract * 2 + under_45, weights)


def _graduation_schools(rng: np.random.Generator, home: HomeCity, education: Ints) -> Objects:
    """Universities for 本科 and above, colleges for 专科, normal schools for 中专; three in four local."""
    province = home.code[:2]
    tables = [UNIVERSITIES, COLLEGES, NORMAL_SCHOOLS]
    options = [table.get(key, table[""]) for table in tables for key in (province, "")]
    names_ = np.array([name for group in options for name in group], dtype=object)
    sizes = np.array([len(group) for group in options])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    kind = np.select([education <= 2, education == 3], [0, 1], default=2)
    group = kind * 2 + (rng.random(len(education)) >= 0.75)
    return names_[offsets[group] + (rng.random(len(education)) * sizes[group]).astype(np.int64)]


def _head_teacher_years(rng: np.random.Generator, head: Bools, teaching_years: Ints) -> Ints:
    ceiling = np.maximum(teaching_years, 1)
    current = 1 + (rng.random(len(head)) * ceiling * 0.8).astype(np.int64)
    former = np.where(
        (teaching_years >= 3) & (rng.random(len(head)) < 0.5),
        (rng.random(len(head)) * np.minimum(ceiling, 12)).astype(np.int64),
        0,
    )
    return np.where(head, current, former)


_EMAIL_DOMAINS = (b"@163.com", b"@126.com", b"@139.com", b"@qq.com", b"@sina.com")


def _emails(rng: np.random.Generator, mobiles: Strings) -> Strings:
    """Personal mailboxes: a QQ number at qq.com for half the teachers, the mobile number elsewhere."""
    count = len(mobiles)
    width = 11 + max(len(domain) for domain in _EMAIL_DOMAINS)
    ascii_rows = np.zeros((count, width), dtype=np.uint8)
    ascii_rows[:, :11] = np.asarray(mobiles).astype("S11").view(np.uint8).reshape(count, 11)
    domain = rng.integers(0, len(_EMAIL_DOMAINS), count)
    qq = rng.random(count) < 0.5
    domain[qq] = _EMAIL_DOMAINS.index(b"@qq.com")
    # QQ numbers have 9 or 10 digits here: a random number, then the domain right after it.
    digits = np.where(qq, rng.integers(9, 11, count), 11)
    ascii_rows[qq, :10] = identity.random_digits(rng, int(qq.sum()), 10) + ord("0")
    ascii_rows[qq, 0] = rng.integers(1, 10, int(qq.sum())) + ord("0")
    for length in (9, 10, 11):
        for index, name in enumerate(_EMAIL_DOMAINS):
            rows = np.flatnonzero((digits == length) & (domain == index))
            ascii_rows[rows, length:] = 0
            ascii_rows[rows[:, None], length + np.arange(len(name))] = np.frombuffer(name, dtype=np.uint8)
    return identity.ascii_to_strings(ascii_rows)


def _home_addresses(rng: np.random.Generator, home: HomeCity, districts: Ints) -> Objects:
    """Flats in the city, mostly in the district where the teacher works."""
    count = len(districts)
    moved = rng.random(count) < 0.2
    district = np.where(moved, rng.integers(0, len(home.districts), count), districts)
    areas = np.array(
        [f"{home.province}{home.name}{d.name}{town}" for d in home.districts for town in d.towns],
        dtype=object,
    )
    town_counts = np.array([len(d.towns) for d in home.districts])
    first_town = np.concatenate([[0], np.cumsum(town_counts)[:-1]])
    area = first_town[district] + (rng.random(count) * town_counts[district]).astype(np.int64)
    streets = np.array(
        [
            f"{stem}{suffix}{number}号"
            for stem in ROAD_STEMS + home.road_stems
            for suffix in ROAD_SUFFIXES
            for number in range(1, 400)
        ],
        dtype=object,
    )
    flats = np.array(
        [
            f"{block}幢{unit}单元{floor}{room:02d}室"
            for block in range(1, 30)
            for unit in range(1, 5)
            for floor in range(1, 27)
            for room in range(1, 5)
        ],
        dtype=object,
    )
    return (
        areas[area]
        + streets[rng.integers(0, len(streets), count)]
        + flats[rng.integers(0, len(flats), count)]
    )


def _honours(
    rng: np.random.Generator, home: HomeCity, districts: Ints, teaching_years: Ints, as_of_year: int
) -> pd.Series:
    """A city or district honour with its year for about one experienced teacher in eight."""
    count = len(districts)
    honoured = np.flatnonzero((rng.random(count) < 0.12) & (teaching_years >= 3))
    level = np.array([d.name for d in home.districts], dtype=object)[districts[honoured]]
    level = np.where(rng.random(len(honoured)) < 0.3, home.name, level)
    year = as_of_year - (rng.random(len(honoured)) * np.maximum(teaching_years[honoured], 1)).astype(np.int64)
    honour = np.array(HONOURS, dtype=object)[rng.integers(0, len(HONOURS), len(honoured))]
    years = np.array([f"（{y}年）" for y in range(1950, as_of_year + 1)], dtype=object)
    result = pd.Series(np.nan, index=pd.RangeIndex(count), dtype="str")
    result.iloc[honoured] = level + honour + years[year - 1950]
    return result


def _qualification_numbers(
    rng: np.random.Generator, home: HomeCity, start_month: Ints, kind: npt.NDArray[np.uint8], male: Bools
) -> Strings:
    """17-digit certificate numbers: year, province and city, office, kind, sex and serial."""
    count = len(male)
    year = np.maximum(start_month // 12 + 1970 - rng.integers(0, 2, count), 1996)
    digits = np.hstack(
        [
            identity.number_digits(year, 4),
            np.tile(np.array([int(d) for d in home.code], dtype=np.uint8), (count, 1)),
            identity.number_digits(rng.integers(1, 20, count), 2),
            kind[:, None],
            np.where(male, 1, 2).astype(np.uint8)[:, None],
            identity.random_digits(rng, count, 5),
        ]
    )
    return identity.digits_to_strings(digits)


def _staff_numbers(school_index: Ints, join_month: Ints) -> Strings:
    """Staff numbers unique within a school: year joined and a running number."""
    year = join_month // 12 + 1970
    key = school_index * 10000 + year
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    run_start = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    start_positions = np.maximum.accumulate(np.where(run_start, np.arange(len(key)), 0))
    running = np.empty(len(key), dtype=np.int64)
    running[order] = np.arange(len(key)) - start_positions + 1
    return identity.digits_to_strings(identity.number_digits(year * 1000 + running % 1000, 7))
