"""`hub eval-dedup`: the dev set's forms replayed through the REST API on a fresh database, then scored.

Collected steps are submitted by their department, approved by the statistics bureau, published by the
education bureau and filled by some schools with valid synthetic rows; check steps are only checked
(then_collect ones are collected afterwards). Concept keys are used for scoring only: the hub never
sees them. Scoring follows shared/tools/dedup_rest.py: a check field is predicted "already gathered"
when the hub maps it to an element an earlier collected field of the same entity was mapped to.
"""

from __future__ import annotations

import random
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from pydantic import SecretStr

from dedup.devset import Score, Tally
from hub.app import create_app
from hub.config import Settings
from hub.db import make_engine, transaction, utcnow
from hub.demo.city import generate_city
from hub.evaluation.synthetic import sample_value
from hub.migrate import upgrade
from hub.records.service import Provenance, ingest_frame
from hub.standard.service import current_standard


@dataclass(kw_only=True)
class EvalResult:
    """The dev set's score (scored by dedup.devset.Tally, like shared/tools/dedup_rest.py) and a trace."""

    score: Score
    trace: list[str] = field(default_factory=list)

    @property
    def mistakes(self) -> tuple[str, ...]:
        return self.score.mistakes

    def summary(self) -> str:
        return self.score.summary()


class _Hub:
    """The REST calls the replay makes, with one principal per department, school and bureau."""

    def __init__(self, client: TestClient, admin_token: str) -> None:
        self.client = client
        self.admin = {"Authorization": f"Bearer {admin_token}"}
        self.tokens: dict[str, dict[str, str]] = {}

    def principal(self, kind: str, name: str, school_code: str | None = None) -> dict[str, str]:
        key = f"{kind}:{school_code or name}"
        if key not in self.tokens:
            body = {
                "kind": kind,
                "name": name,
                "code": f"eval-{len(self.tokens) + 1}",
                "school_code": school_code,
            }
            answer = self.call("POST", "/api/v1/principals", self.admin, json=body)
            self.tokens[key] = {"Authorization": f"Bearer {answer['token']}"}
        return self.tokens[key]

    def call(self, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
        answer = self.client.request(method, path, headers=headers, **kwargs)
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {path} -> {answer.status_code}: {answer.text[:300]}")
        return answer.json()


def _seed_city(engine: Any, settings: Settings, seed: int) -> list[str]:
    """Schools and the identity of their teachers only: everything else is gathered by the replay."""
    city = generate_city(seed=seed, schools=4, teachers=24)
    schools = city.schools[["code", "name"]].astype(str)
    teachers = city.teachers[["school_code", "id_number"]].astype(str)
    with transaction(engine, write=True) as session:
        std = current_standard(session)
        for entity, frame in (("school", schools), ("teacher", teachers)):
            ingest_frame(
                session,
                std=std,
                secret_key=settings.secret_key.get_secret_value(),
                entity=entity,
                frame=frame.set_axis(range(2, len(frame) + 2)),
                provenance=Provenance(source_kind="import", source_ref="eval city"),
                now=utcnow(),
            )
    return list(schools["code"])


def _fill_tasks(hub: _Hub, request_id: int, rng: random.Random) -> int:
    """Some schools (every other one, at least one) fill their tasks with valid synthetic values."""
    education = hub.principal("education", "市教育局")
    tasks = hub.call("GET", f"/api/v1/tasks?request_id={request_id}", education)
    filled = 0
    with transaction(hub.engine) as session:  # type: ignore[attr-defined]
        std = current_standard(session)
    for index, task in enumerate(tasks):
        if index % 2 and filled:
            continue
        school = hub.principal("school", f"学校 {task['school_code']}", school_code=task["school_code"])
        detail = hub.call("GET", f"/api/v1/tasks/{task['id']}", school)
        rows = []
        for row in detail.get("rows") or [{"reference": None}]:
            values = {f["name"]: sample_value(std, std.element(f["element"]), rng) for f in detail["fields"]}
            if row.get("reference"):
                values["参考号"] = row["reference"]
            rows.append(values)
        hub.call("POST", f"/api/v1/tasks/{task['id']}/submission", school, json={"rows": rows})
        filled += 1
    return filled


def replay(path: Path, *, seed: int = 2026) -> EvalResult:
    """Run the dev set at `path` against a hub on a throwaway SQLite database and score it."""
    steps = yaml.safe_load(path.read_text(encoding="utf-8"))["steps"]
    workdir = Path(tempfile.mkdtemp(prefix="hub-eval-"))
    admin_token = secrets.token_urlsafe(24)
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{workdir / 'eval.db'}",
        admin_token=SecretStr(admin_token),
        secret_key=SecretStr(secrets.token_urlsafe(24)),
        scheduler_enabled=False,
    )
    engine = make_engine(settings.database_url)
    upgrade(engine)
    _seed_city(engine, settings, seed)
    rng = random.Random(seed)
    deadline = (date.today() + timedelta(days=30)).isoformat()
    tally = Tally()
    trace: list[str] = []
    with TestClient(create_app(settings)) as client:
        hub = _Hub(client, admin_token)
        hub.engine = engine  # type: ignore[attr-defined]
        statistics = hub.principal("statistics", "市统计局")
        education = hub.principal("education", "市教育局")

        def body(step: dict[str, Any]) -> dict[str, Any]:
            return {
                "title": step["title"],
                "purpose": f"{step['title']}（评测）",
                "entity": step["entity"],
                "deadline": deadline,
                "fields": [{"label": label} for label, _ in step["fields"]],
            }

        def collect(step: dict[str, Any]) -> None:
            department = hub.principal("department", step["department"])
            answer = hub.call("POST", "/api/v1/requests", department, json=body(step))
            status = answer["status"]
            if status == "pending_approval":
                hub.call(
                    "POST",
                    f"/api/v1/requests/{answer['id']}/decision",
                    statistics,
                    json={
                        "decision": "approve",
                        "approval_number": f"统制〔2026〕{answer['id']}号",
                        "valid_until": (date.today() + timedelta(days=365)).isoformat(),
                    },
                )
                published = hub.call("POST", f"/api/v1/requests/{answer['id']}/publish", education, json={})
                filled = _fill_tasks(hub, answer["id"], rng)
                answer = hub.call("GET", f"/api/v1/requests/{answer['id']}", department)
                status = f"approved, published ({published.get('status', '?')}), {filled} schools filled"
            trace.append(f"{step['id']} collected: {status}")
            for f, (_, concept) in zip(answer["fields"], step["fields"], strict=True):
                tally.collected(step["entity"], f["element"], concept)

        for step in steps:
            if step["role"] == "collected":
                collect(step)
                continue
            department = hub.principal("department", step["department"])
            answer = hub.call("POST", "/api/v1/requests/check", department, json=body(step))
            for f, (label, concept) in zip(answer["fields"], step["fields"], strict=True):
                tally.checked(
                    step["id"],
                    step["entity"],
                    label,
                    concept,
                    f["element"],
                    derived=f["status"] == "derived",
                    why=f"{f['status']}: {f['explanation_en']}",
                )
            if step.get("then_collect"):
                collect(step)
    engine.dispose()
    return EvalResult(score=tally.score(), trace=trace)
