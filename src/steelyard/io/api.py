"""Imports and exports over HTTP (staff): `POST /api/v1/imports` (multipart) and `GET /api/v1/exports/{kind}`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from steelyard.access.deps import StaffPrincipal
from steelyard.api import DbDep, problem_responses
from steelyard.config import Settings
from steelyard.errors import FieldProblem, InvalidInput, PayloadTooLarge
from steelyard.io.cells import Numbers
from steelyard.io.files import MEDIA_TYPES, export_chunks, import_file
from steelyard.io.model import Kind
from steelyard.io.service import Limits
from steelyard.wire import FieldError, Problem

router = APIRouter(prefix="/api/v1", tags=["import and export"], responses=problem_responses(401, 403))
KindQuery = Annotated[Kind, Query(description="products, prices, stock or lots; see docs/import.md for the columns")]
FormatQuery = Annotated[Literal["csv", "xlsx"] | None, Query(description="default: the file name's extension")]
DecimalQuery = Annotated[
    Literal["point", "comma"], Query(description="decimals written 3.20 (point) or 3,20 (comma); CSV only")
]


class RowErrorOut(BaseModel):
    line: int | None
    column: str | None
    message: str


class ImportOut(BaseModel):
    kind: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    applied: bool
    errors: list[RowErrorOut]


class ImportProblem(Problem):
    """422 for a file with bad rows: every bad row (line counted with the header as 1, column, reason)."""

    errors: list[RowErrorOut | FieldError] | None = None  # type: ignore[assignment]
    kind: str | None = None
    rows: int | None = None


IMPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **problem_responses(413),
    422: {
        "model": ImportProblem,
        "description": "A bad row or file: nothing was applied",
        "content": {"application/problem+json": {}},
    },
}


@dataclass(frozen=True, slots=True)
class Upload:
    file: Any  # the spooled temporary file holding the upload
    name: str
    size: int


def limits_of(settings: Settings) -> Limits:
    return Limits(settings.import_max_bytes, settings.import_max_expanded_bytes)


async def read_upload(request: Request, limit: int, field: str = "file") -> tuple[Upload, dict[str, str]]:
    """The multipart upload in `field` (spooled to disk past 1 MiB) and the form's other fields.

    Refused with 413 as soon as the body passes `limit` bytes, whether or not it said its length up front.
    """
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput.from_problems([FieldProblem(field, "send the file as multipart/form-data, field 'file'")])
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the upload is {declared} bytes; imports take at most {limit} bytes")

    async def capped() -> AsyncGenerator[bytes, None]:
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                raise PayloadTooLarge(f"the upload is larger than {limit} bytes, the most imports take")
            yield chunk

    try:
        form = await MultiPartParser(request.headers, capped(), max_files=1, max_fields=20).parse()
    except MultiPartException as exc:
        raise InvalidInput.from_problems([FieldProblem(field, f"the multipart body cannot be read: {exc}")]) from None
    upload = form.get(field)
    if not isinstance(upload, UploadFile):
        raise InvalidInput.from_problems([FieldProblem(field, "is required: the CSV or XLSX file, as field 'file'")])
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    others = {k: v for k, v in form.items() if isinstance(v, str)}
    return Upload(upload.file, upload.filename or "", size), others


@router.post("/imports", response_model=ImportOut, responses=IMPORT_RESPONSES)
async def post_import(
    request: Request,
    db: DbDep,
    principal: StaffPrincipal,
    kind: KindQuery,
    dry_run: Annotated[bool, Query(description="true: check and report only; nothing changes")] = False,
    format: FormatQuery = None,
    decimal: DecimalQuery = "point",
) -> ImportOut:
    """Import a CSV or XLSX file (multipart field `file`): every row checked, then all applied in one transaction.

    A file with any bad row answers 422 listing every bad row and applies nothing. Re-importing the same file
    changes nothing and counts its rows as `unchanged`.
    """
    limits = limits_of(request.app.state.settings)
    upload, _ = await read_upload(request, limits.max_bytes)
    try:
        report = await run_in_threadpool(
            import_file,
            db,
            upload.file,
            name=upload.name,
            size=upload.size,
            kind=kind,
            fmt=format,
            comma=decimal == "comma",
            dry_run=dry_run,
            actor=principal.name,
            limits=limits,
        )
    finally:
        upload.file.close()
    return ImportOut.model_validate(report.as_dict())


@router.get(
    "/exports/{kind}",
    response_class=StreamingResponse,
    responses={200: {"content": {MEDIA_TYPES["csv"]: {}, MEDIA_TYPES["xlsx"]: {}}, "description": "The file"}},
)
def get_export(
    db: DbDep,
    _: StaffPrincipal,
    kind: Annotated[Kind, Path(description="products, prices, stock or lots")],
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv (UTF-8 with BOM) or xlsx")] = "csv",
    decimal: DecimalQuery = "point",
) -> StreamingResponse:
    """The file of `kind`, streamed as it is read; importing it back reports every row unchanged."""
    chunks = export_chunks(db, kind, format, Numbers(comma=decimal == "comma"))
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{kind.value}.{format}"',
            "Cache-Control": "no-store",
        },
    )
