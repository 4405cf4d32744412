"""Teacher records, drawn column by column with numpy so that a million rows take seconds.

Values hang together the way they do in a real staff list: the ID number holds the birth
date, birthplace and sex; education limits when work began; teaching years decide the
title, the title the post grade; kindergartens are staffed by women; young teachers are
more often 共青团员 and off the establishment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
from numpy.dtypes import StringDType

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
from hub.demo.vocabulary import Vocabulary, sample_rows

Strings = npt.NDArray[np.str_]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

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


@dataclass(frozen=True, kw_only=True)
class Postings:
    """Where each teacher works: one entry per teacher row."""

    school_codes: Strings
    stages: Strings
    rural: Bools
    district_codes: Strings


def teacher_columns(
    rng: np.random.Generator,
    vocabulary: Vocabulary,
    *,
    home: HomeCity,
    as_of: date,
    postings: Postings,
    person_names: npt.NDArray[np.object_] | None = None,
    male: Bools | None = None,
) -> dict[str, pd.Series]:
    """Columns of teacher records (element name -> values), codes where a code list applies.

    `male` and `person_names` may be given when names come from elsewhere (faker); they are
    drawn here otherwise.
    """
    count = len(postings.school_codes)
    stages = postings.stages
    stage_index = np.searchsorted(np.array(sorted(STAGES)), stages)
    sorted_stages = sorted(STAGES)
    columns: dict[str, pd.Series] = {}
    draw = vocabulary.draw

    def per_stage(table: Mapping[str, Mapping[str, float]], element: str) -> Strings:
        """Codes drawn from a table of weights that differs by stage."""
        labels = list(dict.fromkeys(label for weights in table.values() for label in weights))
        matrix = np.array(
            [[table[stage].get(label, 0) for label in labels] for stage in sorted_stages], dtype=float
        )
        return vocabulary.draw_per_row(rng, element, labels, matrix[stage_index])

    def labels_per_stage(table: Mapping[str, Mapping[str, float]]) -> Strings:
        labels = list(dict.fromkeys(label for weights in table.values() for label in weights))
        matrix = np.array(
            [[table[stage].get(label, 0) for label in labels] for stage in sorted_stages], dtype=float
        )
        return np.array(labels)[sample_rows(rng, matrix[stage_index])]

    # ── who they are ──
    if male is None:
        female_share = np.array([FEMALE_SHARE[stage] for stage in sorted_stages])[stage_index]
        male = rng.random(count) >= female_share
    max_age = np.where(male, 60, 57)
    age_years = 22 + rng.beta(2.0, 2.3, size=count) * (max_age + 1 - 22)
    age_days = np.clip(
        np.floor(age_years * 365.2425).astype(np.int64),
        int(22 * 365.2425) + 2,
        ((max_age + 1) * 365.2425).astype(np.int64) - 2,
    )
    as_of_day = np.datetime64(as_of, "D")
    birth_dates = as_of_day - age_days.astype("timedelta64[D]")
    age = _whole_years(birth_dates, as_of_day)
    birthplaces = _birthplaces(rng, home, count)
    if person_names is None:
        person_names = names.draw_names(rng, male=male)

    columns["name"] = pd.Series(np.asarray(person_names, dtype=str))
    columns["gender"] = pd.Series(
        np.where(male, vocabulary.code("gender", MALE_LABEL), vocabulary.code("gender", FEMALE_LABEL))
    )
    columns["id_type"] = pd.Series(np.full(count, vocabulary.code("id_type", "居民身份证")))
    columns["id_number"] = pd.Series(
        identity.unique_id_numbers(rng, birthplaces=birthplaces, birth_dates=birth_dates, male=male)
    )
    columns["birth_date"] = pd.Series(birth_dates)
    minorities = home.minorities
    han_share = 0.985
    columns["ethnicity"] = pd.Series(
        draw(
            rng,
            "ethnicity",
            {
                "汉族": han_share,
                **{k: v / sum(minorities.values()) * (1 - han_share) for k, v in minorities.items()},
            },
            count,
        )
    )
    columns["nationality"] = pd.Series(np.full(count, "中国"))
    political = _political(rng, vocabulary, age)
    columns["political_status"] = pd.Series(political)
    columns["party_join_date"] = _party_join(rng, vocabulary, political, birth_dates, as_of_day)
    places = {code: place_name(code) for code in np.unique(birthplaces)}
    native = {
        code: PROVINCES[code[:2]] + CITIES[code[:4]] if code[:2] not in ("11",) else PROVINCES[code[:2]]
        for code in places
    }
    columns["native_place"] = pd.Series(birthplaces).map(native).astype("str")
    columns["birth_place"] = pd.Series(birthplaces).map(places).astype("str")
    columns["hukou_type"] = pd.Series(
        draw(rng, "hukou_type", {"居民户口": 70, "非农业户口": 25, "农业户口": 5}, count)
    )
    columns["marital_status"] = pd.Series(_marital(rng, vocabulary, age))
    columns["health_status"] = pd.Series(
        draw(rng, "health_status", {"健康或良好": 96, "一般或较弱": 3, "有慢性病": 1}, count)
    )
    columns["blood_type"] = pd.Series(
        draw(rng, "blood_type", {"A血型": 28, "B血型": 24, "O血型": 34, "AB血型": 9, "未定血型": 5}, count)
    )
    height = np.clip(np.where(male, rng.normal(171.5, 6, count), rng.normal(159.5, 5.5, count)), 145, 198)
    columns["height"] = pd.Series(np.round(height, 1))
    # Weight follows height: a body-mass index around 23.5 for men and 21 for women.
    bmi = np.clip(np.where(male, rng.normal(23.5, 2.5, count), rng.normal(21.2, 2.3, count)), 17, 33)
    columns["weight"] = pd.Series(np.round(bmi * (height / 100) ** 2, 1))
    columns["last_health_check_date"] = pd.Series(
        as_of_day - rng.integers(10, 360, count).astype("timedelta64[D]")
    )

    # ── contact ──
    mobiles = identity.mobile_numbers(rng, count)
    columns["mobile"] = pd.Series(mobiles)
    columns["email"] = pd.Series(_emails(rng, mobiles))
    columns["home_address"] = pd.Series(_home_addresses(rng, home, postings.district_codes))
    columns["postcode"] = pd.Series(
        np.strings.add(
            np.array(home.postcode_prefixes)[rng.integers(0, len(home.postcode_prefixes), count)],
            identity.digits_to_strings(identity.number_digits(rng.integers(0, 1000, count), 3)),
        )
    )
    contact_male = rng.random(count) < np.where(male, 0.1, 0.9)
    columns["emergency_contact_name"] = pd.Series(
        np.asarray(names.draw_names(rng, male=contact_male), dtype=str)
    )
    columns["emergency_contact_phone"] = pd.Series(identity.mobile_numbers(rng, count))

    # ── education ──
    education, first_education = _education(rng, stages, stage_index, sorted_stages, age)
    columns["education_level"] = pd.Series(vocabulary.codes("education_level", EDUCATION)[education])
    columns["first_education_level"] = pd.Series(
        vocabulary.codes("first_education_level", EDUCATION)[first_education]
    )
    columns["degree"] = pd.Series(_degrees(rng, vocabulary, education))
    birth_months = birth_dates.astype("datetime64[M]").astype(np.int64)
    birth_year_months = birth_months - birth_months % 12
    as_of_month = np.datetime64(as_of, "M").astype(np.int64)
    # Work starts the summer or autumn after the first qualification (July of the year it is
    # completed), some after a gap year or two, a few the next spring.
    gap_years = (rng.random(count) < 0.15) * rng.integers(1, 4, count)
    first_graduation = birth_year_months + 12 * GRADUATION_AGE[first_education] + 6
    start_month = first_graduation + 12 * gap_years + rng.choice([1, 1, 1, 2, 2, 8], size=count)
    start_month = np.minimum(start_month, as_of_month)
    teaching_years = (as_of_month - start_month) // 12
    upgraded = education != first_education
    # An upgrade by correspondence or part-time study ends in January or July some years in.
    start_year_month = start_month - start_month % 12
    later_graduation = start_year_month + 12 * rng.integers(2, 9, count) + rng.choice([0, 6], size=count)
    later_graduation = np.where(
        later_graduation > as_of_month, as_of_month - as_of_month % 6, later_graduation
    )
    graduation = np.where(
        upgraded, np.maximum(later_graduation, start_month), np.minimum(first_graduation, start_month)
    )
    columns["graduation_date"] = pd.Series(year_month_strings(graduation))
    columns["graduation_school"] = pd.Series(_graduation_schools(rng, home, education))
    subjects = labels_per_stage(SUBJECTS)
    majors = pd.Series(subjects).map(MAJORS)
    vocational_majors = np.array(VOCATIONAL_MAJORS)[rng.integers(0, len(VOCATIONAL_MAJORS), count)]
    columns["major"] = majors.where(majors.notna(), pd.Series(vocational_majors)).astype("str")
    columns["is_normal_major"] = pd.Series(rng.random(count) < np.where(subjects == "中职专业课", 0.1, 0.78))

    # ── qualification and title ──
    columns["qualification_type"] = pd.Series(per_stage(QUALIFICATIONS, "qualification_type"))
    none_qualification = vocabulary.code("qualification_type", "无教师资格")
    has_qualification = columns["qualification_type"].to_numpy() != none_qualification
    columns["qualification_number"] = pd.Series(
        _qualification_numbers(rng, home, start_month, columns["qualification_type"].to_numpy(), male)
    ).where(has_qualification)
    subject_codes = vocabulary.codes("subject", list(dict.fromkeys(subjects)))
    subject_lookup = dict(zip(dict.fromkeys(subjects), subject_codes, strict=True))
    subject_column = pd.Series(subjects).map(subject_lookup).astype("str")
    columns["qualification_subject"] = subject_column.where(has_qualification)
    is_chinese = subjects == "语文"
    mandarin = np.where(
        is_chinese[:, None],
        np.array([[3, 25, 68, 4, 0]]),
        np.array([[0, 3, 40, 52, 5]]),
    ).astype(float)
    columns["mandarin_level"] = pd.Series(
        vocabulary.draw_per_row(
            rng, "mandarin_level", ["一级甲等", "一级乙等", "二级甲等", "二级乙等", "三级甲等"], mandarin
        )
    )
    staffing = _staffing(rng, vocabulary, stages, age)
    on_establishment = staffing == vocabulary.code("staffing", "在编")
    band = np.searchsorted(TITLE_BANDS, teaching_years, side="right") - 1
    shares = TITLE_SHARES[band].copy()
    # 正高级 goes to veterans only; new contract staff are rarely graded.
    shares[age < 45, 0] = 0
    shares[~on_establishment & (teaching_years < 3), :5] *= 0.2
    title_index = sample_rows(rng, shares)
    columns["title"] = pd.Series(vocabulary.codes("title", TITLES)[title_index])
    graded = title_index < 5
    # Titles are conferred at the year-end review, some years into the career.
    low, high = TITLE_AFTER_YEARS[title_index, 0], TITLE_AFTER_YEARS[title_index, 1]
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
    grade_labels = [grade for title in TITLES[:5] for grade in POST_GRADES[title]]
    grade_matrix = np.array(
        [[1.0 if grade in POST_GRADES.get(title, ()) else 0.0 for grade in grade_labels] for title in TITLES]
    )
    grade_matrix[5, 0] = 1.0  # ungraded rows draw something; it is blanked below
    columns["post_grade"] = pd.Series(
        vocabulary.draw_per_row(rng, "post_grade", grade_labels, grade_matrix[title_index])
    ).where(graded)
    staff_category = draw(rng, "staff_category", {"专任教师": 94, "行政人员": 3, "教辅人员": 3}, count)
    columns["staff_category"] = pd.Series(staff_category)
    administrative = staff_category == vocabulary.code("staff_category", "行政人员")
    columns["post_category"] = pd.Series(
        np.where(
            administrative,
            vocabulary.code("post_category", "管理岗位"),
            vocabulary.code("post_category", "专业技术岗位"),
        )
    )
    columns["position"] = pd.Series(np.full(count, np.nan), dtype="str")

    # ── teaching ──
    columns["subject"] = subject_column
    grades = np.empty(count, dtype=object)
    for stage in STAGES:
        rows = stages == stage
        options = np.array(GRADES[stage])
        grades[rows] = options[rng.integers(0, len(options), rows.sum())]
    columns["grades_taught"] = pd.Series(grades).astype("str")
    stage_codes = vocabulary.codes("teaching_stage", [STAGE_LABELS[stage] for stage in sorted_stages])
    columns["teaching_stage"] = pd.Series(stage_codes[stage_index])
    lesson_low = np.array([WEEKLY_LESSONS[stage][0] for stage in sorted_stages])[stage_index]
    lesson_high = np.array([WEEKLY_LESSONS[stage][1] for stage in sorted_stages])[stage_index]
    columns["weekly_lessons"] = pd.Series(rng.integers(lesson_low, lesson_high))
    head = (rng.random(count) < 0.32) & ~administrative
    columns["is_head_teacher"] = pd.Series(head)
    columns["head_teacher_years"] = pd.Series(_head_teacher_years(rng, head, teaching_years))
    backbone_shares = np.where(
        (age >= 32)[:, None], np.array([[0.05, 1, 4, 7, 8, 79.95]]), np.array([[0, 0, 0, 1, 5, 94]])
    )
    columns["backbone_level"] = pd.Series(
        vocabulary.draw_per_row(rng, "backbone_level", BACKBONE, backbone_shares)
    )

    # ── employment ──
    columns["work_start_date"] = pd.Series(year_month_strings(start_month))
    joined_later = rng.random(count) < 0.55
    join_month = np.where(
        joined_later,
        start_month + 12 * (rng.random(count) * (teaching_years + 1)).astype(np.int64),
        start_month,
    )
    join_month = np.minimum(join_month - join_month % 12 + 7, as_of_month)
    join_month = np.maximum(join_month, start_month)
    columns["school_join_date"] = pd.Series(year_month_strings(join_month))
    columns["school_code"] = pd.Series(postings.school_codes)
    columns["staffing"] = pd.Series(staffing)
    special_post = postings.rural & (age < 40) & (rng.random(count) < 0.12)
    columns["is_special_post_teacher"] = pd.Series(special_post)
    columns["staff_number"] = _staff_numbers(postings.school_codes, join_month)
    columns["training_hours"] = pd.Series(rng.integers(4, 21, count) * 6)
    honoured = (rng.random(count) < 0.12) & (teaching_years >= 3)
    few = int(honoured.sum())
    honour_year = as_of.year - (rng.random(few) * np.maximum(teaching_years[honoured], 1)).astype(np.int64)
    district_name = np.array([d.name for d in home.districts])[
        np.searchsorted(np.array([d.code for d in home.districts]), postings.district_codes[honoured])
    ]
    level = np.where(rng.random(few) < 0.3, home.name, district_name)
    honours = pd.Series(np.full(count, np.nan), dtype="str")
    honours[honoured] = _concat(
        level, _pick(rng, HONOURS, few), "（", _number_table(honour_year, suffix="年）")
    )
    columns["honours"] = honours
    columns["bank_name"] = pd.Series(np.array(BANKS)[bank_index := rng.integers(0, len(BANKS), count)])
    columns["bank_account"] = pd.Series(
        np.strings.add(
            np.array(BANK_PREFIXES)[bank_index],
            identity.digits_to_strings(rng.integers(0, 10, (count, 13))),
        )
    )
    columns["housing_fund_account"] = pd.Series(identity.digits_to_strings(rng.integers(0, 10, (count, 12))))
    return columns


def year_month_strings(months: Ints) -> npt.NDArray[np.object_]:
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
    as_of_year = as_of.astype("datetime64[Y]").astype(np.int64) + 1970
    birthday_this_year = (birth_dates - birth_dates.astype("datetime64[Y]")) + np.datetime64(
        str(as_of_year), "D"
    )
    return as_of_year - birth_years - (birthday_this_year > as_of).astype(np.int64)


def _birthplaces(rng: np.random.Generator, home: HomeCity, count: int) -> Strings:
    """Mostly the home city, then the rest of its province, then elsewhere."""
    local = [code for code in COUNTIES if code[:4] == home.code]
    province = [code for code in COUNTIES if code[:2] == home.code[:2] and code[:4] != home.code]
    elsewhere = [code for code in COUNTIES if code[:2] != home.code[:2]]
    codes = np.array(local + province + elsewhere)
    weights = np.concatenate(
        [
            np.full(len(local), 0.58 / len(local)),
            np.full(len(province), 0.27 / len(province)),
            np.full(len(elsewhere), 0.15 / len(elsewhere)),
        ]
    )
    return codes[rng.choice(len(codes), size=count, p=weights / weights.sum())]


def _political(rng: np.random.Generator, vocabulary: Vocabulary, age: Ints) -> Strings:
    party = 0.12 + 0.35 * np.clip((age - 24) / 30, 0, 1)
    league = np.where(age < 28, 0.45, np.where(age < 35, 0.08, 0.0))
    columns = [party, np.full(len(age), 0.01), league]
    columns += [np.full(len(age), share) for share in (0.015, 0.008, 0.003, 0.002, 0.003)]
    probabilities = np.column_stack(columns)
    masses = np.column_stack([probabilities, np.clip(1 - probabilities.sum(axis=1), 0, None)])
    return vocabulary.draw_per_row(rng, "political_status", POLITICAL, masses)


def _party_join(
    rng: np.random.Generator,
    vocabulary: Vocabulary,
    political: Strings,
    birth_dates: npt.NDArray[np.datetime64],
    as_of: np.datetime64,
) -> pd.Series:
    member = political == vocabulary.code("political_status", "中共党员")
    probationary = political == vocabulary.code("political_status", "中共预备党员")
    as_of_month = as_of.astype("datetime64[M]").astype(np.int64)
    birth_month = birth_dates.astype("datetime64[M]").astype(np.int64)
    earliest = birth_month + 12 * 19
    # Full members joined more than a year ago; probationary ones within the year.
    latest = np.maximum(as_of_month - 13, earliest)
    joined = earliest + (rng.random(len(political)) * (latest - earliest + 1)).astype(np.int64)
    joined = np.where(probationary, as_of_month - rng.integers(0, 12, len(political)), joined)
    return pd.Series(year_month_strings(joined)).where(member | probationary)


def _marital(rng: np.random.Generator, vocabulary: Vocabulary, age: Ints) -> Strings:
    single = np.select([age < 25, age < 30, age < 35], [0.85, 0.45, 0.15], default=0.04)
    divorced = np.where(age >= 35, 0.03, 0.0)
    widowed = np.where(age >= 50, 0.01, 0.0)
    married = 1 - single - divorced - widowed
    probabilities = np.column_stack([single, married, divorced, widowed])
    return vocabulary.draw_per_row(rng, "marital_status", ["未婚", "已婚", "离婚", "丧偶"], probabilities)


def _education(
    rng: np.random.Generator, stages: Strings, stage_index: Ints, sorted_stages: list[str], age: Ints
) -> tuple[Ints, Ints]:
    """Highest and first education, as indices into EDUCATION."""
    young = np.array([EDUCATION_YOUNG[stage] for stage in sorted_stages], dtype=float)[stage_index]
    old = np.array([EDUCATION_OLD[stage] for stage in sorted_stages], dtype=float)[stage_index]
    weight = np.clip((age - 30) / 20, 0, 1)[:, None]
    education = sample_rows(rng, young * (1 - weight) + old * weight)
    # Nobody holds a degree younger than one can earn it.
    while (too_young := age < GRADUATION_AGE[education]).any():
        education[too_young] += 1
    first = education.copy()
    # Many teachers upgraded while working: a master's on top of a bachelor's, a bachelor's
    # by correspondence on top of a college diploma.
    postgraduate = education <= 1
    first[postgraduate & (rng.random(len(age)) < 0.3)] = 2
    upgrade = (education == 2) & (age > 38) & (rng.random(len(age)) < 0.5)
    first[upgrade] = 3
    first[(education == 3) & (age > 45) & (rng.random(len(age)) < 0.35)] = 4
    first[(first == 4) & ~np.isin(stages, ["preschool", "primary"])] = 3
    return education, first


def _degrees(rng: np.random.Generator, vocabulary: Vocabulary, education: Ints) -> Strings:
    codes = vocabulary.codes("degree", DEGREE_OF_EDUCATION)[education]
    # One bachelor's graduate in ten (mostly by correspondence) has no degree.
    no_degree = (education == 2) & (rng.random(len(education)) < 0.1)
    return np.where(no_degree, vocabulary.code("degree", "无学位"), codes)


def _graduation_schools(rng: np.random.Generator, home: HomeCity, education: Ints) -> Strings:
    province = home.code[:2]
    local = rng.random(len(education)) < 0.75
    result = np.empty(len(education), dtype=object)
    for table, rows in (
        (UNIVERSITIES, education <= 2),
        (COLLEGES, education == 3),
        (NORMAL_SCHOOLS, education == 4),
    ):
        for is_local, key in ((True, province), (False, "")):
            chosen = rows & (local == is_local)
            options = np.array(table.get(key, table[""]))
            result[chosen] = options[rng.integers(0, len(options), chosen.sum())]
    return result.astype(str)


def _staffing(rng: np.random.Generator, vocabulary: Vocabulary, stages: Strings, age: Ints) -> Strings:
    on_establishment = np.where(stages == "preschool", 0.55, 0.88) - np.where(age < 28, 0.15, 0.0)
    rest = 1 - on_establishment
    probabilities = np.column_stack([on_establishment, rest * 0.6, rest * 0.2, rest * 0.1, rest * 0.1])
    return vocabulary.draw_per_row(
        rng, "staffing", ["在编", "编外聘用", "人事代理", "劳务派遣", "临时代课"], probabilities
    )


def _head_teacher_years(rng: np.random.Generator, head: Bools, teaching_years: Ints) -> Ints:
    ceiling = np.maximum(teaching_years, 1)
    current = 1 + (rng.random(len(head)) * ceiling * 0.8).astype(np.int64)
    former = np.where(
        (teaching_years >= 3) & (rng.random(len(head)) < 0.5),
        (rng.random(len(head)) * np.minimum(ceiling, 12)).astype(np.int64),
        0,
    )
    return np.where(head, current, former)


def _emails(rng: np.random.Generator, mobiles: Strings) -> npt.NDArray[np.object_]:
    count = len(mobiles)
    qq_length = rng.integers(6, 11, count)
    qq = rng.integers(10 ** (qq_length - 1), 10**qq_length).astype(StringDType())
    kind = rng.random(count)
    local_part = np.where(kind < 0.55, qq, mobiles.astype(StringDType()))
    domain = np.select([kind < 0.55, kind < 0.8], ["@qq.com", "@163.com"], default="@139.com")
    return _concat(local_part, domain)


def _home_addresses(
    rng: np.random.Generator, home: HomeCity, district_codes: Strings
) -> npt.NDArray[np.object_]:
    count = len(district_codes)
    # Teachers mostly live in the district they teach in, in one of its towns.
    moved = rng.random(count) < 0.2
    district_index = np.searchsorted(np.array([d.code for d in home.districts]), district_codes)
    district_index = np.where(moved, rng.integers(0, len(home.districts), count), district_index)
    areas = [f"{home.province}{home.name}{d.name}{town}" for d in home.districts for town in d.towns]
    first_area = np.cumsum([0] + [len(d.towns) for d in home.districts])
    town_count = np.diff(first_area)[district_index]
    area_index = first_area[district_index] + (rng.random(count) * town_count).astype(np.int64)
    roads = [stem + suffix for stem in ROAD_STEMS + home.road_stems for suffix in ROAD_SUFFIXES]
    return _concat(
        np.array(areas, dtype=StringDType())[area_index],
        _pick(rng, roads, count),
        _number_table(rng.integers(1, 400, count), suffix="号"),
        _number_table(rng.integers(1, 30, count), suffix="幢"),
        _number_table(rng.integers(1, 5, count), suffix="单元"),
        _number_table(rng.integers(1, 27, count) * 100 + rng.integers(1, 5, count), suffix="室"),
    )


def _pick(rng: np.random.Generator, options: Sequence[str], count: int) -> npt.NDArray[np.generic]:
    return np.array(options, dtype=StringDType())[rng.integers(0, len(options), count)]


def _number_table(values: Ints, *, suffix: str = "") -> npt.NDArray[np.generic]:
    """Small non-negative integers as text with a suffix, through a table rather than per value."""
    values = np.asarray(values, dtype=np.int64)
    table = np.array([f"{i}{suffix}" for i in range(int(values.max(initial=0)) + 1)], dtype=StringDType())
    return table[values]


def _concat(*parts: npt.NDArray[np.generic] | str) -> npt.NDArray[np.object_]:
    """Element-wise concatenation of string arrays and constants."""
    variable = StringDType()
    pieces = [part if isinstance(part, str) else np.asarray(part).astype(variable) for part in parts]
    result = np.strings.add(pieces[0], pieces[1])
    for piece in pieces[2:]:
        result = np.strings.add(result, piece)
    return np.asarray(result).astype(object)


def _qualification_numbers(
    rng: np.random.Generator, home: HomeCity, start_month: Ints, qualification: Strings, male: Bools
) -> Strings:
    """17-digit certificate numbers: year, province and city, kind, sex and serial."""
    year = np.maximum(start_month // 12 + 1970 - rng.integers(0, 2, len(male)), 1996)
    kind = np.asarray(qualification).astype(np.int64)
    serial = rng.integers(0, 100000, len(male))
    number = (
        ((year * 10000 + int(home.code)) * 100 + rng.integers(1, 20, len(male))) * 10 + kind
    ) * 10 + np.where(male, 1, 2)
    number = number * 100000 + serial
    return identity.digits_to_strings(identity.number_digits(number, 17))


def _staff_numbers(school_codes: Strings, join_month: Ints) -> npt.NDArray[np.object_]:
    """Staff numbers unique within a school: year joined and a running number."""
    school_index = pd.factorize(pd.Series(school_codes))[0].astype(np.int64)
    year = join_month // 12 + 1970
    key = school_index * 10000 + year
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    run_start = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    start_positions = np.maximum.accumulate(np.where(run_start, np.arange(len(key)), 0))
    running = np.empty(len(key), dtype=np.int64)
    running[order] = np.arange(len(key)) - start_positions + 1
    return identity.digits_to_strings(identity.number_digits(year * 1000 + running % 1000, 7)).astype(object)
