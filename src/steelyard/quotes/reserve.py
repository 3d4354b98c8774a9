"""Reserving a quote: hold each typed line's stock and record on the line what was held and where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection

from steelyard.access.model import Principal
from steelyard.inventory.holds import LineNeed, hold_quote, total_taken
from steelyard.inventory.model import NO_REQUIREMENTS
from steelyard.quotes.lines import HoldPart, QuoteLine
from steelyard.units import Quantity


def hold_lines(
    conn: Connection,
    *,
    quote_id: str,
    lines: Sequence[QuoteLine],
    home_warehouse: str | None,
    principal: Principal | None,
    expires_at: datetime,
    now: datetime,
) -> list[QuoteLine]:
    """Hold what is available for every line until `expires_at`; each line says what it `held` and where."""
    needs = [
        LineNeed(
            line=ln.line,
            product_id=ln.product_id,
            sku=ln.sku,
            needed=ln.stock_quantity.value,
            requirements=ln.requirements or NO_REQUIREMENTS,
        )
        for ln in lines
    ]
    taken = hold_quote(
        conn,
        quote_id=quote_id,
        needs=needs,
        home_warehouse=home_warehouse,
        principal=principal,
        expires_at=expires_at,
        now=now,
    )
    return [
        replace(
            ln,
            held=Quantity(total_taken(taken[ln.line]), ln.stock_quantity.unit),
            holds=tuple(
                HoldPart(warehouse=t.warehouse, quantity=t.quantity, lot_id=t.lot_id, heat=t.heat)
                for t in taken[ln.line]
            ),
        )
        for ln in lines
    ]
