"""The seed rules a request is checked against, with reasons a person can act on (zh + en)."""

from __future__ import annotations

import re
from datetime import date

from hub.config import Settings
from hub.kit.workdays import WorkCalendar, add_working_days, calendar_with, working_days_between
from hub.requests.payloads import Violation

# Seed rule 13 (严禁…与教育教学无关的问卷) and 11 (投票、点赞、关注公众号): topics that have no place in an
# education data collection. A hit does not refuse the request: it flags it for the statistics bureau.
UNRELATED_TOPICS = {
    "投票": "online voting",
    "点赞": "likes",
    "关注公众号": "following accounts",
    "公众号": "public accounts",
    "下载": "app downloads",
    "APP": "apps",
    "扶贫": "poverty-alleviation chores",
    "贫困户": "poverty households",
    "走访": "home visits",
    "创城": "city campaigns",
    "文明城市": "city campaigns",
    "卫生城市": "city campaigns",
    "执勤": "street duty",
    "网上答题": "online quizzes",
    "知识竞赛": "quizzes",
    "商业": "commerce",
    "广告": "advertising",
    "保险": "insurance sales",
    "理财": "investment",
    "股票": "stocks",
    "彩票": "lottery",
    "宗教信仰": "religious belief",
    "房产": "real estate",
    "车辆": "vehicles",
    "车牌": "vehicles",
    "存款": "savings",
    "收藏": "collections",
    "信用卡": "credit cards",
    "贷款": "loans",
}
_TOPIC_RE = re.compile("|".join(re.escape(k) for k in sorted(UNRELATED_TOPICS, key=len, reverse=True)), re.I)


def deadline_violation(
    deadline: date | None, today: date, settings: Settings, calendar: WorkCalendar | None = None
) -> Violation | None:
    """Rule 12: schools get at least the configured number of working days (by `calendar`: the official
    schedule with the education bureau's years, hub.holidays.service.work_calendar)."""
    if deadline is None:
        return None
    calendar = calendar or calendar_with(settings.extra_holidays, settings.extra_workdays)
    days = working_days_between(today, deadline, calendar=calendar)
    if days >= settings.min_working_days:
        return None
    earliest = add_working_days(today, settings.min_working_days, calendar=calendar)
    return Violation(
        rule="rule 12",
        severity="block",
        message=f"截止日期 {deadline} 只留出 {days} 个工作日，少于规定的 {settings.min_working_days} 个；最早可定为 {earliest}",
        message_en=(
            f"deadline {deadline} leaves {days} working days, fewer than the required "
            f"{settings.min_working_days}; the earliest allowed deadline is {earliest}"
        ),
        detail={
            "working_days": days,
            "minimum": settings.min_working_days,
            "earliest_allowed": earliest.isoformat(),
        },
    )


def unknown_calendar_notice(deadline: date | None, today: date, calendar: WorkCalendar) -> Violation | None:
    """Rule 12 counted through a year whose holidays and 调休 nobody loaded: a notice naming the year, so
    nobody trusts a count that takes its 元旦 and 春节 for working days."""
    if deadline is None:
        return None
    years = calendar.unknown_years(today, deadline)
    if not years:
        return None
    named = "、".join(str(y) for y in years)
    return Violation(
        rule="rule 12",
        severity="notice",
        message=(
            f"截止日期 {deadline} 的工作日计算跨入 {named} 年，系统尚无该年的法定节假日和调休安排，"
            "暂按周一至周五计算，可能多算了工作日；请教育局在“节假日安排”中录入后再核对"
        ),
        message_en=(
            f"the working days up to {deadline} run into {', '.join(str(y) for y in years)}, whose official "
            "holidays and 调休 the hub does not know yet; they are counted Monday to Friday and may be too "
            "many until the education bureau loads the schedule"
        ),
        detail={"unknown_years": years, "deadline": deadline.isoformat()},
    )


def unrelated_topics(texts: list[str]) -> Violation | None:
    """Rule 13: fields or purposes outside teaching and education go to the statistics bureau flagged."""
    hits = sorted({m.group(0) for text in texts for m in _TOPIC_RE.finditer(text)})
    if not hits:
        return None
    return Violation(
        rule="rule 13",
        severity="review",
        message=f"涉及与教育教学无关的内容（{'、'.join(hits)}），须由统计机构审查",
        message_en="touches topics unrelated to teaching and education ("
        + ", ".join(sorted({UNRELATED_TOPICS.get(h, UNRELATED_TOPICS.get(h.upper(), h)) for h in hits}))
        + "); the statistics bureau must review it",
        detail={"terms": hits},
    )


def recollection_notice(labels: list[str]) -> Violation | None:
    """Rule 3 / 14: gathered fields are answered from the store and never asked of schools again."""
    if not labels:
        return None
    return Violation(
        rule="rule 3",
        severity="notice",
        message=f"{len(labels)} 个字段已采集（{'、'.join(labels[:10])}），将由数据中心直接提供，不再向学校重复收集",
        message_en=f"{len(labels)} fields were already gathered; the hub answers them and schools are not asked again",
        detail={"fields": labels},
    )
