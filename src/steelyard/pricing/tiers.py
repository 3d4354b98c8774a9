"""Price tiers: which tier a quantity falls in, and what is wrong with a tier list.

A tier applies from its `min_quantity` upwards. The quantity is compared with each tier's
`min_quantity` in that tier's own unit (a tier from 1 t is reached by 1000 kg or 2204.63 lb);
the applicable tier is the reached tier with the largest `min_quantity`. The lowest tier is the
floor of the price list: a quantity below every tier's minimum is priced at the lowest tier (a
minimum quantity belongs in the product's `min_order`, which raises the quantity and says so).
Tiers need not be sorted for selection; the catalogue still requires them strictly ascending.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from steelyard.errors import FieldProblem, InvalidInput
from steelyard.pricing.base import Convert, describe, in_pricing_context, in_unit, snap
from steelyard.pricing.model import PriceTier
from steelyard.units.quantity import Quantity


@in_pricing_context
def select_tier(tiers: Sequence[PriceTier], quantity: Quantity, convert: Convert) -> tuple[int, PriceTier]:
    """The (index, tier) that prices `quantity`: the largest min reached, else the lowest tier."""
    if not tiers:
        raise InvalidInput("this product has no price tiers, so it cannot be quoted")
    reached: tuple[Decimal, int] | None = None
    lowest: tuple[Decimal, int] | None = None
    for index, tier in enumerate(tiers):
        floor = snap(in_unit(tier.min_quantity, quantity.unit, convert))
        if lowest is None or floor < lowest[0]:
            lowest = (floor, index)
        amount = snap(in_unit(quantity, tier.min_quantity.unit, convert))
        if amount >= snap(tier.min_quantity.value) and (reached is None or floor > reached[0]):
            reached = (floor, index)
    chosen = reached if reached is not None else lowest
    assert chosen is not None  # tiers is not empty
    return chosen[1], tiers[chosen[1]]


def _tier_problems(
    at: str,
    tier: PriceTier,
    convert: Convert | None,
    known_unit: Callable[[str], bool],
    stock_unit: str | None,
) -> list[FieldProblem]:
    """Problems with one tier on its own."""
    problems: list[FieldProblem] = []
    minimum = tier.min_quantity
    if not known_unit(minimum.unit):
        problems.append(FieldProblem(f"{at}.min_quantity.unit", f"unknown unit '{minimum.unit}'"))
    if not minimum.value.is_finite() or minimum.value < 0:
        message = f"must be a number not below zero, got {minimum.value}"
        problems.append(FieldProblem(f"{at}.min_quantity.value", message))
    if not tier.unit_price.is_finite() or tier.unit_price < 0:
        message = f"must be a price not below zero, got {tier.unit_price}"
        problems.append(FieldProblem(f"{at}.unit_price", message))
    if not known_unit(tier.per):
        problems.append(FieldProblem(f"{at}.per", f"unknown unit '{tier.per}'"))
    if convert is None or problems:
        return problems
    anchor = stock_unit or minimum.unit
    checks = (("min_quantity.unit", minimum.unit, "counted in"), ("per", tier.per, "priced per"))
    for name, unit, verb in checks:
        if unit != anchor:
            try:
                convert(Quantity(Decimal(1), unit), anchor)
            except InvalidInput as exc:
                message = f"this product cannot be {verb} {unit}: {exc.detail}"
                problems.append(FieldProblem(f"{at}.{name}", message))
    return problems


def _order_problem(at: str, tier: PriceTier, before: PriceTier, convert: Convert | None) -> FieldProblem | None:
    """A problem if `tier` does not start strictly above the tier `before` it."""
    current, previous = tier.min_quantity, before.min_quantity
    field = f"{at}.min_quantity"
    if previous.unit == current.unit:
        earlier = previous.value
    elif convert is None:
        message = f"give every tier's min_quantity in one unit ({previous.unit}, not {current.unit})"
        return FieldProblem(field, message)
    else:
        try:
            earlier = convert(previous, current.unit)
        except InvalidInput as exc:
            message = f"cannot be compared with {describe(previous.value, previous.unit)}: {exc.detail}"
            return FieldProblem(field, message)
    if snap(current.value) <= snap(earlier):
        here, there = describe(current.value, current.unit), describe(previous.value, previous.unit)
        message = f"tiers must be in strictly ascending order of min_quantity: {here} is not above {there}"
        return FieldProblem(field, message)
    return None


@in_pricing_context
def tiers_problems(
    tiers: Sequence[PriceTier],
    convert: Convert | None,
    known_unit: Callable[[str], bool],
    *,
    stock_unit: str | None = None,
    field: str = "price.tiers",
) -> list[FieldProblem]:
    """Everything wrong with a tier list, for catalogue writes; `convert` checks and compares units."""
    if not tiers:
        return [FieldProblem(field, "at least one price tier is required")]
    problems: list[FieldProblem] = []
    before: PriceTier | None = None
    for index, tier in enumerate(tiers):
        at = f"{field}[{index}]"
        found = _tier_problems(at, tier, convert, known_unit, stock_unit)
        problems += found
        if any(p.field.startswith(f"{at}.min_quantity") for p in found):
            continue
        if before is not None:
            problem = _order_problem(at, tier, before, convert)
            if problem is not None:
                problems.append(problem)
        before = tier
    return problems
