"""Who may read and keep the holiday calendar (each rule written once)."""

from __future__ import annotations

from hub.identity.roles import EVERY_ROLE, Role, rule

READ_CALENDAR = rule(
    *EVERY_ROLE,
    zh="{kind} 账号无权查看节假日安排",
    en="a {kind} principal may not read the holiday calendar",
)
KEEP_CALENDAR = rule(
    Role.EDUCATION,
    zh="只有教育局可以录入节假日和调休安排",
    en="only the education bureau keeps the holiday and 调休 schedule",
)
