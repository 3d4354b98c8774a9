"""Lots: stock of one product in one warehouse from one receipt, with the heat and the mill certificate it came with.

The lots of a (product, warehouse) add up to its level. Lots are created by receipts, by transfers (the receiving
warehouse gets a lot with the same heat and certificate, `source_lot_id` naming where it came from) and by the
opening migration (one untraced lot per level that existed before lots did).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select

from steelyard.catalog.tables import products, warehouses
from steelyard.db import InLists
from steelyard.errors import FieldProblem, InvalidInput, NotFound
from steelyard.inventory.model import Level, LotStock
from steelyard.inventory.tables import lots
from steelyard.wire import decode_cursor, encode_cursor

# What a lot inherits when part of it moves to another warehouse (or, cut, becomes an offcut): its traceability.
TRACE = (
    "heat",
    "mill",
    "certificate_type",
    "origin",
    "received_at",
    "certificate_key",
    "certificate_size",
    "certificate_data",
)
_INSERT_LOT = insert(lots).returning(lots.c.id)


def create_lot(
    conn: Connection,
    *,
    product_id: int,
    warehouse_id: int,
    received_at: datetime,
    heat: str | None = None,
    mill: str | None = None,
    certificate_type: str | None = None,
    origin: str | None = None,
    dimensions_mm: dict[str, str] | None = None,
    remnant: bool = False,
    source_lot_id: int | None = None,
    **trace: Any,
) -> int:
    """A new, empty lot; the caller books its stock through `change_level` so the ledger and level follow."""
    values = {
        "product_id": product_id,
        "warehouse_id": warehouse_id,
        "heat": heat,
        "mill": mill,
        "certificate_type": certificate_type,
        "origin": origin,
        "received_at": received_at,
        "remnant": remnant,
        "dimensions_mm": dimensions_mm,
        "source_lot_id": source_lot_id,
        "on_hand": Decimal(0),
        "reserved": Decimal(0),
        **trace,
    }
    return int(conn.execute(_INSERT_LOT, values).scalar_one())


def lot_row(conn: Connection, lot_id: int) -> Any:
    row = conn.execute(select(lots).where(lots.c.id == lot_id)).first()
    if row is None:
        raise NotFound(f"no lot {lot_id}")
    return row


def lot_in(conn: Connection, lot_id: int, *, product_id: int, warehouse_id: int, sku: str, warehouse: str) -> Any:
    """The named lot, if it is this product's lot in this warehouse; a 422 on `lot_id` otherwise."""
    row = conn.execute(select(lots).where(lots.c.id == lot_id)).first()
    if row is None or row.product_id != product_id or row.warehouse_id != warehouse_id:
        raise InvalidInput.from_problems(
            [FieldProblem("lot_id", f"no lot {lot_id} of {sku} in {warehouse}; see GET /api/v1/products/{sku}/lots")]
        )
    return row


_LOCK_LOTS = (
    select(
        lots.c.id,
        lots.c.warehouse_id,
        warehouses.c.code,
        lots.c.heat,
        lots.c.certificate_type,
        lots.c.received_at,
        lots.c.on_hand,
        lots.c.reserved,
        lots.c.remnant,
    )
    .join(warehouses, warehouses.c.id == lots.c.warehouse_id)
    .where(lots.c.product_id == bindparam("product_id"), lots.c.on_hand > lots.c.reserved)
    .order_by(lots.c.id)
    .with_for_update(of=lots)
)


def _lot_stock(r: Any) -> LotStock:
    return LotStock(
        r.id, r.warehouse_id, r.code, r.heat, r.certificate_type, r.received_at, r.on_hand, r.reserved, r.remnant
    )


def lock_lots(conn: Connection, product_id: int, warehouse_id: int | None = None) -> list[LotStock]:
    """The product's lots that have stock available, locked; call after locking the product's levels."""
    query = _LOCK_LOTS if warehouse_id is None else _LOCK_LOTS.where(lots.c.warehouse_id == warehouse_id)
    return [_lot_stock(r) for r in conn.execute(query, {"product_id": product_id})]


def available_lots(conn: Connection, product_ids: list[int]) -> dict[int, list[LotStock]]:
    """The lots with stock available of several products, unlocked (to price a quote, not to take stock)."""
    found: dict[int, list[LotStock]] = {pid: [] for pid in product_ids}
    if not product_ids:
        return found
    query = (
        select(lots.c.product_id, *_LOCK_LOTS.selected_columns)
        .join(warehouses, warehouses.c.id == lots.c.warehouse_id)
        .where(lots.c.product_id.in_(product_ids), lots.c.on_hand > lots.c.reserved)
    )
    for r in conn.execute(query):
        found[r.product_id].append(_lot_stock(r))
    return found


def available_remnants(conn: Connection, product_ids: list[int]) -> dict[int, list[tuple[LotStock, dict[str, str]]]]:
    """The remnant lots with stock available of several products and their own size (unlocked: to plan a cut line,
    whose holds then take each lot by its id); oldest first."""
    found: dict[int, list[tuple[LotStock, dict[str, str]]]] = {pid: [] for pid in product_ids}
    if not product_ids:
        return found
    query = (
        select(lots.c.product_id, lots.c.dimensions_mm, *_LOCK_LOTS.selected_columns)
        .join(warehouses, warehouses.c.id == lots.c.warehouse_id)
        .where(lots.c.product_id.in_(product_ids), lots.c.remnant.is_(True), lots.c.on_hand > lots.c.reserved)
        .order_by(lots.c.received_at, lots.c.id)
    )
    for r in conn.execute(query):
        found[r.product_id].append((_lot_stock(r), dict(r.dimensions_mm or {})))
    return found


_REMNANT_AVAILABLE = InLists(
    lambda product_ids: (
        select(
            lots.c.product_id,
            lots.c.warehouse_id,
            func.sum(lots.c.on_hand).label("on_hand"),
            func.sum(lots.c.reserved).label("reserved"),
        )
        .where(
            lots.c.product_id.in_(product_ids),
            lots.c.remnant.is_(True),
            lots.c.on_hand > lots.c.reserved,
        )
        .group_by(lots.c.product_id, lots.c.warehouse_id)
    ),
    product_ids=lots.c.product_id,
)


def without_remnants(conn: Connection, levels: dict[int, list[Level]]) -> dict[int, list[Level]]:
    """The levels as an ordinary line sees them: remnant lots (offcuts of their own size) are only taken for a line
    that asks for them, so their available stock is not promised to any other line."""
    product_ids = [pid for pid, found in levels.items() if found]
    if not product_ids:
        return levels
    remnants = {
        (r.product_id, r.warehouse_id): r.on_hand - r.reserved
        for r in conn.execute(*_REMNANT_AVAILABLE(product_ids=product_ids))
    }
    if not remnants:
        return levels
    return {
        pid: [replace(lv, on_hand=lv.on_hand - remnants.get((pid, lv.warehouse_id), Decimal(0))) for lv in found]
        for pid, found in levels.items()
    }


def newest_lot(conn: Connection, *, product_id: int, warehouse_id: int) -> int | None:
    """The most recently received lot of a level, where a count that found more than recorded is booked."""
    found = conn.execute(
        select(lots.c.id)
        .where(lots.c.product_id == product_id, lots.c.warehouse_id == warehouse_id, lots.c.remnant.is_(False))
        .order_by(lots.c.received_at.desc(), lots.c.id.desc())
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


def certificate_document(row: Any) -> dict[str, Any] | None:
    if row.certificate_key is None and row.certificate_data is None:
        return None
    return {
        "url": f"/api/v1/lots/{row.id}/certificate" if row.certificate_key is not None else None,
        "size": row.certificate_size,
        "data": row.certificate_data is not None,
    }


def lot_document(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "sku": row.sku,
        "heat": row.heat,
        "mill": row.mill,
        "certificate_type": row.certificate_type,
        "origin": row.origin,
        "received_at": row.received_at,
        "warehouse": row.code,
        "unit": row.stock_unit,
        "on_hand": row.on_hand,
        "reserved": row.reserved,
        "available": row.on_hand - row.reserved,
        "remnant": row.remnant,
        "dimensions_mm": row.dimensions_mm,
        "source_lot_id": row.source_lot_id,
        "certificate": certificate_document(row),
    }


def lots_query() -> Any:
    return select(lots, products.c.sku, products.c.stock_unit, warehouses.c.code).select_from(
        lots.join(products, products.c.id == lots.c.product_id).join(warehouses, warehouses.c.id == lots.c.warehouse_id)
    )


def get_lot(conn: Connection, lot_id: int) -> dict[str, Any]:
    row = conn.execute(lots_query().where(lots.c.id == lot_id)).first()
    if row is None:
        raise NotFound(f"no lot {lot_id}")
    return lot_document(row)


def list_lots(
    conn: Connection,
    *,
    sku: str,
    warehouse: str | None,
    remnant: bool | None,
    heat: str | None,
    include_empty: bool,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """One product's lots in the order they were booked (by id); allocation's order is received_at, then id."""
    product_id = conn.execute(select(products.c.id).where(products.c.sku == sku)).scalar()
    if product_id is None:
        raise NotFound(f"no product with SKU '{sku}'")
    query = lots_query().where(lots.c.product_id == product_id).order_by(lots.c.id).limit(limit + 1)
    if warehouse is not None:
        query = query.where(warehouses.c.code == warehouse)
    if remnant is not None:
        query = query.where(lots.c.remnant.is_(remnant))
    if heat is not None:
        query = query.where(lots.c.heat == heat)
    if not include_empty:
        query = query.where(lots.c.on_hand > 0)
    after = decode_cursor(cursor, int)
    if after is not None:
        query = query.where(lots.c.id > after)
    rows = list(conn.execute(query))
    items = [lot_document(r) for r in rows[:limit]]
    return items, encode_cursor(items[-1]["id"]) if len(rows) > limit else None
