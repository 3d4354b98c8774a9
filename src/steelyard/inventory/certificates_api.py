"""Mill certificates of lots over HTTP: upload and read the PDF, attach and read the EN 10168 data (staff)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from steelyard.access.deps import ANONYMOUS_TOO, StaffPrincipal
from steelyard.api import DbDep, WholeNumber, problem_responses
from steelyard.config import Settings
from steelyard.db import Database
from steelyard.errors import NotFound
from steelyard.inventory import certificates
from steelyard.inventory.filestore import FileStore
from steelyard.inventory.lots import lot_row
from steelyard.inventory.schemas import LotOut

router = APIRouter(prefix="/api/v1", tags=["inventory"], responses=problem_responses(401, 403, 404, 422))
LotPath = Annotated[
    int, WholeNumber, Path(ge=1, le=2**53, description="the lot's id, as GET /api/v1/products/{sku}/lots lists it")
]
PDF_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "the certificate as a PDF file (checked by its content: a PDF header and end marker)",
        # application/pdf is what to send; any other type is read the same way (the content decides, not the type).
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in (certificates.PDF_TYPE, "application/octet-stream")
        },
    }
}
PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {certificates.PDF_TYPE: {"schema": {"type": "string", "format": "binary"}}}, "description": "PDF"}
}


def store_of(request: Request) -> FileStore:
    store: FileStore = request.app.state.file_store
    return store


def store_pdf(db: Database, store: FileStore, *, lot_id: int, data: bytes, max_bytes: int) -> dict[str, Any]:
    """Check the file, keep it, then name it on the lot. A refused file is never stored; a lot that does not exist
    is a 404 before anything is written."""
    certificates.check_pdf(data, max_bytes=max_bytes)
    with db.read() as conn:
        lot_row(conn, lot_id)
    key = certificates.certificate_key(lot_id, data)
    store.put(key, data, certificates.PDF_TYPE)  # outside the transaction: no lock is held over file I/O
    with db.write() as conn:
        return certificates.attach_pdf(conn, lot_id=lot_id, key=key, size=len(data))


def read_pdf(db: Database, store: FileStore, lot_id: int) -> Response:
    with db.read() as conn:
        key, name = certificates.certificate_file(conn, lot_id)
    return pdf_response(store.get(key), name)


def pdf_response(data: bytes, name: str) -> Response:
    return Response(
        data, media_type=certificates.PDF_TYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.put(
    "/lots/{lot_id}/certificate",
    response_model=LotOut,
    responses=problem_responses(413),
    openapi_extra=PDF_BODY,
)
async def put_certificate(lot_id: LotPath, request: Request, db: DbDep, _: StaffPrincipal) -> LotOut:
    """Upload the lot's mill certificate (PDF, at most STEELYARD_CERTIFICATE_MAX_BYTES); the same file again
    changes nothing. Lots that came from this one by transfer or cut get it too."""
    settings: Settings = request.app.state.settings
    data = await request.body()
    document = await run_in_threadpool(
        store_pdf, db, store_of(request), lot_id=lot_id, data=data, max_bytes=settings.certificate_max_bytes
    )
    return LotOut.model_validate(document)


@router.get("/lots/{lot_id}/certificate", response_class=Response, responses=PDF_ANSWER)
def get_certificate(lot_id: LotPath, request: Request, db: DbDep, _: StaffPrincipal) -> Response:
    """The lot's certificate PDF (staff; a customer downloads those of its orders)."""
    return read_pdf(db, store_of(request), lot_id)


@router.put("/lots/{lot_id}/certificate-data", response_model=LotOut)
def put_certificate_data(
    lot_id: LotPath,
    db: DbDep,
    _: StaffPrincipal,
    data: Annotated[dict[str, Any], Body(description="EN 10168 data: see GET /api/v1/schemas/en10168")],
) -> LotOut:
    """Attach the certificate's data after EN 10168 (groups A, B, C, D, Z); validated against the schema."""
    with db.write() as conn:
        return LotOut.model_validate(certificates.attach_data(conn, lot_id=lot_id, data=data))


@router.get("/lots/{lot_id}/certificate-data", response_model=dict[str, Any])
def get_certificate_data(lot_id: LotPath, db: DbDep, _: StaffPrincipal) -> dict[str, Any]:
    """The EN 10168 data attached to the lot; 404 if none is."""
    with db.read() as conn:
        data = certificates.certificate_data(conn, lot_id)
    if data is None:
        raise NotFound(f"lot {lot_id} has no EN 10168 data; attach it with PUT /api/v1/lots/{lot_id}/certificate-data")
    return data


@router.get("/schemas/en10168", response_model=dict[str, Any], openapi_extra=ANONYMOUS_TOO, responses={})
def get_en10168_schema() -> dict[str, Any]:
    """The JSON schema certificate data is checked against (EN 10168:2004 field groups A, B, C, D, Z)."""
    return certificates.en10168_schema()
