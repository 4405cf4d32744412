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

# Seed item 1: departments (and the education bureau's own sections) propose next year's items.
PROPOSE_ITEMS = rule(
    Role.DEPARTMENT,
    Role.EDUCATION,
    zh="{kind} 账号不能申报督查检查评比考核事项",
    en="a {kind} principal may not propose inspections, checks, appraisals or assessments",
)
# 由党委办公室统一报党委审批: the Party committee office merges and approves the list.
APPROVE_LIST = rule(
    Role.OFFICE,
    zh="只有党委办公室可以审核、合并和批准督查检查评比考核清单",
    en="only the Party committee office reviews, merges and approves the list",
)
SEE_LIST = rule(
    Role.DEPARTMENT,
    Role.EDUCATION,
    Role.SCHOOL,
    Role.OFFICE,
    Role.ADMIN,
    zh="{kind} 账号无权查看督查检查评比考核清单",
    en="a {kind} principal may not see the list of inspections and appraisals",
)
# The department owning an approved item (or the education bureau, 会同教育部门) holds it in the schools.
HOLD_INSPECTION = rule(
    Role.DEPARTMENT,
    Role.EDUCATION,
    zh="{kind} 账号不能组织督查检查评比考核",
    en="a {kind} principal may not hold an inspection",
)

# Seed items 4–9: social affairs enter schools only as the education bureau arranges them.
KEEP_WHITELIST = rule(
    Role.EDUCATION,
    zh="只有教育行政部门可以制定社会事务进校园白名单",
    en="only the education bureau keeps the whitelist of social affairs entering schools",
)
BRING_SOCIAL_DEMAND = rule(
    Role.DEPARTMENT,
    Role.EDUCATION,
    zh="{kind} 账号不能登记进校园事项",
    en="a {kind} principal may not register a social affair entering schools",
)

# One definition of each count: the bureaus and the office see their schools', a school its own.
SEE_COUNTS = rule(
    Role.EDUCATION,
    Role.SCHOOL,
    Role.OFFICE,
    Role.ADMIN,
    zh="{kind} 账号无权查看各校负担统计",
    en="a {kind} principal may not see the schools' counts",
)
