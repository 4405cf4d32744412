"""Who may ask for, decide and see borrowed and seconded teachers (each rule written once)."""

from __future__ import annotations

from hub.identity.roles import Role, rule

# A department (or the education bureau's own sections) asks for teachers.
REQUEST_TEACHERS = rule(
    Role.DEPARTMENT,
    Role.EDUCATION,
    zh="{kind} 账号不能申请借用或抽调教师",
    en="a {kind} principal may not ask to borrow or second teachers",
)
# Seed items 15–16: the education bureau (county level or above) consents.
DECIDE_SECONDMENT = rule(
    Role.EDUCATION,
    zh="只有县（区）级以上教育行政部门可以审批借用、抽调教师",
    en="only an education bureau at county level or above approves borrowing and seconding teachers",
)
SEE_SECONDMENTS = rule(
    Role.DEPARTMENT,
    Role.EDUCATION,
    Role.SCHOOL,
    Role.OFFICE,
    Role.ADMIN,
    zh="{kind} 账号无权查看借用、抽调记录",
    en="a {kind} principal may not see borrowing and seconding records",
)
