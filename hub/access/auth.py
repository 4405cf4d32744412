"""Who grants, revokes, holds and sees grants: each rule written once, asked by the API dependency, the
pages and the access service alike."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from hub.deps import require
from hub.identity.models import Principal
from hub.identity.roles import Role, rule

GRANT = rule(
    Role.ADMIN,
    Role.EDUCATION,
    zh="只有管理员或教育局可以授权",
    en="only an admin or the education bureau grants access",
)
REVOKE_GRANT = rule(
    Role.ADMIN,
    Role.EDUCATION,
    zh="只有管理员或教育局可以撤销授权",
    en="only an admin or the education bureau revokes access",
)
# Who reads data under grants (and so may hold one).
HOLD_GRANT = rule(
    Role.DEPARTMENT,
    Role.STATISTICS,
    Role.EDUCATION,
    zh="{kind} 账号不能查询数据",
    en="a {kind} principal does not query data",
)
SEE_GRANTS = rule(
    *dict.fromkeys((*GRANT.roles, *HOLD_GRANT.roles)),
    zh="{kind} 账号没有授权",
    en="a {kind} principal holds no grants",
)

Grantor = Annotated[Principal, Depends(require(GRANT))]
