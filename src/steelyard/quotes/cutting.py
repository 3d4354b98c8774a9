"""Cut-to-size on a quote line: the cut list, the product's stock pieces, the plan and its weights (pure).

The plan (steelyard.cutting) decides the whole stock pieces a line takes; this module only says which stock
pieces a product has, turns the `cut` shorthand into a one-size cut list and words the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from steelyard.catalog.model import Product
from steelyard.cutting import CutPlan, PartSpec, StockPiece, plan_cuts, settings_for
from steelyard.errors import FieldProblem, InvalidInput
from steelyard.pricing import Cut, PlannedCut, describe
from steelyard.pricing.base import ceil_whole
from steelyard.quotes.lines import LineRequest
from steelyard.units import FORMS, Physics, weight_kg
from steelyard.units.quantity import Quantity

FLAT_SECTIONS = ("sheet", "tread", "mesh")
"""Sections planned on two dimensions: sheet, plate, chequer plate, expanded and perforated sheet (and coil and
foil, cut from their width). Strip is flat too but cut to length only."""
_MM_PER_M = Decimal(1000)
_MM2_PER_M2 = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class CutJob:
    """A line's cut list as planned, with what the estimator and the answer need from it."""

    parts: tuple[PartSpec, ...]
    plan: CutPlan
    planned: PlannedCut
    weight_kg: Decimal | None  # the parts delivered
    stock_weight_kg: Decimal | None  # the stock taken


def shorthand_parts(cut: Cut, quantity: Quantity) -> tuple[tuple[PartSpec, ...], tuple[str, ...]]:
    """`cut` + a count of pieces as a one-size cut list (the count rounded up to whole parts)."""
    if quantity.unit != "piece":
        raise InvalidInput(
            f"a cut-to-size line is ordered as a number of cut pieces: give the quantity in pieces "
            f'(e.g. {{"value": "4", "unit": "piece"}}), not in {quantity.unit}'
        )
    count = ceil_whole(quantity.value)
    notes: tuple[str, ...] = ()
    if count != quantity.value:
        notes = (f"rounded up from {describe(quantity.value, 'piece')} to {describe(count, 'piece')}: parts are whole",)
    if count > 10**6:
        raise InvalidInput.from_problems([FieldProblem("quantity.value", "too many cut pieces for one line")])
    return (PartSpec(cut.length_mm, int(count), cut.width_mm),), notes


def _stock_pieces(product: Product, physics: Physics, flat: bool) -> list[StockPiece]:
    dims = physics.dimensions_mm
    if flat:
        if dims.get("width") is None:
            raise InvalidInput(f"this {product.form} has no width to cut parts from; order it without a cut")
        return [StockPiece(dims.get("length"), dims["width"])]
    return [StockPiece(dims.get("length"))]


def plan_job(product: Product, physics: Physics, parts: tuple[PartSpec, ...], *, notes: tuple[str, ...] = ()) -> CutJob:
    """Plan `parts` on the product's stock pieces; InvalidInput (fields `cuts[i]...`) when it cannot be cut so."""
    section = FORMS[physics.form].section
    flat = section in FLAT_SECTIONS
    settings = settings_for(product.form, None if product.cutting is None else product.cutting.as_json())
    if settings is None or section == "none":
        raise InvalidInput.from_problems([FieldProblem("cuts", f"a {product.form} is not cut to size")])
    if flat:
        stock_width = physics.dimensions_mm.get("width")
        parts = tuple(p if p.width_mm is not None else PartSpec(p.length_mm, p.count, stock_width) for p in parts)
    plan = plan_cuts(parts, _stock_pieces(product, physics, flat), settings, flat=flat)
    if flat:
        stock = Quantity(plan.stock_total / _MM2_PER_M2, "m2")
        delivered = Quantity(plan.parts_total / _MM2_PER_M2, "m2")
    else:
        stock = Quantity(plan.stock_total / _MM_PER_M, "m")
        delivered = Quantity(plan.parts_total / _MM_PER_M, "m")
    count = sum(p.count for p in parts)
    label = physics.piece_label or "piece"
    by_size: dict[str, int] = {}
    for layout in plan.layouts:
        by_size[_size(layout.stock)] = by_size.get(_size(layout.stock), 0) + layout.count
    sizes = ", ".join(f"{describe(Decimal(n), label)} of {size}" for size, n in by_size.items())
    words = f"cut from {sizes}" + (" (the fewest possible)" if plan.stock_pieces == plan.lower_bound else "")
    planned = PlannedCut(count, count * (2 if flat else 1), stock, "; ".join((*notes, words)))
    return CutJob(parts, plan, planned, weight_kg(physics, delivered), weight_kg(physics, stock))


def _size(stock: StockPiece) -> str:
    if stock.width_mm is None:
        return f"{stock.length_mm} mm"
    return f"{stock.length_mm} x {stock.width_mm} mm"


def cut_job(product: Product, physics: Physics, request: LineRequest, requested: Quantity) -> CutJob:
    """Plan a line's `cuts`, or its `cut` shorthand (the requested count of one size); errors name the field."""
    if request.cuts:
        return plan_job(product, physics, request.cuts)
    assert request.cut is not None
    parts, notes = shorthand_parts(request.cut, requested)
    try:
        return plan_job(product, physics, parts, notes=notes)
    except InvalidInput as exc:  # the one-size list is the line's `cut`: name that field
        problems = [FieldProblem(p.field.replace("cuts[0]", "cut", 1), p.message) for p in exc.problems]
        raise InvalidInput(exc.detail.replace("cuts[0]", "cut"), problems=problems, **exc.extra) from None
