"""Holds: stock set aside for a quote until it expires, or for an order until it ships or is cancelled.

Expired holds give their stock back by themselves: every server process runs `sweep` every few seconds (and once
at start, so a restart catches up), and each new hold first releases the expired holds of its own products, so a
reservation never waits for the sweeper.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, exists, insert, select, update

from steelyard.access.model import Principal
from steelyard.catalog.tables import products, warehouses
from steelyard.db import Database
from steelyard.inventory.ledger import change_level, lock_levels
from steelyard.inventory.lots import lock_lots
from steelyard.inventory.model import NO_REQUIREMENTS, Kind, Requirements, allocate_lots
from steelyard.inventory.tables import holds, lots
from steelyard.ops import metrics

log = logging.getLogger("steelyard.holds")
SYSTEM = "system"
_INSERT_HOLD = insert(holds)  # built once; the values go in as parameters


@dataclass(frozen=True, slots=True)
class Taken:
    """A part of a line set aside: from which warehouse and lot (and so which heat), and how much."""

    warehouse: str
    lot_id: int
    heat: str | None
    quantity: Decimal


def take(
    conn: Connection,
    *,
    product_id: int,
    sku: str,
    needed: Decimal,
    home: str | None,
    quote_id: str,
    line_no: int,
    status: str,
    order_id: str | None,
    expires_at: datetime | None,
    actor: str,
    reference: str,
    requirements: Requirements = NO_REQUIREMENTS,
) -> list[Taken]:
    """Reserve up to `needed` of one product from its lots, first in first out (home warehouse first), meeting
    the line's requirements; returns what was taken from which lot."""
    lock_levels(conn, product_id)  # levels before lots, always (see ledger)
    stock = lock_lots(conn, product_id)
    taken: list[Taken] = []
    for lot, quantity in allocate_lots(needed, stock, home, requirements):
        change_level(
            conn,
            product_id=product_id,
            warehouse_id=lot.warehouse_id,
            warehouse=lot.code,
            lot_id=lot.id,
            sku=sku,
            kind=Kind.HOLD,
            reserved=quantity,
            actor=actor,
            reference=reference,
        )
        conn.execute(
            _INSERT_HOLD,
            {
                "quote_id": quote_id,
                "order_id": order_id,
                "line_no": line_no,
                "product_id": product_id,
                "warehouse_id": lot.warehouse_id,
                "lot_id": lot.id,
                "quantity": quantity,
                "status": status,
                "expires_at": expires_at,
            },
        )
        taken.append(Taken(lot.code, lot.id, lot.heat, quantity))
    return taken


@dataclass(frozen=True, slots=True, kw_only=True)
class LineNeed:
    """What one quote line needs held: `needed` of a product, in its stock unit."""

    line: int
    product_id: int
    sku: str
    needed: Decimal
    requirements: Requirements = NO_REQUIREMENTS


def hold_quote(
    conn: Connection,
    *,
    quote_id: str,
    needs: Sequence[LineNeed],
    home_warehouse: str | None,
    principal: Principal | None,
    expires_at: datetime,
    now: datetime,
) -> dict[int, list[Taken]]:
    """Hold what is available for every need until `expires_at`; per line number, what was held from which lot (a
    cut line has one need for its whole stock pieces and one per remnant lot its plan cuts from)."""
    release_expired(conn, now=now, product_ids=sorted({need.product_id for need in needs}))
    held: dict[int, list[Taken]] = {}
    # Lines are taken in product order so two quotes over the same products lock them in the same order.
    for need in sorted(needs, key=lambda n: (n.product_id, n.line)):
        held.setdefault(need.line, []).extend(
            take(
                conn,
                product_id=need.product_id,
                sku=need.sku,
                needed=need.needed,
                home=home_warehouse,
                quote_id=quote_id,
                line_no=need.line,
                status="held",
                order_id=None,
                expires_at=expires_at,
                actor=principal.name if principal else SYSTEM,
                reference=f"quote:{quote_id}",
                requirements=need.requirements,
            )
        )
    return held


def total_taken(taken: list[Taken]) -> Decimal:
    return sum((t.quantity for t in taken), Decimal(0))


def give_back(
    conn: Connection,
    hold: Any,
    *,
    kind: Kind,
    new_status: str,
    actor: str,
    reference: str,
    ship: bool = False,
    scrap: Decimal = Decimal(0),
    scrap_reason: str | None = None,
) -> bool:
    """End one hold: unreserve (and for a shipment also take it off hand). False if someone else ended it first.

    A shipment with `scrap_reason` ships `scrap` less and writes that much as a `scrap` row (the kerf and short ends
    of a cut line), so the ledger tells what left as goods from what went to the scrap bin."""
    ended = conn.execute(
        update(holds).where(holds.c.id == hold.id, holds.c.status == hold.status).values(status=new_status)
    ).rowcount
    if not ended:
        return False
    def book(kind: Kind, quantity: Decimal, reason: str | None = None) -> None:
        change_level(
            conn,
            product_id=hold.product_id,
            warehouse_id=hold.warehouse_id,
            warehouse=hold.code,
            lot_id=hold.lot_id,
            sku=hold.sku,
            kind=kind,
            reserved=-quantity,
            on_hand=-quantity if ship else Decimal(0),
            actor=actor,
            reference=reference,
            reason=reason,
        )

    book(kind, hold.quantity - scrap)
    if ship and scrap_reason is not None:
        book(Kind.SCRAP, scrap, scrap_reason)
    return True


def holds_query() -> Any:
    return select(holds, products.c.sku, warehouses.c.code, lots.c.heat).select_from(
        holds.join(products, products.c.id == holds.c.product_id)
        .join(warehouses, warehouses.c.id == holds.c.warehouse_id)
        .join(lots, lots.c.id == holds.c.lot_id)
    )


def release_expired(conn: Connection, *, now: datetime, product_ids: list[int] | None = None, limit: int = 500) -> int:
    """Give back the stock of quote holds whose time is up; returns how many were released."""
    query = (
        holds_query()
        .where(holds.c.status == "held", holds.c.expires_at <= now)
        .order_by(holds.c.product_id, holds.c.warehouse_id, holds.c.id)
        .limit(limit)
    )
    if product_ids is not None:
        query = query.where(holds.c.product_id.in_(product_ids))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=holds, skip_locked=True)
    released = 0
    for hold in conn.execute(query).all():
        released += give_back(
            conn, hold, kind=Kind.EXPIRE, new_status="expired", actor=SYSTEM, reference=f"quote:{hold.quote_id}"
        )
    return released


def any_expired(conn: Connection, now: datetime) -> bool:
    return bool(conn.execute(select(exists().where(holds.c.status == "held", holds.c.expires_at <= now))).scalar())


def sweep(db: Database, now: datetime) -> int:
    """One sweep: a cheap read first, so an idle server does not take the SQLite write lock every few seconds."""
    with db.read() as conn:
        if not any_expired(conn, now):
            return 0
    released = 0
    while True:
        with db.write() as conn:
            batch = release_expired(conn, now=now)
        released += batch
        if batch < 500:
            break
    if released:
        metrics.HOLDS_EXPIRED.inc(released)
        log.info("released %d expired holds", released)
    return released
