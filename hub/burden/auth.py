"""Who may see the burden dashboard and set its baselines (each rule written once)."""

from __future__ import annotations

from hub.identity.roles import Role, rule

SEE_CITY = rule(
    Role.EDUCATION,
    Role.ADMIN,
    zh="{kind} 账号无权查看全市减负统计",
    en="a {kind} principal may not see the city's burden dashboard",
)
SET_BASELINE = rule(
    Role.EDUCATION, zh="只有教育局可以设置减负基数", en="only the education bureau sets burden baselines"
)
