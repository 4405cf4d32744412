"""Who may import records and read import reports (each rule written once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from hub.deps import require
from hub.identity.models import Principal
from hub.identity.roles import Role, rule

CURATE = rule(
    Role.ADMIN, Role.EDUCATION, zh="{kind} 账号无权执行此操作", en="a {kind} principal may not do this"
)

Curator = Annotated[Principal, Depends(require(CURATE))]
