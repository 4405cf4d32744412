"""Principals, authentication and grants."""

from __future__ import annotations

import hmac
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import schemas
from hub.access.auth import GRANT, HOLD_GRANT, REVOKE_GRANT, SEE_GRANTS
from hub.access.errors import (
    ClearElementsNotGranted,
    CodeTaken,
    DivisionOutsideCreator,
    GrantAlreadyRevoked,
    GrantAtAnotherLevel,
    GrantDoesNotCover,
    GranteeCannotHoldGrant,
    GranteeNotFound,
    GrantEntityMismatch,
    GrantInactive,
    GrantNotFound,
    GrantRenewalInvalid,
    GrantValidityReversed,
    LastAdmin,
    NoActiveGrant,
    NoGrantCovers,
    PrincipalNotFound,
    SchoolCodeNotAllowed,
    SchoolCodeRequired,
    SelfGrant,
    UnknownElements,
)
from hub.access.models import Grant
from hub.access.payloads import GrantCreate, PrincipalCreate
from hub.access.repository import GrantRepository
from hub.audit import service as audit
from hub.db import utcnow
from hub.identity.divisions import known, not_found
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.identity.roles import Role
from hub.kit.tokens import new_token, token_digest
from hub.records.errors import SchoolNotInStore, SchoolsNotInStore
from hub.records.repository import SchoolRepository
from hub.standard.service import current_standard
from schemas import divisions

BOOTSTRAP_ADMIN_CODE = "bootstrap-admin"


def create_principal(
    session: Session,
    secret_key: str,
    payload: PrincipalCreate,
    *,
    creator: Principal | None = None,
    expires_at: datetime | None = None,
) -> tuple[Principal, str]:
    """Create a principal and return it with its clear token (shown once).

    A creator bound to a division opens accounts only inside it; a new account naming no division
    takes the creator's, and a school's account takes its school's county."""
    repository = PrincipalRepository(session)
    bound = creator.division if creator is not None else None
    division = payload.division or bound
    if repository.by_code(payload.code):
        raise CodeTaken(
            f"代码 {payload.code} 已被使用",
            f"code {payload.code} is already taken",
            detail={"code": payload.code},
        )
    if payload.kind is Role.SCHOOL:
        if not payload.school_code:
            raise SchoolCodeRequired("学校账号须指定 school_code", "a school principal needs a school_code")
        school = SchoolRepository(session).get(payload.school_code)
        if school is None:
            raise SchoolNotInStore(
                f"学校 {payload.school_code} 不在库中",
                f"school {payload.school_code} is not in the store",
                detail={"field": "school_code", "value": payload.school_code},
            )
        division = school.get("division_code") or division
    elif payload.school_code:
        raise SchoolCodeNotAllowed(
            "只有学校账号可指定 school_code", "only school principals carry a school_code"
        )
    if bound and (division is None or not divisions.contains(bound, division)):
        where = payload.school_code or division
        raise DivisionOutsideCreator(
            f"{where} 不在本账号的行政区划 {bound}（{divisions.full_name(bound)}）内",
            f"{where} lies outside this account's division {bound}",
            detail={"field": "school_code" if payload.school_code else "division", "value": where},
        )
    token = new_token()
    principal = Principal(
        kind=payload.kind,
        name=payload.name,
        code=payload.code,
        school_code=payload.school_code,
        division=division,
        token_digest=token_digest(secret_key, token),
        active=True,
        token_expires_at=expires_at,
    )
    repository.add(principal)
    audit.record_act(
        session,
        creator,
        "principal.create",
        target=_principal_target(principal),
        detail={"token_expires_at": expires_at.isoformat() if expires_at else None},
    )
    return principal, token


def _principal_target(principal: Principal) -> dict[str, object]:
    return {
        "kind": "principal",
        "id": principal.id,
        "code": principal.code,
        "role": principal.kind,
        "school_code": principal.school_code,
        "division": principal.division,
    }


def revoke_principal(
    session: Session, principal_id: int, *, revoker: Principal | None = None, reason: str | None = None
) -> Principal:
    """Stop a principal's token at once; the last active admin is never revoked (409 LastAdmin)."""
    repository = PrincipalRepository(session)
    principal = repository.get(principal_id)
    if principal is None:
        raise PrincipalNotFound(f"账号 {principal_id} 不存在", f"principal {principal_id} not found")
    if principal.active and principal.kind == Role.ADMIN:
        others = [p for p in repository.list(Role.ADMIN) if p.active and p.id != principal.id]
        if not others:
            raise LastAdmin(
                f"账号 {principal.code} 是最后一个有效的管理员，吊销后无人能开设或吊销账号；请先开设另一个管理员",
                f"{principal.code} is the last active admin: revoked, nobody could open or close accounts; "
                "open another admin first",
                detail={"principal_id": principal.id, "code": principal.code},
            )
    principal.active = False
    principal.revoked_at = utcnow()
    session.flush()
    audit.record_act(session, revoker, "principal.revoke", target=_principal_target(principal), reason=reason)
    return principal


def ensure_bootstrap_admin(session: Session, secret_key: str, admin_token: str) -> Principal:
    """Make HUB_ADMIN_TOKEN a working admin token (rotating it replaces the old digest)."""
    repository = PrincipalRepository(session)
    digest = token_digest(secret_key, admin_token)
    admin = repository.by_code(BOOTSTRAP_ADMIN_CODE)
    if admin is None:
        return repository.add(
            Principal(
                kind=Role.ADMIN, name="管理员 / administrator", code=BOOTSTRAP_ADMIN_CODE, token_digest=digest
            )
        )
    # HUB_ADMIN_TOKEN is the operator's key to the hub: whoever revoked the bootstrap admin, a restart
    # with the token set opens it again, so the hub is never left without a way in.
    if not hmac.compare_digest(admin.token_digest, digest) or not admin.active:
        reopened = not admin.active
        admin.token_digest = digest
        admin.active = True
        admin.revoked_at = None
        session.flush()
        if reopened:
            audit.record_act(
                session,
                None,
                "principal.reactivate",
                target=_principal_target(admin),
                reason="HUB_ADMIN_TOKEN at startup",
            )
    return admin


def create_grant(
    session: Session,
    *,
    department_id: int,
    entity: str,
    elements: list[str],
    schools: list[str] | None,
    purpose: str,
    request_id: int | None,
    valid_from: date,
    valid_until: date | None,
    created_by: int | None,
    clear_elements: list[str] | None = None,
) -> Grant:
    grant = Grant(
        department_id=department_id,
        entity=entity,
        elements=elements,
        clear_elements=clear_elements or [],
        schools=schools,
        purpose=purpose,
        request_id=request_id,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=created_by,
    )
    session.add(grant)
    session.flush()
    return grant


def inactive(grant: Grant, today: date) -> GrantInactive:
    """Why `grant` does not let its holder read today, with the date that decides it."""
    if grant.revoked_at is not None:
        day = grant.revoked_at.date().isoformat()
        zh, en, why = f"已于 {day} 撤销", f"was revoked on {day}", "revoked"
    elif grant.valid_from > today:
        day = grant.valid_from.isoformat()
        zh, en, why = f"自 {day} 起生效，尚未开始", f"starts on {day}", "not_yet"
    else:
        day = grant.valid_until.isoformat() if grant.valid_until else ""
        zh, en, why = f"已于 {day} 到期", f"ended on {day}", "expired"
    return GrantInactive(
        f"授权 {grant.id} {zh}，不能再读取数据",
        f"grant {grant.id} {en}; its data can no longer be read",
        detail={"grant_id": grant.id, "reason": why, "date": day, "request_id": grant.request_id},
    )


def latest_grant(session: Session, *, request_id: int, department_id: int) -> Grant | None:
    """The newest grant a request's department received for it, in force or not."""
    return session.scalars(
        select(Grant)
        .where(Grant.request_id == request_id, Grant.department_id == department_id)
        .order_by(Grant.id.desc())
        .limit(1)
    ).first()


def in_force(session: Session, grant: Grant, today: date) -> bool:
    """Whether `grant` lets its holder read today: itself in force, and so the agreement it was answered
    under (revoking or ending an agreement stops the reads of the answers it covered)."""
    if not grant.active_on(today):
        return False
    if grant.agreement_id is None:
        return True
    agreement = GrantRepository(session).get(grant.agreement_id)
    return agreement is not None and agreement.active_on(today)


def refusal(session: Session, grant: Grant, today: date) -> GrantInactive:
    """Why `grant` does not let its holder read: its own end or revocation, or its agreement's."""
    if grant.active_on(today) and grant.agreement_id is not None:
        agreement = GrantRepository(session).get(grant.agreement_id)
        if agreement is not None:
            return inactive(agreement, today)
    return inactive(grant, today)


def active_grant(session: Session, *, request_id: int, department_id: int, today: date) -> Grant | None:
    grants = session.scalars(
        select(Grant)
        .where(Grant.request_id == request_id, Grant.department_id == department_id)
        .order_by(Grant.id.desc())
    )
    return next((g for g in grants if in_force(session, g, today)), None)


# --- grants ------------------------------------------------------------------------------------------

# Who may hold a grant: schools never read other schools' data, admins grant rather than hold.


def element_codes(std: schemas.Standard, entity: str, names: list[str], *, field: str) -> list[str]:
    """Element codes for `names` (codes or bare names) of `entity`; 422 naming every unknown one."""
    known = {e.code: e for e in std.elements_for(entity)}
    codes: list[str] = []
    unknown: list[str] = []
    for name in names:
        code = name if "." in name else f"{entity}.{name}"
        if code in known:
            codes.append(code)
        else:
            unknown.append(name)
    if unknown:
        raise UnknownElements(
            f"{field} 中有未知数据元：{'、'.join(unknown[:10])}",
            f"unknown {entity} elements in {field}: " + ", ".join(unknown[:10]),
            detail={"field": field, "value": unknown[:100], "reason": "unknown element"},
        )
    return list(dict.fromkeys(codes))


def grant_standing_access(
    session: Session, grantor: Principal, payload: GrantCreate, *, today: date, default_days: int = 365
) -> Grant:
    """Admin or the education bureau makes a standing agreement (共享协议) with a department (refused
    with reasons otherwise). It ends on `valid_until`, or `default_days` after it begins: none is open-ended."""
    GRANT.check(grantor)
    holder = PrincipalRepository(session).get(payload.department_id)
    bound = grantor.division
    # A bounded grantor grants only to holders inside its subtree; one outside is answered exactly as
    # one that does not exist, so that the grant form does not confirm who exists elsewhere.
    outside = (
        holder is not None
        and bound is not None
        and not (holder.division is not None and divisions.contains(bound, holder.division))
    )
    if holder is None or not holder.active or outside:
        raise GranteeNotFound(
            f"被授权方 {payload.department_id} 不存在或已停用",
            f"grantee {payload.department_id} not found or revoked",
            detail={"field": "department_id", "value": payload.department_id},
        )
    if not HOLD_GRANT.allows(holder):
        raise GranteeCannotHoldGrant(
            f"{holder.kind} 账号不能持有授权",
            f"a {holder.kind} principal cannot hold a grant",
            detail={
                "field": "department_id",
                "value": payload.department_id,
                "allowed": [r.value for r in HOLD_GRANT.roles],
            },
        )
    if holder.id == grantor.id:
        raise SelfGrant("不能给自己授权", "a principal may not grant itself access")
    std = current_standard(session)
    elements = element_codes(std, payload.entity, payload.elements, field="elements")
    clear = element_codes(std, payload.entity, payload.clear_elements, field="clear_elements")
    outside = [c for c in clear if c not in elements]
    if outside:
        raise ClearElementsNotGranted(
            f"明文数据元须在授权数据元之内：{'、'.join(outside)}",
            "clear_elements must be granted elements: " + ", ".join(outside),
            detail={"field": "clear_elements", "value": outside},
        )
    scope = list(payload.divisions) if payload.divisions is not None else None
    if bound is not None:
        # Never wider than the grantor's own subtree: none named means all of it.
        for code in scope or []:
            if not divisions.contains(bound, known(code.strip())):
                raise not_found(code)
        scope = scope or [bound]
    if payload.schools is not None:
        inside = SchoolRepository(session).existing_codes(payload.schools, within_division=bound)
        unknown = sorted(set(payload.schools) - inside)
        if unknown:
            raise SchoolsNotInStore(
                f"{len(unknown)} 所学校不在库中：{'、'.join(unknown[:10])}",
                f"{len(unknown)} schools are not in the store",
                detail={"field": "schools", "value": unknown[:100]},
            )
    valid_from = payload.valid_from or today
    valid_until = payload.valid_until or valid_from + timedelta(days=default_days)
    if payload.valid_until is not None and payload.valid_until < valid_from:
        raise GrantValidityReversed(
            f"有效期至 {payload.valid_until} 早于生效日 {valid_from}",
            "valid_until is before valid_from",
            detail={"field": "valid_until", "value": payload.valid_until.isoformat()},
        )
    grant = create_grant(
        session,
        department_id=holder.id,
        entity=payload.entity,
        elements=elements,
        clear_elements=[c for c in clear if c in elements],
        schools=payload.schools,
        purpose=payload.purpose.strip(),
        request_id=None,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=grantor.id,
    )
    grant.divisions = scope
    grant.legal_basis = payload.legal_basis.strip()
    session.flush()
    audit.record_act(
        session,
        grantor,
        "grant.create",
        target={"kind": "grant", "id": grant.id, "holder": holder.code, "holder_id": holder.id},
        reason=grant.purpose,
        entity=grant.entity,
        elements=grant.elements,
        grant_id=grant.id,
        detail={
            "holder": holder.code,
            "schools": grant.schools,
            "divisions": grant.divisions,
            "clear_elements": grant.clear_elements,
            "purpose": grant.purpose,
            "legal_basis": grant.legal_basis,
            "valid_until": grant.valid_until.isoformat() if grant.valid_until else None,
        },
    )
    return grant


def _managed_grant(session: Session, grantor: Principal, grant_id: int) -> Grant:
    """The grant, when `grantor`'s division holds its holder's level. One held above that only reaches
    into the grantor's subtree is shown there but managed at its own level (403 naming it); any other
    is a 404."""
    repository = GrantRepository(session)
    grant = repository.get(grant_id, within_division=grantor.division)
    if grant is not None:
        return grant
    seen = repository.seen(grant_id, by_division=grantor.division)
    if seen is None:
        raise GrantNotFound(f"授权 {grant_id} 不存在", f"grant {grant_id} not found")
    holder = session.get(Principal, seen.department_id)
    level = holder.division if holder is not None else None
    where_zh = f"{level}（{divisions.full_name(level)}）" if level else "全平台"
    raise GrantAtAnotherLevel(
        f"授权 {grant_id} 属于持有部门所在的 {where_zh} 层级，由该层级的教育局管理",
        f"grant {grant_id} belongs to its holder's level ({level or 'the whole hub'}) and is managed there",
        detail={"grant_id": grant_id, "level": level},
    )


def _grant_target(grant: Grant) -> dict[str, object]:
    return {"kind": "grant", "id": grant.id, "holder_id": grant.department_id, "request_id": grant.request_id}


def revoke_grant(session: Session, grantor: Principal, grant_id: int, *, reason: str | None = None) -> Grant:
    """Revoke a grant: every read under it stops at once."""
    REVOKE_GRANT.check(grantor)
    grant = _managed_grant(session, grantor, grant_id)
    if grant.revoked_at is not None:
        raise GrantAlreadyRevoked(
            f"授权 {grant_id} 已撤销", f"grant {grant_id} is already revoked", detail={"grant_id": grant_id}
        )
    grant.revoked_at = utcnow()
    grant.revoked_by = grantor.id
    session.flush()
    audit.record_act(
        session,
        grantor,
        "grant.revoke",
        target=_grant_target(grant),
        reason=reason,
        entity=grant.entity,
        elements=grant.elements,
        grant_id=grant.id,
        request_id=grant.request_id,
    )
    return grant


def renew_grant(
    session: Session,
    grantor: Principal,
    grant_id: int,
    valid_until: date,
    *,
    today: date,
    reason: str | None = None,
) -> Grant:
    """Give an agreement or a release a new end: not in the past, never past the approval's 有效期."""
    GRANT.check(grantor)
    grant = _managed_grant(session, grantor, grant_id)
    if grant.revoked_at is not None:
        raise GrantAlreadyRevoked(
            f"授权 {grant_id} 已撤销，不能续期",
            f"grant {grant_id} was revoked and cannot be renewed",
            detail={"grant_id": grant_id},
        )
    bound = grant.ends_by
    if valid_until < today or (bound is not None and valid_until > bound):
        zh_bound = f"，且不得晚于批准有效期 {bound}" if bound else ""
        en_bound = f" and no later than the approval's validity {bound}" if bound else ""
        raise GrantRenewalInvalid(
            f"续期至 {valid_until} 无效：应不早于今天 {today}{zh_bound}",
            f"valid_until {valid_until} is invalid: it must be today ({today}) or later{en_bound}",
            detail={
                "field": "valid_until",
                "value": valid_until.isoformat(),
                "today": today.isoformat(),
                "approval_valid_until": bound.isoformat() if bound else None,
            },
        )
    before = grant.valid_until
    grant.valid_until = valid_until
    session.flush()
    audit.record_act(
        session,
        grantor,
        "grant.renew",
        target=_grant_target(grant),
        reason=reason,
        entity=grant.entity,
        elements=grant.elements,
        grant_id=grant.id,
        request_id=grant.request_id,
        detail={
            "valid_until": valid_until.isoformat(),
            "was": before.isoformat() if before else None,
        },
    )
    return grant


def expiring_grants(session: Session, principal: Principal, *, today: date, within_days: int) -> list[Grant]:
    """Agreements and releases in force that end within `within_days`, soonest first (grantors only)."""
    GRANT.check(principal)
    return GrantRepository(session).ending_between(
        today, today + timedelta(days=within_days), within_division=principal.division
    )


def visible_grant(session: Session, principal: Principal, grant_id: int) -> Grant:
    """A grant its holder, or a grantor whose division holds the holder or that the grant reaches into,
    may see (404 for everyone else)."""
    grant = GrantRepository(session).get(grant_id)
    seen = grant is not None and (
        grant.department_id == principal.id
        or (
            GRANT.allows(principal)
            and GrantRepository(session).seen(grant_id, by_division=principal.division)
        )
    )
    if grant is None or not seen:
        raise GrantNotFound(f"授权 {grant_id} 不存在", f"grant {grant_id} not found")
    return grant


def visible_grants(session: Session, principal: Principal, *, holder_id: int | None) -> list[Grant]:
    SEE_GRANTS.check(principal)
    if GRANT.allows(principal):
        return GrantRepository(session).list(holder_id=holder_id, within_division=principal.division)
    return GrantRepository(session).list(holder_id=principal.id)


def usable_grant(
    session: Session,
    principal: Principal,
    *,
    entity: str,
    elements: list[str],
    grant_id: int | None,
    today: date,
) -> Grant:
    """The grant a read goes through: the one named, or the newest active one covering `elements`.

    Checked on every read, so an expired or revoked grant stops access at once.
    """
    HOLD_GRANT.check(principal)
    if grant_id is not None:
        grant = GrantRepository(session).get(grant_id)
        if grant is None or grant.department_id != principal.id:
            raise GrantNotFound(f"授权 {grant_id} 不存在", f"grant {grant_id} not found")
        if grant.entity != entity:
            raise GrantEntityMismatch(
                f"授权 {grant_id} 针对 {grant.entity}，不是 {entity}",
                f"grant {grant_id} is for {grant.entity}, not {entity}",
                detail={"field": "grant", "value": grant_id},
            )
        if not in_force(session, grant, today):
            raise refusal(session, grant, today)
        missing = [c for c in elements if c not in grant.elements]
        if missing:
            raise GrantDoesNotCover(
                f"授权 {grant_id} 不含：{'、'.join(missing)}",
                f"grant {grant_id} does not cover: {', '.join(missing)}",
                detail={"grant_id": grant_id, "elements": missing},
            )
        return grant
    active = [
        g
        for g in GrantRepository(session).for_holder(principal.id, entity=entity)
        if in_force(session, g, today)
    ]
    for grant in active:
        if all(c in grant.elements for c in elements):
            return grant
    if not active:
        raise NoActiveGrant(f"没有有效的 {entity} 数据授权", f"no active grant for {entity} data")
    raise NoGrantCovers(
        "没有一项有效授权同时包含所需数据元",
        f"no single active grant covers: {', '.join(elements)}",
        detail={"elements": elements, "grants": [g.id for g in active]},
    )
