"""Who may submit, see, decide on and read requests (each rule written once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from hub.deps import require
from hub.identity.models import Principal
from hub.identity.roles import Role, rule

SUBMIT = rule(
    Role.DEPARTMENT,
    Role.EDUCATION,
    Role.ADMIN,
    zh="只有部门或教育局可以提交采集需求",
    en="only departments and the education bureau submit requests",
)
# Who lists requests: a department its own, the bureaus all; schools see theirs in their overview.
LIST = rule(
    Role.DEPARTMENT,
    Role.STATISTICS,
    Role.EDUCATION,
    Role.ADMIN,
    zh="学校请查看 /schools/{{code}}/overview",
    en="schools see their requests in their overview",
)
# Who sees every request (a department sees its own).
SEE_ALL = rule(Role.STATISTICS, Role.EDUCATION, Role.ADMIN, zh="无权查看", en="may not see this request")
DECIDE = rule(Role.STATISTICS, zh="只有统计机构可以审批", en="only the statistics bureau decides on requests")
# The education bureau owns the gathered data: it alone releases them to a department (有条件共享).
RELEASE = rule(
    Role.EDUCATION,
    zh="只有教育局（数据提供方）可以决定是否提供已采集的数据",
    en="only the education bureau, the data's owner, releases gathered data",
)
READ_DATA = rule(
    Role.DEPARTMENT,
    Role.EDUCATION,
    Role.ADMIN,
    zh="无权读取数据",
    en="this principal may not read request data",
)

Requester = Annotated[Principal, Depends(require(SUBMIT))]
Lister = Annotated[Principal, Depends(require(LIST))]
Statistics = Annotated[Principal, Depends(require(DECIDE))]
Releaser = Annotated[Principal, Depends(require(RELEASE))]
