"""Cut-to-size on a quote line: the cut list, the product's stock pieces, the plan and its weights (pure).

The plan (steelyard.cutting) decides the stock pieces a line takes; this module only says which stock pieces a
product has (the remnant lots that fit the line's requirements, used first, then whole stock), turns the `cut`
shorthand into a one-size cut list and words the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal

from steelyard.catalog.model import Product
from steelyard.cutting import CutPlan, PartSpec, StockPiece, plan_cuts, settings_for
from steelyard.errors import FieldProblem, InvalidInput
from steelyard.inventory.model import LotStock, Requirements, heats
from steelyard.pricing import Cut, PlannedCut, describe
from steelyard.pricing.base import Convert, ceil_whole, in_unit
from steelyard.quotes.lines import LineRequest, RemnantUse
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
    whole: Quantity  # the whole stock pieces taken (m or m2)
    remnants: tuple[RemnantUse, ...] = ()  # the remnant pieces taken, per lot


@dataclass(frozen=True, slots=True)
class RemnantLot:
    """A remnant lot a cut line may take pieces from: its own size, and how many pieces of it are available."""

    lot: LotStock
    length_mm: Decimal | None
    width_mm: Decimal | None
    pieces: int
    piece_stock: Decimal  # one piece in the stock unit (1 for products counted in pieces)


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


def _mm(dims: dict[str, str], name: str) -> Decimal | None:
    try:
        value = Decimal(str(dims[name]))
    except (KeyError, ArithmeticError, ValueError):
        return None
    return value if value.is_finite() and value > 0 else None


def _remnant_heat(found: Sequence[LotStock], plain: Sequence[LotStock], requirements: Requirements) -> str | None:
    """A single-heat line cuts remnants of one heat only: the oldest heat of the whole stock that meets the line's
    requirements, if a remnant has it, else the oldest heat among the remnants."""
    whole = [lot for lot in plain if lot.available > 0 and replace(requirements, single_heat=False).accepts(lot)]
    remnant_heats = heats(found)
    for heat in heats(whole):
        if heat in remnant_heats:
            return heat
    return next(iter(remnant_heats), None)


def piece_stock(stock_unit: str, convert: Convert, length_mm: Decimal, width_mm: Decimal | None) -> Decimal:
    """One piece of its own size (a remnant, an offcut) in the stock unit: 1 for a product counted in pieces, else
    its length (or, with a width, its area) in the stock unit."""
    if stock_unit == "piece":
        return Decimal(1)
    if width_mm is None:
        return in_unit(Quantity(length_mm / _MM_PER_M, "m"), stock_unit, convert)
    return in_unit(Quantity(length_mm * width_mm / _MM2_PER_M2, "m2"), stock_unit, convert)


def remnant_lots(
    product: Product,
    physics: Physics,
    convert: Convert,
    found: Sequence[tuple[LotStock, dict[str, str]]],
    requirements: Requirements | None,
    plain: Sequence[LotStock] = (),
) -> tuple[RemnantLot, ...]:
    """The remnant lots a cut line may use: with a size of their own that the planner can cut from, meeting the line's
    certificate (and, for a single-heat line, of one heat), with whole pieces available; oldest first."""
    flat = FORMS[physics.form].section in FLAT_SECTIONS
    wanted = replace(requirements or Requirements(), remnant=True)
    fitting = [(lot, dims) for lot, dims in found if replace(wanted, single_heat=False).accepts(lot)]
    if wanted.single_heat:
        fitting = [(lot, dims) for lot, dims in fitting if lot.heat is not None]
        heat = _remnant_heat([lot for lot, _ in fitting], plain, wanted)
        fitting = [(lot, dims) for lot, dims in fitting if lot.heat == heat]
    usable: list[RemnantLot] = []
    for lot, dims in fitting:
        length, width = _mm(dims, "length"), _mm(dims, "width") if flat else None
        if length is None or (flat and width is None):
            continue  # a remnant without its own length (or width, on a sheet) cannot be planned on
        piece = piece_stock(product.stock_unit, convert, length, width if flat else None)
        pieces = int((lot.available / piece).to_integral_value(ROUND_FLOOR)) if piece > 0 else 0
        if pieces > 0:
            usable.append(RemnantLot(lot, length, width, pieces, piece))
    return tuple(usable)


def plan_job(
    product: Product,
    physics: Physics,
    parts: tuple[PartSpec, ...],
    *,
    notes: tuple[str, ...] = (),
    remnants: tuple[RemnantLot, ...] = (),
) -> CutJob:
    """Plan `parts` on the product's remnant lots first, then its whole stock pieces; InvalidInput (fields
    `cuts[i]...`) when it cannot be cut so."""
    section = FORMS[physics.form].section
    flat = section in FLAT_SECTIONS
    settings = settings_for(product.form, None if product.cutting is None else product.cutting.as_json())
    if settings is None or section == "none":
        raise InvalidInput.from_problems([FieldProblem("cuts", f"a {product.form} is not cut to size")])
    if flat:
        stock_width = physics.dimensions_mm.get("width")
        parts = tuple(p if p.width_mm is not None else PartSpec(p.length_mm, p.count, stock_width) for p in parts)
    pieces = [StockPiece(r.length_mm, r.width_mm, r.pieces, str(r.lot.id)) for r in remnants]
    plan = plan_cuts(parts, [*pieces, *_stock_pieces(product, physics, flat)], settings, flat=flat)
    scale, unit = (_MM2_PER_M2, "m2") if flat else (_MM_PER_M, "m")
    stock = Quantity(plan.stock_total / scale, unit)
    delivered = Quantity(plan.parts_total / scale, unit)
    uses = _uses(plan, remnants)
    cut_remnants = (layout for layout in plan.layouts if layout.stock.lot_id)
    remnant_total = sum((_area(layout.stock) * layout.count for layout in cut_remnants), Decimal(0))
    count = sum(p.count for p in parts)
    label = physics.piece_label or "piece"
    by_size: dict[str, int] = {}
    for layout in plan.layouts:
        by_size[_size(layout.stock, remnants)] = by_size.get(_size(layout.stock, remnants), 0) + layout.count
    sizes = ", ".join(f"{describe(Decimal(n), label)} of {size}" for size, n in by_size.items())
    words = f"cut from {sizes}" + (" (the fewest possible)" if plan.stock_pieces == plan.lower_bound else "")
    remnant = Quantity(remnant_total / scale, unit) if uses else None
    planned = PlannedCut(count, count * (2 if flat else 1), stock, "; ".join((*notes, words)), remnant=remnant)
    whole = Quantity((plan.stock_total - remnant_total) / scale, unit)
    return CutJob(parts, plan, planned, weight_kg(physics, delivered), weight_kg(physics, stock), whole, uses)


def _area(stock: StockPiece) -> Decimal:
    """mm of a length, mm2 of a sheet."""
    return (stock.length_mm or Decimal(0)) * (stock.width_mm if stock.width_mm is not None else Decimal(1))


def _uses(plan: CutPlan, remnants: tuple[RemnantLot, ...]) -> tuple[RemnantUse, ...]:
    uses = []
    for r in remnants:
        n = plan.pieces_of(str(r.lot.id))
        if n:
            uses.append(
                RemnantUse(
                    lot_id=r.lot.id,
                    heat=r.lot.heat,
                    warehouse=r.lot.code,
                    pieces=n,
                    quantity=n * r.piece_stock,
                    length_mm=r.length_mm,
                    width_mm=r.width_mm,
                )
            )
    return tuple(uses)


def _size(stock: StockPiece, remnants: tuple[RemnantLot, ...] = ()) -> str:
    size = f"{stock.length_mm} mm" if stock.width_mm is None else f"{stock.length_mm} x {stock.width_mm} mm"
    for r in remnants:
        if stock.lot_id == str(r.lot.id):
            return f"{size} from remnant lot {r.lot.id} (heat {r.lot.heat or 'untraced'})"
    return size


def cut_job(
    product: Product,
    physics: Physics,
    request: LineRequest,
    requested: Quantity,
    remnants: tuple[RemnantLot, ...] = (),
) -> CutJob:
    """Plan a line's `cuts`, or its `cut` shorthand (the requested count of one size), on the remnant lots given
    first; errors name the field."""
    if request.cuts:
        return plan_job(product, physics, request.cuts, remnants=remnants)
    assert request.cut is not None
    parts, notes = shorthand_parts(request.cut, requested)
    try:
        return plan_job(product, physics, parts, notes=notes, remnants=remnants)
    except InvalidInput as exc:  # the one-size list is the line's `cut`: name that field
        problems = [FieldProblem(p.field.replace("cuts[0]", "cut", 1), p.message) for p in exc.problems]
        raise InvalidInput(exc.detail.replace("cuts[0]", "cut"), problems=problems, **exc.extra) from None
