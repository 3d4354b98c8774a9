"""Staff stock movements (receipt, adjustment, scrap, transfer) and the ledger that records every change.

Services take a connection and never commit: the caller's unit of work does.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, select

from steelyard.access.model import Principal
from steelyard.catalog import repository as catalog
from steelyard.catalog.rules import physics_of
from steelyard.catalog.tables import products, warehouses
from steelyard.db import STOCK_SCALE, Database
from steelyard.errors import FieldProblem, InvalidInput, NotFound
from steelyard.idempotency import request_hash, run_once
from steelyard.inventory.booking import Booking
from steelyard.inventory.ledger import lock_levels
from steelyard.inventory.lots import create_lot, lot_in
from steelyard.inventory.model import MAX_STOCK, Kind
from steelyard.inventory.schemas import MovementIn, MovementOut
from steelyard.inventory.tables import lots, stock_movements
from steelyard.units import convert_for, make_quantity
from steelyard.wire import decode_cursor, encode_cursor, format_decimal

STEP = Decimal(1).scaleb(-STOCK_SCALE)


_WAREHOUSE_ID = select(warehouses.c.id).where(warehouses.c.code == bindparam("code"))  # built once


def _warehouse(conn: Connection, code: str, field: str) -> int:
    found = conn.execute(_WAREHOUSE_ID, {"code": code}).scalar()
    if found is None:
        raise InvalidInput.from_problems([FieldProblem(field, f"no warehouse with code '{code}'")])
    return int(found)


def _check_shape(body: MovementIn) -> None:
    problems = []
    if body.kind == "transfer":
        if body.to_warehouse is None:
            problems.append(FieldProblem("to_warehouse", "a transfer needs the receiving warehouse"))
        elif body.to_warehouse == body.warehouse:
            problems.append(FieldProblem("to_warehouse", "a transfer goes to another warehouse, not the same one"))
    elif body.to_warehouse is not None:
        problems.append(FieldProblem("to_warehouse", f"only a transfer has a to_warehouse, not a {body.kind}"))
    if body.kind in ("adjustment", "scrap") and not body.reason:
        article = "an" if body.kind == "adjustment" else "a"
        problems.append(FieldProblem("reason", f"say why: {article} {body.kind} needs a reason"))
    if problems:
        raise InvalidInput.from_problems(problems)


def stock_quantity(stored: catalog.StoredProduct, body: MovementIn) -> tuple[Decimal, str]:
    """The movement's size in the stock unit (signed for adjustments) and the canonical unit typed."""
    product = stored.product
    physics = physics_of(product)
    value = body.quantity.value
    # Only an adjustment is signed; any other kind with a negative quantity is refused by make_quantity.
    sign = Decimal(-1) if body.kind == "adjustment" and value < 0 else Decimal(1)
    typed = make_quantity(sign * value, body.quantity.unit, physics.piece_names, field="quantity")
    converted = convert_for(physics, typed, product.stock_unit)
    if abs(converted) > MAX_STOCK:  # checked before rounding: quantizing a huge number overflows the context
        raise InvalidInput.from_problems(
            [
                FieldProblem(
                    "quantity.value",
                    f"is {format_decimal(abs(converted))} {product.stock_unit} of {product.sku}; one movement may "
                    f"be at most {MAX_STOCK:,} {product.stock_unit}: check the value and its unit",
                )
            ]
        )
    amount = converted.quantize(STEP, ROUND_HALF_UP)
    if amount == 0:
        raise InvalidInput.from_problems(
            [
                FieldProblem(
                    "quantity.value", f"rounds to 0 {product.stock_unit}: stock is kept to {STOCK_SCALE} decimal places"
                )
            ]
        )
    if product.stock_unit == "piece" and amount != amount.to_integral_value():
        raise InvalidInput.from_problems(
            [
                FieldProblem(
                    "quantity",
                    f"{product.sku} is counted in whole pieces; {format_decimal(amount)} pieces is not whole",
                )
            ]
        )
    return sign * amount, typed.unit


def _lot_fields(stored: catalog.StoredProduct, body: MovementIn) -> dict[str, Any]:
    """The new lot's columns from a receipt's `lot` (none: an untraced lot); a remnant's size is checked here."""
    if body.lot is None:
        return {}
    fields: dict[str, Any] = body.lot.model_dump(exclude={"dimensions_mm"})
    if body.lot.dimensions_mm is not None:
        known = stored.product.dimensions_mm
        problems = [
            FieldProblem(
                f"lot.dimensions_mm.{name}",
                f"{stored.product.sku} has no dimension '{name}'; it has " + (", ".join(sorted(known)) or "none"),
            )
            for name in body.lot.dimensions_mm
            if name not in known
        ] + [
            FieldProblem(f"lot.dimensions_mm.{name}", "a remnant's size is more than 0 mm")
            for name, value in body.lot.dimensions_mm.items()
            if value <= 0
        ]
        if problems:
            raise InvalidInput.from_problems(problems)
        fields["dimensions_mm"] = {k: format_decimal(v) for k, v in body.lot.dimensions_mm.items()}
        fields["remnant"] = True
    return fields


def _check_lot_shape(body: MovementIn) -> None:
    if body.lot is not None and body.kind != "receipt":
        raise InvalidInput.from_problems([FieldProblem("lot", f"only a receipt creates a lot, not a {body.kind}")])
    if body.lot is not None and body.lot_id is not None:
        raise InvalidInput.from_problems(
            [FieldProblem("lot_id", "a receipt either creates a lot (lot) or adds to one (lot_id), not both")]
        )


def post_movement(conn: Connection, *, body: MovementIn, actor: Principal, now: datetime) -> dict[str, Any]:
    _check_shape(body)
    _check_lot_shape(body)
    stored = catalog.get_product(conn, body.sku)
    if stored is None:
        raise InvalidInput.from_problems([FieldProblem("sku", f"no product with SKU '{body.sku}'")])
    source = _warehouse(conn, body.warehouse, "warehouse")
    target = _warehouse(conn, body.to_warehouse, "to_warehouse") if body.to_warehouse else None
    amount, unit = stock_quantity(stored, body)
    lot_fields = _lot_fields(stored, body)
    reference = "M" + uuid.uuid4().hex[:24].upper()
    typed = {"value": format_decimal(body.quantity.value), "unit": unit}
    booking = Booking(
        conn,
        product_id=stored.id,
        sku=body.sku,
        actor=actor.name,
        reference=reference,
        quantity=typed,
        reason=body.reason,
    )
    lock_levels(conn, stored.id)  # every level of the product, in one order everywhere, before any of its lots
    if body.kind == "transfer":
        assert target is not None and body.to_warehouse is not None
        booked = booking.transfer(source, body.warehouse, target, body.to_warehouse, amount, lot_id=body.lot_id)
    elif body.kind == "receipt":
        if body.lot_id is not None:
            lot_in(conn, body.lot_id, product_id=stored.id, warehouse_id=source, sku=body.sku, warehouse=body.warehouse)
            lot_id = body.lot_id
        else:
            lot_id = create_lot(conn, product_id=stored.id, warehouse_id=source, received_at=now, **lot_fields)
        booking.book(source, body.warehouse, lot_id, Kind.RECEIPT, amount)
        booked = [lot_id]
    elif body.kind == "adjustment":
        booked = booking.adjust(source, body.warehouse, amount, now=now, lot_id=body.lot_id)
    else:
        booked = booking.take_out(source, body.warehouse, amount, Kind.SCRAP, lot_id=body.lot_id)
    return {
        "id": reference,
        "kind": body.kind,
        "sku": body.sku,
        "warehouse": body.warehouse,
        "to_warehouse": body.to_warehouse,
        "quantity": typed,
        "stock_quantity": {"value": format_decimal(amount), "unit": stored.product.stock_unit},
        "reason": body.reason,
        "actor": actor.name,
        "lot_id": booked[0] if len(set(booked)) == 1 else None,
        "entries": ledger_entries(conn, reference=reference),
    }


def _entry(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "sku": row.sku,
        "warehouse": row.code,
        "lot_id": row.lot_id,
        "heat": row.heat,
        "kind": row.kind,
        "unit": row.stock_unit,
        "on_hand_change": row.on_hand_change,
        "reserved_change": row.reserved_change,
        "on_hand_after": row.on_hand_after,
        "reserved_after": row.reserved_after,
        "available_after": row.on_hand_after - row.reserved_after,
        "quantity": row.quantity,
        "reason": row.reason,
        "actor": row.actor,
        "reference": row.reference,
        "created_at": row.created_at,
    }


def _ledger_query() -> Any:
    return select(stock_movements, products.c.sku, products.c.stock_unit, warehouses.c.code, lots.c.heat).select_from(
        stock_movements.join(products, products.c.id == stock_movements.c.product_id)
        .join(warehouses, warehouses.c.id == stock_movements.c.warehouse_id)
        .join(lots, lots.c.id == stock_movements.c.lot_id)
    )


_ENTRIES_BY_REFERENCE = (
    _ledger_query().where(stock_movements.c.reference == bindparam("reference")).order_by(stock_movements.c.id)
)


def ledger_entries(conn: Connection, *, reference: str) -> list[dict[str, Any]]:
    rows = conn.execute(_ENTRIES_BY_REFERENCE, {"reference": reference})
    return [_entry(r) for r in rows]


def list_ledger(
    conn: Connection, *, sku: str, warehouse: str | None, cursor: str | None, limit: int, newest_first: bool
) -> tuple[list[dict[str, Any]], str | None]:
    """One product's ledger rows, with cursor pagination over the row id."""
    product_id = conn.execute(select(products.c.id).where(products.c.sku == sku)).scalar()
    if product_id is None:
        raise NotFound(f"no product with SKU '{sku}'")
    query = _ledger_query().where(stock_movements.c.product_id == product_id).limit(limit + 1)
    if warehouse is not None:
        query = query.where(warehouses.c.code == warehouse)
    after = decode_cursor(cursor, int)
    if newest_first:
        query = query.order_by(stock_movements.c.id.desc())
        if after is not None:
            query = query.where(stock_movements.c.id < after)
    else:
        query = query.order_by(stock_movements.c.id)
        if after is not None:
            query = query.where(stock_movements.c.id > after)
    rows = list(conn.execute(query))
    items = [_entry(r) for r in rows[:limit]]
    return items, encode_cursor(items[-1]["id"]) if len(rows) > limit else None


MOVEMENTS_PATH = "/api/v1/stock/movements"


def post_movement_once(
    db: Database, *, body: MovementIn, actor: Principal, key: str | None, now: datetime
) -> tuple[int, dict[str, Any]]:
    """Post a movement once per Idempotency-Key: (status, MovementOut as JSON), replayed for the same key and body.

    The one way a movement is posted, by POST /api/v1/stock/movements and the staff page alike: the same scope (the
    staff token) and fingerprint, so a key used on one is replayed, not posted again, on the other."""
    return run_once(
        db,
        scope=f"movements:{actor.token_id}",
        key=key or None,
        fingerprint=request_hash("POST", MOVEMENTS_PATH, body.model_dump(mode="json")),
        work=lambda conn: (
            201,
            MovementOut.model_validate(post_movement(conn, body=body, actor=actor, now=now)).model_dump(mode="json"),
        ),
    )
