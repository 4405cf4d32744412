"""Who may see a school's own view (each rule written once)."""

from __future__ import annotations

from hub.access.roles import Role, rule

SEE_SCHOOL = rule(
    Role.SCHOOL,
    Role.EDUCATION,
    Role.ADMIN,
    zh="{kind} 账号无权查看学校视图",
    en="a {kind} principal may not see a school's view",
)
