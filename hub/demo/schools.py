"""Schools of a synthetic city: names, codes, places and sizes that read like a real 学校基本信息表."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from faker import Faker
from pypinyin import Style, lazy_pinyin

from hub.demo.identity import number_digits
from hub.demo.places import District, HomeCity
from schemas import validators


@dataclass(frozen=True, kw_only=True)
class Kind:
    """A kind of school and the figures that make one of its schools plausible."""

    key: str
    # Label in the school type code list.
    type_label: str
    # Relative share of the city's schools.
    share: float
    # Stages its teachers teach, with their shares.
    stages: dict[str, float]
    # Teachers of a typical school, before scaling to the city's total.
    teachers: float
    students_per_teacher: float
    class_size: float
    years: int
    founded: tuple[int, int]
    books_per_student: tuple[int, int]
    # Square metres of land and of buildings per student (low, high).
    land_per_student: tuple[float, float]
    floor_per_student: tuple[float, float]
    private_share: float = 0.0
    # Share of boarding schools, in town and (for some kinds) in the countryside.
    boarding_share: float = 0.0
    rural_boarding_share: float = 0.0
    compulsory: bool = False


KINDS: tuple[Kind, ...] = (
    Kind(
        key="primary",
        type_label="小学",
        share=38,
        stages={"primary": 1},
        teachers=40,
        students_per_teacher=16.5,
        class_size=42,
        years=6,
        founded=(1905, 2022),
        books_per_student=(25, 40),
        land_per_student=(18, 30),
        floor_per_student=(7, 11),
        private_share=0.06,
        compulsory=True,
    ),
    Kind(
        key="kindergarten",
        type_label="幼儿园",
        share=20,
        stages={"preschool": 1},
        teachers=14,
        students_per_teacher=13,
        class_size=28,
        years=3,
        founded=(1980, 2023),
        books_per_student=(8, 15),
        land_per_student=(12, 20),
        floor_per_student=(6, 10),
        private_share=0.35,
    ),
    Kind(
        key="junior",
        type_label="初级中学",
        share=14,
        stages={"junior": 1},
        teachers=50,
        students_per_teacher=12.5,
        class_size=44,
        years=3,
        founded=(1950, 2020),
        books_per_student=(35, 50),
        land_per_student=(22, 35),
        floor_per_student=(8, 13),
        private_share=0.08,
        rural_boarding_share=0.6,
        compulsory=True,
    ),
    Kind(
        key="nine_year",
        type_label="九年一贯制学校",
        share=9,
        stages={"primary": 0.6, "junior": 0.4},
        teachers=60,
        students_per_teacher=14,
        class_size=42,
        years=9,
        founded=(1995, 2022),
        books_per_student=(30, 45),
        land_per_student=(22, 35),
        floor_per_student=(8, 13),
        private_share=0.12,
        rural_boarding_share=0.5,
        compulsory=True,
    ),
    Kind(
        key="senior",
        type_label="高级中学",
        share=6,
        stages={"senior": 1},
        teachers=110,
        students_per_teacher=12,
        class_size=46,
        years=3,
        founded=(1920, 2015),
        books_per_student=(40, 60),
        land_per_student=(25, 45),
        floor_per_student=(10, 16),
        private_share=0.1,
        boarding_share=0.7,
        rural_boarding_share=0.7,
    ),
    Kind(
        key="complete",
        type_label="完全中学",
        share=5,
        stages={"junior": 0.45, "senior": 0.55},
        teachers=100,
        students_per_teacher=12.5,
        class_size=45,
        years=6,
        founded=(1902, 1990),
        books_per_student=(40, 60),
        land_per_student=(25, 45),
        floor_per_student=(10, 16),
        private_share=0.05,
        boarding_share=0.6,
        rural_boarding_share=0.6,
    ),
    Kind(
        key="vocational",
        type_label="职业高中学校",
        share=5,
        stages={"vocational": 1},
        teachers=80,
        students_per_teacher=16,
        class_size=40,
        years=3,
        founded=(1960, 2010),
        books_per_student=(30, 50),
        land_per_student=(35, 60),
        floor_per_student=(12, 20),
        private_share=0.15,
        boarding_share=0.8,
        rural_boarding_share=0.8,
    ),
    Kind(
        key="special",
        type_label="其他特殊教育学校",
        share=1,
        stages={"special": 1},
        teachers=20,
        students_per_teacher=4,
        class_size=10,
        years=9,
        founded=(1985, 2010),
        books_per_student=(20, 30),
        land_per_student=(60, 120),
        floor_per_student=(25, 50),
        boarding_share=0.5,
        rural_boarding_share=0.5,
    ),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}

PLACE_WORDS = (
    "育才",
    "东方",
    "新城",
    "城南",
    "城北",
    "江南",
    "崇文",
    "文澜",
    "求是",
    "行知",
    "启正",
    "春晖",
    "明珠",
    "树人",
    "锦绣",
    "景和",
    "紫金",
    "星洲",
    "青蓝",
    "大成",
    "博雅",
    "钱塘",
    "明德",
    "致远",
    "天成",
    "嘉禾",
    "翰林",
    "新苑",
    "秀水",
    "长岭",
)
VILLAGE_FIRST = tuple("石桥山塘溪杨李王陈高新安凤龙金白青柳梅竹下上里")
VILLAGE_SECOND = tuple("坞岭湾口头坪源塘桥庄岗畈")
TRADES = ("电子信息", "交通", "旅游", "财经", "机电", "建筑", "商贸", "艺术")
NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1-999 in Chinese numerals: 3 -> 三, 14 -> 十四, 20 -> 二十, 105 -> 一百零五."""
    if not 1 <= n <= 999:
        raise ValueError(f"{n} is outside 1-999")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    if hundreds:
        tail = (
            ""
            if rest == 0
            else (
                "零" + NUMERALS[ones]
                if tens == 0
                else NUMERALS[tens] + "十" + (NUMERALS[ones] if ones else "")
            )
        )
        return NUMERALS[hundreds] + "百" + tail
    if tens == 0:
        return NUMERALS[ones]
    return (NUMERALS[tens] if tens > 1 else "") + "十" + (NUMERALS[ones] if ones else "")


@dataclass(frozen=True, kw_only=True)
class SchoolSite:
    """A school before its figures: who it is and where it stands."""

    kind: Kind
    district: District
    town: str
    urban_rural: str  # label in the urban_rural code list
    name: str


def town_kind(town: str) -> str:
    return "街道" if town.endswith("街道") else "乡" if town.endswith("乡") else "镇"


def town_stem(town: str) -> str:
    return town.removesuffix("街道")


class SiteNamer:
    """Invents school names the way Chinese cities name schools, never the same name twice."""

    def __init__(self, rng: np.random.Generator, home: HomeCity) -> None:
        self.rng = rng
        self.home = home
        self.taken: set[str] = set()
        self.numbers: dict[str, int] = {}

    def district_label(self, district: District) -> str:
        # "城区第三实验小学" would not say which city's 城区 it is.
        return self.home.name + district.name if district.name == "城区" else district.name

    def numbered(self, template: str) -> str:
        """Fill the ordinal of a numbered name ("西湖区第{n}实验小学"), counting per template."""
        number = self.numbers.get(template, 0) + 1
        self.numbers[template] = number
        return template.replace("{n}", chinese_number(number))

    def pick(self, options: tuple[str, ...]) -> str:
        return options[int(self.rng.integers(0, len(options)))]

    def place(self, district: District) -> str:
        stems = tuple(town_stem(t) for t in district.towns if town_kind(t) == "街道")
        return self.pick(stems + PLACE_WORDS if stems and self.rng.random() < 0.5 else PLACE_WORDS)

    def village(self) -> str:
        first = self.pick(VILLAGE_FIRST)
        return first + self.pick(tuple(ch for ch in VILLAGE_SECOND if ch != first))

    def candidates(self, kind: Kind, district: District, town: str, urban_rural: str) -> list[str]:
        """Name patterns for this kind of school, most typical first; "{n}" stands for an ordinal."""
        city = self.home.name
        area = self.district_label(district)
        stem = town_stem(town)
        village_school = urban_rural == "村庄"
        place = self.place(district)
        if kind.key == "primary":
            if village_school:
                return [f"{town}{self.village()}小学"]
            if town_kind(town) != "街道":
                return [f"{town}中心小学", f"{town}{self.village()}小学", f"{area}{stem}小学"]
            return [
                f"{area}第{{n}}实验小学",
                f"{city}{stem}小学",
                f"{area}{place}小学",
                f"{city}{place}第二小学",
            ][int(self.rng.integers(0, 4)) :]
        if kind.key == "kindergarten":
            if village_school:
                return [f"{town}{self.village()}幼儿园"]
            if town_kind(town) != "街道":
                return [f"{town}中心幼儿园", f"{town}{self.village()}幼儿园"]
            return [
                f"{area}第{{n}}幼儿园",
                f"{area}{place}幼儿园",
                f"{city}{stem}幼儿园",
                f"{area}{place}实验幼儿园",
            ][int(self.rng.integers(0, 4)) :]
        if kind.key == "junior":
            if town_kind(town) != "街道":
                return [f"{town}初级中学", f"{area}{stem}中学", f"{town}第二初级中学"]
            return [f"{city}{place}中学", f"{area}{stem}初级中学", f"{city}{place}初级中学"]
        if kind.key == "nine_year":
            if town_kind(town) != "街道":
                return [f"{town}中心学校", f"{area}{stem}学校", f"{town}{self.village()}学校"]
            return [f"{area}{place}实验学校", f"{city}{place}外国语学校", f"{area}{stem}学校"]
        if kind.key == "senior":
            return [
                f"{city}第{{n}}高级中学",
                f"{area}高级中学",
                f"{area}{place}高级中学",
            ][int(self.rng.integers(0, 2)) :]
        if kind.key == "complete":
            return [f"{city}第{{n}}中学", f"{area}{stem}中学"]
        if kind.key == "vocational":
            return [
                f"{area}职业高级中学",
                f"{city}{self.pick(TRADES)}职业学校",
                f"{area}中等职业学校",
                f"{city}{self.pick(TRADES)}职业高级中学",
            ]
        return [f"{area}特殊教育学校", f"{area}培智学校", f"{city}{place}特殊教育学校"]

    def name(self, kind: Kind, district: District, town: str, urban_rural: str) -> str:
        for _ in range(20):
            for candidate in self.candidates(kind, district, town, urban_rural):
                if "{n}" in candidate and self.numbers.get(candidate, 0) < 999:
                    candidate = self.numbered(candidate)
                if "{n}" not in candidate and candidate not in self.taken:
                    self.taken.add(candidate)
                    return candidate
        # A crowded district: number the campuses of a name, as real cities do.
        base = next(c for c in self.candidates(kind, district, town, urban_rural) if "{n}" not in c)
        for number in range(2, 1000):
            candidate = f"{base}（第{chinese_number(number)}校区）"
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise RuntimeError(f"cannot name another school like {base}")


def allocate(total: int, weights: npt.NDArray[np.float64], minimum: int = 0) -> npt.NDArray[np.int64]:
    """Split `total` into integers proportional to `weights` (largest remainder), each >= minimum."""
    count = len(weights)
    if total < minimum * count:
        raise ValueError(f"cannot give {count} parts at least {minimum} each out of {total}")
    spare = total - minimum * count
    shares = weights / weights.sum() * spare
    parts = np.floor(shares).astype(np.int64)
    remainder = spare - parts.sum()
    parts[np.argsort(-(shares - parts), kind="stable")[:remainder]] += 1
    return parts + minimum


def lay_out_sites(rng: np.random.Generator, home: HomeCity, count: int, focus: str) -> list[SchoolSite]:
    """Choose each school's kind, district, town and 城乡分类, and name it."""
    kind_counts = allocate(count, np.array([kind.share for kind in KINDS]))
    kinds = [kind for kind, n in zip(KINDS, kind_counts, strict=True) for _ in range(n)]
    order = rng.permutation(len(kinds))
    district_weights = np.array([d.weight * (1.6 if d.code == focus else 1.0) for d in home.districts])
    namer = SiteNamer(rng, home)
    sites: list[SchoolSite] = []
    special_districts: set[str] = set()
    for index in order:
        kind = kinds[index]
        district = home.districts[
            int(rng.choice(len(home.districts), p=district_weights / district_weights.sum()))
        ]
        if kind.key == "special":
            # One special school per district at most, as in practice.
            free = [d for d in home.districts if d.code not in special_districts]
            district = (
                free[int(rng.integers(0, len(free)))]
                if district.code in special_districts and free
                else district
            )
            special_districts.add(district.code)
        streets = [t for t in district.towns if town_kind(t) == "街道"]
        towns = list(district.towns)
        # Senior, complete and vocational schools stand in the district seat.
        if kind.key in ("senior", "complete", "vocational", "special") and streets:
            towns = streets
        elif streets and district.urban:
            towns = streets + [t for t in towns if t not in streets][:1]
        town = towns[int(rng.integers(0, len(towns)))]
        urban_rural = classify(rng, district, town, kind)
        sites.append(
            SchoolSite(
                kind=kind,
                district=district,
                town=town,
                urban_rural=urban_rural,
                name=namer.name(kind, district, town, urban_rural),
            )
        )
    return sites


def classify(rng: np.random.Generator, district: District, town: str, kind: Kind) -> str:
    """The 城乡分类 label of a school's site."""
    small = kind.key in ("primary", "kindergarten")
    roll = rng.random()
    match town_kind(town):
        case "街道":
            return "主城区" if roll < (0.85 if district.urban else 0.6) else "城乡结合区"
        case "镇":
            if small and roll < 0.3:
                return "村庄"
            return "镇中心区" if roll < 0.8 else "镇乡结合区"
        case _:
            return "村庄" if small and roll < 0.45 else "乡中心区"


def school_codes(type_codes: list[str], home: HomeCity) -> list[str]:
    """学校标识码: school category (two digits of the type code), province, city, serial, check."""
    serials: dict[str, int] = {}
    codes = []
    for type_code in type_codes:
        prefix = f"{type_code[:2]}{home.code}"
        serials[prefix] = serials.get(prefix, 0) + 1
        first9 = f"{prefix}{serials[prefix]:03d}"
        codes.append(first9 + validators.school_code_check_digit(first9))
    return codes


def uscc(rng: np.random.Generator, division_code: str, *, public: bool) -> str:
    """统一社会信用代码 of a school registered in a division: a public institution (12) or a
    private non-enterprise unit (52), with a valid embedded organisation code (GB 11714)."""
    prefix = "12" if public else "52"
    body = "".join(str(d) for d in number_digits(np.array([rng.integers(10**7, 10**8)]), 8)[0])
    organisation = body + organisation_check_char(body)
    first17 = f"{prefix}{division_code}{organisation}"
    return first17 + validators.uscc_check_char(first17)


def organisation_check_char(body: str) -> str:
    """GB 11714 check character of an 8-digit organisation code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    remainder = 11 - sum(int(ch) * w for ch, w in zip(body, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def initials(name: str) -> str:
    """Pinyin initials of a school name, as schools spell their email and web addresses."""
    letters = (syllable[0].lower() for syllable in lazy_pinyin(name, style=Style.NORMAL) if syllable)
    return "".join(letter for letter in letters if letter.isascii() and letter.isalnum())


def faker_for(seed: int) -> Faker:
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    return fake
