"""`hub demo --province`: a province of several cities and about twenty counties, with an education
and a statistics bureau at every level, so that a newcomer sees the levels at work.

The schools and teachers are a synthetic city (hub.demo.city) spread over four cities of 浙江省, five
counties each: every school is re-coded into its new city (学校标识码 carries the city's digits) and
renamed after its county. Then, through the services the API calls:
- the province's 人社厅 asks every school of the province for gathered teacher data, without an
  agreement: it waits for the provincial education department's release (`/releases`);
- 宁波市人社局 asks its city's schools a new field: 宁波市统计局 approves it (the request's level is the
  city), 宁波市教育局 publishes it, and one school of each of its counties has filled its task, so the
  city's progress page and dashboards show per-county rows and each county bureau sees only its own;
- a county's 人社局 reads its county under a sharing agreement its county education bureau signed.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from rich.console import Console
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from hub.access import service as access
from hub.access.payloads import GrantCreate
from hub.config import Settings
from hub.db import transaction, utcnow
from hub.demo.city import City, generate_city, write_city_files
from hub.demo.loader import ADMIN_CODE, open_account
from hub.demo.loader import DemoPrincipal as Person
from hub.errors import HubError
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import local_date
from hub.kit.workdays import add_working_days
from hub.requests import service as requests
from hub.requests.models import DataRequest
from hub.requests.payloads import DecisionIn, FieldIn, RequestIn
from hub.standard.service import current_standard
from hub.tasks import service as tasks
from schemas import divisions, validators

PROVINCE = "330000"
CITIES = ("330100", "330200", "330300", "330400")  # 杭州, 宁波, 温州, 嘉兴
COUNTIES_PER_CITY = 5
COLLECTING_CITY = "330200"
PROVINCE_TITLE = "全省专业技术人才队伍统计"
CITY_TITLE = "宁波市教师家访情况调查"
COUNTY_TITLE = "教师信息核对花名册"


def counties() -> list[str]:
    """The province's counties the demo spreads its schools over: the first five of each city."""
    out: list[str] = []
    for city in CITIES:
        out += [d.code for d in divisions.counties_within(city)[:COUNTIES_PER_CITY]]
    return out


def _short(code: str) -> str:
    found = divisions.division(code)
    return found.name if found else code


def spread(city: City) -> City:
    """The city's schools spread over the province's counties (round robin), re-coded and renamed."""
    places = counties()
    schools = city.schools.copy()
    renamed: dict[str, str] = {}
    for i, row in enumerate(schools.itertuples()):
        county = places[i % len(places)]
        old_county = str(row.division_code)
        first9 = f"{row.code[:2]}{county[:4]}{row.code[6:9]}"
        code = first9 + validators.school_code_check_digit(first9)
        renamed[str(row.code)] = code
        schools.at[row.Index, "code"] = code
        schools.at[row.Index, "division_code"] = county
        schools.at[row.Index, "name"] = str(row.name).replace(_short(old_county), _short(county), 1)
        schools.at[row.Index, "competent_authority"] = f"{divisions.full_name(county)}教育局".removeprefix(
            "浙江省"
        )
        schools.at[row.Index, "address"] = str(row.address).replace(
            divisions.full_name(old_county), divisions.full_name(county), 1
        )
    teachers = city.teachers.copy()
    teachers["school_code"] = teachers["school_code"].map(renamed)
    return City(name="浙江省", division_code=PROVINCE, as_of=city.as_of, schools=schools, teachers=teachers)


def people(schools: pd.DataFrame) -> list[Person]:
    """Bureaus at every level, a 人社 department per level, and one school account per county."""
    out = [
        Person(kind=Role.EDUCATION, name="浙江省教育厅", code="zj-edu", division=PROVINCE),
        Person(kind=Role.STATISTICS, name="浙江省统计局", code="zj-stats", division=PROVINCE),
        Person(kind=Role.DEPARTMENT, name="浙江省人力资源和社会保障厅", code="zj-hrss", division=PROVINCE),
    ]
    for city in CITIES:
        name = _short(city)
        out += [
            Person(kind=Role.EDUCATION, name=f"{name}教育局", code=f"edu-{city}", division=city),
            Person(kind=Role.STATISTICS, name=f"{name}统计局", code=f"stats-{city}", division=city),
            Person(
                kind=Role.DEPARTMENT, name=f"{name}人力资源和社会保障局", code=f"hrss-{city}", division=city
            ),
        ]
    for county in counties():
        name = divisions.full_name(county).removeprefix("浙江省")
        out += [
            Person(kind=Role.EDUCATION, name=f"{name}教育局", code=f"edu-{county}", division=county),
            Person(kind=Role.STATISTICS, name=f"{name}统计局", code=f"stats-{county}", division=county),
        ]
        first = schools[schools["division_code"] == county].sort_values("code").head(1)
        for code, school_name in zip(first["code"], first["name"], strict=True):
            out.append(
                Person(kind=Role.SCHOOL, name=str(school_name), code=f"school-{code}", school_code=code)
            )
    first_county = counties()[0]
    out.append(
        Person(
            kind=Role.DEPARTMENT,
            name=f"{divisions.full_name(first_county).removeprefix('浙江省')}人力资源和社会保障局",
            code=f"hrss-{first_county}",
            division=first_county,
        )
    )
    return out


def _open_accounts(engine: Engine, settings: Settings, everyone: list[Person]) -> dict[str, str]:
    """Create (or rotate the token of) every demo principal; principal code → token."""
    secret = settings.secret_key.get_secret_value()
    tokens: dict[str, str] = {}
    with transaction(engine, write=True) as session:
        if settings.admin_token is not None:
            access.ensure_bootstrap_admin(session, secret, settings.admin_token.get_secret_value())
            tokens[ADMIN_CODE] = settings.admin_token.get_secret_value()
        else:
            everyone = [Person(kind=Role.ADMIN, name="系统管理员", code=ADMIN_CODE), *everyone]
        for person in everyone:
            tokens[person.code] = open_account(session, secret, person)
    return tokens


def _by_code(session: Session, code: str) -> Principal:
    return session.scalars(select(Principal).where(Principal.code == code)).one()


def _told_already(engine: Engine) -> bool:
    with transaction(engine) as session:
        return (
            session.scalars(select(DataRequest.id).where(DataRequest.title == CITY_TITLE)).first() is not None
        )


def tell(engine: Engine, settings: Settings, *, now: datetime) -> None:
    """The province's first requests, each through its service (nothing is sent twice)."""
    if _told_already(engine):
        return
    today = local_date(now)
    deadline = add_working_days(
        today, 10, extra_holidays=settings.extra_holidays, extra_workdays=settings.extra_workdays
    )
    with transaction(engine, write=True) as session:
        first_county = counties()[0]
        access.grant_standing_access(
            session,
            _by_code(session, f"edu-{first_county}"),
            GrantCreate(
                department_id=_by_code(session, f"hrss-{first_county}").id,
                entity="teacher",
                elements=["teacher.name", "teacher.gender", "teacher.title", "teacher.school_code"],
                purpose="核对本县专业技术人员职称信息",
                legal_basis="县人社局与县教育局数据共享协议（2026）",
                valid_until=today + timedelta(days=365),
            ),
            today=today,
            default_days=settings.agreement_days,
        )
        requests.submit(
            session,
            settings,
            _by_code(session, f"hrss-{first_county}"),
            RequestIn(
                title=COUNTY_TITLE,
                purpose="职称评审资格核对",
                entity="teacher",
                deadline=deadline,
                fields=[FieldIn(label="姓名"), FieldIn(label="性别"), FieldIn(label="专业技术职务")],
            ),
            now=now,
        )
        requests.submit(
            session,
            settings,
            _by_code(session, "zj-hrss"),
            RequestIn(
                title=PROVINCE_TITLE,
                purpose="全省专业技术人才队伍建设规划",
                entity="teacher",
                deadline=deadline,
                fields=[FieldIn(label="姓名"), FieldIn(label="出生日期"), FieldIn(label="专业技术职务")],
            ),
            now=now,
        )
        collecting = requests.submit(
            session,
            settings,
            _by_code(session, f"hrss-{COLLECTING_CITY}"),
            RequestIn(
                title=CITY_TITLE,
                purpose="了解家校沟通情况，完善教师家访制度",
                entity="teacher",
                deadline=deadline,
                fields=[FieldIn(label="姓名"), FieldIn(label="本学期家访次数", type="integer")],
            ),
            now=now,
        )
        requests.decide(
            session,
            _by_code(session, f"stats-{COLLECTING_CITY}"),
            collecting.id,
            DecisionIn(
                decision="approve",
                form_number="甬人社统1表",
                approval_number=f"甬统制〔{today.year}〕8号",
                valid_until=date(today.year + 1, today.month, min(today.day, 28)),
                note="与教育教学相关，同意；仅向缺少数据的学校采集。",
            ),
            now=now,
        )
        publication = tasks.publish(
            session,
            settings,
            _by_code(session, f"edu-{COLLECTING_CITY}"),
            collecting.id,
            deadline=None,
            now=now,
        )
        for task in publication.tasks:
            account = session.scalars(
                select(Principal).where(Principal.code == f"school-{task.school_code}")
            ).first()
            if account is None:
                continue
            rows = [
                {tasks.REFERENCE_HEADER: row.reference, "本学期家访次数": str(3 + i % 5)}
                for i, row in enumerate(tasks.prefilled_rows(session, task, current_standard(session)))
            ]
            tasks.submit(session, settings, account, task.id, tasks.json_input(rows), now=now)


def load_province(
    engine: Engine,
    settings: Settings,
    *,
    schools: int,
    teachers: int,
    seed: int,
    console: Console,
    host: str | None = None,
    port: int | None = None,
) -> dict[str, str]:
    """Generate, import, open the accounts, tell the first requests and print who is who."""
    from hub.demo.loader import ADMIN_CODE, _import

    with console.status(f"generating a province of {schools} schools and {teachers} teachers …"):
        province = spread(generate_city(seed=seed, schools=schools, teachers=teachers))
        folder = Path(tempfile.mkdtemp(prefix="hub-demo-province-"))
        schools_file, teachers_file = write_city_files(province, folder)
    with console.status("importing schools (XLSX) and teachers (GB18030 CSV) …"):
        for label, entity, path in (
            ("schools", "school", schools_file),
            ("teachers", "teacher", teachers_file),
        ):
            report = _import(engine, settings, entity, path)
            console.print(
                f"{label}: {report.rows_read} read, {report.accepted} accepted ({report.inserted} new), "
                f"{report.rejected_rows} rejected"
            )
    everyone = people(province.schools)
    tokens = _open_accounts(engine, settings, everyone)
    token_file = Path.cwd() / "demo-tokens.txt"
    token_file.write_text("".join(f"{code}\t{token}\n" for code, token in tokens.items()), encoding="utf-8")
    try:
        tell(engine, settings, now=utcnow())
    except HubError as exc:
        console.print(f"[yellow]the province's requests were not sent: {exc.message}[/yellow]")
    serve_host, serve_port = host or settings.host, port or settings.port
    shown_host = "127.0.0.1" if serve_host in ("0.0.0.0", "::") else serve_host
    base = f"http://{shown_host}:{serve_port}"
    serve_command = "hub serve" + (f" --host {host}" if host else "") + (f" --port {port}" if port else "")
    names = {p.code: (p.name, p.division or p.school_code or "") for p in everyone}
    console.print("\n[bold]Principals by level (tokens also in demo-tokens.txt):[/bold]")
    for code, token in tokens.items():
        name, where = names.get(code, ("HUB_ADMIN_TOKEN: creates principals, imports files", ""))
        if code == ADMIN_CODE:
            name = "admin (creates principals, imports files)"
        console.print(f"  {code:22} {token}  {name} {where}", soft_wrap=True)
    nb_county = counties()[COUNTIES_PER_CITY]
    console.print(
        f"\nStart the hub with [bold]{serve_command}[/bold], then sign in at {base}/ with a token:\n"
        f"  zj-edu (浙江省教育厅): {base}/burden rolls the province up per city; {base}/releases holds "
        f"《{PROVINCE_TITLE}》\n"
        f"  edu-{COLLECTING_CITY} ({_short(COLLECTING_CITY)}教育局): {base}/requests shows 《{CITY_TITLE}》 "
        f"published to its {COUNTIES_PER_CITY} counties; {base}/burden and {base}/selfcheck per county\n"
        f"  edu-{nb_county} ({divisions.full_name(nb_county)}教育局): only its own schools, "
        f"{base}/api/v1/schools lists them; onboard the rest at {base}/onboarding\n"
        f"  hrss-{counties()[0]}: 《{COUNTY_TITLE}》 answered at once under its county's agreement",
        soft_wrap=True,
    )
    return tokens
