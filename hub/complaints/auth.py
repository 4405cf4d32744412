"""Who may file, see and answer complaints (举报) (each rule written once)."""

from __future__ import annotations

from hub.access.roles import Role, rule

READ = rule(
    Role.SCHOOL,
    Role.EDUCATION,
    Role.ADMIN,
    zh="{kind} 账号无权查看举报",
    en="a {kind} principal may not see complaints",
)
FILE = rule(Role.SCHOOL, zh="只有学校可以举报", en="only a school files complaints")
ANSWER = rule(Role.EDUCATION, zh="只有教育局可以答复举报", en="only the education bureau answers complaints")
