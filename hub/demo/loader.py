"""`hub demo`: a synthetic city loaded through the real import path, one principal per role, and the
city's first requests taken through the hub's services (hub.demo.story)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rich.console import Console
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from hub.access.payloads import PrincipalCreate
from hub.access.service import create_principal, ensure_bootstrap_admin
from hub.config import Settings
from hub.db import transaction, utcnow
from hub.demo import story
from hub.errors import HubError
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import local_today
from hub.kit.tokens import new_token, token_digest
from hub.records.files import entity_headers, read_upload
from hub.records.service import IngestReport, Provenance, ingest_frame
from hub.standard.service import current_standard
from schemas.periods import period_containing

if TYPE_CHECKING:
    from hub.demo.city import City


@dataclass(frozen=True, kw_only=True)
class DemoPrincipal:
    kind: Role
    name: str
    code: str
    school_code: str | None = None
    division: str | None = None


def open_account(session: Session, secret: str, person: DemoPrincipal) -> str:
    """Create the demo principal, or give the one already there a new token and reopen it; its token."""
    existing = session.scalars(select(Principal).where(Principal.code == person.code)).first()
    if existing is None:
        _, token = create_principal(
            session,
            secret,
            PrincipalCreate(
                kind=person.kind,
                name=person.name,
                code=person.code,
                school_code=person.school_code,
                division=person.division,
            ),
        )
        return token
    token = new_token()
    existing.token_digest = token_digest(secret, token)
    existing.active = True
    return token


def demo_principals(schools: list[str]) -> list[DemoPrincipal]:
    """One principal per role (departments of the demo's story among them), and one per school listed."""
    people = [
        DemoPrincipal(kind=Role.DEPARTMENT, name="市人力资源和社会保障局", code=story.HRSS),
        DemoPrincipal(kind=Role.DEPARTMENT, name="市卫生健康委员会", code=story.HEALTH),
        DemoPrincipal(kind=Role.DEPARTMENT, name="市委组织部", code=story.ORGANISATION),
        DemoPrincipal(kind=Role.DEPARTMENT, name="市精神文明建设委员会办公室", code=story.CIVILITY),
        DemoPrincipal(kind=Role.DEPARTMENT, name="市红十字会", code=story.RED_CROSS),
        DemoPrincipal(kind=Role.STATISTICS, name="市统计局", code=story.STATISTICS),
        DemoPrincipal(kind=Role.EDUCATION, name="市教育局", code=story.EDUCATION),
        DemoPrincipal(kind=Role.OFFICE, name="市委办公室", code=story.OFFICE),
    ]
    people += [
        DemoPrincipal(kind=Role.SCHOOL, name=f"学校 {code}", code=f"demo-school-{code}", school_code=code)
        for code in schools
    ]
    return people


def _import(
    engine: Engine, settings: Settings, entity: str, path: Path, *, period: str | None = None
) -> IngestReport:
    with transaction(engine, write=True) as session:
        std = current_standard(session)
        frame, sha256 = read_upload(path, expected_headers=entity_headers(std, entity))
        return ingest_frame(
            session,
            std=std,
            secret_key=settings.secret_key.get_secret_value(),
            entity=entity,
            frame=frame,
            provenance=Provenance(source_kind="demo", source_ref=path.name, file_sha256=sha256),
            now=utcnow(),
            period=period,
        )


def past_period_files(city: City, folder: Path, *, today: date, seed: int) -> list[tuple[str, Path, str]]:
    """Last year's files as offices keep them: each teacher's training hours of the last calendar year
    (ID number and hours only) and each school's counts at the start of the last school year. With
    this year's, the demo holds two periods of them; the years before hold nothing (not collected)."""
    rng = np.random.default_rng(seed + 16)
    last_year = today.year - 1
    hours = city.teachers[["id_number"]].rename(columns={"id_number": "公民身份号码"})
    hours["继续教育学时"] = rng.integers(4, 21, len(hours)) * 6
    hours_path = folder / f"{last_year}年继续教育学时.csv"
    hours.to_csv(hours_path, index=False, encoding="utf-8-sig")
    school_year = period_containing("school_year", today).shifted(-1)
    counts = city.schools[["code", "student_count", "class_count"]].copy()
    shrink = rng.uniform(0.9, 1.0, len(counts))
    counts["student_count"] = (counts["student_count"].astype(float) * shrink).round().astype(int)
    counts["class_count"] = (counts["class_count"].astype(float) * shrink).round().astype(int)
    counts.columns = ["学校标识码", "在校学生数", "班级数"]
    counts_path = folder / f"{school_year.label_zh}学校统计.csv"
    counts.to_csv(counts_path, index=False, encoding="utf-8-sig")
    return [("teacher", hours_path, str(last_year)), ("school", counts_path, school_year.key)]


ADMIN_CODE = "demo-admin"


def load_demo(
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
    """Generate, import, tell the story and report; returns principal code → token (rotated on every run)."""
    from hub.demo.city import generate_city, write_city_files

    with console.status(f"generating a city of {schools} schools and {teachers} teachers …"):
        city = generate_city(seed=seed, schools=schools, teachers=teachers)
        folder = Path(tempfile.mkdtemp(prefix="hub-demo-"))
        schools_file, teachers_file = write_city_files(city, folder)
    with console.status("importing schools (XLSX) …"):
        school_report = _import(engine, settings, "school", schools_file)
    with console.status("importing teachers (GB18030 CSV) …"):
        teacher_report = _import(engine, settings, "teacher", teachers_file)
    for label, report in (("schools", school_report), ("teachers", teacher_report)):
        console.print(
            f"{label}: {report.rows_read} read, {report.accepted} accepted ({report.inserted} new), "
            f"{report.rejected_rows} rejected"
        )
    with console.status("importing last year's periodic data …"):
        for entity, path, period in past_period_files(city, folder, today=local_today(), seed=seed):
            report = _import(engine, settings, entity, path, period=period)
            console.print(
                f"{path.name}: {report.accepted} records for {period} "
                f"({', '.join(report.periods)}); earlier periods hold nothing",
                soft_wrap=True,
            )
    cast = story.cast(city.schools["code"].astype(str).tolist(), seed=seed)
    tokens: dict[str, str] = {}
    secret = settings.secret_key.get_secret_value()
    with transaction(engine, write=True) as session:
        if settings.admin_token is not None:
            ensure_bootstrap_admin(session, secret, settings.admin_token.get_secret_value())
            tokens[ADMIN_CODE] = settings.admin_token.get_secret_value()
        people = demo_principals(cast.acting_schools)
        if settings.admin_token is None:
            # Without HUB_ADMIN_TOKEN nobody could create a principal or import a file: the demo has an admin.
            people.insert(0, DemoPrincipal(kind=Role.ADMIN, name="系统管理员", code=ADMIN_CODE))
        for person in people:
            tokens[person.code] = open_account(session, secret, person)
    token_file = Path.cwd() / "demo-tokens.txt"
    token_file.write_text("".join(f"{code}\t{token}\n" for code, token in tokens.items()), encoding="utf-8")
    told: story.Told | None = None
    try:
        with (
            console.status("departments send requests; the bureaus decide and publish; schools fill tasks …"),
            transaction(engine, write=True) as session,
        ):
            told = story.tell(session, settings, cast, seed=seed, now=utcnow())
    except HubError as exc:
        # A database that already holds other requests (or settings stricter than the story's dates)
        # can turn a step down: the city and the tokens stay, the story's requests are rolled back.
        console.print(f"[yellow]the demo's requests were not sent: {exc.message}[/yellow]")
    serve_host, serve_port = host or settings.host, port or settings.port
    shown_host = "127.0.0.1" if serve_host in ("0.0.0.0", "::") else serve_host
    base = f"http://{shown_host}:{serve_port}"
    serve_command = "hub serve" + (f" --host {host}" if host else "") + (f" --port {port}" if port else "")
    shown = {code: token for code, token in tokens.items() if not _extra_school(code, cast)}
    console.print("\n[bold]Principals (tokens also in demo-tokens.txt):[/bold]")
    for code, token in shown.items():
        note = "  (HUB_ADMIN_TOKEN: creates principals, imports files)" if code == ADMIN_CODE else ""
        console.print(f"  {code:28} {token}{note}", soft_wrap=True)
    if len(shown) < len(tokens):
        console.print(
            f"  … and {len(tokens) - len(shown)} more schools that play a part below (demo-tokens.txt)"
        )
    console.print(
        f"\nStart the hub with [bold]{serve_command}[/bold], then open {base}/ and sign in with a token, or try:\n"
        f"  curl -s -X POST {base}/api/v1/requests/check -H 'Authorization: Bearer {tokens['demo-hrss']}' "
        '-H \'Content-Type: application/json\' -d \'{"title":"职称评审花名册","purpose":"职称评审","entity":"teacher",'
        '"fields":[{"label":"姓名"},{"label":"公民身份号码"},{"label":"出生日期"},{"label":"配偶姓名"}]}\'',
        soft_wrap=True,  # a wrapped curl cannot be pasted
    )
    for line in story.guide(told, cast, base=base) if told is not None else []:
        console.print(line, soft_wrap=True)
    return tokens


def _extra_school(code: str, cast: story.Cast) -> bool:
    return code.startswith("demo-school-") and code.removeprefix("demo-school-") not in cast.signed_in
