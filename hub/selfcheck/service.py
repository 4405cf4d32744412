"""The term's 自查表 (高平方案 附件2) of one school, answered from the hub's own records where it can be.

The hub knows the data collections that went through it: every request that concerned the school,
whether it reached the school as a task, with which approval (批准文号), deadline and fields, and the
complaints the school filed. Items about that are answered with the evidence (counts, request and
task ids); items the hub cannot see (meetings, working hours, secondments…) say 需学校自查. Items it
sees in part (a request about online voting went through the hub, a survey at the school gate did
not) give what it knows and leave the verdict to the school unless its records already show a breach.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, false, or_
from sqlalchemy.orm import Session

from hub.access.scope import bound_division, rollup_division, rollup_row, sees_division
from hub.burden import service as burden
from hub.burden.auth import SEE_CITY as SEE_ROLLUP
from hub.complaints.models import Complaint
from hub.complaints.reasons import reason as reason_of
from hub.complaints.repository import ComplaintRepository
from hub.config import Settings
from hub.identity.divisions import known, not_found
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import local_date, local_today
from hub.kit.terms import Term
from hub.kit.workdays import working_days_between
from hub.register.models import Inspection, Secondment, SocialDemand, WhitelistItem
from hub.register.repository import ListRepository, SecondmentRepository, WhitelistRepository
from hub.register.service import days_over
from hub.requests.models import DataRequest
from hub.selfcheck.errors import (
    SelfCheckAnswerMissing,
    SelfCheckContradictsRecords,
    SelfCheckItemUnknown,
    SelfCheckNotAtTermEnd,
    SelfCheckNotOwnSchool,
    SelfCheckSubmitted,
)
from hub.selfcheck.items import ITEMS, Item
from hub.selfcheck.models import SelfCheckSubmission
from hub.selfcheck.repository import RollupGroup, RollupRepository, SelfCheckRepository
from hub.tasks.models import Task
from schemas import divisions

SCHOOL_TO_CHECK = "需学校自查"
# The complaints a 自查表 cites: the school's own, to the education bureau. A public report naming the school
# is not the school's doing; one sent to 纪检监察 stays out of a table the bureau reads (it may be about it).
SCHOOLS_OWN_TO_THE_BUREAU: dict[str, Any] = {"channel": "school", "queues": ["education"]}
SEED_NOTE = "高平方案附件2：各学校每学期末对照减负清单开展自查"
NO_TASKS = "本学期数据中心未向本校下发填报任务"
# Words that place a request under an item, searched in its title, purpose and field labels.
ITEM_KEYWORDS: dict[int, tuple[str, ...]] = {
    4: ("投票", "点赞", "答题", "知识竞赛", "公众号", "工作群", "app"),
    7: ("家访", "例会记录", "会议记录"),
    9: ("扶贫", "脱贫", "贫困户"),
    11: ("创城", "文明城市", "卫生城市", "创卫", "执勤", "宜居", "旅游"),
    14: ("征文", "论文", "案例征集", "演讲比赛", "征求意见"),
    15: ("验收", "医疗保险", "医保", "农村农民", "农民信息", "农户", "台账", "走访", "贫困户"),
    16: ("招商", "庆典", "换届", "商业", "广告"),
}


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # Latin words match whole (APP, not "approval"); Chinese words anywhere.
    parts = [rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isascii() else re.escape(w) for w in words]
    return re.compile("|".join(parts), re.IGNORECASE)


ITEM_PATTERNS = {number: _pattern(words) for number, words in ITEM_KEYWORDS.items()}
ITEM_TOPICS_ZH = {
    4: "网上投票、点赞、答题、公众号等",
    7: "家访记录、例会记录等",
    9: "扶贫",
    11: "城市创优评选、执勤等",
    14: "征文、论文、演讲比赛、征求意见等",
    15: "验收、医保信息采集、农村农民调查、台账、走访贫困户等",
    16: "招商、庆典、商业活动等",
}


@dataclass(frozen=True, kw_only=True)
class Answer:
    """What the 自查情况 and 备注 columns say for one item, and what the hub based it on."""

    source: str  # hub: answered from records | partial: records cover part of it | school: 需学校自查
    finding: str  # compliant | violation | unknown
    text: str  # 自查情况
    text_en: str
    note: str = ""  # 备注
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SelfCheckRow:
    item: Item
    answer: Answer


@dataclass(frozen=True, kw_only=True)
class SelfCheck:
    school_code: str
    school_name: str | None
    term: Term
    filled_on: date  # 填表时间
    rows: list[SelfCheckRow]
    burden: burden.SchoolBurden
    submitted_at: datetime | None = None  # when the school submitted it (None: not yet)
    submittable_from: date  # the first day of the term's end (1 June, 1 December) it may be submitted

    @property
    def open_items(self) -> list[int]:
        """The items the hub's records cannot settle and the school has not answered: its to-do."""
        return [row.item.number for row in self.rows if row.answer.finding == "unknown"]

    @property
    def summary(self) -> dict[str, int]:
        counts = {"hub": 0, "partial": 0, "school": 0, "compliant": 0, "violation": 0, "unknown": 0}
        for row in self.rows:
            counts[row.answer.source] += 1
            counts[row.answer.finding] += 1
        return counts


@dataclass(frozen=True, kw_only=True)
class RegisterFacts:
    """The register's records of a term for one school: inspections held in it under the annual list,
    social affairs that entered it under the whitelist (with the item's category), its teachers'
    secondments touching the term (with the days each ran past its end)."""

    inspections: list[Inspection] = field(default_factory=list)
    social_demands: list[tuple[SocialDemand, str]] = field(default_factory=list)
    secondments: list[tuple[Secondment, int]] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Facts:
    """Everything the answers draw on, gathered once per school and term."""

    school_code: str
    term: Term
    requests: list[DataRequest]  # created in the term, concerning the school
    tasks: list[Task]  # published to the school in the term
    task_requests: dict[int, DataRequest]  # request id → request of every task above
    complaints: list[Complaint]
    burden: burden.SchoolBurden
    min_working_days: int
    short_deadlines: list[tuple[Task, int]]  # tasks leaving fewer working days than the minimum, and how many
    register: RegisterFacts = field(default_factory=lambda: RegisterFacts())

    @property
    def inspections(self) -> list[Inspection]:
        return self.register.inspections

    @property
    def social_demands(self) -> list[tuple[SocialDemand, str]]:
        return self.register.social_demands

    @property
    def secondments(self) -> list[tuple[Secondment, int]]:
        return self.register.secondments

    @property
    def tasked_request_ids(self) -> set[int]:
        return {t.request_id for t in self.tasks}

    def unapproved_tasks(self) -> list[Task]:
        return [t for t in self.tasks if not (self.task_requests[t.request_id].approval_number or "").strip()]

    def approval_numbers(self) -> list[str]:
        numbers = (self.task_requests[t.request_id].approval_number for t in self.tasks)
        return sorted({n for n in numbers if n})

    def reasked_fields(self) -> list[tuple[Task, str]]:
        """Task fields the request had classified as already gathered (or derivable): never to be asked."""
        out = []
        for task in self.tasks:
            gathered = {
                f.element_code
                for f in self.task_requests[task.request_id].fields
                if f.status in ("available", "derived") and f.element_code
            }
            out += [(task, code) for code in task.fields if code in gathered]
        return out

    def matching(self, number: int) -> list[DataRequest]:
        pattern = ITEM_PATTERNS[number]
        return [r for r in self.requests if any(pattern.search(text) for text in _texts(r))]

    def complaints_on(self, number: int) -> list[Complaint]:
        return [c for c in self.complaints if number in reason_of(c.reason).items]


def _texts(request: DataRequest) -> list[str]:
    return [request.title, request.purpose, *(f.label for f in request.fields)]


def _ids(values: list[Any]) -> str:
    shown = "、".join(f"#{v}" for v in values[:10])
    return shown + (f" 等 {len(values)} 项" if len(values) > 10 else "")


def _verdict(item: Item, violation: bool) -> str:
    """The 是/否 that opens an answer: 是 is the breach for 是否存在… items and the compliance for 是否严格…."""
    return "是" if violation == item.asks_violation else "否"


def _complaint_note(facts: Facts, number: int) -> tuple[str, list[int]]:
    complaints = facts.complaints_on(number)
    if not complaints:
        return "", []
    waiting = sum(1 for c in complaints if c.status == "open")
    ids = [c.id for c in complaints]
    return f"本学期本校就此举报 {len(complaints)} 件（{_ids(ids)}，待答复 {waiting} 件）", ids


def _tasks_approved(facts: Facts) -> str:
    if not facts.tasks:
        return NO_TASKS
    numbers = facts.approval_numbers()
    shown = f"（{'、'.join(numbers[:5])}）" if numbers else ""
    return f"本学期经数据中心下发本校的 {len(facts.tasks)} 项填报任务均经统计机构审批报备{shown}"


def _join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def _school(item: Item, facts: Facts) -> Answer:
    note, ids = _complaint_note(facts, item.number)
    return Answer(
        source="school",
        finding="unknown",
        text=SCHOOL_TO_CHECK,
        text_en="the school answers this item: the hub's records do not cover it",
        note=note,
        evidence={"complaints": ids},
    )


def _item_1(item: Item, facts: Facts) -> Answer:
    unapproved = facts.unapproved_tasks()
    unapproved_requests = sorted({t.request_id for t in unapproved})
    note, complaint_ids = _complaint_note(facts, item.number)
    outside = [c.id for c in facts.complaints if c.outside_demand or c.outside_department]
    evidence = {
        "tasks": len(facts.tasks),
        "unapproved_tasks": [t.id for t in unapproved],
        "unapproved_requests": unapproved_requests,
        "approval_numbers": facts.approval_numbers(),
        "complaints": complaint_ids,
        "outside_demands": outside,
    }
    outside_note = f"本校举报绕开数据中心的外部要求 {len(outside)} 件（{_ids(outside)}）" if outside else ""
    if unapproved:
        return Answer(
            source="partial",
            finding="violation",
            text=f"{_verdict(item, True)}。数据中心记录本学期有 {len(unapproved)} 项未经统计机构审批的填报任务下发本校"
            f"（采集需求 {_ids(unapproved_requests)}）。",
            text_en=f"{len(unapproved)} tasks reached the school without the statistics bureau's approval",
            note=_join(note, outside_note),
            evidence=evidence,
        )
    return Answer(
        source="partial",
        finding="unknown",
        text=f"{SCHOOL_TO_CHECK}。数据中心记录：{_tasks_approved(facts)}；其他督查检查评比考核事项由学校核对。",
        text_en=f"all {len(facts.tasks)} tasks through the hub were approved; other inspections are for the school to check",
        note=_join(note, outside_note),
        evidence=evidence,
    )


def _item_2(item: Item, facts: Facts) -> Answer:
    late = [
        t
        for t in facts.tasks
        if (r := facts.task_requests[t.request_id]).valid_until is not None
        and t.created_at.date() > r.valid_until
    ]
    note, complaint_ids = _complaint_note(facts, item.number)
    evidence = {
        "tasks": len(facts.tasks),
        "outside_validity": [t.id for t in late],
        "complaints": complaint_ids,
    }
    if late:
        return Answer(
            source="partial",
            finding="violation",
            text=f"{_verdict(item, True)}。{len(late)} 项填报任务在批准有效期之后下发本校（任务 {_ids([t.id for t in late])}）。",
            text_en=f"{len(late)} tasks were published after their approval expired",
            note=note,
            evidence=evidence,
        )
    return Answer(
        source="partial",
        finding="unknown",
        text=f"{SCHOOL_TO_CHECK}（年度计划不在数据中心）。数据中心记录："
        + (
            f"本学期下发本校的 {len(facts.tasks)} 项任务均在批准有效期内。"
            if facts.tasks
            else f"{NO_TASKS}。"
        ),
        text_en="the annual plan is outside the hub; every task through it was within its approval's validity",
        note=note,
        evidence=evidence,
    )


def _item_3(item: Item, facts: Facts) -> Answer:
    reasked = facts.reasked_fields()
    b = facts.burden
    note, complaint_ids = _complaint_note(facts, item.number)
    satisfied = [
        r.id for r in facts.requests if r.status == "answered" and r.id not in facts.tasked_request_ids
    ]
    evidence = {
        "requests_received": b.requests_received,
        "requests_satisfied_without_school": satisfied,
        "fields_spared": b.fields_spared,
        "reasked_fields": [{"task": t.id, "element": e} for t, e in reasked],
        "complaints": complaint_ids,
    }
    summary = (
        f"本学期涉及本校的数据需求 {b.requests_received} 项，其中 {len(satisfied)} 项由数据中心直接答复、未向本校收集；"
        f"已采集的字段由数据中心代为提供 {b.fields_spared} 项次"
    )
    if reasked:
        return Answer(
            source="hub",
            finding="violation",
            text=f"{_verdict(item, True)}。{summary}；但有 {len(reasked)} 个已采集字段仍向本校收集"
            f"（任务 {_ids(sorted({t.id for t, _ in reasked}))}）。",
            text_en=f"{len(reasked)} fields already gathered were asked of the school again",
            note=note,
            evidence=evidence,
        )
    return Answer(
        source="hub",
        finding="compliant",
        text=f"{_verdict(item, False)}。{summary}；向本校下发的任务未包含已采集的字段。",
        text_en=(
            f"{len(satisfied)} of {b.requests_received} requests answered from the store; no task asked for "
            "gathered fields"
        ),
        note=note,
        evidence=evidence,
    )


def _topic_item(item: Item, facts: Facts) -> Answer:
    """Items whose subject shows in a request's words: did such a request reach the school as a task?"""
    matching = facts.matching(item.number)
    reached = [r.id for r in matching if r.id in facts.tasked_request_ids]
    stopped = [r.id for r in matching if r.id not in facts.tasked_request_ids]
    note, complaint_ids = _complaint_note(facts, item.number)
    evidence = {
        "matching_requests": [r.id for r in matching],
        "reached_school": reached,
        "complaints": complaint_ids,
    }
    topic = ITEM_TOPICS_ZH[item.number]
    if reached:
        return Answer(
            source="partial",
            finding="violation",
            text=f"{_verdict(item, True)}。本学期有 {len(reached)} 项涉及{topic}的任务经数据中心下发本校（采集需求 {_ids(reached)}）。",
            text_en=f"{len(reached)} tasks about this reached the school through the hub",
            note=note,
            evidence=evidence,
        )
    stopped_text = f"（另有 {len(stopped)} 项此类需求未下发本校：{_ids(stopped)}）" if stopped else ""
    return Answer(
        source="partial",
        finding="unknown",
        text=f"{SCHOOL_TO_CHECK}。数据中心记录：本学期未向本校下发涉及{topic}的任务{stopped_text}。",
        text_en="no task about this reached the school through the hub; the rest is for the school to check",
        note=note,
        evidence=evidence,
    )


def _item_18(item: Item, facts: Facts) -> Answer:
    b = facts.burden
    reasked = facts.reasked_fields()
    note, complaint_ids = _complaint_note(facts, item.number)
    evidence = {
        "requests_received": b.requests_received,
        "requests_satisfied_without_school": b.requests_satisfied_without_school,
        "tasks_sent": b.tasks_sent,
        "fields_filled": b.fields_filled,
        "fields_spared": b.fields_spared,
        "short_deadlines": [{"task": t.id, "working_days": d} for t, d in facts.short_deadlines],
        "minimum_working_days": facts.min_working_days,
        "year": b.year,
        "demands_in_year": b.demands_in_year,
        "baseline_year": b.baseline_year,
        "baseline_demands": b.baseline_demands,
        "reduction": b.reduction,
        "reasked_fields": len(reasked),
        "complaints": complaint_ids,
    }
    figures = (
        f"本学期涉及本校的数据需求 {b.requests_received} 项，实际下发填报任务 {b.tasks_sent} 项"
        f"（填报 {b.fields_filled} 项次，由数据中心答复免填 {b.fields_spared} 项次）"
    )
    if b.reduction is not None:
        figures += (
            f"；{b.year} 年进入本校的事项 {b.demands_in_year} 项，较 {b.baseline_year} 年基数 "
            f"{b.baseline_demands} 项减少 {b.reduction:.0%}（目标 50%）"
        )
    else:
        figures += f"；未设 {b.year - 1} 年基数，不计算减少比例"
    goal = "未达到减少50%的目标" if b.goal_met is False else ""
    problems = []
    if facts.short_deadlines:
        problems.append(
            f"{len(facts.short_deadlines)} 项任务留出的填报时间少于 {facts.min_working_days} 个工作日"
            f"（任务 {_ids([t.id for t, _ in facts.short_deadlines])}）"
        )
    if reasked:
        problems.append(f"{len(reasked)} 个已采集字段仍向本校收集")
    if problems:
        return Answer(
            source="hub",
            finding="violation",
            text=f"{_verdict(item, True)}。{figures}；但{'；'.join(problems)}。",
            text_en="tasks left too little time or asked for gathered fields",
            note=_join(goal, note),
            evidence=evidence,
        )
    return Answer(
        source="hub",
        finding="compliant",
        text=f"{_verdict(item, False)}。{figures}；每项任务均留出不少于 {facts.min_working_days} 个工作日。",
        text_en=(
            f"{b.tasks_sent} tasks for {b.requests_received} requests; every deadline left at least "
            f"{facts.min_working_days} working days"
        ),
        note=_join(goal, note),
        evidence=evidence,
    )


def _unrelated(request: DataRequest) -> bool:
    """Flagged by the purpose screen (seed rules 4, 5, 7, 9, 11, 13: topics outside teaching)."""
    return any(
        v.get("rule") == "rule 13" or (v.get("detail") or {}).get("screen") for v in request.violations or []
    )


def _item_19(item: Item, facts: Facts) -> Answer:
    unapproved = facts.unapproved_tasks()
    flagged = [r for r in facts.requests if _unrelated(r)]
    reached = [r.id for r in flagged if r.id in facts.tasked_request_ids]
    refused = [r.id for r in flagged if r.status == "rejected"]
    note, complaint_ids = _complaint_note(facts, item.number)
    evidence = {
        "tasks": len(facts.tasks),
        "unapproved_tasks": [t.id for t in unapproved],
        "approval_numbers": facts.approval_numbers(),
        "unrelated_requests": [r.id for r in flagged],
        "unrelated_reached_school": reached,
        "unrelated_refused": refused,
        "complaints": complaint_ids,
    }
    if unapproved or reached:
        problems = []
        if unapproved:
            problems.append(
                f"{len(unapproved)} 项任务未经统计机构审批（任务 {_ids([t.id for t in unapproved])}）"
            )
        if reached:
            problems.append(
                f"{len(reached)} 项涉及与教育教学无关内容的调查下发本校（采集需求 {_ids(reached)}）"
            )
        return Answer(
            source="hub",
            finding="violation",
            text=f"{_verdict(item, True)}。{'；'.join(problems)}。",
            text_en="tasks without approval, or surveys unrelated to teaching, reached the school",
            note=note,
            evidence=evidence,
        )
    text = f"{_verdict(item, False)}。{_tasks_approved(facts)}"
    if flagged:
        text += f"；涉及与教育教学无关内容的 {len(flagged)} 项需求未下发本校（已驳回 {len(refused)} 项）"
    return Answer(
        source="hub",
        finding="compliant",
        text=text + "。",
        text_en="every survey task was approved; none unrelated to teaching reached the school",
        note=note,
        evidence=evidence,
    )


def _item_2_listed(item: Item, facts: Facts) -> Answer:
    """Item 2 once the register holds the year's list: every inspection it records cites an approved item."""
    plain = _item_2(item, facts)
    b = facts.burden
    if not b.items and not facts.inspections:
        return plain
    held = [i.id for i in facts.inspections]
    evidence = {**plain.evidence, "list_items": b.items, "inspections": held}
    listed = (
        f"本年度经党委批准的督查检查评比考核清单涉及本校 {b.items} 项；本学期进校实施的督查检查 {len(held)} 项"
        + (f"（记录 {_ids(held)}）" if held else "")
        + "，均引用清单事项（未列入清单的一律不予登记）"
    )
    if plain.finding == "violation":
        return Answer(
            source="partial",
            finding="violation",
            text=f"{plain.text}{listed}。",
            text_en=plain.text_en,
            note=plain.note,
            evidence=evidence,
        )
    return Answer(
        source="partial",
        finding="unknown",
        text=f"{SCHOOL_TO_CHECK}（清单外的事项由学校核对）。数据中心记录：{listed}。",
        text_en=f"{len(held)} inspections held in the school, each under one of the {b.items} approved list items",
        note=plain.note,
        evidence=evidence,
    )


def _whitelisted(item: Item, facts: Facts, categories: tuple[str, ...], topic: str) -> Answer:
    """Items 13 and 17: the social affairs of these categories that entered under the whitelist."""
    entered = [d.id for d, category in facts.social_demands if category in categories]
    note, complaint_ids = _complaint_note(facts, item.number)
    evidence = {"social_demands": entered, "complaints": complaint_ids}
    if not entered:  # nothing in the register: the school answers, as for what the hub cannot see
        return _school(item, facts)
    return Answer(
        source="partial",
        finding="unknown",
        text=f"{SCHOOL_TO_CHECK}（白名单外的由学校核对）。数据中心记录：本学期{topic} {len(entered)} 项经教育部门白名单登记进入本校"
        f"（记录 {_ids(entered)}）。",
        text_en=f"{len(entered)} such social affairs entered the school, each under the education bureau's whitelist",
        note=note,
        evidence=evidence,
    )


def _item_13(item: Item, facts: Facts) -> Answer:
    return _whitelisted(item, facts, ("publicity",), "教育宣传活动")


def _item_17(item: Item, facts: Facts) -> Answer:
    return _whitelisted(item, facts, ("exam",), "社会考试和监考")


def _item_20(item: Item, facts: Facts) -> Answer:
    """Borrowing and seconding (seed items 15–16) from the register's records of the school's teachers."""
    note, complaint_ids = _complaint_note(facts, item.number)
    ids = [s.id for s, _ in facts.secondments]
    over = [(s.id, days) for s, days in facts.secondments if days > 0]
    days = facts.burden.borrowed_teacher_days
    evidence = {
        "secondments": ids,
        "overruns": [i for i, _ in over],
        "borrowed_teacher_days": days,
        "filing_numbers": sorted({s.filing_number for s, _ in facts.secondments if s.filing_number}),
        "complaints": complaint_ids,
    }
    if over:
        return Answer(
            source="hub",
            finding="violation",
            text=f"{_verdict(item, True)}。本学期本校教师借用、抽调 {len(ids)} 项（记录 {_ids(ids)}，"
            f"{days} 人·天），其中 {len(over)} 项超过批准期限（"
            + "、".join(f"记录 {i} 超期 {d} 天" for i, d in over)
            + "）。",
            text_en=f"{len(over)} of {len(ids)} secondments of the school's teachers ran past their approved end",
            note=note,
            evidence=evidence,
        )
    if ids:
        return Answer(
            source="hub",
            finding="compliant",
            text=f"{_verdict(item, False)}。本学期本校教师借用、抽调 {len(ids)} 项（记录 {_ids(ids)}，{days} 人·天），"
            "均经教育行政部门批准并报党委备案，未超期。",
            text_en=f"{len(ids)} secondments, all approved and filed, none past its end",
            note=note,
            evidence=evidence,
        )
    return _school(item, facts)


# Items whose answer, when the records show no breach, is 否/是 from the records (compliant), not 需学校自查.
ANSWERED_FROM_RECORDS = frozenset({3, 18, 19})

ANSWERERS: dict[int, Callable[[Item, Facts], Answer]] = {
    1: _item_1,
    2: _item_2_listed,
    13: _item_13,
    17: _item_17,
    20: _item_20,
    3: _item_3,
    18: _item_18,
    19: _item_19,
    **{number: _topic_item for number in ITEM_KEYWORDS},
}


def register_facts(
    session: Session,
    term: Term,
    *,
    today: date,
    school_code: str | None = None,
    division: str | None = None,
) -> dict[str, RegisterFacts]:
    """Per school (the one, or every school inside `division`), the register's records of the term, in a
    fixed number of queries: one school's 自查表 and a bureau's roll-up read the very same facts."""
    lists, whitelist, borrowing = (
        ListRepository(session),
        WhitelistRepository(session),
        SecondmentRepository(session),
    )
    found: dict[str, RegisterFacts] = {}

    def facts_of(code: str) -> RegisterFacts:
        return found.setdefault(code, RegisterFacts())

    inspections = [
        i
        for i in lists.inspections(school_code=school_code, division=division)
        if term.start <= i.starts_on <= term.end
    ]
    reached = lists.schools_of(i.id for i in inspections)
    for inspection in inspections:
        for code in reached[inspection.id]:
            facts_of(code).inspections.append(inspection)
    demands = [
        d
        for d in whitelist.demands(school_code=school_code, division=division)
        if term.start <= d.held_on <= term.end
    ]
    categories = {
        item_id: (whitelist.get(item_id) or WhitelistItem(category="other")).category
        for item_id in {d.item_id for d in demands}
    }
    entered = whitelist.schools_of(d.id for d in demands)
    for demand in demands:
        for code in entered[demand.id]:
            facts_of(code).social_demands.append((demand, categories[demand.item_id]))
    secondments = [
        s
        for s in borrowing.listed(
            school_code=school_code, division=division, statuses=("approved", "returned")
        )
        if s.starts_on <= term.end and (s.returned_on or max(s.ends_on, today)) >= term.start
    ]
    lines = borrowing.lines_of(s.id for s in secondments)
    for secondment in secondments:
        for code in dict.fromkeys(line.school_code for line in lines[secondment.id]):
            facts_of(code).secondments.append((secondment, days_over(secondment, today)))
    return found


def gather(
    session: Session, settings: Settings, school_code: str, term: Term, figures: burden.SchoolBurden
) -> Facts:
    repository = SelfCheckRepository(session)
    since, until = term.bounds()
    requests = repository.requests_concerning(school_code, since, until)
    tasks = repository.tasks(school_code, since, until)
    task_requests = repository.requests_by_id([t.request_id for t in tasks])
    complaints = ComplaintRepository(session).list(
        school_code=school_code, since=since, until=until, limit=10000, **SCHOOLS_OWN_TO_THE_BUREAU
    )
    overrides = {"extra_holidays": settings.extra_holidays, "extra_workdays": settings.extra_workdays}
    short = []
    for task in tasks:
        days = working_days_between(task.created_at.date(), task.deadline, **overrides)
        if days < settings.min_working_days:
            short.append((task, days))
    register = register_facts(session, term, today=local_today(), school_code=school_code)
    return Facts(
        register=register.get(school_code, RegisterFacts()),
        school_code=school_code,
        term=term,
        requests=requests,
        tasks=tasks,
        task_requests=task_requests,
        complaints=complaints,
        burden=figures,
        min_working_days=settings.min_working_days,
        short_deadlines=short,
    )


def _answers(facts: Facts) -> list[SelfCheckRow]:
    return [
        SelfCheckRow(item=item, answer=ANSWERERS.get(item.number, _school)(item, facts)) for item in ITEMS
    ]


@dataclass(frozen=True, kw_only=True)
class RollupRow:
    """The 自查表 of every school under one row of a roll-up (a city, a county, or one school)."""

    code: str
    name: str
    level: str  # province | prefecture | county | school | total
    schools: int
    submitted: int  # schools that submitted their 自查表 of the term
    violations: dict[int, int]  # item number → schools whose records (or own answers) show a breach of it
    unknown: dict[int, int]  # item number → schools that answer it themselves (需学校自查) or in part
    schools_with_violation: int


@dataclass(frozen=True, kw_only=True)
class Rollup:
    division: str | None
    term: Term
    items: list[Item]
    rows: list[RollupRow]  # one level below the viewer, the total last


def _rollup_scope(principal: Principal, division: str | None) -> str | None:
    """The subtree a roll-up covers: the caller's division, or `division` inside it (404 outside it,
    422 for a code that is not current)."""
    SEE_ROLLUP.check(principal)
    if division is None:
        return bound_division(principal)
    if not sees_division(principal, known(division)):
        raise not_found(division)
    return division


def rollup(
    session: Session,
    settings: Settings,
    principal: Principal,
    term: Term,
    *,
    division: str | None = None,
    today: date,
) -> Rollup:
    """The term's 自查表 of every school of the caller's subtree (or of `division` inside it), rolled up
    one level below: a province per city, a city per county, a county per school (education bureau,
    admin). Each school is answered as its own 自查表 answers it, but the database counts the schools:
    every finding that depends on a school's records is a set of schools (those with a task of an
    unapproved request, …), and one grouped query counts each set per county."""
    scope = _rollup_scope(principal, division)
    since, until = term.bounds()
    repository = RollupRepository(session, since, until, scope)
    counties = repository.counties()
    top = rollup_division(scope, counties)
    per_school = top is not None and all(rollup_row(top, c) is None for c in counties if c is not None)

    # The few things looked at in Python: the term's tasked requests, publication days, secondments.
    tasked = repository.tasked_requests()
    requests = [r for r in tasked if since <= r.created_at < until]
    words = {r.id: _texts(r) for r in requests}
    overrides = {"extra_holidays": settings.extra_holidays, "extra_workdays": settings.extra_workdays}
    short = [
        and_(Task.created_at == created, Task.deadline == deadline)
        for created, deadline in repository.publications()
        if working_days_between(created.date(), deadline, **overrides) < settings.min_working_days
    ]
    late = [
        and_(
            Task.request_id == r.id,
            Task.created_at >= datetime.combine(r.valid_until + timedelta(days=1), time.min, tzinfo=UTC),
        )
        for r in tasked
        if r.valid_until is not None
    ]
    gathered = {
        r.id: codes
        for r in tasked
        if (
            codes := {
                f.element_code for f in r.fields if f.status in ("available", "derived") and f.element_code
            }
        )
    }
    flagged = [r.id for r in requests if _unrelated(r)]
    seconded: set[str] = set()
    overrun: set[str] = set()
    for secondment, code in repository.seconded_schools(("approved", "returned")):
        ends = secondment.returned_on or max(secondment.ends_on, today)
        if secondment.starts_on <= term.end and ends >= term.start:
            seconded.add(code)
            if days_over(secondment, today) > 0:
                overrun.add(code)

    records: dict[str, Any] = {
        "1": repository.tasked(repository.unapproved()),
        "2": repository.tasked(or_(*late)) if late else false(),
        "3": repository.tasked(repository.asking(gathered)),
        "18": repository.tasked(or_(repository.asking(gathered), *short)),
        "19": repository.tasked(
            or_(repository.unapproved(), Task.request_id.in_(flagged) if flagged else false())
        ),
        "20": repository.in_codes(overrun),
    }
    for number, pattern in ITEM_PATTERNS.items():
        matching = [i for i, texts in words.items() if any(pattern.search(t) for t in texts)]
        records[str(number)] = repository.tasked(Task.request_id.in_(matching)) if matching else false()
    # Where the records leave an item open (需学校自查), a school's submitted 是/否 answers it, as on its own
    # table (`with_school_answers`): the set of breaches grows by those answering 是 there, and the
    # open ones are the schools that neither breach it on record nor answered it.
    label = term.label
    sets: dict[str, Any] = {"submitted": repository.submitted(label)}
    for item in ITEMS:
        key = str(item.number)
        breach = records.get(key, false())
        if item.number in ANSWERED_FROM_RECORDS:
            sets[key] = breach
            continue
        settled = repository.in_codes(seconded) if item.number == 20 else breach
        said_yes = repository.submitted(label, item.number, "violation")
        said_no = repository.submitted(label, item.number, "compliant")
        sets[key] = or_(breach, and_(~settled, said_yes))
        sets[f"{key}_open"] = ~or_(settled, said_yes, said_no)
    sets["any"] = or_(*[sets[str(item.number)] for item in ITEMS])
    groups = repository.groups(sets, per_school=per_school)

    def row(code: str, name: str, level: str, members: list[RollupGroup]) -> RollupRow:
        schools = sum(g.schools for g in members)

        def count(name: str) -> int:
            return sum(g.counts[name] for g in members)

        violations = {item.number: count(str(item.number)) for item in ITEMS}
        # What is left to the school (需学校自查, or in part): none where the records answer the item.
        unknown = {
            item.number: 0 if item.number in ANSWERED_FROM_RECORDS else count(f"{item.number}_open")
            for item in ITEMS
        }
        return RollupRow(
            code=code,
            name=name,
            level=level,
            schools=schools,
            submitted=count("submitted"),
            violations=violations,
            unknown=unknown,
            schools_with_violation=count("any"),
        )

    keyed: dict[str, list[RollupGroup]] = {}
    names: dict[str, str] = {}
    for group in groups:
        own = rollup_row(top, group.division) if group.school_code is None else None
        key = own or f"school:{group.school_code}"
        keyed.setdefault(key, []).append(group)
        if group.school_code is not None:
            names[key] = group.school_name or group.school_code
    rows = []
    for key, members in sorted(keyed.items()):
        if key.startswith("school:"):
            rows.append(row(key.removeprefix("school:"), names[key], "school", members))
        else:
            found = divisions.division(key)
            rows.append(row(key, divisions.full_name(key), found.level.value if found else "county", members))
    rows.append(row("", "合计 / total", "total", groups))
    return Rollup(division=scope, term=term, items=list(ITEMS), rows=rows)


def self_check(
    session: Session, settings: Settings, principal: Principal, school_code: str, term: Term, *, today: date
) -> SelfCheck:
    """The 21 items for one school and term (that school, the education bureau, an admin): the hub's
    answers, and the school's own where it submitted them."""
    name = burden.check_school_view(session, principal, school_code)
    (figures,) = burden.compute(session, term, school_code=school_code).schools
    facts = gather(session, settings, school_code, term, figures)
    submission = SelfCheckRepository(session).submission(school_code, term.label)
    return SelfCheck(
        school_code=school_code,
        school_name=name,
        term=term,
        filled_on=local_date(submission.submitted_at) if submission is not None else today,
        rows=with_school_answers(_answers(facts), submission),
        burden=figures,
        submitted_at=submission.submitted_at if submission is not None else None,
        submittable_from=submittable_from(term),
    )


# --- the school's own answers, submitted at term end -------------------------------------------------


def submittable_from(term: Term) -> date:
    """The first day of the term's end (the spring term's 1 June, the autumn term's 1 December: the bands
    inspections keep to, seed item 3): a 自查表 is submitted from then on, never earlier."""
    return date(term.year, 6, 1) if term.season == "春" else date(term.year, 12, 1)


def with_school_answers(
    rows: list[SelfCheckRow], submission: SelfCheckSubmission | None
) -> list[SelfCheckRow]:
    """The hub's rows with the school's submitted answers in place of 需学校自查: only where the hub's records
    left the item open, so a school's word never overrides (or contradicts) what the records show."""
    if submission is None:
        return rows
    merged = []
    for row in rows:
        given = submission.answers.get(str(row.item.number))
        if row.answer.finding != "unknown" or not given:
            merged.append(row)
            continue
        violation = given["finding"] == "violation"
        own = str(given.get("text") or "")
        hub_part = row.answer.text if row.answer.source == "partial" else ""
        answer = Answer(
            source="school",
            finding=given["finding"],
            text=f"{_verdict(row.item, violation)}（学校自查）" + (f"。{own}" if own else "。"),
            text_en=("a breach" if violation else "compliant")
            + " (the school's own answer)"
            + (f": {own}" if own else ""),
            note=_join(hub_part, row.answer.note),
            evidence={**row.answer.evidence, "school_answer": dict(given)},
        )
        merged.append(SelfCheckRow(item=row.item, answer=answer))
    return merged


@dataclass(frozen=True, kw_only=True)
class SchoolAnswer:
    number: int
    finding: str  # compliant | violation
    text: str = ""


def submit(
    session: Session,
    settings: Settings,
    principal: Principal,
    school_code: str,
    term: Term,
    answers: Sequence[SchoolAnswer],
    *,
    today: date,
    now: datetime,
) -> SelfCheck:
    """The school submits its term's 自查表 at term end: an answer to every item its records leave open,
    none contradicting what the records show; once, and nothing stored when anything is wrong."""
    if principal.role is Role.SCHOOL and principal.school_code != school_code:
        # Another school's table, as for every view of another school: not confirmed to exist (issue 17).
        burden.check_school_view(session, principal, school_code)
    if principal.role is not Role.SCHOOL or principal.school_code != school_code:
        raise SelfCheckNotOwnSchool(
            "只有学校本身可以提交本校的自查表；教育局查看汇总",
            "only the school itself submits its 自查表; the bureau reads the summary",
            detail={"field": "school", "value": school_code},
        )
    check = self_check(session, settings, principal, school_code, term, today=today)
    if check.submitted_at is not None:
        raise SelfCheckSubmitted(
            f"本校 {term.label} 学期的自查表已于 {local_date(check.submitted_at)} 提交，不能重复提交",
            f"the school submitted its {term.label_en} 自查表 on {local_date(check.submitted_at)} already",
            detail={"field": "term", "value": term.label},
        )
    opens = check.submittable_from
    if today < opens:
        raise SelfCheckNotAtTermEnd(
            f"{term.label} 学期的自查表于学期末（{opens} 起）提交，今天（{today}）尚未到学期末；"
            f"依据{SEED_NOTE}",
            f"the {term.label_en}'s 自查表 is submitted at term end, from {opens}; today is {today}",
            detail={"field": "term", "value": term.label, "opens": opens.isoformat()},
        )
    given: dict[int, SchoolAnswer] = {}
    for row, answer in enumerate(answers, start=1):
        if not 1 <= answer.number <= len(ITEMS):
            raise SelfCheckItemUnknown(
                f"第 {row} 条答复：自查表没有第 {answer.number} 项（共 {len(ITEMS)} 项）",
                f"answer {row}: the 自查表 has no item {answer.number} (items 1–{len(ITEMS)})",
                detail={"row": row, "field": "number", "value": answer.number},
            )
        given[answer.number] = answer
    missing = []
    for row in check.rows:
        answer = given.get(row.item.number)
        if row.answer.finding == "unknown":
            if answer is None:
                missing.append(row.item.number)
        elif answer is not None and answer.finding != row.answer.finding:
            said = _verdict(row.item, answer.finding == "violation")
            raise SelfCheckContradictsRecords(
                f"第 {row.item.number} 项答“{said}”，与数据中心记录不符：{row.answer.text}"
                "（由记录生成的项目无需、也不能改填）",
                f"item {row.item.number}: the answer contradicts the hub's records ({row.answer.text_en}); "
                "items the records settle are not the school's to change",
                detail={
                    "field": "answers",
                    "item": row.item.number,
                    "value": answer.finding,
                    "records": row.answer.finding,
                    "evidence": row.answer.evidence,
                },
            )
    if missing:
        shown = "、".join(str(n) for n in missing)
        raise SelfCheckAnswerMissing(
            f"以下各项数据中心记录无法判断，须由学校自查作答：第 {shown} 项；未提交任何内容",
            f"the hub's records cannot settle items {shown}: the school answers them; nothing was submitted",
            detail={"field": "answers", "value": missing},
        )
    SelfCheckRepository(session).add_submission(
        SelfCheckSubmission(
            school_code=school_code,
            term=term.label,
            answers={
                str(n): {"finding": a.finding, "text": a.text.strip()}
                for n, a in sorted(given.items())
                if n in set(check.open_items)
            },
            hub_findings={str(row.item.number): row.answer.finding for row in check.rows},
            submitted_by=principal.id,
            submitted_at=now,
        )
    )
    return self_check(session, settings, principal, school_code, term, today=today)
