"""Reserving a quote: hold each typed line's stock and record on the line what was held and where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection

from steelyard.access.model import Principal
from steelyard.inventory.holds import LineNeed, hold_quote, total_taken
from steelyard.inventory.model import NO_REQUIREMENTS, Requirements
from steelyard.quotes.lines import HoldPart, QuoteLine
from steelyard.units import Quantity


def whole_requirements(line: QuoteLine) -> Requirements:
    """What the whole stock pieces of a line must meet: the line's requirements; a single-heat cut line that cuts
    from remnants takes its whole pieces from the remnants' heat."""
    requirements = line.requirements or NO_REQUIREMENTS
    if line.remnants and requirements.single_heat:
        return replace(requirements, heat=line.remnants[0].heat)
    return requirements


def remnant_requirements(line: QuoteLine, lot_id: int) -> Requirements:
    """A remnant lot the line's plan cuts from: that lot only (it met the line's requirements when planned)."""
    requirements = line.requirements or NO_REQUIREMENTS
    return replace(requirements, remnant=True, lot_id=lot_id, single_heat=False)


def line_needs(line: QuoteLine) -> list[LineNeed]:
    """What a line holds: its whole stock (its requirements) and, for a cut line, each remnant lot its plan uses."""
    whole = line.stock_quantity.value - sum((u.quantity for u in line.remnants), Decimal(0))
    needs = [
        LineNeed(
            line=line.line,
            product_id=line.product_id,
            sku=line.sku,
            needed=use.quantity,
            requirements=remnant_requirements(line, use.lot_id),
        )
        for use in line.remnants
    ]
    if whole > 0 or not needs:
        needs.append(
            LineNeed(
                line=line.line,
                product_id=line.product_id,
                sku=line.sku,
                needed=whole,
                requirements=whole_requirements(line),
            )
        )
    return needs


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
    needs = [need for ln in lines for need in line_needs(ln)]
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
            held=Quantity(total_taken(taken.get(ln.line, [])), ln.stock_quantity.unit),
            holds=tuple(
                HoldPart(warehouse=t.warehouse, quantity=t.quantity, lot_id=t.lot_id, heat=t.heat)
                for t in taken.get(ln.line, [])
            ),
        )
        for ln in lines
    ]
