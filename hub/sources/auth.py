"""Who may manage and run sources (each rule written once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from hub.access.models import Principal
from hub.access.roles import Role, rule
from hub.deps import require

CURATE = rule(
    Role.ADMIN, Role.EDUCATION, zh="{kind} 账号无权执行此操作", en="a {kind} principal may not do this"
)

Curator = Annotated[Principal, Depends(require(CURATE))]
