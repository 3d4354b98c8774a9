"""The one way stock changes: a conditional update of a level plus its ledger row, in the caller's transaction.

The WHERE clause re-checks the level rules (never negative, never over-reserved) inside the database, so two
processes racing for the last kilogram cannot both win: the loser's UPDATE matches no row. CHECK constraints on
`stock_levels` stand behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, and_, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from steelyard.catalog.tables import warehouses
from steelyard.db import Micro
from steelyard.errors import InsufficientStock
from steelyard.events import emit
from steelyard.inventory.model import Kind, Level
from steelyard.inventory.tables import stock_levels, stock_movements

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Change:
    """What a level became after one ledger row."""

    ledger_id: int
    warehouse_id: int
    on_hand: Decimal
    reserved: Decimal


def _ensure_row(conn: Connection, product_id: int, warehouse_id: int) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(stock_levels)
        .values(product_id=product_id, warehouse_id=warehouse_id, on_hand=ZERO, reserved=ZERO)
        .on_conflict_do_nothing()
    )


def change_level(
    conn: Connection,
    *,
    product_id: int,
    warehouse_id: int,
    warehouse: str,
    sku: str,
    kind: Kind,
    on_hand: Decimal = ZERO,
    reserved: Decimal = ZERO,
    actor: str,
    reference: str,
    quantity: dict[str, str] | None = None,
    reason: str | None = None,
) -> Change:
    """Add the deltas to one level if the result is allowed, write the ledger row, announce it after commit.

    Raises InsufficientStock (409) when the level cannot take the change; nothing is written then.
    """
    if on_hand > 0:
        _ensure_row(conn, product_id, warehouse_id)
    d_on_hand = bindparam("d_on_hand", on_hand, type_=Micro())
    d_reserved = bindparam("d_reserved", reserved, type_=Micro())
    new_on_hand = stock_levels.c.on_hand + d_on_hand
    new_reserved = stock_levels.c.reserved + d_reserved
    row = conn.execute(
        update(stock_levels)
        .where(
            and_(
                stock_levels.c.product_id == product_id,
                stock_levels.c.warehouse_id == warehouse_id,
                new_on_hand >= 0,
                new_reserved >= 0,
                new_reserved <= new_on_hand,
            )
        )
        .values(on_hand=new_on_hand, reserved=new_reserved)
        .returning(stock_levels.c.on_hand, stock_levels.c.reserved)
    ).first()
    if row is None:
        level = read_level(conn, product_id, warehouse_id)
        raise InsufficientStock(
            f"{sku} in {level.code}: on hand {level.on_hand}, reserved {level.reserved}, available "
            f"{level.available}; this {kind.value} needs on hand {on_hand:+} and reserved {reserved:+}",
            sku=sku,
            warehouse=level.code,
            available=str(level.available),
        )
    ledger_id = conn.execute(
        insert(stock_movements)
        .values(
            product_id=product_id,
            warehouse_id=warehouse_id,
            kind=kind.value,
            on_hand_change=on_hand,
            reserved_change=reserved,
            on_hand_after=row.on_hand,
            reserved_after=row.reserved,
            quantity=quantity,
            reason=reason,
            actor=actor,
            reference=reference,
        )
        .returning(stock_movements.c.id)
    ).scalar_one()
    emit(
        conn,
        "stock.changed",
        {
            "sku": sku,
            "warehouse": warehouse,
            "on_hand": str(row.on_hand),
            "reserved": str(row.reserved),
            "available": str(row.on_hand - row.reserved),
        },
    )
    return Change(ledger_id=ledger_id, warehouse_id=warehouse_id, on_hand=row.on_hand, reserved=row.reserved)


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


def lock_levels(conn: Connection, product_id: int) -> list[Level]:
    """Every level of one product, locked for this transaction (PostgreSQL row locks; SQLite holds the writer lock)."""
    rows = conn.execute(
        select(stock_levels.c.warehouse_id, warehouses.c.code, stock_levels.c.on_hand, stock_levels.c.reserved)
        .join(warehouses, warehouses.c.id == stock_levels.c.warehouse_id)
        .where(stock_levels.c.product_id == product_id)
        .order_by(stock_levels.c.warehouse_id)
        .with_for_update(of=stock_levels)
    )
    return [Level(r.warehouse_id, r.code, r.on_hand, r.reserved) for r in rows]


def warehouse_codes(conn: Connection) -> dict[int, str]:
    return {r.id: r.code for r in conn.execute(select(warehouses.c.id, warehouses.c.code))}
