from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Response, status

from hub.access.scope import bound_division
from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep, SettingsDep, TermQuery
from hub.errors import error_responses
from hub.identity.roles import Role
from hub.kit.clock import local_today
from hub.kit.terms import Term, term_of
from hub.register import counts, lists, service, whitelist
from hub.register.auth import SEE_COUNTS
from hub.register.models import Inspection, ListItem, Secondment, SocialDemand
from hub.register.payloads import (
    AwayOut,
    CountsReportOut,
    InspectionIn,
    InspectionOut,
    LevelCountsOut,
    ListApprovalIn,
    ListApprovalOut,
    ListDecisionIn,
    ListItemIn,
    ListItemOut,
    ListMergeIn,
    MaterialOut,
    RequestSparedOut,
    SchoolCountsOut,
    SchoolDemandsOut,
    SchoolRefOut,
    SecondmentDecisionIn,
    SecondmentIn,
    SecondmentOut,
    SecondmentReturnIn,
    SimilarOut,
    SocialDemandIn,
    SocialDemandOut,
    WhitelistCountsOut,
    WhitelistItemIn,
    WhitelistItemOut,
)
from hub.register.workbook import XLSX, counts_xlsx

Reaching = TypeVar("Reaching", InspectionOut, SocialDemandOut)

router = APIRouter(prefix="/register", tags=["register"])
MAX_ID = 2**31 - 1
SecondmentId = Annotated[int, Path(ge=1, le=MAX_ID)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
InspectionId = Annotated[int, Path(ge=1, le=MAX_ID)]
DemandId = Annotated[int, Path(ge=1, le=MAX_ID)]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _out(session: SessionDep, principal: PrincipalDep, secondments: list[Secondment]) -> list[SecondmentOut]:
    return [
        SecondmentOut(**asdict(v))
        for v in service.views(session, principal, secondments, today=local_today())
    ]


@router.post(
    "/secondments",
    status_code=status.HTTP_201_CREATED,
    response_model=SecondmentOut,
    responses=error_responses(401, 403, 422),
)
def request_secondment(payload: SecondmentIn, session: SessionDep, principal: PrincipalDep) -> SecondmentOut:
    """A department asks to borrow (借用) or second (抽调) named teachers, or a number of them."""
    secondment = service.request_secondment(session, principal, payload, now=utcnow())
    return _out(session, principal, [secondment])[0]


@router.get("/secondments", response_model=list[SecondmentOut], responses=error_responses(401, 403))
def list_secondments(session: SessionDep, principal: PrincipalDep) -> list[SecondmentOut]:
    """A department's own requests; a bureau's schools' ones; the approved ones a school was informed of."""
    return _out(session, principal, service.list_secondments(session, principal))


@router.get("/away", response_model=list[AwayOut], responses=error_responses(401, 403))
def list_away(session: SessionDep, principal: PrincipalDep) -> list[AwayOut]:
    """Who is away from which school, since when and until when; overruns first and flagged."""
    return [AwayOut(**asdict(a)) for a in service.away(session, principal, today=local_today())]


@router.get(
    "/secondments/{secondment_id}",
    response_model=SecondmentOut,
    responses=error_responses(401, 403, 404, 422),
)
def get_secondment(
    secondment_id: SecondmentId, session: SessionDep, principal: PrincipalDep
) -> SecondmentOut:
    """One borrowing or seconding record."""
    return _out(session, principal, [service.get_secondment(session, principal, secondment_id)])[0]


@router.post(
    "/secondments/{secondment_id}/decision",
    response_model=SecondmentOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def decide_secondment(
    secondment_id: SecondmentId, payload: SecondmentDecisionIn, session: SessionDep, principal: PrincipalDep
) -> SecondmentOut:
    """The education bureau approves (with the Party committee's filing number) or refuses."""
    secondment = service.decide_secondment(session, principal, secondment_id, payload, now=utcnow())
    return _out(session, principal, [secondment])[0]


@router.post(
    "/secondments/{secondment_id}/return",
    response_model=SecondmentOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def return_secondment(
    secondment_id: SecondmentId, payload: SecondmentReturnIn, session: SessionDep, principal: PrincipalDep
) -> SecondmentOut:
    """Every teacher of an approved secondment is back at school on `returned_on`."""
    secondment = service.return_secondment(session, principal, secondment_id, payload.returned_on)
    return _out(session, principal, [secondment])[0]


# --- the annual list (督查检查评比考核清单, seed items 1–3) ----------------------------------------------


def _items_out(session: SessionDep, principal: PrincipalDep, items: list[ListItem]) -> list[ListItemOut]:
    return [
        ListItemOut(
            **{k: v for k, v in asdict(view).items() if k not in ("materials", "similar")},
            materials=[MaterialOut.model_validate(m) for m in view.materials],
            similar=[SimilarOut(**asdict(s)) for s in view.similar],
        )
        for view in lists.item_views(session, principal, items)
    ]


@router.post(
    "/list/items",
    status_code=status.HTTP_201_CREATED,
    response_model=ListItemOut,
    responses=error_responses(401, 403, 422),
)
def propose_item(
    payload: ListItemIn, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> ListItemOut:
    """A department proposes an item for a year's list; its materials go through the request check."""
    item = lists.propose_item(session, settings, principal, payload, today=local_today(), now=utcnow())
    return _items_out(session, principal, [item])[0]


@router.get("/list/items", response_model=list[ListItemOut], responses=error_responses(401, 403, 422))
def list_items(
    session: SessionDep,
    principal: PrincipalDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    item_status: Annotated[
        str | None, Query(alias="status", pattern="^(proposed|merged|approved|refused)$")
    ] = None,
) -> list[ListItemOut]:
    """The list: a school sees the approved items concerning it; the office every proposal, with merges."""
    return _items_out(session, principal, lists.list_items(session, principal, year=year, status=item_status))


@router.get(
    "/list/items/{item_id}", response_model=ListItemOut, responses=error_responses(401, 403, 404, 422)
)
def get_item(item_id: ItemId, session: SessionDep, principal: PrincipalDep) -> ListItemOut:
    """One item of the list, with the items of other departments alike."""
    return _items_out(session, principal, [lists.get_item(session, principal, item_id)])[0]


@router.post(
    "/list/items/{item_id}/decision",
    response_model=ListItemOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def decide_item(
    item_id: ItemId, payload: ListDecisionIn, session: SessionDep, principal: PrincipalDep
) -> ListItemOut:
    """The Party committee office approves an item onto the year's list (published to schools) or refuses it."""
    return _items_out(
        session, principal, [lists.decide_item(session, principal, item_id, payload, now=utcnow())]
    )[0]


@router.post(
    "/list/{year}/approval",
    response_model=ListApprovalOut,
    responses=error_responses(401, 403, 409, 422),
)
def approve_list(
    year: Annotated[int, Path(ge=2000, le=2100)],
    payload: ListApprovalIn,
    session: SessionDep,
    principal: PrincipalDep,
) -> ListApprovalOut:
    """The Party committee office approves the year's whole list in one act (but the items it refuses)."""
    return ListApprovalOut(**asdict(lists.approve_list(session, principal, year, payload, now=utcnow())))


@router.post(
    "/list/items/{item_id}/merge",
    response_model=ListItemOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def merge_item(
    item_id: ItemId, payload: ListMergeIn, session: SessionDep, principal: PrincipalDep
) -> ListItemOut:
    """The office folds a proposed item into a similar one of the same year; answers the item merged into."""
    return _items_out(
        session, principal, [lists.merge_item(session, principal, item_id, payload, now=utcnow())]
    )[0]


def _with_schools(model: type[Reaching], views: Iterable[Any]) -> list[Reaching]:
    """Views of acts reaching schools (inspections, social affairs) as `model`, each school named."""
    return [
        model(
            **{k: v for k, v in asdict(view).items() if k != "schools"},
            schools=[SchoolRefOut(school_code=c, school_name=n) for c, n in view.schools],
        )
        for view in views
    ]


def _inspections_out(
    session: SessionDep, principal: PrincipalDep, inspections: list[Inspection]
) -> list[InspectionOut]:
    return _with_schools(InspectionOut, lists.inspection_views(session, principal, inspections))


@router.post(
    "/inspections",
    status_code=status.HTTP_201_CREATED,
    response_model=InspectionOut,
    responses=error_responses(401, 403, 422),
)
def hold_inspection(payload: InspectionIn, session: SessionDep, principal: PrincipalDep) -> InspectionOut:
    """An inspection reaching schools, under an approved item of this year (else 422 naming seed item 1)."""
    inspection = lists.hold_inspection(session, principal, payload, today=local_today(), now=utcnow())
    return _inspections_out(session, principal, [inspection])[0]


@router.get("/inspections", response_model=list[InspectionOut], responses=error_responses(401, 403))
def list_inspections(session: SessionDep, principal: PrincipalDep) -> list[InspectionOut]:
    """A department's inspections; those that reached a school; a bureau's schools' ones."""
    return _inspections_out(session, principal, lists.list_inspections(session, principal))


@router.get(
    "/inspections/{inspection_id}",
    response_model=InspectionOut,
    responses=error_responses(401, 403, 404, 422),
)
def get_inspection(
    inspection_id: InspectionId, session: SessionDep, principal: PrincipalDep
) -> InspectionOut:
    """One inspection and the schools it reached (a school sees only itself)."""
    return _inspections_out(session, principal, [lists.get_inspection(session, principal, inspection_id)])[0]


# --- the 进校园 whitelist (seed items 4–9) -----------------------------------------------------------


def _whitelist_out(session: SessionDep, principal: PrincipalDep, year: int) -> WhitelistCountsOut:
    per_item, per_school = whitelist.counts(session, principal, year=year)
    return WhitelistCountsOut(
        year=year,
        items=[
            WhitelistItemOut(
                id=c.item.id,
                year=c.item.year,
                division=c.item.division,
                category=c.item.category,
                title=c.item.title,
                organiser=c.item.organiser,
                description=c.item.description,
                demands=c.demands,
                schools_reached=c.schools_reached,
            )
            for c in per_item
        ],
        schools=[SchoolDemandsOut(**asdict(s)) for s in per_school],
    )


@router.post(
    "/whitelist",
    status_code=status.HTTP_201_CREATED,
    response_model=WhitelistItemOut,
    responses=error_responses(401, 403, 422),
)
def add_whitelist_item(
    payload: WhitelistItemIn, session: SessionDep, principal: PrincipalDep
) -> WhitelistItemOut:
    """The education bureau lists a social affair that may enter its schools in a year."""
    item = whitelist.add_item(session, principal, payload, today=local_today(), now=utcnow())
    return WhitelistItemOut(
        id=item.id,
        year=item.year,
        division=item.division,
        category=item.category,
        title=item.title,
        organiser=item.organiser,
        description=item.description,
        demands=0,
        schools_reached=0,
    )


@router.get("/whitelist", response_model=WhitelistCountsOut, responses=error_responses(401, 403, 422))
def get_whitelist(
    session: SessionDep,
    principal: PrincipalDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> WhitelistCountsOut:
    """The year's whitelist, with demands and schools reached per item and demands per school."""
    return _whitelist_out(session, principal, year or local_today().year)


def _demands_out(
    session: SessionDep, principal: PrincipalDep, found: list[SocialDemand]
) -> list[SocialDemandOut]:
    return _with_schools(SocialDemandOut, whitelist.demand_views(session, principal, found))


@router.post(
    "/social-demands",
    status_code=status.HTTP_201_CREATED,
    response_model=SocialDemandOut,
    responses=error_responses(401, 403, 422),
)
def register_social_demand(
    payload: SocialDemandIn, session: SessionDep, principal: PrincipalDep
) -> SocialDemandOut:
    """A social affair entering schools, under a whitelist item of its year (else 422 naming seed items 4–9)."""
    return _demands_out(
        session, principal, [whitelist.register_demand(session, principal, payload, now=utcnow())]
    )[0]


@router.get("/social-demands", response_model=list[SocialDemandOut], responses=error_responses(401, 403))
def list_social_demands(session: SessionDep, principal: PrincipalDep) -> list[SocialDemandOut]:
    """A department's own; those that reached a school; a bureau's schools' ones."""
    return _demands_out(session, principal, whitelist.demands(session, principal))


@router.get(
    "/social-demands/{demand_id}",
    response_model=SocialDemandOut,
    responses=error_responses(401, 403, 404, 422),
)
def get_social_demand(demand_id: DemandId, session: SessionDep, principal: PrincipalDep) -> SocialDemandOut:
    """One social affair and the schools it reached (a school sees only itself)."""
    return _demands_out(session, principal, [whitelist.get_demand(session, principal, demand_id)])[0]


# --- one definition of each count --------------------------------------------------------------------


def _counted(session: SessionDep, principal: PrincipalDep, term: Term) -> list[counts.CountedSchool]:
    SEE_COUNTS.check(principal)
    school = principal.school_code if principal.role == Role.SCHOOL else None
    return counts.term_schools(
        session,
        term.start,
        term.end + timedelta(days=1),
        year=term.year,
        today=local_today(),
        school_code=school,
        division=bound_division(principal) if school is None else None,
    )


@router.get("/counts", response_model=CountsReportOut, responses=error_responses(401, 403, 422))
def get_counts(
    session: SessionDep,
    principal: PrincipalDep,
    term: TermQuery = None,
    output: Annotated[str, Query(alias="format", pattern="^(json|xlsx)$")] = "json",
) -> Any:
    """Per school and per county: demands that reached it, fields filled and spared, list items and borrowed
    teacher-days, the one definition the school overview, the burden dashboard and the 自查表 use."""
    chosen = term or term_of(local_today())
    schools = _counted(session, principal, chosen)
    levels = counts.by_level(schools)
    if output == "xlsx":
        return Response(
            counts_xlsx(chosen.label, schools, levels),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="counts-{chosen.year}.xlsx"'},
        )
    return CountsReportOut(
        term=chosen.label,
        schools=[
            SchoolCountsOut(
                school_code=s.school_code,
                school_name=s.school_name,
                division=s.division,
                demands_reached=s.counts.demands_reached,
                **{k: v for k, v in asdict(s.counts).items() if k != "school_code"},
            )
            for s in schools
        ],
        levels=[LevelCountsOut(**asdict(level)) for level in levels],
    )


@router.get(
    "/counts/requests/{request_id}",
    response_model=RequestSparedOut,
    responses=error_responses(401, 403, 404, 422),
)
def get_request_spared(
    request_id: RequestId, session: SessionDep, principal: PrincipalDep
) -> RequestSparedOut:
    """One request: the schools it concerned, those it asked nothing of (免填) and the fields spared, counted
    as every school's counts are."""
    return RequestSparedOut(
        request_id=request_id, **asdict(counts.spared_for(session, principal, request_id))
    )
