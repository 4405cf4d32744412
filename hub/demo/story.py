"""The demo city's first weeks on the hub: departments' requests taken through the hub's own services.

Every step calls the service the REST API calls (requests submit and decide, task publication, school
submissions, a department's read of its answer, complaints), so the pages and the API show what the hub
does rather than rows written behind its back:

- 人社局's 职称评审 roster asks only what the store holds, under the sharing agreement (共享协议) 人社局
  signed with the education bureau: answered at once, and 人社局 reads it, so every school's "who used
  our data" shows the read;
- 卫健委's 体检 list asks only what the store holds too, but 卫健委 has no agreement: it waits for the
  education bureau's release decision (a newcomer finds it in the release queue);
- 卫健委's first-aid survey of the pilot schools asks two things nobody gathered: the statistics bureau
  approves them (批准文号, 有效期至), the education bureau publishes them, and some schools have filled
  their tasks (one half-way, one not yet: a school token signs in to a task still to fill);
- 红十字会 asks the same while 卫健委's is open: pointed at it, to be answered with it;
- 组织部 wants its table the next day: refused by rule 12 with the earliest allowed date, and a school
  reports (举报) that it was pushed anyway;
- 文明办's 创城 survey is flagged as unrelated to teaching and rejected by the statistics bureau; a
  second school's report about it has been answered by the education bureau;
- 人社局's subsidy check waits for the statistics bureau's review.

Nothing here depends on the clock but the dates: statuses, counts and values follow from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access import service as access
from hub.access.payloads import GrantCreate
from hub.complaints import service as complaints
from hub.complaints.models import Complaint
from hub.complaints.payloads import AnswerIn, ComplaintIn, PublicComplaintIn
from hub.config import Settings
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.kit.clock import local_date
from hub.kit.workdays import add_working_days
from hub.reads import answer as answers
from hub.records.models import teachers_table
from hub.register import lists, whitelist
from hub.register import service as register
from hub.register.payloads import (
    InspectionIn,
    ListDecisionIn,
    ListItemIn,
    ListMergeIn,
    MaterialIn,
    SecondmentDecisionIn,
    SecondmentIn,
    SocialDemandIn,
    TeacherLineIn,
    WhitelistItemIn,
)
from hub.requests import service as requests
from hub.requests.models import DataRequest
from hub.requests.payloads import DecisionIn, FieldIn, RequestIn
from hub.requests.repository import RequestRepository
from hub.standard.service import current_standard
from hub.tasks import service as tasks
from hub.tasks.models import Task
from hub.tasks.repository import TaskRepository
from hub.tasks.service import REFERENCE_HEADER

PILOT_SCHOOLS = 12  # schools in 卫健委's pilot (every school of a smaller city)

# Who acts in the story (principal codes; the loader creates them).
HRSS, HEALTH, ORGANISATION, CIVILITY, RED_CROSS = (
    "demo-hrss",
    "demo-health",
    "demo-org",
    "demo-civility",
    "demo-redcross",
)
STATISTICS, EDUCATION, OFFICE = "demo-stats", "demo-edu", "demo-office"

Scope = Literal["city", "pilot"]


@dataclass(frozen=True, kw_only=True)
class Script:
    """One request as a department writes it: labels as its form has them, with the declared types of new ones."""

    department: str
    title: str
    purpose: str
    fields: tuple[tuple[str, str | None], ...]
    scope: Scope
    # Working days the department gives schools; 0 means "by tomorrow" (seed rule 12 refuses it).
    working_days: int | None


ROSTER = Script(
    department=HRSS,
    title="2026年度中小学教师专业技术职务评审花名册",
    purpose="职称评审资格审核",
    fields=(
        ("姓名", None),
        ("身份证号码（18位）", None),
        ("性别", None),
        ("出生年月", None),
        ("参加工作时间", None),
        ("现任专业技术职务", None),
        ("取得现职称时间", None),
        ("教龄", None),
        ("本年度继续教育学时", None),
    ),
    scope="city",
    working_days=None,
)
FIRST_AID = Script(
    department=HEALTH,
    title="应急救护进校园试点学校教职工培训情况摸底",
    purpose="应急救护培训进校园工作：掌握试点学校教职工救护员持证和培训情况，安排年度培训",
    fields=(
        ("姓名", None),
        ("公民身份号码", None),
        ("性别", None),
        ("任教学科", None),
        ("最近一次体检日期", None),
        ("是否持有红十字救护员证", "boolean"),
        ("近三年参加应急救护培训次数", "integer"),
    ),
    scope="pilot",
    working_days=15,
)
FIRST_AID_AGAIN = Script(
    department=RED_CROSS,
    title="中小学校红十字救护员持证教职工名单报送",
    purpose="救护员证复训安排",
    fields=(("姓名", None), ("身份证号", None), ("是否持有红十字救护员证", "boolean")),
    scope="pilot",
    working_days=10,
)
PARTY_TABLE = Script(
    department=ORGANISATION,
    title="教职工党员信息采集表",
    purpose="党员信息核对",
    fields=(
        ("姓名", None),
        ("性别", None),
        ("出生年月", None),
        ("政治面貌", None),
        ("入党时间", None),
        ("党内职务", None),
        ("所在党支部", None),
    ),
    scope="city",
    working_days=0,
)
CITY_CAMPAIGN = Script(
    department=CIVILITY,
    title="创建全国文明城市教师志愿服务情况统计",
    purpose="文明城市创建测评迎检",
    fields=(
        ("姓名", None),
        ("手机号码", None),
        ("创城志愿服务时长（小时）", "integer"),
        ("参与文明交通执勤次数", "integer"),
        ("是否关注“文明城市”公众号", "boolean"),
    ),
    scope="city",
    working_days=10,
)
SUBSIDY = Script(
    department=HRSS,
    title="乡村教师生活补助发放核对表",
    purpose="乡村教师生活补助发放核对",
    fields=(
        ("姓名", None),
        ("公民身份号码", None),
        ("开户银行", None),
        ("银行账号", None),
        ("乡村学校工作年限", "integer"),
        ("乡村教师生活补助标准（元/月）", "decimal"),
    ),
    scope="city",
    working_days=15,
)
CHECKUP = Script(
    department=HEALTH,
    title="2026年度教职工健康体检安排名单",
    purpose="安排全市教职工年度健康体检，按单位分批预约",
    fields=(("姓名", None), ("性别", None), ("出生年月", None), ("所在学校", None)),
    scope="city",
    working_days=None,
)
# In the order the departments send them (ids follow this order on a fresh database).
SCRIPTS = (ROSTER, FIRST_AID, FIRST_AID_AGAIN, PARTY_TABLE, CITY_CAMPAIGN, SUBSIDY, CHECKUP)

# What 人社局 and the education bureau signed: the roster's elements, city-wide, until next year's end.
ROSTER_AGREEMENT_BASIS = "市教育局 市人力资源和社会保障局 教师信息共享协议（职称评审）"

CAMPAIGN_REJECTION = (
    "与教育教学无关，不予批准：城市创建活动不得安排教师上街执勤（减负清单第7条），"
    "严禁要求教师填写与教育教学无关的调查、关注公众号（第11、13条）。"
)
PUSHED_ANYWAY = (
    "市委组织部在工作群直接下发《教职工党员信息采集表》，要求次日下班前报送。该表已被数据中心以"
    "填报时间不足退回，但仍在催报，且表中姓名、出生年月、政治面貌等信息学校早已报过。"
)
CAMPAIGN_COMPLAINT = "街道要求本校教师周末到路口参加文明交通执勤，并关注“文明城市”公众号、截图上报。"
CAMPAIGN_ANSWER = (
    "该项统计已被市统计局驳回。已函告市文明办：城市创建活动涉及学校的，由教育局统筹安排，"
    "不得直接安排教师执勤或关注公众号。"
)

PUBLIC_REPORT = (
    "孩子的班主任说，镇里要求老师每天在工作群上传入户走访的照片和视频作为检查材料，晚上十点还在整理截图，"
    "顾不上批改作业。"
)


@dataclass(frozen=True, kw_only=True)
class Cast:
    """Which schools play which part, from the city's school codes and the seed alone."""

    signed_in: list[str]  # the schools with a token in demo-tokens.txt (the first three codes)
    pilot: list[str]  # 卫健委's pilot schools
    complete: list[str]  # pilot schools that filled their whole task
    partial: list[str]  # pilot schools half-way through theirs
    reporting: list[str]  # schools filing a 举报: about 组织部's table, then about 文明办's survey

    @property
    def acting_schools(self) -> list[str]:
        """Every school that signs in to do something in the story."""
        return sorted({*self.signed_in, *self.complete, *self.partial, *self.reporting})


def cast(school_codes: list[str], *, seed: int) -> Cast:
    codes = sorted(school_codes)
    signed_in = codes[:3]
    pilot = codes[:PILOT_SCHOOLS]
    # The first signed-in school has filled its task, the second is half-way, the third has not begun
    # (so a newcomer has a task to fill); of the other pilot schools about half are done.
    others = pilot[3:]
    done = random.Random(seed).sample(others, k=len(others) // 2)
    complete = sorted({*signed_in[:1], *done})
    partial = signed_in[1:2]
    return Cast(signed_in=signed_in, pilot=pilot, complete=complete, partial=partial, reporting=signed_in[:2])


@dataclass(frozen=True, kw_only=True)
class Told:
    """What the story left: its requests by script, and the figures the closing lines point at."""

    fresh: bool  # False when an earlier `hub demo` on this database had told it already
    requests: dict[Script, DataRequest]
    rows_read: int | None  # rows of the roster 人社局 read (None: read by an earlier run)
    tasks: int
    tasks_complete: int
    public_report: str | None = None  # the tracking code of the public 举报 the story filed


def _principals(session: Session, codes: list[str]) -> dict[str, Principal]:
    repository = PrincipalRepository(session)
    found = {code: repository.by_code(code) for code in codes}
    missing = [code for code, principal in found.items() if principal is None]
    if missing:
        raise LookupError(f"demo principals missing: {', '.join(missing)}")
    return {code: principal for code, principal in found.items() if principal is not None}


def _earlier(session: Session, people: dict[str, Principal]) -> dict[Script, DataRequest]:
    """The story's requests already in the database (a second `hub demo` on the same one)."""
    repository = RequestRepository(session)
    found: dict[Script, DataRequest] = {}
    for script in SCRIPTS:
        # Oldest first: the one the story sent, not a later one a newcomer wrote under the same title.
        mine = repository.list(department_id=people[script.department].id, limit=1000)
        match = [r for r in mine if r.title == script.title]
        if match:
            found[script] = min(match, key=lambda r: r.id)
    return found


def _payload(script: Script, settings: Settings, cast: Cast, today: date) -> RequestIn:
    deadline = None
    if script.working_days == 0:
        deadline = today + timedelta(days=1)
    elif script.working_days is not None:
        deadline = add_working_days(
            today,
            script.working_days,
            extra_holidays=settings.extra_holidays,
            extra_workdays=settings.extra_workdays,
        )
    return RequestIn(
        title=script.title,
        purpose=script.purpose,
        entity="teacher",
        schools=cast.pilot if script.scope == "pilot" else None,
        deadline=deadline,
        fields=[FieldIn(label=label, type=value_type) for label, value_type in script.fields],
    )


def _rows_for(session: Session, task: Task, *, seed: int, share: float) -> list[dict[str, str]]:
    """What a school sends for its first-aid task: its teachers by reference (as the task's template
    gives them), with their answers; `share` of the rows, in reference order."""
    rows = list(tasks.prefilled_rows(session, task, current_standard(session)))
    chance = random.Random(f"{seed}:{task.school_code}")
    sent = []
    for row in rows[: max(1, round(len(rows) * share))]:
        certified = chance.random() < 0.35
        trainings = chance.randint(1, 3) if certified else chance.choice((0, 0, 1))
        sent.append(
            {
                REFERENCE_HEADER: row.reference,
                "是否持有红十字救护员证": "是" if certified else "否",
                "近三年参加应急救护培训次数": str(trainings),
            }
        )
    return sent


def _approval(today: date, seed: int) -> DecisionIn:
    return DecisionIn(
        decision="approve",
        form_number="卫健统1表",
        approval_number=f"市统制〔{today.year}〕{17 + seed % 20}号",
        valid_until=date(today.year + 1, today.month, min(today.day, 28)),
        note="新增字段与教育教学相关，同意开展；仅向缺少数据的试点学校采集。",
    )


def tell(session: Session, settings: Settings, cast: Cast, *, seed: int, now: datetime) -> Told:
    """Send, decide, publish, fill, read and report, each through its service, in the caller's transaction.

    On a database where an earlier `hub demo` told the story, nothing is sent again.
    """
    people = _principals(
        session,
        [
            *{s.department for s in SCRIPTS},
            STATISTICS,
            EDUCATION,
            OFFICE,
            *(f"demo-school-{c}" for c in cast.acting_schools),
        ],
    )
    earlier = _earlier(session, people)
    if earlier:
        return _told(session, earlier, fresh=False, rows_read=None)
    today = local_date(now)
    statistics, education = people[STATISTICS], people[EDUCATION]
    _sign_roster_agreement(session, settings, cast, education, people[HRSS], today=today)

    # Every request is classified before the approval below adds elements to the standard: the matcher
    # is built once for the version they all meet.
    sent = {
        script: requests.submit(
            session, settings, people[script.department], _payload(script, settings, cast, today), now=now
        )
        for script in SCRIPTS
    }
    first_aid = requests.decide(session, statistics, sent[FIRST_AID].id, _approval(today, seed), now=now)
    requests.decide(
        session,
        statistics,
        sent[CITY_CAMPAIGN].id,
        DecisionIn(decision="reject", note=CAMPAIGN_REJECTION),
        now=now,
    )
    publication = tasks.publish(session, settings, education, first_aid.id, deadline=None, now=now)
    by_school = {task.school_code: task for task in publication.tasks}
    for share, schools in ((1.0, cast.complete), (0.5, cast.partial)):
        for school in schools:
            task = by_school.get(school)
            if task is None:
                continue
            rows = _rows_for(session, task, seed=seed, share=share)
            tasks.submit(
                session, settings, people[f"demo-school-{school}"], task.id, tasks.json_input(rows), now=now
            )

    # 人社局 reads its answer, as GET /api/v1/requests/{id}/data does (the whole roster, as a CSV export).
    roster = answers.read_answer(session, people[HRSS], sent[ROSTER].id, today=today, fmt="csv")

    reports = [
        (PARTY_TABLE, "rule 12", PUSHED_ANYWAY, None),
        (CITY_CAMPAIGN, "rule 11", CAMPAIGN_COMPLAINT, CAMPAIGN_ANSWER),
    ]
    for school, (script, reason, text, answer) in zip(cast.reporting, reports, strict=False):
        complaint = complaints.file_complaint(
            session,
            people[f"demo-school-{school}"],
            ComplaintIn(reason=reason, text=text, request_id=sent[script].id),
            now=now,
            settings=settings,
        )
        if answer is not None:
            complaints.answer_complaint(
                session, education, complaint.id, AnswerIn(response=answer, status="closed"), now=now
            )
    # A parent reports through the public form, no account: the education bureau has it to answer.
    complaints.file_public_complaint(
        session,
        PublicComplaintIn(
            text=PUBLIC_REPORT,
            school_code=cast.reporting[0] if cast.reporting else None,
            contact="学生家长 139****0000",
        ),
        now=now,
        settings=settings,
    )
    _lend_teachers(session, people, cast, today=today, now=now)
    _keep_lists(session, settings, people, cast, today=today, now=now)
    return _told(session, sent, fresh=True, rows_read=len(roster.rows))


# Two approved secondments (seed items 15–16): 组织部 borrows a named teacher for 巡察 within half a year,
# and 文明办 seconded two teachers to 创文 duty whose end passed without their return (an overrun).
BORROW_PURPOSE = "市委巡察工作借用：协助巡察组开展材料整理"
SECOND_PURPOSE = "创建全国文明城市迎检会务抽调"
BORROW_FILING = "市委备〔2026〕17号"
SECOND_FILING = "市委备〔2026〕9号"


def _lend_teachers(
    session: Session, people: dict[str, Principal], cast: Cast, *, today: date, now: datetime
) -> None:
    if len(cast.signed_in) < 2:
        return
    lender, seconder = cast.signed_in[0], cast.signed_in[1]
    named = session.scalar(
        select(teachers_table.c.name)
        .where(teachers_table.c.school_code == lender)
        .order_by(teachers_table.c.name)
        .limit(1)
    )
    plans = (
        (
            people[ORGANISATION],
            SecondmentIn(
                kind="borrow",
                purpose=BORROW_PURPOSE,
                starts_on=today - timedelta(days=30),
                ends_on=today + timedelta(days=90),
                teachers=[TeacherLineIn(school_code=lender, teacher_name=named)],
            ),
            BORROW_FILING,
        ),
        (
            people[CIVILITY],
            SecondmentIn(
                kind="second",
                purpose=SECOND_PURPOSE,
                starts_on=today - timedelta(days=75),
                ends_on=today - timedelta(days=14),
                teachers=[TeacherLineIn(school_code=seconder, headcount=2)],
            ),
            SECOND_FILING,
        ),
    )
    education = people[EDUCATION]
    for department, payload, filing in plans:
        secondment = register.request_secondment(session, department, payload, now=now)
        register.decide_secondment(
            session,
            education,
            secondment.id,
            SecondmentDecisionIn(decision="approve", filing_number=filing),
            now=now,
        )


def term_end_window(today: date) -> tuple[date, date]:
    """A window at the end of today's term, in today's year (seed item 3: 于年末或学期末)."""
    if today.month == 1:
        return date(today.year, 1, 5), date(today.year, 1, 25)
    if today.month >= 9:
        return date(today.year, 12, 1), date(today.year, 12, 20)
    return date(today.year, 6, 1), date(today.year, 7, 10)


# The year's 督查检查评比考核 list (seed items 1–3): 教育局 and 卫健委 propose the same safety check, the
# Party committee office merges them and approves; 文明办's appraisal waits for its decision.
LIST_SAFETY = "全市中小学校园安全专项检查"
LIST_HEALTH = "中小学校园食品安全与消防安全检查"
LIST_WAITING = "文明校园创建测评"
# The 进校园 whitelist (seed items 4–9), five items as Shanghai publishes them.
WHITELIST = (
    ("safety", "防溺水安全教育", "市应急管理局"),
    ("publicity", "禁毒宣传教育", "市禁毒委员会办公室"),
    ("competition", "青少年科技创新大赛", "市科学技术协会"),
    ("exam", "全国英语等级考试考点", "市教育考试院"),
    ("appraisal", "文明校园评选", "市精神文明建设委员会办公室"),
)


def _keep_lists(
    session: Session,
    settings: Settings,
    people: dict[str, Principal],
    cast: Cast,
    *,
    today: date,
    now: datetime,
) -> None:
    starts, ends = term_end_window(today)
    education, office = people[EDUCATION], people[OFFICE]

    def propose(who: str, kind: str, title: str, inspected: str, materials: list[str]) -> int:
        payload = ListItemIn(
            year=today.year,
            kind=kind,  # type: ignore[arg-type]
            title=title,
            inspected=inspected,
            frequency="每年1次",
            method="实地查看、查阅制度文本",
            window_starts=starts,
            window_ends=ends,
            materials=[MaterialIn(label=label) for label in materials],
        )
        return lists.propose_item(session, settings, people[who], payload, today=today, now=now).id

    safety = propose(
        EDUCATION, "inspection", LIST_SAFETY, "校园安全、消防设施、食堂卫生", ["学校安全管理制度文本"]
    )
    health = propose(HEALTH, "inspection", LIST_HEALTH, "食堂卫生、消防设施", ["食堂从业人员健康证明"])
    propose(CIVILITY, "appraisal", LIST_WAITING, "文明校园创建工作", [])
    lists.merge_item(session, office, health, ListMergeIn(into=safety), now=now)
    lists.decide_item(session, office, safety, ListDecisionIn(decision="approve"), now=now)
    if cast.signed_in:
        lists.hold_inspection(
            session,
            education,
            InspectionIn(
                item_id=safety, schools=cast.signed_in[:2], starts_on=max(starts, today), ends_on=ends
            ),
            today=today,
            now=now,
        )
    items = [
        whitelist.add_item(
            session,
            education,
            WhitelistItemIn(year=today.year, category=category, title=title, organiser=organiser),  # type: ignore[arg-type]
            today=today,
            now=now,
        )
        for category, title, organiser in WHITELIST
    ]
    for item, title, schools in (
        (items[0], "防溺水专题讲座", cast.signed_in[:2]),
        (items[3], "英语等级考试监考", cast.signed_in[1:2]),
    ):
        if schools:
            whitelist.register_demand(
                session,
                education,
                SocialDemandIn(item_id=item.id, title=title, schools=schools, held_on=today),
                now=now,
            )


def _sign_roster_agreement(
    session: Session, settings: Settings, cast: Cast, education: Principal, hrss: Principal, *, today: date
) -> None:
    """The agreement 人社局 holds: exactly the elements its roster asks (minimum necessary), city-wide."""
    roster = requests.classify(session, settings, _payload(ROSTER, settings, cast, today), today=today)
    elements = sorted({o.element.code for o in roster.fields if o.element is not None})
    access.grant_standing_access(
        session,
        education,
        GrantCreate(
            department_id=hrss.id,
            entity="teacher",
            elements=elements,
            purpose=ROSTER.purpose,
            legal_basis=ROSTER_AGREEMENT_BASIS,
            valid_until=date(today.year + 1, 12, 31),
        ),
        today=today,
    )


def _told(session: Session, found: dict[Script, DataRequest], *, fresh: bool, rows_read: int | None) -> Told:
    public_report = session.scalar(
        select(Complaint.tracking_code).where(Complaint.channel == "public").order_by(Complaint.id).limit(1)
    )
    first_aid = found.get(FIRST_AID)
    story_tasks = TaskRepository(session).for_request(first_aid.id) if first_aid is not None else []
    return Told(
        fresh=fresh,
        requests=found,
        rows_read=rows_read,
        tasks=len(story_tasks),
        tasks_complete=sum(t.completed_at is not None for t in story_tasks),
        public_report=public_report,
    )


SHORT_NAMES = {
    HRSS: "人社局",
    HEALTH: "卫健委",
    ORGANISATION: "组织部",
    CIVILITY: "文明办",
    RED_CROSS: "红十字会",
}


def guide(told: Told, cast: Cast, *, base: str) -> list[str]:
    """The closing lines of `hub demo`: which request shows what, and where to look (role: page)."""
    found = told.requests

    def head(script: Script) -> str:
        request = found[script]
        return f"  #{request.id:<3} {request.status:<17} {SHORT_NAMES[script.department]}《{script.title}》"

    if not all(script in found for script in SCRIPTS):
        return [
            "\nThe demo's requests are only partly in this database: start from a fresh one to see them all."
        ]
    roster, first_aid, again = found[ROSTER], found[FIRST_AID], found[FIRST_AID_AGAIN]
    party, campaign = found[PARTY_TABLE], found[CITY_CAMPAIGN]
    new_fields = sum(f.match_kind == "approved" for f in first_aid.fields)
    read = f"its {told.rows_read:,} rows" if told.rows_read is not None else "them"
    school = cast.signed_in[0] if cast.signed_in else None
    to_fill = next((s for s in cast.signed_in if s not in {*cast.complete, *cast.partial}), None)
    lines = [
        "",
        "[bold]What to look at[/bold] "
        + ("(the city's first weeks on the hub):" if told.fresh else "(told by an earlier `hub demo` here):"),
        head(ROSTER),
        f"        {len(roster.fields)} fields, answered from the store under 人社局's sharing agreement, no school"
        f" asked; 人社局 read {read}"
        f" → demo-hrss {base}/requests/{roster.id}; every school's /school shows the read",
        head(FIRST_AID),
        f"        {new_fields} new fields approved by 统计局 ({first_aid.approval_number}, 有效期至 "
        f"{first_aid.valid_until}); tasks to {told.tasks} pilot schools, {told.tasks_complete} complete"
        f" → demo-edu {base}/requests/{first_aid.id}",
        head(FIRST_AID_AGAIN),
        f"        asks what #{first_aid.id} collects: pointed at it (duplicate_of {again.duplicate_of}),"
        " answered when it is",
        head(PARTY_TABLE),
        f"        due the next day: refused by rule 12 with the earliest allowed date"
        f" → {base}/requests/{party.id}; a school's 举报 about it → demo-edu {base}/complaints",
        head(CITY_CAMPAIGN),
        "        创城 duty and 公众号 flagged by rule 13, rejected by 统计局 with reasons"
        f" → {base}/requests/{campaign.id}",
        head(SUBSIDY),
        f"        new fields waiting for the statistics bureau → demo-stats {base}/review",
        head(CHECKUP),
        "        all gathered, but 卫健委 holds no sharing agreement: waits for the education bureau's release"
        f" → demo-edu {base}/releases",
        f"  Burden dashboard → demo-edu {base}/burden (no baseline set: no reduction is claimed until the"
        " bureau enters last year's figures)",
        f"  举报 for anyone, no sign-in → {base}/report",
        f"  Teachers borrowed and seconded, one past its end → demo-edu {base}/away",
        f"  The year's 督查检查评比考核 list: two similar proposals merged and approved, one waiting"
        f" → demo-office {base}/list",
        f"  The 进校园 whitelist (5 items) and what entered each school → demo-edu {base}/whitelist",
        f"  One count for every page (demands, fields filled and spared, teacher-days) → demo-edu {base}/counts",
    ]
    if told.public_report is not None:
        lines.append(f"  A parent's 举报, followed by its code → {base}/report/{told.public_report}")
    if school is not None:
        lines.append(
            f"  A school's view → demo-school-{school} {base}/school "
            f"(API: GET /api/v1/schools/{school}/overview and /usage)"
        )
    if to_fill is not None:
        lines.append(f"  A task still to fill → demo-school-{to_fill} {base}/tasks")
    return lines
