"""Who may set a webhook (each rule written once)."""

from __future__ import annotations

from hub.identity.roles import Role, rule

# A department's systems take its answers; the other roles read their notices in the hub.
SET_WEBHOOK = rule(
    Role.DEPARTMENT,
    Role.ADMIN,
    zh="{kind} 账号不能设置回调地址",
    en="a {kind} principal may not set a webhook",
)
