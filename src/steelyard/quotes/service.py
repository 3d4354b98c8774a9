"""Quotes: price every line from the catalogue, the account and live stock; store the answer.

Services take a connection and never commit: the caller's unit of work does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, update

from steelyard.access.model import Principal
from steelyard.access.service import get_account
from steelyard.catalog import repository as catalog
from steelyard.catalog.model import Product
from steelyard.catalog.rules import converter, physics_of
from steelyard.config import Settings
from steelyard.db import STOCK_SCALE
from steelyard.errors import FieldProblem, Forbidden, InvalidInput, NotFound, Unauthorized
from steelyard.inventory.holds import hold_quote
from steelyard.pricing import Cut, LineEstimate, estimate_line, quote_totals
from steelyard.quotes.currencies import Currency, fx_rate, require_currencies
from steelyard.quotes.cutting import cut_piece_weight_kg
from steelyard.quotes.schemas import QuoteIn, QuoteLineIn
from steelyard.quotes.tables import quotes
from steelyard.units import make_quantity, weight_kg
from steelyard.wire import decode_cursor, encode_cursor, format_decimal

STOCK_STEP = Decimal(1).scaleb(-STOCK_SCALE)
WEIGHT_STEP = Decimal("0.001")
DISPLAY_STEP = Decimal(1).scaleb(-STOCK_SCALE)
_INSERT_QUOTE = insert(quotes)  # built once; the values go in as parameters


@dataclass(frozen=True, slots=True)
class Terms:
    """What the caller's account changes about a price: currency, discounts, tax."""

    account_id: int | None
    currency: str
    tax_rate: Decimal
    discount_percent: Decimal
    price_list: dict[str, Decimal]
    home_warehouse: str | None

    def discount_for(self, family: str) -> Decimal:
        return self.price_list.get(family, self.discount_percent)


def terms_for(conn: Connection, principal: Principal | None, currency: str | None, settings: Settings) -> Terms:
    if principal is None or principal.account_id is None:
        return Terms(None, currency or settings.default_currency, settings.default_tax_rate, Decimal(0), {}, None)
    account = get_account(conn, principal.account_id)
    tax_rate = account["tax_rate"] if account["tax_rate"] is not None else settings.default_tax_rate
    return Terms(
        account_id=account["id"],
        currency=currency or account["currency"],
        tax_rate=tax_rate,
        discount_percent=account["discount_percent"],
        price_list={k: Decimal(v) for k, v in account["price_list"].items()},
        home_warehouse=account["home_warehouse"],
    )


def cut_fee_for(product: Product, settings: Settings) -> Decimal:
    if product.cut_fee is not None:
        return product.cut_fee
    return settings.family_cut_fees.get(product.family, settings.default_cut_fee)


def _plain(value: Decimal, step: Decimal = DISPLAY_STEP) -> str:
    return format_decimal(value.quantize(step, ROUND_HALF_UP))


def stock_needed(value: Decimal) -> Decimal:
    """The stock a line takes, rounded up to the stock scale so a hold never falls short."""
    return value.quantize(STOCK_STEP, ROUND_UP)


def _within_line(index: int, sku: str, exc: InvalidInput) -> InvalidInput:
    """The same error, its fields prefixed with the line they belong to."""
    problems = [FieldProblem(f"lines[{index}].{p.field}", p.message) for p in exc.problems] or [
        FieldProblem(f"lines[{index}]", exc.detail)
    ]
    return type(exc)(f"line {index + 1} ({sku}): {exc.detail}", problems=problems, **exc.extra)


def availability(product: Product, levels: list[catalog.Level], needed: Decimal) -> dict[str, Any]:
    available = sum((max(lv.available, Decimal(0)) for lv in levels), Decimal(0))
    status = "in_stock" if available >= needed else "partial" if available > 0 else "backorder"
    return {
        "status": status,
        "available": _plain(available),
        "unit": product.stock_unit,
        "warehouses": [{"code": lv.code, "available": _plain(lv.available)} for lv in levels if lv.available > 0],
        "lead_time_days": product.lead_time_days,
    }


def price_line(
    index: int,
    line: QuoteLineIn,
    stored: catalog.StoredProduct,
    levels: list[catalog.Level],
    *,
    terms: Terms,
    currencies: dict[str, Currency],
    settings: Settings,
) -> dict[str, Any]:
    """One priced line as the API answers it (plus `product_id` for the stock side)."""
    product = stored.product
    try:
        physics = physics_of(product)
        requested = make_quantity(line.quantity.value, line.quantity.unit, physics.piece_names, field="quantity")
        cut = None if line.cut is None else Cut(line.cut.length_mm, line.cut.width_mm)
        quote_currency = currencies[terms.currency]
        estimate: LineEstimate = estimate_line(
            requested=requested,
            stock_unit=product.stock_unit,
            tiers=product.price.tiers,
            convert=converter(physics),
            discrete=product.stock_unit == "piece",
            min_order=product.min_order,
            increment=product.increment,
            discount_percent=terms.discount_for(product.family),
            fx_rate=fx_rate(currencies[product.price.currency], quote_currency),
            minor_units=quote_currency.minor_units,
            cut=cut,
            cut_fee=cut_fee_for(product, settings),
            cut_piece_weight_kg=None if cut is None else cut_piece_weight_kg(physics, cut.length_mm, cut.width_mm),
            piece_name=physics.piece_label,
            is_count=lambda unit: unit == "piece",
        )
        weight = weight_kg(physics, estimate.stock_quantity)
    except InvalidInput as exc:
        raise _within_line(index, product.sku, exc) from None
    needed = stock_needed(estimate.stock_quantity.value)
    tier = estimate.tier
    return {
        "line": index + 1,
        "sku": product.sku,
        "name": product.name,
        "product_id": stored.id,
        "requested": {"value": _plain(requested.value), "unit": requested.unit},
        "quantity": {"value": _plain(estimate.quantity.value), "unit": estimate.quantity.unit},
        "stock_quantity": {"value": _plain(needed), "unit": product.stock_unit},
        "weight_kg": None if weight is None else _plain(weight, WEIGHT_STEP),
        "tier": {
            "index": estimate.tier_index,
            "min_quantity": {"value": _plain(tier.min_quantity.value), "unit": tier.min_quantity.unit},
            "unit_price": str(tier.unit_price),
            "per": tier.per,
            "currency": product.price.currency,
        },
        "unit_price": str(estimate.unit_price),
        "per": estimate.per,
        "discount_percent": _plain(terms.discount_for(product.family)),
        "fees": [
            {"kind": f.kind, "count": _plain(f.count), "unit_amount": str(f.unit_amount), "amount": str(f.amount)}
            for f in estimate.fees
        ],
        "subtotal": str(estimate.subtotal),
        "adjustments": list(estimate.adjustments),
        "cut": None if line.cut is None else line.cut.model_dump(mode="json", exclude_none=True),
        "availability": availability(product, levels, needed),
        "held": None,
        "holds": [],
    }


def _products_for(conn: Connection, body: QuoteIn) -> dict[str, catalog.StoredProduct]:
    skus = list(dict.fromkeys(line.sku for line in body.lines))
    found = catalog.get_products(conn, skus)
    problems = []
    for i, line in enumerate(body.lines):
        stored = found.get(line.sku)
        if stored is None:
            problems.append(FieldProblem(f"lines[{i}].sku", f"no product with SKU '{line.sku}'"))
        elif not stored.product.active:
            problems.append(FieldProblem(f"lines[{i}].sku", f"'{line.sku}' is archived and cannot be quoted"))
    if problems:
        raise InvalidInput.from_problems(problems)
    return found


def price_quote(
    conn: Connection, *, body: QuoteIn, principal: Principal | None, settings: Settings
) -> tuple[Terms, list[dict[str, Any]], dict[str, Any]]:
    """Price a quote without storing it: the terms, the lines and the totals."""
    terms = terms_for(conn, principal, body.currency, settings)
    products = _products_for(conn, body)
    codes = {terms.currency} | {p.product.price.currency for p in products.values()}
    currencies = require_currencies(conn, codes)
    levels = catalog.levels_for_many(conn, [p.id for p in products.values()])
    lines = [
        price_line(
            i,
            line,
            products[line.sku],
            levels[products[line.sku].id],
            terms=terms,
            currencies=currencies,
            settings=settings,
        )
        for i, line in enumerate(body.lines)
    ]
    totals = quote_totals(
        [Decimal(line["subtotal"]) for line in lines], terms.tax_rate, currencies[terms.currency].minor_units
    )
    return terms, lines, {"subtotal": totals.subtotal, "tax": totals.tax, "total": totals.total}


def create_quote(
    conn: Connection, *, body: QuoteIn, principal: Principal | None, settings: Settings, now: datetime
) -> dict[str, Any]:
    """Price and store a quote; with `reserve`, the caller (a customer) also holds what is available."""
    if body.reserve:
        if principal is None:
            raise Unauthorized("reserve: true needs a customer token: send 'Authorization: Bearer <token>'")
        if principal.account_id is None:
            raise Forbidden("reserve: true holds stock for a customer account; use a customer token")
    priced = price_quote(conn, body=body, principal=principal, settings=settings)
    return store_quote(conn, body=body, priced=priced, principal=principal, settings=settings, now=now)


def store_quote(
    conn: Connection,
    *,
    body: QuoteIn,
    priced: tuple[Terms, list[dict[str, Any]], dict[str, Any]],
    principal: Principal | None,
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """Store a priced quote (and, with `reserve`, hold its stock); `priced` is what `price_quote` answered."""
    terms, lines, totals = priced
    quote = {
        "id": "Q" + uuid.uuid4().hex[:24].upper(),
        "account_id": terms.account_id,
        "status": "open",
        "currency": terms.currency,
        "reserve": body.reserve,
        "tax_rate": terms.tax_rate,
        **totals,
        "lines": lines,
        "valid_until": now + timedelta(minutes=settings.quote_validity_minutes),
        "created_at": now,
    }
    conn.execute(_INSERT_QUOTE, quote)
    if body.reserve:
        quote["lines"] = hold_quote(
            conn,
            quote_id=quote["id"],
            lines=lines,
            home_warehouse=terms.home_warehouse,
            principal=principal,
            expires_at=quote["valid_until"],
            now=now,
        )
        conn.execute(update(quotes).where(quotes.c.id == quote["id"]).values(lines=quote["lines"]))
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
        "valid_until": row.valid_until,
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
    key = decode_cursor(cursor, list)
    if key is not None:
        if len(key) != 2 or not all(isinstance(k, str) for k in key):
            raise InvalidInput.from_problems([FieldProblem("cursor", "not a valid cursor; pass next_cursor unchanged")])
        try:
            at = datetime.fromisoformat(key[0])
        except ValueError:
            raise InvalidInput.from_problems(
                [FieldProblem("cursor", "not a valid cursor; pass next_cursor unchanged")]
            ) from None
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
