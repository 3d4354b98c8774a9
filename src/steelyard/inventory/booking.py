"""Booking one staff movement on lots: into a lot, out of lots first in first out, or across to another warehouse
with the heat kept. The caller has locked the product's levels first (`lock_levels`), so lots are locked after
their levels, in the one order every stock change uses.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from steelyard.errors import InsufficientStock
from steelyard.inventory.ledger import change_level, lock_levels
from steelyard.inventory.lots import TRACE, create_lot, lock_lots, lot_in, newest_lot
from steelyard.inventory.model import Kind, allocate_lots
from steelyard.inventory.tables import lots
from steelyard.wire import format_decimal


class Booking:
    """The ledger rows of one movement: same product, actor, reference, typed quantity and reason on each."""

    def __init__(
        self,
        conn: Connection,
        *,
        product_id: int,
        sku: str,
        actor: str,
        reference: str,
        quantity: dict[str, str] | None,
        reason: str | None,
    ) -> None:
        self.conn = conn
        self.product_id = product_id
        self.sku = sku
        self.actor = actor
        self.reference = reference
        self.quantity = quantity
        self.reason = reason

    def book(self, warehouse_id: int, code: str, lot_id: int, kind: Kind, on_hand: Decimal) -> None:
        change_level(
            self.conn,
            product_id=self.product_id,
            warehouse_id=warehouse_id,
            warehouse=code,
            lot_id=lot_id,
            sku=self.sku,
            kind=kind,
            on_hand=on_hand,
            actor=self.actor,
            reference=self.reference,
            quantity=self.quantity,
            reason=self.reason,
        )

    def _pick(self, warehouse_id: int, code: str, amount: Decimal, lot_id: int | None) -> list[tuple[int, Decimal]]:
        """Which lots `amount` comes out of: the named one, or the warehouse's oldest (not remnants) first."""
        if lot_id is not None:
            lot_in(
                self.conn, lot_id, product_id=self.product_id, warehouse_id=warehouse_id, sku=self.sku, warehouse=code
            )
            return [(lot_id, amount)]
        stock = lock_lots(self.conn, self.product_id, warehouse_id)
        taken = allocate_lots(amount, stock, code)
        got = sum((q for _, q in taken), Decimal(0))
        if got < amount:
            raise InsufficientStock(
                f"{self.sku} in {code}: {format_decimal(got)} available outside reservations and remnant lots; "
                f"this movement needs {format_decimal(amount)} (name a lot_id to take from a remnant lot)",
                sku=self.sku,
                warehouse=code,
                available=format_decimal(got),
            )
        return [(lot.id, q) for lot, q in taken]

    def take_out(self, warehouse_id: int, code: str, amount: Decimal, kind: Kind, *, lot_id: int | None) -> list[int]:
        picked = self._pick(warehouse_id, code, amount, lot_id)
        for picked_id, quantity in picked:
            self.book(warehouse_id, code, picked_id, kind, -quantity)
        return [picked_id for picked_id, _ in picked]

    def adjust(
        self, warehouse_id: int, code: str, change: Decimal, *, now: datetime, lot_id: int | None = None
    ) -> list[int]:
        """A count's difference: more than recorded goes to the named or newest lot (or a new untraced one); less
        comes out of the named lot or the oldest lots' available stock."""
        lock_levels(self.conn, self.product_id)  # levels before lots, whoever calls
        if change < 0:
            return self.take_out(warehouse_id, code, -change, Kind.ADJUSTMENT, lot_id=lot_id)
        if lot_id is not None:
            lot_in(
                self.conn, lot_id, product_id=self.product_id, warehouse_id=warehouse_id, sku=self.sku, warehouse=code
            )
        else:
            lot_id = newest_lot(self.conn, product_id=self.product_id, warehouse_id=warehouse_id) or create_lot(
                self.conn, product_id=self.product_id, warehouse_id=warehouse_id, received_at=now
            )
        self.book(warehouse_id, code, lot_id, Kind.ADJUSTMENT, change)
        return [lot_id]

    def transfer(
        self, source: int, source_code: str, target: int, target_code: str, amount: Decimal, *, lot_id: int | None
    ) -> list[int]:
        """Out of the source's lots, into lots of the target that keep each one's heat and certificate."""
        picked = self._pick(source, source_code, amount, lot_id)
        for picked_id, quantity in picked:
            self.book(source, source_code, picked_id, Kind.TRANSFER_OUT, -quantity)
            self.book(target, target_code, self._receiving_lot(picked_id, target), Kind.TRANSFER_IN, quantity)
        return [picked_id for picked_id, _ in picked]

    def _receiving_lot(self, source_lot_id: int, target: int) -> int:
        """The target's lot from this source lot (an earlier transfer made it), or a new one inheriting its trace."""
        found = self.conn.execute(
            select(lots.c.id).where(lots.c.source_lot_id == source_lot_id, lots.c.warehouse_id == target)
        ).scalar()
        if found is not None:
            return int(found)
        source: Any = self.conn.execute(select(lots).where(lots.c.id == source_lot_id)).one()
        return create_lot(
            self.conn,
            product_id=self.product_id,
            warehouse_id=target,
            remnant=source.remnant,
            dimensions_mm=source.dimensions_mm,
            source_lot_id=source_lot_id,
            **{name: getattr(source, name) for name in TRACE},
        )
