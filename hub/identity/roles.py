"""Who calls the hub, and who may do what: the roles, and each rule about them written once.

A rule (`RoleRule`) names the roles that may do one thing and says, in both languages, why the others
are refused. Each domain keeps its rules in its `auth.py`; the API dependency (`hub.deps.require`),
the page dependency (`hub.web.kit.role`) and the service all ask the same rule, so a change to who
may publish or decide is made in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NoReturn, Protocol

from hub.errors import RoleNotAllowed


class Role(StrEnum):
    """A principal's kind (`principals.kind` holds the value)."""

    DEPARTMENT = "department"  # 人社局, 卫健委 …: submit requests, read what they were granted
    STATISTICS = "statistics"  # 统计局: approves or rejects new fields
    EDUCATION = "education"  # 教育局: keeps the standard, the one channel to schools
    SCHOOL = "school"  # fills only the missing fields of its tasks
    OFFICE = "office"  # 党委办公室: approves the annual list of inspections and appraisals (seed items 1–3)
    ADMIN = "admin"  # creates principals, imports data


class HasRole(Protocol):
    @property
    def role(self) -> Role: ...


@dataclass(frozen=True)
class RoleRule:
    """The roles that may do one thing; `refusal_*` may name the caller's role as {kind}."""

    roles: tuple[Role, ...]
    refusal_zh: str
    refusal_en: str

    def allows(self, principal: HasRole) -> bool:
        return principal.role in self.roles

    def check(self, principal: HasRole) -> None:
        """Refuse (403, `RoleNotAllowed`) a principal whose role this rule does not let through."""
        if principal.role not in self.roles:
            self.refuse(principal)

    def refuse(self, principal: HasRole) -> NoReturn:
        """Refuse with this rule's reason (for a check that also looks past the role, at ownership say)."""
        kind = principal.role.value
        raise RoleNotAllowed(
            self.refusal_zh.format(kind=kind),
            self.refusal_en.format(kind=kind),
            detail={"allowed": [r.value for r in self.roles]},
        )


def rule(*roles: Role, zh: str, en: str) -> RoleRule:
    return RoleRule(roles=roles, refusal_zh=zh, refusal_en=en)


# For what any signed-in principal may read (the calendar, the catalogue, the schools it may see).
EVERY_ROLE = tuple(Role)
