"""`/staff` lots: upload a lot's mill certificate (PDF) from the page, and read it back, signed in by the session.

The upload goes through the same checks and store as PUT /api/v1/lots/{id}/certificate (a PDF by its content, at
most STEELYARD_CERTIFICATE_MAX_BYTES); the body is already capped by the guard middleware for /staff/lots.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from steelyard.api import DbDep
from steelyard.config import Settings
from steelyard.errors import SteelyardError
from steelyard.inventory.certificates_api import LotPath, read_pdf, store_of, store_pdf
from steelyard.web.staff import back, csrf_ok, signed_in, signin_page

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.post("/lots/{lot_id}/certificate")
async def upload_certificate(request: Request, lot_id: LotPath, db: DbDep) -> Response:
    principal = signed_in(request, db)
    settings: Settings = request.app.state.settings
    try:
        async with request.form(max_files=1, max_fields=5) as form:
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            upload = form.get("file")
            data = await upload.read() if isinstance(upload, UploadFile) else b""
            sku = fields.get("sku", "")
    except (HTTPException, MultiPartException):  # a body that is no multipart form at all
        return back(request, "Send the certificate with the form on this page.", error=True, to="/staff")
    if principal is None or not csrf_ok(request, fields):
        return signin_page(request, "Sign in again to upload a certificate.", status=401)
    to = f"/staff?sku={sku}#lots" if sku.replace("-", "").isalnum() else "/staff#lots"
    try:
        lot = await run_in_threadpool(
            store_pdf, db, store_of(request), lot_id=lot_id, data=data, max_bytes=settings.certificate_max_bytes
        )
    except SteelyardError as exc:
        return back(request, f"Lot {lot_id}: {exc.detail}", error=True, to=to)
    return back(request, f"Certificate of lot {lot_id} (heat {lot['heat'] or 'untraced'}) uploaded.", to=to)


@router.get("/lots/{lot_id}/certificate")
def download_certificate(request: Request, lot_id: LotPath, db: DbDep) -> Response:
    if signed_in(request, db) is None:
        return signin_page(request, "Sign in to read certificates.", status=401)
    try:
        return read_pdf(db, store_of(request), lot_id)
    except SteelyardError as exc:
        return back(request, exc.detail, error=True, to="/staff#lots")
