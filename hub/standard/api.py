from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from sqlalchemy import select

import schemas
from hub.deps import PrincipalDep, SessionDep
from hub.errors import error_responses
from hub.standard.models import StandardVersion
from hub.standard.payloads import (
    Catalogue,
    CatalogueEntry,
    CodeOut,
    ElementList,
    ElementOut,
    PeriodicityOut,
    VersionOut,
)
from hub.standard.service import SHARING_ZH, catalogue, current_standard
from schemas.periods import kind_label_zh

router = APIRouter(prefix="/standard", tags=["standard"])


def element_out(std: schemas.Standard, element: schemas.Element, *, with_codes: bool = False) -> ElementOut:
    allowed = None
    if with_codes and element.code_list:
        allowed = [
            CodeOut(code=c.code, label_zh=c.label_zh, label_en=c.label_en)
            for c in std.code_list(element.code_list).codes
        ]
    return ElementOut(
        code=element.code,
        entity=element.entity,
        name=element.name,
        label_zh=element.label_zh,
        label_en=element.label_en,
        synonyms=list(element.synonyms),
        value_type=element.value_type,
        code_list=element.code_list,
        unit=element.unit,
        required=element.required,
        sensitivity=element.sensitivity,
        sharing=element.sharing,
        derived_from=list(element.derivation.inputs) if element.derivation else [],
        allowed_values=allowed,
        period=PeriodicityOut(
            kind=element.period.kind,
            measure=element.period.measure,
            additive=element.period.additive,
            kind_zh=kind_label_zh(element.period.kind),
        )
        if element.period
        else None,
    )


@router.get("/elements", response_model=ElementList, responses=error_responses(401))
def list_elements(
    session: SessionDep, _: PrincipalDep, entity: Literal["teacher", "school"] | None = None
) -> ElementList:
    """The elements of the current standard version, with labels, synonyms, types and code lists."""
    std = current_standard(session)
    elements = std.elements_for(entity) if entity else std.elements
    return ElementList(version=std.version, items=[element_out(std, e, with_codes=True) for e in elements])


@router.get("/versions", response_model=list[VersionOut], responses=error_responses(401))
def list_versions(session: SessionDep, _: PrincipalDep) -> list[VersionOut]:
    """Every version of the standard: the bundled one and those approvals added."""
    base = schemas.load_standard()
    versions = [
        VersionOut(
            version=base.version,
            created_at=None,
            note="bundled standard",
            added_elements=[e.code for e in base.elements],
        )
    ]
    for row in session.scalars(select(StandardVersion).order_by(StandardVersion.version)):
        versions.append(
            VersionOut(
                version=row.version,
                created_at=row.created_at,
                note=row.note,
                added_elements=[e["code"] for e in row.added_elements],
            )
        )
    return versions


@router.get("/catalogue", response_model=Catalogue, responses=error_responses(401))
def sharing_catalogue(
    session: SessionDep, _: PrincipalDep, entity: Literal["teacher", "school"] | None = None
) -> Catalogue:
    """The sharing catalogue (共享目录): each element's sharing type, and why where it is not shared."""
    std = current_standard(session)
    items = [
        CatalogueEntry(
            code=e.code,
            entity=e.entity,
            label_zh=e.label_zh,
            label_en=e.label_en,
            sensitivity=e.sensitivity,
            sharing=e.sharing,  # type: ignore[arg-type]
            sharing_zh=SHARING_ZH[e.sharing],
            reason_zh=e.sharing_reason_zh,
            reason_en=e.sharing_reason_en,
        )
        for e in catalogue(std, entity)
    ]
    totals = {kind: sum(1 for i in items if i.sharing == kind) for kind in SHARING_ZH}
    return Catalogue(version=std.version, totals=totals, items=items)
