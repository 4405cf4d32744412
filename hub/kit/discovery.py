"""Find each domain's optional modules (models, api, cli) so adding a domain needs no edits elsewhere."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import hub

PLUMBING = {"kit", "migrations", "demo"}


def domain_modules(kind: str) -> list[ModuleType]:
    """`hub.<domain>.<kind>` for every domain package that has one, in name order."""
    modules = []
    for info in sorted(pkgutil.iter_modules(hub.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name in PLUMBING:
            continue
        try:
            modules.append(importlib.import_module(f"hub.{info.name}.{kind}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"hub.{info.name}.{kind}":
                raise
    return modules
