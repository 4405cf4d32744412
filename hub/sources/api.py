from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from hub.deps import SessionDep, SettingsDep, writes
from hub.errors import error_responses
from hub.sources import service
from hub.sources.auth import Curator
from hub.sources.models import Source
from hub.sources.payloads import RunOut, SourceIn, SourceOut, SourceUpdate
from hub.sources.repository import SourceRepository

router = APIRouter(prefix="/sources", tags=["sources"])


def _out(session: SessionDep, source: Source) -> SourceOut:
    last = SourceRepository(session).last_statuses([source.id]).get(source.id)
    return service.source_out(source, last_run_status=last)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SourceOut,
    responses=error_responses(401, 403, 409, 422),
)
def create_source(payload: SourceIn, session: SessionDep, principal: Curator) -> SourceOut:
    """Register a source (a drop folder, an HTTP JSON feed or a SQL database) for the caller's division."""
    source = service.create_source(session, payload, principal_id=principal.id, actor=principal)
    return service.source_out(source)


@router.get("", response_model=list[SourceOut], responses=error_responses(401, 403))
def list_sources(
    session: SessionDep,
    principal: Curator,
    failing: Annotated[
        bool | None, Query(description="Only sources marked failing (true) or not (false)")
    ] = None,
) -> list[SourceOut]:
    """List sources with their last run's status; `failing=true` shows those that keep failing."""
    return service.list_sources(session, failing=failing, viewer=principal)


@router.get("/{name}", response_model=SourceOut, responses=error_responses(401, 403, 404))
def get_source(name: str, session: SessionDep, principal: Curator) -> SourceOut:
    """One source config, secrets masked."""
    source = service.get_source(session, name, viewer=principal)
    return _out(session, source)


@router.patch("/{name}", response_model=SourceOut, responses=error_responses(401, 403, 404, 422))
def update_source(name: str, payload: SourceUpdate, session: SessionDep, principal: Curator) -> SourceOut:
    """Change a source; send `enabled: false` to disable it. Masked secrets sent back are kept."""
    source = service.update_source(session, name, payload, actor=principal)
    return _out(session, source)


@router.delete(
    "/{name}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 403, 404),
)
def delete_source(name: str, session: SessionDep, principal: Curator) -> Response:
    """Delete a source with its run history (stored rows keep their provenance); to pause it, disable it."""
    service.delete_source(session, name, actor=principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{name}/run", response_model=RunOut, responses=error_responses(401, 403, 404, 409))
def run_source(name: str, session: SessionDep, settings: SettingsDep, principal: Curator) -> RunOut:
    """Run a source now and answer with the run (a failed run is an answer too, with its error)."""
    run = service.run_source(session, settings, name, trigger="api", actor=principal)
    return service.run_out(run, name, with_rejections=True)


@router.get("/{name}/runs", response_model=list[RunOut], responses=error_responses(401, 403, 404))
def list_runs(
    name: str, session: SessionDep, principal: Curator, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[RunOut]:
    """A source's runs, newest first: started, finished, status, rows read/accepted/rejected/unchanged, error."""
    runs = service.list_runs(session, name, limit=limit, viewer=principal)
    return [service.run_out(run, name) for run in runs]


@router.get(
    "/{name}/runs/{run_id}",
    response_model=RunOut,
    responses=error_responses(401, 403, 404),
    dependencies=[Depends(writes)],
)
def get_run(name: str, run_id: int, session: SessionDep, principal: Curator) -> RunOut:
    """One run with its quarantined rows (row, field, value, reason); an audited read, as they hold the values sent."""
    return service.run_out(service.read_run(session, principal, name, run_id), name, with_rejections=True)
