"""Quotes: store a priced quote (and hold its stock), read and list quotes.

Pricing lives in `pricing.py`. Services take a connection and never commit: the caller's unit of work does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from steelyard.access.model import Principal
from steelyard.access.service import get_account
from steelyard.config import Settings
from steelyard.errors import Forbidden, NotFound, Unauthorized
from steelyard.quotes.hold_rules import hold_expiry
from steelyard.quotes.lines import LineRequest
from steelyard.quotes.pricing import PricedQuote, estimate_document, price_quote
from steelyard.quotes.reservations import before_holding, check_limits
from steelyard.quotes.reserve import hold_lines
from steelyard.quotes.tables import quotes
from steelyard.wire import bad_cursor, decode_cursor, encode_cursor

_INSERT_QUOTE = insert(quotes)  # built once; the values go in as parameters


def check_reserve(principal: Principal | None) -> None:
    """`reserve: true` holds stock for a customer: it needs a customer token."""
    if principal is None:
        raise Unauthorized("reserve: true needs a customer token: send 'Authorization: Bearer <token>'")
    if principal.account_id is None:
        raise Forbidden("reserve: true holds stock for a customer account; use a customer token")


def create_quote(
    conn: Connection,
    *,
    lines: Sequence[LineRequest],
    currency: str | None,
    reserve: bool,
    principal: Principal | None,
    settings: Settings,
    now: datetime,
    accept_language: str | None = None,
    delivery_country: str | None = None,
) -> dict[str, Any]:
    """Price and store a quote; with `reserve`, the caller (a customer) also holds what is available."""
    if reserve:
        check_reserve(principal)
    priced = price_quote(
        conn,
        lines=lines,
        currency=currency,
        principal=principal,
        settings=settings,
        accept_language=accept_language,
        delivery_country=delivery_country,
    )
    return store_quote(conn, priced=priced, reserve=reserve, principal=principal, settings=settings, now=now)


def store_quote(
    conn: Connection,
    *,
    priced: PricedQuote,
    reserve: bool,
    principal: Principal | None,
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """Store a priced quote (and, with `reserve`, hold its stock); `priced` is what `price_quote` answered."""
    terms = priced.terms
    account = None
    if reserve:
        assert terms.account_id is not None  # create_quote refuses a reserving quote without an account
        account = before_holding(
            conn,
            account_id=terms.account_id,
            product_ids=sorted({line.product_id for line in priced.lines}),
            settings=settings,
            now=now,
        )
        # Refuse at once, before any stock row is locked, what could not be held even as priced a moment ago.
        check_limits(
            conn,
            account=account,
            lines=priced.lines,
            currency=terms.currency,
            settings=settings,
            now=now,
            expected=True,
        )
    quote_id = "Q" + uuid.uuid4().hex[:24].upper()
    minutes = settings.quote_validity_minutes
    if terms.account_id is None:  # nobody can order it: it lives briefly, then the sweeper deletes it (expiry.py)
        minutes = min(minutes, settings.anonymous_quote_minutes)
    valid_until = now + timedelta(minutes=minutes)
    quote: dict[str, Any] = {
        **estimate_document(priced),
        "id": quote_id,
        "status": "open",
        "reserve": reserve,
        "lines": list(priced.lines),
        "valid_until": valid_until,
        "held_until": None,
        "created_at": now,
    }
    conn.execute(_INSERT_QUOTE, quote)
    if account is not None:
        held_until = hold_expiry(now, valid_until, settings.hold_minutes)
        quote["lines"] = hold_lines(
            conn,
            quote_id=quote_id,
            lines=priced.lines,
            home_warehouse=terms.home_warehouse,
            principal=principal,
            expires_at=held_until,
            now=now,
        )
        # Judged again on what was really held, with the stock rows locked: raising here rolls everything back.
        check_limits(conn, account=account, lines=quote["lines"], currency=terms.currency, settings=settings, now=now)
        if any(line.holds for line in quote["lines"]):
            quote["held_until"] = held_until
        conn.execute(
            update(quotes).where(quotes.c.id == quote_id).values(lines=quote["lines"], held_until=quote["held_until"])
        )
    return quote


def _visible(row: Any, principal: Principal | None) -> bool:
    if row.account_id is None:
        return True  # an anonymous quote is read by whoever holds its unguessable id
    return principal is not None and (principal.is_staff or principal.account_id == row.account_id)


def quote_document(row: Any, now: datetime) -> dict[str, Any]:
    status = row.status
    if status == "open" and row.valid_until <= now:
        status = "expired"
    return {
        "id": row.id,
        "account_id": row.account_id,
        "status": status,
        "currency": row.currency,
        "reserve": row.reserve,
        "tax_rate": row.tax_rate,
        "subtotal": row.subtotal,
        "tax": row.tax,
        "total": row.total,
        "lines": row.lines,
        "charges": row.charges or [],
        "freight": row.freight,
        "valid_until": row.valid_until,
        "held_until": row.held_until,
        "created_at": row.created_at,
    }


def get_quote_row(conn: Connection, quote_id: str, principal: Principal | None, *, for_update: bool = False) -> Any:
    """The stored quote, if the caller may see it; NotFound otherwise (never says whose it is)."""
    query = select(quotes).where(quotes.c.id == quote_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None or not _visible(row, principal):
        raise NotFound(f"no quote {quote_id} that you may see")
    return row


def get_quote(conn: Connection, *, quote_id: str, principal: Principal | None, now: datetime) -> dict[str, Any]:
    return quote_document(get_quote_row(conn, quote_id, principal), now)


def list_quotes(
    conn: Connection, *, principal: Principal, cursor: str | None, limit: int, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first: a customer sees its own quotes, staff see all."""
    query = select(quotes).order_by(quotes.c.created_at.desc(), quotes.c.id.desc()).limit(limit + 1)
    if not principal.is_staff:
        query = query.where(quotes.c.account_id == principal.account_id)
    key = decode_cursor(cursor, (str, str))
    if key is not None:
        try:
            at = datetime.fromisoformat(key[0])
        except ValueError:
            raise bad_cursor() from None
        query = query.where((quotes.c.created_at < at) | ((quotes.c.created_at == at) & (quotes.c.id < key[1])))
    rows = list(conn.execute(query))
    docs = [quote_document(r, now) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor([last.created_at.isoformat(), last.id])
    return docs, next_cursor


def terms_home(conn: Connection, account_id: int) -> str | None:
    """The account's home warehouse code, where its orders are taken from first."""
    home: str | None = get_account(conn, account_id)["home_warehouse"]
    return home
