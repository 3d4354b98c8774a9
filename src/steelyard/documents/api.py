"""Quote and delivery-note documents over HTTP: `.pdf` (ReportLab) and `.html` (printable). Customers see only
their own; an anonymous quote is read by whoever holds its id, as its JSON is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse

from steelyard.access.deps import ANONYMOUS_TOO, AnyPrincipal, MaybePrincipal
from steelyard.api import DbDep, problem_refs
from steelyard.config import Settings
from steelyard.documents import service
from steelyard.documents.html import PAGE_HEADERS, render_html
from steelyard.documents.pdf import render_pdf

router = APIRouter(prefix="/api/v1", tags=["documents"], responses=problem_refs(404, 422))
DocId = Annotated[str, Path(pattern=r"^[A-Z0-9]{1,40}$", description="the quote's or order's id")]


class PdfResponse(Response):
    media_type = "application/pdf"


def _pdf(what: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"description": what, "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
    }


def _html(what: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": what, "content": {"text/html": {"schema": {"type": "string"}}}}}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'inline; filename="{name}"'}


@router.get(
    "/quotes/{quote_id}.pdf", response_class=PdfResponse, responses=_pdf("the quote as PDF"),
    openapi_extra=ANONYMOUS_TOO,
)  # fmt: skip
def quote_pdf(quote_id: DocId, request: Request, db: DbDep, principal: MaybePrincipal) -> Response:
    """The quote as a PDF to forward: company header, lines with surcharges and cut plans, charges, freight, totals,
    validity and terms."""
    with db.read() as conn:
        doc = service.quote_document(
            conn, quote_id=quote_id, principal=principal, settings=_settings(request), now=datetime.now(UTC)
        )
    return PdfResponse(render_pdf(doc), headers=_attachment(f"quote-{quote_id}.pdf"))


@router.get(
    "/quotes/{quote_id}.html", response_class=HTMLResponse, responses=_html("the quote, printable"),
    openapi_extra=ANONYMOUS_TOO,
)  # fmt: skip
def quote_html(quote_id: DocId, request: Request, db: DbDep, principal: MaybePrincipal) -> HTMLResponse:
    """The same document as printable HTML."""
    with db.read() as conn:
        doc = service.quote_document(
            conn, quote_id=quote_id, principal=principal, settings=_settings(request), now=datetime.now(UTC)
        )
    return HTMLResponse(render_html(doc), headers=PAGE_HEADERS)


@router.get(
    "/orders/{order_id}.pdf", response_class=PdfResponse,
    responses={**_pdf("the delivery note as PDF"), **problem_refs(401)},
)  # fmt: skip
def order_pdf(order_id: DocId, request: Request, db: DbDep, principal: AnyPrincipal) -> Response:
    """The order's delivery note: lines, quantities, weights, and the lots and heats they ship from."""
    with db.read() as conn:
        doc = service.delivery_note(conn, order_id=order_id, principal=principal, settings=_settings(request))
    return PdfResponse(render_pdf(doc), headers=_attachment(f"delivery-note-{order_id}.pdf"))


@router.get(
    "/orders/{order_id}.html", response_class=HTMLResponse,
    responses={**_html("the delivery note, printable"), **problem_refs(401)},
)  # fmt: skip
def order_html(order_id: DocId, request: Request, db: DbDep, principal: AnyPrincipal) -> HTMLResponse:
    with db.read() as conn:
        doc = service.delivery_note(conn, order_id=order_id, principal=principal, settings=_settings(request))
    return HTMLResponse(render_html(doc), headers=PAGE_HEADERS)
