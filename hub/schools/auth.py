"""Who may see a school's own view (each rule written once)."""

from __future__ import annotations

from hub.identity.roles import EVERY_ROLE, Role, rule

# Who lists schools (GET /schools): the bureaus and departments their division's, a school itself.
LIST_SCHOOLS = rule(
    *EVERY_ROLE,
    zh="{kind} 账号无权查看学校名录",
    en="a {kind} principal may not list schools",
)
SEE_SCHOOL = rule(
    Role.SCHOOL,
    Role.EDUCATION,
    Role.ADMIN,
    zh="{kind} 账号无权查看学校视图",
    en="a {kind} principal may not see a school's view",
)
