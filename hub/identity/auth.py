"""The identity domain's role rules and API dependencies: who administers the hub and opens accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from hub.deps import require
from hub.identity.models import Principal
from hub.identity.roles import Role, rule

ADMINISTER = rule(Role.ADMIN, zh="{kind} 账号无权执行此操作", en="a {kind} principal may not do this")
# Who may open accounts on the web pages: an admin any kind, the education bureau schools and departments.
OPEN_ACCOUNTS = rule(
    Role.ADMIN, Role.EDUCATION, zh="{kind} 账号无权开设账号", en="a {kind} principal may not open accounts"
)

Admin = Annotated[Principal, Depends(require(ADMINISTER))]
