"""The data-standard browser (数据标准): every element with its labels, synonyms, type, unit, range, code
list and sharing type, the code lists with their labels, and the versions, for every signed-in role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hub.deps import SessionDep
from hub.identity.models import Principal
from hub.standard.auth import READ_CATALOGUE
from hub.standard.service import current_standard, learned_synonyms, search_elements, version_history
from hub.web.kit import PageRoute, render, role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Principal, role(READ_CATALOGUE)]


@router.get("/standard")
def standard_browser(
    request: Request, session: SessionDep, principal: Reader, q: str = "", entity: str = ""
) -> Response:
    """Search the standard: elements (label first), their synonyms, code lists, units and versions."""
    std = current_standard(session)
    learned = learned_synonyms(session)
    chosen = entity if entity in ("teacher", "school") else None
    elements = search_elements(std, q, entity=chosen, learned=learned)
    history = version_history(session)
    added_in = {code: v.version for v in history for code in v.added}
    labels = {e.code: e.label_zh for e in std.elements}
    labels_en = {e.code: e.label_en for e in std.elements}
    used = {e.code_list for e in elements if e.code_list}
    code_lists = [c for c in std.code_lists if c.name in used]
    return render(
        request,
        "standard.html",
        {
            "elements": elements,
            "total": len(std.elements),
            "learned": learned,
            "added_in": added_in,
            "code_lists": code_lists,
            "lists": {c.name: c for c in std.code_lists},
            "history": list(reversed(history)),
            "labels": labels,
            "labels_en": labels_en,
            "q": q,
            "entity": chosen or "",
            "version": std.version,
        },
        principal=principal,
    )
