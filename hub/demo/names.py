"""Chinese personal names from fixed tables, drawn a million at a time.

Surnames carry their approximate share of the population (per cent), so 王, 李 and 张
dominate as they do in a real staff list; given names are one or two characters.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SURNAMES: dict[str, float] = {
    "王": 7.1,
    "李": 7.0,
    "张": 6.7,
    "刘": 5.4,
    "陈": 4.5,
    "杨": 3.1,
    "黄": 2.2,
    "赵": 2.1,
    "吴": 2.0,
    "周": 1.9,
    "徐": 1.5,
    "孙": 1.5,
    "马": 1.2,
    "朱": 1.2,
    "胡": 1.1,
    "郭": 1.1,
    "何": 1.0,
    "高": 1.0,
    "林": 1.0,
    "罗": 0.9,
    "郑": 0.9,
    "梁": 0.8,
    "谢": 0.7,
    "宋": 0.7,
    "唐": 0.6,
    "许": 0.6,
    "韩": 0.6,
    "冯": 0.6,
    "邓": 0.6,
    "曹": 0.6,
    "彭": 0.5,
    "曾": 0.5,
    "肖": 0.5,
    "田": 0.5,
    "董": 0.5,
    "袁": 0.5,
    "潘": 0.5,
    "于": 0.5,
    "蒋": 0.5,
    "蔡": 0.5,
    "余": 0.5,
    "杜": 0.5,
    "叶": 0.5,
    "程": 0.5,
    "苏": 0.4,
    "魏": 0.4,
    "吕": 0.4,
    "丁": 0.4,
    "任": 0.4,
    "沈": 0.4,
    "姚": 0.4,
    "卢": 0.4,
    "姜": 0.4,
    "崔": 0.4,
    "钟": 0.4,
    "谭": 0.3,
    "陆": 0.3,
    "汪": 0.3,
    "范": 0.3,
    "金": 0.3,
    "石": 0.3,
    "廖": 0.3,
    "贾": 0.3,
    "夏": 0.3,
    "韦": 0.3,
    "付": 0.3,
    "方": 0.3,
    "白": 0.3,
    "邹": 0.3,
    "孟": 0.3,
    "熊": 0.3,
    "秦": 0.3,
    "邱": 0.3,
    "江": 0.3,
    "尹": 0.3,
    "薛": 0.2,
    "闫": 0.2,
    "段": 0.2,
    "雷": 0.2,
    "侯": 0.2,
    "龙": 0.2,
    "史": 0.2,
    "陶": 0.2,
    "黎": 0.2,
    "贺": 0.2,
    "顾": 0.2,
    "毛": 0.2,
    "郝": 0.2,
    "龚": 0.2,
    "邵": 0.2,
    "万": 0.2,
    "钱": 0.2,
    "严": 0.2,
    "覃": 0.2,
    "武": 0.2,
    "戴": 0.2,
    "莫": 0.2,
    "孔": 0.2,
    "向": 0.2,
    "欧阳": 0.05,
    "上官": 0.01,
    "司马": 0.01,
    "诸葛": 0.01,
}

MALE_CHARACTERS = tuple(
    dict.fromkeys(
        "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳亮成建峰晨瑞东博彬坤岩文"
        "国志海兴良毅俊杰振鸿昊天宏斌嘉正晓立子轩浩然睿哲铭远航翔逸"
    )
)
FEMALE_CHARACTERS = tuple(
    dict.fromkeys(
        "芳娜敏静丽艳娟霞燕玲丹萍红英梅莉婷晶颖雪慧倩琴云洁琳莹璐瑶欣怡佳蕾薇雯露青"
        "秀兰桂玉凤淑春冬海丽月嘉梦雨思涵悦彤诗可馨"
    )
)


def _given_names(characters: tuple[str, ...]) -> npt.NDArray[np.object_]:
    """Every one- and two-character given name from a character table."""
    return np.array([*characters, *(a + b for a in characters for b in characters)], dtype=object)


_SURNAME_TABLE = np.array(list(SURNAMES), dtype=object)
_SURNAME_SHARE = np.array(list(SURNAMES.values())) / sum(SURNAMES.values())
# Per sex: the given names, of which the first `len(characters)` have one character.
_GIVEN = {
    True: (_given_names(MALE_CHARACTERS), len(MALE_CHARACTERS)),
    False: (_given_names(FEMALE_CHARACTERS), len(FEMALE_CHARACTERS)),
}


def draw_names(rng: np.random.Generator, *, male: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
    """One name per person, the given name made of characters usual for their sex.

    About one person in four has a one-character given name, as in the population.
    """
    count = len(male)
    family = _SURNAME_TABLE[rng.choice(len(_SURNAME_TABLE), size=count, p=_SURNAME_SHARE)]
    given = np.empty(count, dtype=object)
    for is_male, (table, singles) in _GIVEN.items():
        rows = np.flatnonzero(male == is_male)
        single = rng.random(len(rows)) < 0.25
        index = np.where(
            single, rng.integers(0, singles, len(rows)), rng.integers(singles, len(table), len(rows))
        )
        given[rows] = table[index]
    return family + given
