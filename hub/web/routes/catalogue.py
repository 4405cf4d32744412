"""The sharing catalogue (共享目录) in the browser: every element's sharing type, for every role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hub.deps import SessionDep
from hub.identity.models import Principal
from hub.standard.auth import READ_CATALOGUE
from hub.standard.service import SHARING_ZH, catalogue, current_standard
from hub.web.kit import PageRoute, render, role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Principal, role(READ_CATALOGUE)]


@router.get("/catalogue")
def sharing_catalogue(request: Request, session: SessionDep, principal: Reader, entity: str = "") -> Response:
    """Every element with its sharing type; not-shared elements with the reason."""
    std = current_standard(session)
    elements = catalogue(std, entity if entity in ("teacher", "school") else None)
    totals = {kind: sum(1 for e in elements if e.sharing == kind) for kind in SHARING_ZH}
    return render(
        request,
        "catalogue.html",
        {"elements": elements, "totals": totals, "entity": entity, "version": std.version},
        principal=principal,
    )
