"""Who onboards schools (each rule written once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from hub.deps import require
from hub.identity.models import Principal
from hub.identity.roles import Role, rule

# The education bureau is the one channel to its schools: it opens, rotates and revokes their accounts.
ONBOARD = rule(
    Role.EDUCATION,
    Role.ADMIN,
    zh="{kind} 账号无权开通或吊销学校账号",
    en="a {kind} principal may not open or revoke school accounts",
)

Onboarder = Annotated[Principal, Depends(require(ONBOARD))]
