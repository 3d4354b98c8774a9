"""Offcuts back into stock, scrap out of it: when a cut order ships, what each cut leaves above the product's minimum
remnant size (the plan's `kept` offcuts) becomes a remnant lot of its own size, with the heat and certificate of the
lot it was cut from, each an `offcut` ledger row; the rest of a piece that is not a part (the kerf, the trim, offcuts
too small to keep) is a `scrap` ledger row of the lot it was cut from. The parts leave with the order (ship rows).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import Connection

from steelyard.catalog.repository import get_product
from steelyard.catalog.rules import converter, physics_of
from steelyard.cutting import CutPlan, Layout
from steelyard.db import STOCK_SCALE
from steelyard.inventory.ledger import change_level
from steelyard.inventory.lots import TRACE, create_lot, lot_row
from steelyard.inventory.model import Kind
from steelyard.quotes.cutting import FLAT_SECTIONS, piece_stock
from steelyard.quotes.lines import QuoteLine
from steelyard.units import FORMS

Key = tuple[int, Decimal, Decimal | None]  # (the lot cut from, the offcut's length, its width)


@dataclass(frozen=True, slots=True)
class Scrap:
    quantity: Decimal  # in the stock unit; 0 for a product counted in pieces
    reason: str


def piece_sources(plan: CutPlan, whole: Sequence[tuple[int, Decimal]]) -> list[tuple[Layout, int]]:
    """Each stock piece of the plan with the lot it is cut from (pure): a remnant layout names its lot; whole pieces
    are dealt out over `whole` (lot id, quantity shipped from it, in the stock unit) in order, an equal share each."""
    pieces = sum(layout.count for layout in plan.layouts if not layout.stock.lot_id)
    total = sum((q for _, q in whole), Decimal(0))
    share = total / pieces if pieces else Decimal(0)
    sources: list[tuple[Layout, int]] = []
    k, used = 0, Decimal(0)
    for layout in plan.layouts:
        for _ in range(layout.count):
            if layout.stock.lot_id:
                sources.append((layout, int(layout.stock.lot_id)))
                continue
            while k < len(whole) - 1 and used + share / 2 > whole[k][1]:  # the lot the middle of the piece is in
                used -= whole[k][1]
                k += 1
            if whole:
                sources.append((layout, whole[k][0]))
            used += share
    return sources


def _area_or_length(length_mm: Decimal, width_mm: Decimal | None, flat: bool) -> Decimal:
    return length_mm * width_mm if flat and width_mm is not None else length_mm


def scrap_by_lot(plan: CutPlan, whole: Sequence[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """What the pieces cut from each lot turn to scrap (pure), in mm, or mm2 for a sheet plan: each piece less its
    parts and its kept offcuts, i.e. the kerf, the trim and the offcuts too small to keep. Continuous stock (a coil
    sold by length) gives up only the kerf: the plan takes no more than it uses."""
    found: dict[int, Decimal] = {}
    for layout, lot_id in piece_sources(plan, whole):
        if layout.stock.length_mm is None:
            waste = layout.kerf_loss
        else:
            piece = _area_or_length(layout.stock.length_mm, layout.stock.width_mm, plan.flat)
            parts = sum((_area_or_length(p.length_mm, p.width_mm, plan.flat) for p in layout.parts), Decimal(0))
            kept = sum(
                (_area_or_length(o.length_mm, o.width_mm, plan.flat) for o in layout.offcuts if o.kept), Decimal(0)
            )
            waste = piece - parts - kept
        if waste > 0:
            found[lot_id] = found.get(lot_id, Decimal(0)) + waste
    return found


def kept_offcuts(plan: CutPlan, whole: Sequence[tuple[int, Decimal]]) -> dict[Key, int]:
    """How many kept offcuts of each size each lot gives (pure)."""
    found: dict[Key, int] = {}
    for layout, lot_id in piece_sources(plan, whole):
        for offcut in layout.offcuts:
            if offcut.kept:
                key = (lot_id, offcut.length_mm, offcut.width_mm)
                found[key] = found.get(key, 0) + 1
    return found


def cut_lines(
    lines: Sequence[QuoteLine], allocations: Sequence[Any]
) -> Iterator[tuple[QuoteLine, CutPlan, list[Any], list[tuple[int, Decimal]]]]:
    """The order's cut lines, each with its plan, its allocations (holds) and its whole pieces as (lot id, quantity
    shipped from it), its remnant lots left out (their layouts name them)."""
    for line in lines:
        if line.cut_plan is None:
            continue
        remnant_ids = {use.lot_id for use in line.remnants}
        mine = [a for a in allocations if a.line_no == line.line]
        yield line, line.cut_plan, mine, [(a.lot_id, a.quantity) for a in mine if a.lot_id not in remnant_ids]


def scrap_of_holds(conn: Connection, *, lines: Sequence[QuoteLine], allocations: Sequence[Any]) -> dict[int, Scrap]:
    """Per hold of a cut line: the scrap its pieces make, in the stock unit, and the words of its ledger row. A
    product counted in pieces has no quantity for part of a piece: its scrap row says how much, changing nothing."""
    found: dict[int, Scrap] = {}
    for line, plan, mine, whole in cut_lines(lines, allocations):
        waste = scrap_by_lot(plan, whole)
        stored = get_product(conn, line.sku) if waste else None
        if stored is None:
            continue
        product = stored.product
        flat = plan.flat
        convert = converter(physics_of(product))
        for lot_id, size in sorted(waste.items()):
            left = Decimal(0)
            if product.stock_unit != "piece":
                left = piece_stock(product.stock_unit, convert, size, Decimal(1) if flat else None)
                left = left.quantize(Decimal(1).scaleb(-STOCK_SCALE), ROUND_DOWN)  # never more than was there
            words = f"{size.normalize():f} mm2" if flat else f"{size.normalize():f} mm"
            reason = f"scrap of the cuts of line {line.line} from lot {lot_id}: {words} of kerf, trim and short ends"
            if product.stock_unit == "piece":
                reason += " (stocked in pieces: no quantity of its own)"
            for hold in (a for a in mine if a.lot_id == lot_id):
                take = min(left, hold.quantity)
                found[hold.id] = Scrap(take, reason)
                left -= take
                reason += " (continued)"
    return found


def return_offcuts(
    conn: Connection, *, order_id: str, lines: Sequence[QuoteLine], allocations: Sequence[Any], actor: str
) -> list[int]:
    """Book the kept offcuts of the order's cut lines as remnant lots; the new lots' ids."""
    created: list[int] = []
    for line, plan, mine, whole in cut_lines(lines, allocations):
        offcuts = kept_offcuts(plan, whole)
        if not offcuts:
            continue
        stored = get_product(conn, line.sku)
        if stored is None:
            continue  # a product deleted since cannot take stock back
        product = stored.product
        physics = physics_of(product)
        flat = FORMS[physics.form].section in FLAT_SECTIONS
        codes = {a.warehouse_id: a.code for a in mine}
        for (source_id, length, width), count in sorted(offcuts.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
            source = lot_row(conn, source_id)
            dims = {name: str(value) for name, value in product.dimensions_mm.items()}
            dims["length"] = str(length)
            if flat and width is not None:
                dims["width"] = str(width)
            one = piece_stock(product.stock_unit, converter(physics), length, width if flat else None)
            quantity = count * one
            quantity = quantity.quantize(Decimal(1).scaleb(-STOCK_SCALE), ROUND_DOWN)  # never more than was there
            if quantity <= 0:
                continue
            lot_id = create_lot(
                conn,
                product_id=stored.id,
                warehouse_id=source.warehouse_id,
                remnant=True,
                dimensions_mm=dims,
                source_lot_id=source_id,
                **{name: getattr(source, name) for name in TRACE},
            )
            size_words = f"{length} mm" if width is None or not flat else f"{length} x {width} mm"
            change_level(
                conn,
                product_id=stored.id,
                warehouse_id=source.warehouse_id,
                warehouse=codes.get(source.warehouse_id, ""),
                lot_id=lot_id,
                sku=line.sku,
                kind=Kind.OFFCUT,
                on_hand=quantity,
                actor=actor,
                reference=f"order:{order_id}",
                reason=f"{count} offcut(s) of {size_words} from lot {source_id} (line {line.line}) kept as a remnant",
            )
            created.append(lot_id)
    return created
