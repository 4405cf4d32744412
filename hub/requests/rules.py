"""The seed rules a request is checked against, with reasons a person can act on (zh + en)."""

from __future__ import annotations

from datetime import date

import schemas
from hub.config import Settings
from hub.kit.workdays import WorkCalendar, add_working_days, calendar_with, working_days_between
from hub.requests.payloads import Violation
from schemas.purpose import screen_request


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


def purpose_screen(title: str, purpose: str, labels: list[str]) -> list[Violation]:
    """Seed rules 4, 5, 7, 9, 11, 13: a title, purpose or field outside teaching and education sends the
    request to review (never to an instant answer), one violation per topic naming its rule. The topics
    are data: schemas/data/purpose_screen.yaml."""
    violations = []
    for hit in screen_request(title, purpose, labels):
        topic = hit.topic
        terms = "、".join(hit.terms)
        violations.append(
            Violation(
                rule=f"rule {topic.rule}",
                severity="review",
                message=f"涉及{topic.label_zh}（{terms}）：{topic.reason_zh}（减负清单第{topic.rule}条），须经审查，不能直接答复",
                message_en=(
                    f"touches {topic.label_en} ({', '.join(hit.terms)}): {topic.reason_en} (seed rule "
                    f"{topic.rule}); it goes to review and is never answered at once"
                ),
                detail={
                    "screen": topic.name,
                    "topic_zh": topic.label_zh,
                    "topic_en": topic.label_en,
                    "terms": list(hit.terms),
                    "where": list(hit.where),
                },
            )
        )
    return violations


def not_shared_refusal(fields: list[tuple[str, schemas.Element]]) -> Violation:
    """Elements the sharing catalogue marks 不予共享 are never released (nor collected for a department)."""
    return Violation(
        rule="rule 14",
        severity="refused",
        message="以下字段属于不予共享的数据，不予提供："
        + "；".join(f"{label}（{e.sharing_reason_zh}）" for label, e in fields),
        message_en="these fields are not shared and are never released: "
        + "; ".join(f"{label} ({e.sharing_reason_en})" for label, e in fields),
        detail={
            "fields": [
                {
                    "label": label,
                    "element": e.code,
                    "reason_zh": e.sharing_reason_zh,
                    "reason_en": e.sharing_reason_en,
                }
                for label, e in fields
            ]
        },
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


def release_notice(std: schemas.Standard, conditional: list[str]) -> Violation:
    """Seed rule 14: gathered data shared on condition wait for the education bureau's release."""
    labels = [std.element(c).label_zh for c in conditional]
    return Violation(
        rule="rule 14",
        severity="notice",
        message="以下数据为有条件共享，本部门没有覆盖它们的共享协议，待教育局决定是否提供："
        + "、".join(labels),
        message_en="these data are shared on condition and no agreement of yours covers them; the "
        "education bureau decides whether to release them: " + ", ".join(conditional),
        detail={"elements": conditional, "release": True},
    )
