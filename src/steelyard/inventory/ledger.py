"""The one way stock changes: a conditional update of a level and of one of its lots, plus the ledger row naming
that lot, in the caller's transaction.

The WHERE clauses re-check the rules (never negative, never over-reserved) inside the database, for the level and
for the lot, so two processes racing for the last kilogram cannot both win: the loser's UPDATE matches no row. CHECK
constraints on `stock_levels` and `lots` stand behind them. The level is always updated before its lot, so a lot row
is only ever locked by a transaction that already holds its level's lock: lot locks cannot form a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, Table, Update, and_, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import BindParameter

from steelyard.catalog.tables import warehouses
from steelyard.db import Micro
from steelyard.errors import FieldProblem, InsufficientStock, InvalidInput
from steelyard.events import STOCK_CHANGED, emit
from steelyard.events.wire import stock_changed
from steelyard.inventory.model import MAX_STOCK, Kind, Level
from steelyard.inventory.tables import lots, stock_levels, stock_movements

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Change:
    """What a level became after one ledger row."""

    ledger_id: int
    warehouse_id: int
    on_hand: Decimal
    reserved: Decimal


_ENSURE_ROW = {
    name: dialect.insert(stock_levels)
    .values(
        product_id=bindparam("product_id"),
        warehouse_id=bindparam("warehouse_id"),
        on_hand=bindparam("zero", ZERO, type_=Micro()),
        reserved=bindparam("zero", ZERO, type_=Micro()),
    )
    .on_conflict_do_nothing()
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _ensure_row(conn: Connection, product_id: int, warehouse_id: int) -> None:
    statement = _ENSURE_ROW["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    conn.execute(statement, {"product_id": product_id, "warehouse_id": warehouse_id})


# The conditional update and the ledger insert are built once (they run on every stock change); the deltas and
# keys are bind parameters.
_D_ON_HAND = bindparam("d_on_hand", type_=Micro())
_D_RESERVED = bindparam("d_reserved", type_=Micro())
_MAX_STOCK = bindparam("max_stock", MAX_STOCK, type_=Micro())
_KEYS: tuple[tuple[str, BindParameter[int]], ...] = (
    ("product_id", bindparam("level_product_id")),
    ("warehouse_id", bindparam("level_warehouse_id")),
    ("id", bindparam("lot_key")),
)


def _conditional_update(table: Table) -> Update:
    """Add the deltas to the row the keys name if the result keeps the three rules; answer the new values."""
    new_on_hand = table.c.on_hand + _D_ON_HAND
    new_reserved = table.c.reserved + _D_RESERVED
    keys = [table.c[name] == param for name, param in _KEYS if name in table.c]
    return (
        update(table)
        .where(and_(*keys, new_on_hand >= 0, new_reserved >= 0, new_reserved <= new_on_hand, new_on_hand <= _MAX_STOCK))
        .values(on_hand=new_on_hand, reserved=new_reserved)
        .returning(table.c.on_hand, table.c.reserved)
    )


_CHANGE_LEVEL = _conditional_update(stock_levels)
_CHANGE_LOT = _conditional_update(lots)
_INSERT_MOVEMENT = insert(stock_movements).returning(stock_movements.c.id)


def change_level(
    conn: Connection,
    *,
    product_id: int,
    warehouse_id: int,
    warehouse: str,
    lot_id: int,
    sku: str,
    kind: Kind,
    on_hand: Decimal = ZERO,
    reserved: Decimal = ZERO,
    actor: str,
    reference: str,
    quantity: dict[str, str] | None = None,
    reason: str | None = None,
) -> Change:
    """Add the deltas to one level and one of its lots if both results are allowed, write the ledger row naming the
    lot, announce it after commit.

    Raises InsufficientStock (409) when the level or the lot cannot take the change, InvalidInput (422) when the
    change or the level it would make is beyond MAX_STOCK (the stored integer's range); nothing is written then.
    """
    if max(abs(on_hand), abs(reserved)) > MAX_STOCK:
        raise _beyond_bound(sku, kind, on_hand + reserved)
    if on_hand > 0:
        _ensure_row(conn, product_id, warehouse_id)
    row = conn.execute(
        _CHANGE_LEVEL,
        {
            "level_product_id": product_id,
            "level_warehouse_id": warehouse_id,
            "d_on_hand": on_hand,
            "d_reserved": reserved,
        },
    ).first()
    if row is None:
        level = read_level(conn, product_id, warehouse_id)
        if level.on_hand + on_hand > MAX_STOCK:
            raise _beyond_bound(sku, kind, on_hand, level)
        raise InsufficientStock(
            f"{sku} in {level.code}: on hand {level.on_hand}, reserved {level.reserved}, available "
            f"{level.available}; this {kind.value} needs on hand {on_hand:+} and reserved {reserved:+}",
            sku=sku,
            warehouse=level.code,
            available=str(level.available),
        )
    params = {"lot_key": lot_id, "level_product_id": product_id, "level_warehouse_id": warehouse_id}
    lot = conn.execute(_CHANGE_LOT, {**params, "d_on_hand": on_hand, "d_reserved": reserved}).first()
    if lot is None:
        # Put the level back as it was (always allowed: it was), so a caller that reports the error and goes on
        # (a stocktake collecting every bad row) never leaves a level that disagrees with its lots.
        conn.execute(_CHANGE_LEVEL, {**params, "d_on_hand": -on_hand, "d_reserved": -reserved})
        found = conn.execute(select(lots.c.on_hand, lots.c.reserved).where(lots.c.id == lot_id)).first()
        state = (
            "does not exist here"
            if found is None
            else (f"on hand {found.on_hand}, reserved {found.reserved}, available {found.on_hand - found.reserved}")
        )
        raise InsufficientStock(
            f"{sku} lot {lot_id} in {warehouse}: {state}; this {kind.value} needs on hand {on_hand:+} and reserved "
            f"{reserved:+}",
            sku=sku,
            warehouse=warehouse,
            lot_id=lot_id,
            available=None if found is None else str(found.on_hand - found.reserved),
        )
    ledger_id = conn.execute(
        _INSERT_MOVEMENT,
        {
            "product_id": product_id,
            "warehouse_id": warehouse_id,
            "lot_id": lot_id,
            "kind": kind.value,
            "on_hand_change": on_hand,
            "reserved_change": reserved,
            "on_hand_after": row.on_hand,
            "reserved_after": row.reserved,
            "quantity": quantity,
            "reason": reason,
            "actor": actor,
            "reference": reference,
        },
    ).scalar_one()
    emit(conn, STOCK_CHANGED, stock_changed(sku=sku, warehouse=warehouse, on_hand=row.on_hand, reserved=row.reserved))
    return Change(ledger_id=ledger_id, warehouse_id=warehouse_id, on_hand=row.on_hand, reserved=row.reserved)


def _beyond_bound(sku: str, kind: Kind, change: Decimal, level: Level | None = None) -> InvalidInput:
    where = "" if level is None else f" in {level.code} (on hand {level.on_hand})"
    return InvalidInput.from_problems(
        [
            FieldProblem(
                "quantity",
                f"a {kind.value} of {change:+} of {sku}{where} is beyond the {MAX_STOCK:,} stock units one level "
                "may hold; check the value and its unit",
            )
        ]
    )


def read_level(conn: Connection, product_id: int, warehouse_id: int) -> Level:
    row = conn.execute(
        select(warehouses.c.code, stock_levels.c.on_hand, stock_levels.c.reserved)
        .select_from(
            warehouses.outerjoin(
                stock_levels,
                and_(stock_levels.c.warehouse_id == warehouses.c.id, stock_levels.c.product_id == product_id),
            )
        )
        .where(warehouses.c.id == warehouse_id)
    ).one()
    return Level(warehouse_id, row.code, row.on_hand or ZERO, row.reserved or ZERO)


_LOCK_LEVELS = (
    select(stock_levels.c.warehouse_id, warehouses.c.code, stock_levels.c.on_hand, stock_levels.c.reserved)
    .join(warehouses, warehouses.c.id == stock_levels.c.warehouse_id)
    .where(stock_levels.c.product_id == bindparam("product_id"))
    .order_by(stock_levels.c.warehouse_id)
    .with_for_update(of=stock_levels)
)


def lock_levels(conn: Connection, product_id: int) -> list[Level]:
    """Every level of one product, locked for this transaction (PostgreSQL row locks; SQLite holds the writer lock)."""
    rows = conn.execute(_LOCK_LEVELS, {"product_id": product_id})
    return [Level(r.warehouse_id, r.code, r.on_hand, r.reserved) for r in rows]


def warehouse_codes(conn: Connection) -> dict[int, str]:
    return {r.id: r.code for r in conn.execute(select(warehouses.c.id, warehouses.c.code))}
