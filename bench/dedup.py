"""Check a 40-field form against a standard of >= 1,000 elements and >= 10,000 past request fields.

Usage: python bench/dedup.py [--elements 1200] [--past 10000] [--forms 300] [--seed 7]

The standard is the bundled one plus generated elements built the way forms name data (a topic and an
attribute: 心理健康培训学时, 课题结题日期 …), each with a synonym or two. Past request fields are
labels departments sent before, approved as synonyms of their elements (how the hub learns). Every
form is freshly generated (numbering, brackets, units, traditional characters, English, other people's
data, new fields), so the figures are for labels the matcher has not seen; the build is timed apart.
Prints p50/p95/max latency per 40-field form, measured in this run: wall clock, and the CPU time of the
matching thread (on a shared machine the CPU figure is what the code costs, the wall figure what this
run waited).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# Run as `python bench/dedup.py`, this file's folder leads sys.path and its name would shadow the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from opencc import OpenCC  # noqa: E402

import schemas  # noqa: E402
from dedup import Matcher  # noqa: E402
from schemas import Element, Standard  # noqa: E402

_TOPICS = (
    "培训",
    "继续教育",
    "课题",
    "论文",
    "获奖",
    "体检",
    "疫苗接种",
    "党建活动",
    "工会活动",
    "科研项目",
    "社团指导",
    "学科竞赛",
    "支教",
    "交流轮岗",
    "职称评审",
    "岗位聘用",
    "绩效考核",
    "师德考核",
    "家访",
    "值班",
    "安全培训",
    "消防演练",
    "食品安全",
    "图书借阅",
    "实验教学",
    "信息化教学",
    "心理健康",
    "体育锻炼",
    "艺术展演",
    "劳动教育",
    "研学实践",
    "课后服务",
    "教研活动",
    "公开课",
    "听课",
    "评课",
    "教案检查",
    "作业批改",
    "家长会",
    "班会",
    "志愿服务",
    "扶贫帮扶",
    "普法学习",
    "保密教育",
    "廉政教育",
    "网络安全",
    "资助工作",
    "招生宣传",
    "宿舍管理",
    "校车管理",
    "膳食管理",
    "卫生检查",
    "防溺水教育",
    "禁毒教育",
    "国防教育",
    "读书活动",
    "外语培训",
    "骨干研修",
    "名师工作室",
    "青蓝工程",
)
_ATTRIBUTES = (
    ("名称", "string", None),
    ("编号", "string", None),
    ("日期", "date", None),
    ("学时", "integer", "学时"),
    ("次数", "integer", None),
    ("等级", "string", None),
    ("类型", "string", None),
    ("结果", "string", None),
    ("经费", "decimal", "元"),
    ("人数", "integer", "人"),
    ("地点", "string", None),
    ("主办单位", "string", None),
    ("负责人", "string", None),
    ("得分", "decimal", None),
    ("证书编号", "string", None),
    ("开始时间", "date", None),
    ("结束时间", "date", None),
    ("时长", "decimal", "小时"),
    ("面积", "decimal", "m2"),
    ("备注说明", "string", None),
)
_VARIANTS = {"编号": "号码", "类型": "种类", "日期": "时间", "等级": "级别", "人数": "总人数", "得分": "分数"}
_PEOPLE = ("配偶", "父亲", "母亲", "子女", "紧急联系人", "家庭成员")
_NUMBERING = ("", "", "", "1.", "（一）", "3、", "*", "※")
_NOTES = ("", "", "", "（必填）", "（如有）", "（{year}年）", "（本年度）", "（单位：{unit}）")
_NEW_WORDS = (
    "无人机",
    "研学基地",
    "智慧黑板",
    "校园农场",
    "非遗传承",
    "劳动基地",
    "书法",
    "围棋",
    "航模",
    "编程",
)


def build_standard(rng: random.Random, target: int) -> Standard:
    base = schemas.load_standard()
    elements: list[Element] = []
    for entity in ("teacher", "school"):
        for index, (topic, (attribute, value_type, unit)) in enumerate(
            (t, a) for t in _TOPICS for a in _ATTRIBUTES
        ):
            if len(base.elements) + len(elements) >= target:
                break
            if rng.random() < 0.45:
                continue
            label = f"{topic}{attribute}"
            synonyms = [f"{topic}{_VARIANTS[attribute]}"] if attribute in _VARIANTS else []
            elements.append(
                Element(
                    code=f"{entity}.x_{index}",
                    entity=entity,
                    name=f"x_{index}",
                    label_zh=label,
                    label_en=f"Generated {entity} {index}",
                    synonyms=tuple(synonyms),
                    value_type=value_type,
                    unit=unit,
                )
            )
    return base.with_elements(elements)


def past_fields(rng: random.Random, standard: Standard, count: int) -> dict[str, list[str]]:
    """Labels of earlier requests, approved as their elements: each is an element's label in a department's words."""
    approved: dict[str, list[str]] = {}
    elements = list(standard.elements)
    departments = ("人社", "卫健", "组织", "统计", "财政", "司法", "团委", "妇联", "工会", "科协")
    seen: set[str] = set()
    while len(seen) < count:
        element = rng.choice(elements)
        label = f"{element.label_zh}（{rng.choice(departments)}口径{rng.randint(1, 60)}）"
        if label not in seen:
            seen.add(label)
            approved.setdefault(element.code, []).append(label)
    return approved


def form(rng: random.Random, standard: Standard, to_traditional: OpenCC) -> tuple[str, list[str]]:
    """A fresh 40-field form: mostly data the standard holds, written loosely, plus traps and new data."""
    entity = rng.choice(("teacher", "school"))
    elements = list(standard.elements_for(entity))
    labels: list[str] = []
    for _ in range(40):
        roll = rng.random()
        element = rng.choice(elements)
        term = rng.choice(element.terms)
        if roll < 0.12 and entity == "teacher":
            term = rng.choice(_PEOPLE) + element.label_zh
        elif roll < 0.2:
            term = f"{rng.choice(_NEW_WORDS)}{rng.choice(_ATTRIBUTES)[0]}"
        elif roll < 0.28:
            term = str(to_traditional.convert(term))
        note = rng.choice(_NOTES).format(year=rng.randint(2015, 2026), unit=element.unit or "人")
        labels.append(f"{rng.choice(_NUMBERING)}{term}{note}")
    return entity, labels


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, default=1200)
    parser.add_argument("--past", type=int, default=10_000)
    parser.add_argument("--forms", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    to_traditional = OpenCC("s2t")

    started = time.perf_counter()
    standard = build_standard(rng, args.elements)
    approved = past_fields(rng, standard, args.past)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    matcher = Matcher(standard, extra_synonyms=approved)
    built = time.perf_counter() - started
    forms = [form(rng, standard, to_traditional) for _ in range(args.forms)]

    # One form first, so that the process-wide jieba dictionary is loaded before timing.
    matcher.match_many(forms[0][1][:1], forms[0][0])
    latencies: list[float] = []
    cpu: list[float] = []
    matched = 0
    for entity, labels in forms:
        started, cpu_started = time.perf_counter(), time.thread_time()
        report = matcher.match_many(labels, entity)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - cpu_started) * 1000)
        matched += sum(1 for m in report.matches if m.element is not None)
    fields = sum(len(labels) for _, labels in forms)
    started = time.perf_counter()
    learned = matcher
    for number in range(20):
        learned = learned.with_synonyms({standard.elements[number].code: [f"新批准的名称{number}"]})
    learning = (time.perf_counter() - started) / 20 * 1000
    print(
        f"standard: {len(standard.elements)} elements, {sum(len(v) for v in approved.values())} past request fields"
        f" as approved synonyms (generated in {generated:.1f} s); matcher built in {built:.2f} s"
    )
    print(
        f"{len(forms)} fresh forms x 40 fields: wall per form p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms; "
        f"CPU per form p50 {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms; "
        f"{matched}/{fields} fields matched an element"
    )
    print(f"learning one approved label (with_synonyms): {learning:.1f} ms")


if __name__ == "__main__":
    main()
