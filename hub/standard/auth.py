"""Who may read the data standard and its sharing catalogue (each rule written once)."""

from __future__ import annotations

from hub.identity.roles import EVERY_ROLE, rule

# Every signed-in role reads the catalogue: a department learns before asking what it may get, a school
# what leaves it on which terms.
READ_CATALOGUE = rule(
    *EVERY_ROLE,
    zh="{kind} 账号无权查看共享目录",
    en="a {kind} principal may not read the sharing catalogue",
)
