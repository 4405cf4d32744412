from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response

from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep, writes
from hub.errors import error_responses
from hub.records.auth import Curator
from hub.records.files import entity_headers, file_sha256, open_upload
from hub.records.payloads import ImportResult, RejectedCell
from hub.records.service import IngestReport, Provenance, ingest_chunks, rejected_rows_csv
from hub.standard.service import current_standard

router = APIRouter(prefix="/records", tags=["records"])
# Rejections an import's answer lists; all of them (up to the batch's 5,000) are in its errors.csv.
REJECTIONS_SHOWN = 1000


def import_result(report: IngestReport) -> ImportResult:
    return ImportResult(
        batch_id=report.batch_id,
        rows_read=report.rows_read,
        accepted=report.accepted,
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        moved=report.moved,
        rejected_rows=report.rejected_rows,
        rejected=[RejectedCell(**r.as_dict()) for r in report.rejected[:REJECTIONS_SHOWN]],
        unknown_columns=report.unknown_columns,
        columns=report.columns,
        periods=report.periods,
        column_periods=report.column_periods,
        ignored_columns=report.ignored_columns,
        errors_url=f"/api/v1/records/batches/{report.batch_id}/errors.csv" if report.rejected_cells else None,
    )


@router.post("/{entity}/import", response_model=ImportResult, responses=error_responses(401, 403, 413, 422))
def import_file(
    entity: Literal["teachers", "schools"],
    session: SessionDep,
    settings: SettingsDep,
    principal: Curator,
    file: Annotated[UploadFile, File(description="CSV (UTF-8, BOM, GBK/GB18030) or XLSX")],
    sheet: Annotated[str | None, Form()] = None,
    period: Annotated[
        str | None,
        Form(
            description="The period the file's periodic values belong to (2025, 2024-2025学年); default: the current one"
        ),
    ] = None,
) -> ImportResult:
    """Import a CSV or XLSX of teachers or schools: valid rows stored, bad rows reported (admin, education).
    A bureau bound to a division imports only its subtree's schools and teachers; other rows are refused."""
    std = current_standard(session)
    # The upload is spooled to a temporary file by the server; it is read from there in chunks.
    stream = open_upload(
        file.file,
        filename=file.filename,
        sheet=sheet,
        expected_headers=entity_headers(std, entity.removesuffix("s")),
        max_rows=settings.max_upload_rows,
    )
    report = ingest_chunks(
        session,
        std=std,
        secret_key=settings.secret_key.get_secret_value(),
        entity=entity.removesuffix("s"),
        headers=stream.headers,
        chunks=stream.chunks(),
        provenance=Provenance(
            source_kind="import",
            source_ref=file.filename or "",
            principal_id=principal.id,
            file_sha256=file_sha256(file.file),
            division=principal.division,
        ),
        now=utcnow(),
        keep_rejections=REJECTIONS_SHOWN,
        blank_columns=lambda: stream.blank_columns,
        period=period,
    )
    return import_result(report)


@router.get(
    "/batches/{batch_id}/errors.csv",
    response_class=Response,
    dependencies=[Depends(writes)],
    responses={
        200: {
            "description": "The rejected rows: 行号 row, 字段 field, 值 value, 原因, reason",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **error_responses(401, 403, 404, 422),
    },
)
def batch_errors(batch_id: int, session: SessionDep, principal: Curator) -> Response:
    """The rejected rows of an import as a CSV a person can open in Excel (UTF-8 with BOM); an audited read."""
    return Response(
        rejected_rows_csv(session, principal, batch_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}-errors.csv"'},
    )
