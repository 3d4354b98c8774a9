"""Orders: accept a quote atomically for the whole of every line, ship it, or cancel it.

Accepting keeps what the quote held and reserves the rest from what is available at that moment; if any line is
short, nothing is taken and the answer says what is short. Accepting an accepted quote answers its order again,
so a retry never makes a second order (orders.quote_id is unique as well).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from steelyard.access.model import Principal
from steelyard.access.tables import accounts
from steelyard.errors import Conflict, Forbidden, InsufficientStock, InvalidInput, NotFound
from steelyard.inventory.holds import give_back, holds_query, take, total_taken
from steelyard.inventory.model import Kind, Requirements
from steelyard.inventory.tables import holds, lots
from steelyard.quotes.currencies import get_currencies
from steelyard.quotes.lines import QuoteLine
from steelyard.quotes.offcuts import return_offcuts, scrap_of_holds
from steelyard.quotes.reserve import line_needs
from steelyard.quotes.service import get_quote_row, terms_home
from steelyard.quotes.tables import orders, quotes
from steelyard.quotes.weights import (
    Billing,
    billed_totals,
    line_weights,
    record_weighed,
    weighed_of,
    weighed_problems,
)
from steelyard.wire import decode_cursor, encode_cursor, format_decimal


def accept(conn: Connection, *, quote_id: str, principal: Principal, now: datetime) -> tuple[dict[str, Any], bool]:
    """The order for this quote, and whether it was made now (False: it existed already)."""
    quote = get_quote_row(conn, quote_id, principal, for_update=True)
    if quote.account_id is None:
        raise Conflict("this quote was made without an account; ask for a quote with your customer token to order")
    if not principal.is_staff and principal.account_id != quote.account_id:
        raise Forbidden("only the quote's customer or staff may accept it")
    existing = conn.execute(select(orders.c.id).where(orders.c.quote_id == quote_id)).scalar()
    if existing is not None:
        return get_order(conn, order_id=existing, principal=principal), False
    if quote.status == "cancelled":
        raise Conflict(f"quote {quote_id} was cancelled; ask for a new quote")
    if quote.valid_until <= now:
        raise Conflict(f"quote {quote_id} expired at {quote.valid_until.isoformat()}; ask for a new quote")
    order_id = "O" + uuid.uuid4().hex[:24].upper()
    home = terms_home(conn, quote.account_id)
    held = _held_per_lot(conn, quote_id)
    held_heats = _held_heats(conn, quote_id)
    short: list[dict[str, Any]] = []
    lines: list[QuoteLine] = quote.lines
    for line in sorted(lines, key=lambda ln: (ln.product_id, ln.line)):
        remnant_lots = {use.lot_id for use in line.remnants}
        for need in line_needs(line):
            lot_id = need.requirements.lot_id
            if lot_id is not None:  # a remnant lot the plan cuts from
                needed = need.needed - held.get((line.line, lot_id), Decimal(0))
                requirements = need.requirements
            else:
                mine = (q for (n, lot), q in held.items() if n == line.line and lot not in remnant_lots)
                whole_held = sum(mine, Decimal(0))
                needed = need.needed - whole_held
                requirements = _pinned(need.requirements, held_heats.get(line.line))
            if needed <= 0:
                continue
            taken = take(
                conn,
                product_id=line.product_id,
                sku=line.sku,
                needed=needed,
                home=home,
                quote_id=quote_id,
                line_no=line.line,
                status="ordered",
                order_id=order_id,
                expires_at=None,
                actor=principal.name,
                reference=f"order:{order_id}",
                requirements=requirements,
            )
            got = total_taken(taken)
            if got < needed:
                missing = {
                    "line": line.line,
                    "sku": line.sku,
                    "needed": format_decimal(needed),
                    "available": format_decimal(got),
                    "unit": line.stock_quantity.unit,
                }
                if line.requirements is not None or lot_id is not None:
                    missing["reason"] = _unmet(requirements)
                short.append(missing)
    if short:
        # Raising rolls back the whole transaction: no line is half-taken.
        detail = "; ".join(
            f"line {s['line']} ({s['sku']}): {s['needed']} {s['unit']} needed beyond what the quote "
            f"held, {s['available']} available" + (f" {s['reason']}" if s.get("reason") else "")
            for s in short
        )
        raise InsufficientStock(f"not enough stock to accept quote {quote_id}: {detail}", short=short)
    conn.execute(
        update(holds)
        .where(holds.c.quote_id == quote_id, holds.c.status == "held")
        .values(status="ordered", order_id=order_id, expires_at=None)
    )
    conn.execute(
        insert(orders).values(
            id=order_id,
            quote_id=quote_id,
            account_id=quote.account_id,
            status="accepted",
            currency=quote.currency,
            subtotal=quote.subtotal,
            tax=quote.tax,
            total=quote.total,
            created_at=now,
            updated_at=now,
        )
    )
    conn.execute(update(quotes).where(quotes.c.id == quote_id).values(status="accepted"))
    return get_order(conn, order_id=order_id, principal=principal), True


def _pinned(requirements: Requirements, held_heats: set[str | None] | None) -> Requirements:
    """A line's requirements at acceptance: a single-heat line that already holds a heat completes from that heat."""
    if requirements.single_heat and requirements.heat is None and held_heats:
        (heat,) = held_heats  # a single-heat hold is taken from one heat
        return replace(requirements, heat=heat)
    return requirements


def _unmet(requirements: Requirements) -> str:
    wanted = []
    if requirements.lot_id is not None:
        wanted.append(f"from remnant lot {requirements.lot_id}, which the cut plan uses")
    if requirements.certificate:
        wanted.append(f"with an EN 10204 {requirements.certificate} certificate or better")
    if requirements.heat:
        wanted.append(f"from heat {requirements.heat}, the heat the quote holds")
    elif requirements.single_heat:
        wanted.append("from a single heat")
    return " ".join(wanted)


def _held_heats(conn: Connection, quote_id: str) -> dict[int, set[str | None]]:
    heats: dict[int, set[str | None]] = {}
    query = select(holds.c.line_no, lots.c.heat).join(lots, lots.c.id == holds.c.lot_id)
    for r in conn.execute(query.where(holds.c.quote_id == quote_id, holds.c.status == "held")):
        heats.setdefault(r.line_no, set()).add(r.heat)
    return heats


def _held_per_lot(conn: Connection, quote_id: str) -> dict[tuple[int, int], Decimal]:
    rows = conn.execute(
        select(holds.c.line_no, holds.c.lot_id, func.sum(holds.c.quantity).label("quantity"))
        .where(holds.c.quote_id == quote_id, holds.c.status == "held")
        .group_by(holds.c.line_no, holds.c.lot_id)
    )
    return {(r.line_no, r.lot_id): r.quantity for r in rows}  # the sum keeps the column's Micro type: a Decimal


def _order_row(conn: Connection, order_id: str, principal: Principal, *, for_update: bool = False) -> Any:
    query = select(orders).where(orders.c.id == order_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None or not (principal.is_staff or principal.account_id == row.account_id):
        raise NotFound(f"no order {order_id} that you may see")
    return row


def _document(conn: Connection, row: Any) -> dict[str, Any]:
    allocations = conn.execute(
        holds_query().where(holds.c.order_id == row.id).order_by(holds.c.line_no, holds.c.id)
    ).all()
    quote = conn.execute(select(quotes.c.lines, quotes.c.tax_rate).where(quotes.c.id == row.quote_id)).one()
    lines: list[QuoteLine] = quote.lines
    units = {line.line: line.stock_quantity.unit for line in lines}
    basis = row.billing_weight or _billing(conn, row.account_id, tolerance_pct=Decimal(0)).basis
    weights = line_weights(lines, weighed_of(conn, row.id), Billing(basis, Decimal(0)))
    currency = get_currencies(conn, {row.currency}).get(row.currency)
    minor_units = 2 if currency is None else currency.minor_units  # a rate deleted since: cents, as most have
    subtotals, billed = billed_totals(lines, weights, quote.tax_rate, minor_units)
    return {
        "id": row.id,
        "quote_id": row.quote_id,
        "account_id": row.account_id,
        "status": row.status,
        "currency": row.currency,
        "subtotal": row.subtotal,
        "tax": row.tax,
        "total": row.total,
        "allocations": [
            {
                "line": a.line_no,
                "sku": a.sku,
                "warehouse": a.code,
                "lot_id": a.lot_id,
                "heat": a.heat,
                "quantity": a.quantity,
                "unit": units[a.line_no],
            }
            for a in allocations
        ],
        "lines": [
            {
                "line": line.line,
                "sku": line.sku,
                "name": line.name,
                "quantity": line.stock_quantity.value,
                "unit": line.stock_quantity.unit,
                "lots": [
                    {"lot_id": a.lot_id, "heat": a.heat, "warehouse": a.code, "quantity": a.quantity}
                    for a in allocations
                    if a.line_no == line.line and a.status in ("ordered", "shipped")
                ],
                "theoretical_weight_kg": weight.theoretical_kg,
                "actual_weight_kg": weight.actual_kg,
                "difference_kg": weight.difference_kg,
                "difference_pct": weight.difference_pct,
                "billed_weight_kg": weight.billed_kg,
                "subtotal": line.subtotal,
                "billed_subtotal": subtotal,
            }
            for line, weight, subtotal in zip(lines, weights, subtotals, strict=True)
        ],
        "billing_weight": basis,
        "billed": {"subtotal": billed.subtotal, "tax": billed.tax, "total": billed.total},
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def _billing(conn: Connection, account_id: int | None, *, tolerance_pct: Decimal) -> Billing:
    """The account's billing weight and tolerance (`tolerance_pct`: the service default, for a null)."""
    found = None
    if account_id is not None:
        found = conn.execute(
            select(accounts.c.billing_weight, accounts.c.weight_tolerance_pct).where(accounts.c.id == account_id)
        ).first()
    if found is None:
        return Billing("theoretical", tolerance_pct)
    return Billing(
        found.billing_weight, tolerance_pct if found.weight_tolerance_pct is None else found.weight_tolerance_pct
    )


def get_order(conn: Connection, *, order_id: str, principal: Principal) -> dict[str, Any]:
    return _document(conn, _order_row(conn, order_id, principal))


def list_orders(
    conn: Connection, *, principal: Principal, status: str | None, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Oldest first (the shipping queue's order): a customer's own orders, or all for staff."""
    query = select(orders).order_by(orders.c.id).limit(limit + 1)
    if not principal.is_staff:
        query = query.where(orders.c.account_id == principal.account_id)
    if status is not None:
        query = query.where(orders.c.status == status)
    after = decode_cursor(cursor, str)
    if after is not None:
        query = query.where(orders.c.id > after)
    rows = list(conn.execute(query))
    docs = [_document(conn, r) for r in rows[:limit]]
    return docs, encode_cursor(rows[limit - 1].id) if len(rows) > limit else None


def _finish(
    conn: Connection,
    *,
    order_id: str,
    principal: Principal,
    now: datetime,
    ship: bool,
    weighed: dict[int, Decimal] | None = None,
    tolerance_pct: Decimal = Decimal(0),
) -> dict[str, Any]:
    row = _order_row(conn, order_id, principal, for_update=True)
    action = "ship" if ship else "cancel"
    if row.status != "accepted":
        raise Conflict(
            f"order {order_id} is {row.status}; only an accepted order can be {action}ped"
            if ship
            else f"order {order_id} is {row.status}; only an accepted order can be cancelled"
        )
    values: dict[str, Any] = {"status": "shipped" if ship else "cancelled", "updated_at": now}
    if ship:
        billing = _billing(conn, row.account_id, tolerance_pct=tolerance_pct)
        lines: list[QuoteLine] = conn.execute(select(quotes.c.lines).where(quotes.c.id == row.quote_id)).scalar_one()
        problems = weighed_problems(weighed or {}, lines, billing)
        if problems:  # before any stock moves: a refused shipment changes nothing
            raise InvalidInput.from_problems(problems)
        record_weighed(conn, order_id, weighed or {})
        values["billing_weight"] = billing.basis
    allocations = conn.execute(
        holds_query()
        .where(holds.c.order_id == order_id, holds.c.status == "ordered")
        .order_by(holds.c.product_id, holds.c.warehouse_id, holds.c.id)
    ).all()
    scraps = scrap_of_holds(conn, lines=lines, allocations=allocations) if ship else {}
    for hold in allocations:
        scrap = scraps.get(hold.id)
        give_back(
            conn,
            hold,
            kind=Kind.SHIP if ship else Kind.RELEASE,
            new_status="shipped" if ship else "released",
            actor=principal.name,
            reference=f"order:{order_id}",
            ship=ship,
            scrap=scrap.quantity if scrap else Decimal(0),
            scrap_reason=scrap.reason if scrap else None,
        )
    if ship:  # what the cuts leave above the minimum size goes back into stock as remnant lots
        return_offcuts(conn, order_id=order_id, lines=lines, allocations=allocations, actor=principal.name)
    conn.execute(update(orders).where(orders.c.id == order_id).values(**values))
    return _document(conn, _order_row(conn, order_id, principal))


def ship(
    conn: Connection,
    *,
    order_id: str,
    principal: Principal,
    now: datetime,
    weighed: dict[int, Decimal] | None = None,
    tolerance_pct: Decimal = Decimal(10),
) -> dict[str, Any]:
    """Move the order's reserved stock out of the warehouses (staff), with the weighed weight of the lines that
    were weighed (by line number); `tolerance_pct` applies where the account sets none."""
    return _finish(
        conn, order_id=order_id, principal=principal, now=now, ship=True, weighed=weighed, tolerance_pct=tolerance_pct
    )


def cancel(conn: Connection, *, order_id: str, principal: Principal, now: datetime) -> dict[str, Any]:
    """Give the order's reserved stock back (staff, or the order's customer)."""
    return _finish(conn, order_id=order_id, principal=principal, now=now, ship=False)
