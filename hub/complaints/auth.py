"""Who may file, see and answer complaints (举报) (each rule written once)."""

from __future__ import annotations

from hub.identity.roles import Role, rule

READ = rule(
    Role.SCHOOL,
    Role.EDUCATION,
    Role.OFFICE,
    Role.ADMIN,
    zh="{kind} 账号无权查看举报",
    en="a {kind} principal may not see complaints",
)
FILE = rule(Role.SCHOOL, zh="只有学校可以举报", en="only a school files complaints")
# The education bureau answers its queue; the office's principals the discipline-inspection (纪检监察) queue.
ANSWER = rule(
    Role.EDUCATION,
    Role.OFFICE,
    zh="只有教育局（或纪检监察队列的处理人）可以答复举报",
    en="only the education bureau (or the discipline-inspection queue's handler) answers complaints",
)
# Route a report between the queues, and see their statistics.
HANDLE = rule(
    Role.EDUCATION,
    Role.OFFICE,
    Role.ADMIN,
    zh="{kind} 账号不处理举报",
    en="a {kind} principal does not handle complaints",
)
