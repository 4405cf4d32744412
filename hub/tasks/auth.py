"""Who may publish to schools and use school tasks (each rule written once; seed rule 10)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from hub.deps import require
from hub.identity.models import Principal
from hub.identity.roles import Role, rule

PUBLISH = rule(
    Role.EDUCATION,
    zh="只有教育局可以向学校发布任务",
    en="only the education bureau publishes tasks to schools",
)
# Seed rule 10: departments never reach schools, not even by reading what schools were asked.
SCHOOL_FACING = rule(
    Role.SCHOOL,
    Role.EDUCATION,
    Role.ADMIN,
    zh="{kind} 账号不能访问学校任务（只有教育局面向学校）",
    en="a {kind} principal may not use school tasks: only the education bureau reaches schools",
)
FILL = rule(Role.SCHOOL, zh="只有学校本身可以填报任务", en="only the school itself submits its task")
MARK_DONE = rule(
    Role.SCHOOL, zh="只有学校本身可以确认任务完成", en="only the school itself marks its task done"
)
# The owning department sees its request's progress too (checked against the request).
SEE_PROGRESS = rule(
    Role.EDUCATION,
    Role.ADMIN,
    Role.DEPARTMENT,
    zh="只有教育局和提出需求的部门可以查看进度",
    en="only the education bureau and the requesting department see progress",
)

Education = Annotated[Principal, Depends(require(PUBLISH))]
REMIND = rule(
    Role.EDUCATION,
    zh="只有教育局可以向学校催报",
    en="only the education bureau sends reminders (催报) to schools",
)
