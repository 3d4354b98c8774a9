"""Load what a document prints: the quote or the order the caller may see, its customer, lots and settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from steelyard.access.model import Principal
from steelyard.access.service import get_account
from steelyard.config import Settings
from steelyard.documents.content import Document, delivery_content, quote_content
from steelyard.inventory.tables import lots
from steelyard.quotes import orders, service
from steelyard.quotes.lines import QuoteLine
from steelyard.quotes.tables import quotes


def _company(settings: Settings) -> tuple[str, ...]:
    return tuple(s for s in (settings.company_name, settings.company_address, settings.company_contact) if s)


def _customer(conn: Connection, account_id: int | None) -> str | None:
    return None if account_id is None else str(get_account(conn, account_id)["name"])


def quote_document(
    conn: Connection, *, quote_id: str, principal: Principal | None, settings: Settings, now: datetime
) -> Document:
    """The quote as a document; NotFound unless the caller may see it (its customer, staff, or an anonymous quote)."""
    quote = service.get_quote(conn, quote_id=quote_id, principal=principal, now=now)
    customer = _customer(conn, quote["account_id"])
    return quote_content(quote, company=_company(settings), terms=settings.quote_terms, customer=customer, now=now)


def delivery_note(conn: Connection, *, order_id: str, principal: Principal, settings: Settings) -> Document:
    """The order's delivery note with the lots and heats it is taken from; NotFound unless the caller may see it."""
    order = orders.get_order(conn, order_id=order_id, principal=principal)
    lines: list[QuoteLine] = conn.execute(select(quotes.c.lines).where(quotes.c.id == order["quote_id"])).scalar_one()
    lot_ids = sorted({a["lot_id"] for a in order["allocations"] if a["lot_id"] is not None})
    certificates = {
        r.id: r.certificate_type
        for r in conn.execute(select(lots.c.id, lots.c.certificate_type).where(lots.c.id.in_(lot_ids)))
    }
    return delivery_content(
        order,
        lines,
        company=_company(settings),
        customer=_customer(conn, order["account_id"]),
        certificates=certificates,
    )
