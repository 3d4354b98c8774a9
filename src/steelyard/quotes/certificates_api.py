"""An order's certificates over HTTP: the heats it was served from and their mill certificate PDFs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from steelyard.access.deps import AnyPrincipal
from steelyard.api import DbDep, problem_responses
from steelyard.inventory.certificates_api import PDF_ANSWER, LotPath, pdf_response, store_of
from steelyard.inventory.schemas import CertificateType
from steelyard.quotes.certificates import (
    certificates_zip,
    order_certificate_file,
    order_certificate_files,
    order_certificates,
)

router = APIRouter(prefix="/api/v1", tags=["quotes"], responses=problem_responses(401, 404, 422))
OrderPath = Annotated[str, Path(pattern=r"^[A-Z0-9]{1,40}$", description="the order's id")]


class OrderCertificateOut(BaseModel):
    lot_id: int
    sku: str
    heat: str | None
    mill: str | None
    origin: str | None
    certificate_type: CertificateType | None
    url: str | None = Field(description="the certificate PDF; null when none is on file for this lot")
    data: dict[str, Any] | None = Field(description="the certificate's EN 10168 data, when attached")


class OrderCertificatesOut(BaseModel):
    items: list[OrderCertificateOut]


@router.get("/orders/{order_id}/certificates", response_model=OrderCertificatesOut)
def list_order_certificates(order_id: OrderPath, db: DbDep, principal: AnyPrincipal) -> OrderCertificatesOut:
    """The lots the order was served from, with heat and certificate (its customer or staff; others get 404)."""
    with db.read() as conn:
        items = order_certificates(conn, order_id=order_id, principal=principal)
    return OrderCertificatesOut(items=[OrderCertificateOut.model_validate(i) for i in items])


ZIP_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}, "description": "ZIP"}
}


@router.get("/orders/{order_id}/certificates.zip", response_class=Response, responses=ZIP_ANSWER)
def get_order_certificates_zip(order_id: OrderPath, request: Request, db: DbDep, principal: AnyPrincipal) -> Response:
    """Every certificate PDF on file for the order, in one ZIP file (its customer or staff; 404 if none)."""
    with db.read() as conn:
        files = order_certificate_files(conn, order_id=order_id, principal=principal)
    store = store_of(request)
    return Response(
        certificates_zip([(name, store.get(key)) for key, name in files]),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="certificates-{order_id}.zip"'},
    )


@router.get("/orders/{order_id}/certificates/{lot_id}", response_class=Response, responses=PDF_ANSWER)
def get_order_certificate(
    order_id: OrderPath, lot_id: LotPath, request: Request, db: DbDep, principal: AnyPrincipal
) -> Response:
    """One lot's certificate PDF, if the order was served from that lot (its customer or staff)."""
    with db.read() as conn:
        key, name = order_certificate_file(conn, order_id=order_id, lot_id=lot_id, principal=principal)
    return pdf_response(store_of(request).get(key), name)
