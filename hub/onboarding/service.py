"""Onboarding schools in one step: the education bureau opens an account for every school of its
division that cannot sign in yet, and hands each a one-time activation code on a printed sheet; the
school trades its code for its token. The bureau rotates (a new code, the old token stops) or revokes
any school's account inside its division.

Codes are kept only as their HMAC (`activation` purpose), like tokens: the sheet is the one place the
clear codes exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.identity.divisions import known, not_found
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.identity.roles import Role
from hub.kit.tokens import digest, new_token, token_digest
from hub.onboarding.auth import ONBOARD
from hub.onboarding.errors import (
    ActivationCodeUnknown,
    ActivationCodeUsed,
    ActivationCodeVoided,
)
from hub.onboarding.models import ActivationCode
from hub.onboarding.repository import OnboardingRepository
from hub.records.errors import SchoolNotFound
from hub.records.repository import SchoolRepository
from schemas import divisions

# Letters and digits that cannot be misread on paper (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_GROUPS, GROUP_LENGTH = 4, 4  # 25^16 ≈ 2^74 codes


def new_activation_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def normalise_code(code: str) -> str:
    """What a person typed, as issued: upper case, groups of four, spaces and dashes anywhere."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def code_digest(secret_key: str, code: str) -> str:
    return digest(secret_key, normalise_code(code), purpose="activation")


def token_expiry(now: datetime, token_days: int | None) -> datetime | None:
    return now + timedelta(days=token_days) if token_days else None


@dataclass(frozen=True, kw_only=True)
class SheetLine:
    """One school's line of the onboarding sheet: its clear code, shown this once."""

    school_code: str
    school_name: str
    division: str | None
    division_name: str | None
    account: str
    activation_code: str


@dataclass(frozen=True, kw_only=True)
class Sheet:
    division: str | None
    division_name: str | None
    issued_at: datetime
    schools_in_division: int
    already_active: int
    lines: list[SheetLine]


def narrowed(principal: Principal, division: str | None) -> str | None:
    """The division an onboarding acts on: the caller's own, or one inside it (422 unknown, 404 outside)."""
    bound = principal.division
    if division is None:
        return bound
    if bound is None or divisions.contains(bound, known(division)):
        return division
    raise not_found(division)


def _visible_school(session: Session, principal: Principal, school_code: str) -> dict[str, Any]:
    school = SchoolRepository(session).get(school_code)
    county = school.get("division_code") if school else None
    if school is None or (
        principal.division is not None and not divisions.contains(principal.division, county or "")
    ):
        raise SchoolNotFound(
            f"学校 {school_code} 不存在",
            f"school {school_code} not found",
            detail={"school_code": school_code},
        )
    return school


def _account_code(school_code: str) -> str:
    return f"school-{school_code}"


def _issue(
    session: Session,
    secret_key: str,
    bureau: Principal,
    schools: list[dict[str, Any]],
    *,
    now: datetime,
) -> list[SheetLine]:
    """A fresh code for each of `schools`, on its onboarding account (opened here when it has none);
    their older open codes are voided. Set-based: one INSERT for the accounts, one for the codes."""
    if not schools:
        return []
    repository = OnboardingRepository(session)
    codes = [s["code"] for s in schools]
    existing = repository.school_principals(codes)
    accounts = PrincipalRepository(session)
    fresh = []
    for school in schools:
        if school["code"] in existing:
            continue
        account = _account_code(school["code"])
        if accounts.by_code(account) is not None:  # a code taken by some other account: keep it apart
            account = f"{account}-{secrets.token_hex(3)}"
        fresh.append(
            {
                "kind": Role.SCHOOL,
                "name": school["name"] or school["code"],
                "code": account,
                "school_code": school["code"],
                "division": school.get("division_code"),
                # Nobody knows this token: the account signs in only once its code is activated.
                "token_digest": token_digest(secret_key, new_token()),
                "active": False,
                "created_at": now,
            }
        )
    if fresh:
        session.execute(insert(Principal), fresh)
        existing = repository.school_principals(codes)
    repository.void_open_codes(codes, now=now)
    lines: list[SheetLine] = []
    rows = []
    for school in schools:
        principal = existing[school["code"]][0]
        clear = new_activation_code()
        rows.append(
            {
                "school_code": school["code"],
                "principal_id": principal.id,
                "code_digest": code_digest(secret_key, clear),
                "issued_at": now,
                "issued_by": bureau.id,
            }
        )
        county = school.get("division_code")
        lines.append(
            SheetLine(
                school_code=school["code"],
                school_name=school["name"] or "",
                division=county,
                division_name=divisions.full_name(county) if county else None,
                account=principal.code,
                activation_code=clear,
            )
        )
    session.execute(insert(ActivationCode), rows)
    session.flush()
    return lines


def open_school_accounts(
    session: Session, secret_key: str, bureau: Principal, *, division: str | None, now: datetime
) -> Sheet:
    """Every school of `division` (the bureau's own by default) that cannot sign in now gets an
    account and a one-time activation code; schools already signing in are counted, not touched."""
    ONBOARD.check(bureau)
    where = narrowed(bureau, division)
    repository = OnboardingRepository(session)
    total, active = repository.count(where, now=now)
    lines = _issue(
        session, secret_key, bureau, repository.schools(where, now=now, without_account=True), now=now
    )
    audit.record_act(
        session,
        bureau,
        "schools.onboard",
        target={"kind": "division", "id": where},
        entity="school",
        row_count=len(lines),
        detail={"division": where, "codes_issued": len(lines), "already_active": active},
    )
    return Sheet(
        division=where,
        division_name=divisions.full_name(where) if where else None,
        issued_at=now,
        schools_in_division=total,
        already_active=active,
        lines=lines,
    )


@dataclass(frozen=True, kw_only=True)
class Activation:
    principal: Principal
    token: str
    school_name: str


def activate(
    session: Session, secret_key: str, code: str, *, now: datetime, token_days: int | None
) -> Activation:
    """Trade a one-time activation code for the school's token (409 when used before or voided)."""
    found = OnboardingRepository(session).by_digest(code_digest(secret_key, code))
    if found is None:
        raise ActivationCodeUnknown(
            "激活码不存在，请核对后重新输入", "no such activation code; check it and type it again"
        )
    if found.used_at is not None:
        day = found.used_at.isoformat(timespec="minutes")
        raise ActivationCodeUsed(
            f"激活码已于 {day} 使用过，每个激活码只能使用一次；如需新令牌，请联系教育局",
            f"this activation code was used on {day}; each code works once: ask the education bureau for a new one",
            detail={"used_at": found.used_at.isoformat(), "school_code": found.school_code},
        )
    if found.voided_at is not None:
        day = found.voided_at.isoformat(timespec="minutes")
        raise ActivationCodeVoided(
            f"激活码已于 {day} 作废（已签发新激活码或账号已吊销）",
            f"this activation code was voided on {day} (a newer code was issued, or the account revoked)",
            detail={"voided_at": found.voided_at.isoformat(), "school_code": found.school_code},
        )
    principal = PrincipalRepository(session).get(found.principal_id)
    assert principal is not None  # a foreign key
    token = new_token()
    principal.token_digest = token_digest(secret_key, token)
    principal.active = True
    principal.revoked_at = None
    principal.token_expires_at = token_expiry(now, token_days)
    found.used_at = now
    session.flush()
    audit.record_act(
        session,
        principal,
        "school.activate",
        target={"kind": "school", "id": found.school_code},
        entity="school",
        detail={"school_code": found.school_code, "expires_at": _iso(principal.token_expires_at)},
    )
    school = SchoolRepository(session).get(found.school_code) or {}
    return Activation(principal=principal, token=token, school_name=school.get("name") or "")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _stop(session: Session, school_code: str, *, now: datetime) -> int:
    """Every account of the school stops signing in; returns how many did."""
    stopped = 0
    for principal in OnboardingRepository(session).school_principals([school_code]).get(school_code, []):
        if principal.active:
            stopped += 1
        principal.active = False
        principal.revoked_at = principal.revoked_at or now
    OnboardingRepository(session).void_open_codes([school_code], now=now)
    session.flush()
    return stopped


def rotate_school_token(
    session: Session, secret_key: str, bureau: Principal, school_code: str, *, now: datetime
) -> SheetLine:
    """The school's token stops at once and a new activation code replaces it (404 outside the division)."""
    ONBOARD.check(bureau)
    school = _visible_school(session, bureau, school_code)
    stopped = _stop(session, school_code, now=now)
    line = _issue(session, secret_key, bureau, [school], now=now)[0]
    audit.record_act(
        session,
        bureau,
        "school.token_rotate",
        target={"kind": "school", "id": school_code},
        entity="school",
        detail={"school_code": school_code, "tokens_stopped": stopped},
    )
    return line


def revoke_school_token(session: Session, bureau: Principal, school_code: str, *, now: datetime) -> int:
    """Every token and open code of the school stops at once (404 outside the division)."""
    ONBOARD.check(bureau)
    _visible_school(session, bureau, school_code)
    stopped = _stop(session, school_code, now=now)
    audit.record_act(
        session,
        bureau,
        "school.token_revoke",
        target={"kind": "school", "id": school_code},
        entity="school",
        detail={"school_code": school_code, "tokens_stopped": stopped},
    )
    return stopped


def accounts(
    session: Session, bureau: Principal, *, division: str | None, now: datetime, limit: int, offset: int
) -> dict[str, Any]:
    """The schools of the division with the state of their accounts: active, code_issued or none."""
    ONBOARD.check(bureau)
    where = narrowed(bureau, division)
    repository = OnboardingRepository(session)
    total, active = repository.count(where, now=now)
    rows = repository.schools(where, now=now, limit=limit, offset=offset)
    codes = [r["code"] for r in rows]
    pending = repository.open_codes(codes)
    principals = repository.school_principals(codes)
    items = []
    for row in rows:
        mine = principals.get(row["code"], [])
        expires = [p.token_expires_at for p in mine if p.active and p.token_expires_at is not None]
        state = "active" if row["has_account"] else "code_issued" if row["code"] in pending else "none"
        items.append(
            {
                "school_code": row["code"],
                "school_name": row["name"],
                "division": row["division_code"],
                "state": state,
                "code_issued_at": pending.get(row["code"]),
                "token_expires_at": min(expires) if expires else None,
            }
        )
    return {
        "division": where,
        "total": total,
        "active": active,
        "without_account": total - active,
        "items": items,
        "limit": limit,
        "offset": offset,
    }
