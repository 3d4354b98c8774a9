"""Order rules: minimum order, order increment and whole pieces, applied to a requested quantity.

The rules run in this order, each on the result of the one before:
1. minimum order: a quantity below `min_order` is raised to it;
2. increment: a quantity that is not a multiple of `increment` (counted in the increment's own
   unit, e.g. bags of 25 kg) is rounded up to the next multiple;
3. whole pieces: a discrete product (stock unit `piece`) is rounded up to a whole number of pieces.
Continuous products are never rounded: 10 kg is 10 kg. Each change is reported in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from steelyard.errors import FieldProblem, InvalidInput
from steelyard.pricing.base import (
    Convert,
    ceil_whole,
    describe,
    in_pricing_context,
    in_unit,
    is_count_unit,
    require_finite,
    snap,
)
from steelyard.units.quantity import Quantity

MAX_QUANTITY = Decimal("1e15")  # a sanity bound on a requested value, in whatever unit it is given


@dataclass(frozen=True, slots=True)
class RuledQuantity:
    """A quantity after the order rules, and each change made to it, in words."""

    quantity: Quantity
    adjustments: tuple[str, ...]


def _words(value: Decimal, unit: str, piece_name: str | None) -> str:
    """`value unit` for people, naming the product's piece (sheet, bar) for counts."""
    return describe(value, piece_name if piece_name and is_count_unit(unit) else unit)


def require_positive(quantity: Quantity, field: str = "quantity") -> None:
    """InvalidInput unless `quantity` is a finite number above zero and at most MAX_QUANTITY."""
    require_finite(quantity.value, field)
    if quantity.value <= 0:
        raise InvalidInput(f"{field} must be greater than zero, got {quantity.value} {quantity.unit}")
    if quantity.value > MAX_QUANTITY:
        raise InvalidInput(f"{field} is too large: at most {MAX_QUANTITY:f}, got {quantity.value}")


@in_pricing_context
def apply_order_rules(
    quantity: Quantity,
    *,
    convert: Convert,
    min_order: Quantity | None = None,
    increment: Quantity | None = None,
    discrete: bool = False,
    piece_name: str | None = None,
) -> RuledQuantity:
    """`quantity` (in the stock unit) after min order, increment and whole-piece rules, in the same unit."""
    require_positive(quantity)
    unit = quantity.unit
    value = quantity.value
    notes: list[str] = []
    if min_order is not None and min_order.value > 0:
        minimum = in_unit(min_order, unit, convert)
        if snap(value) < snap(minimum):
            value = minimum
            floor = _words(min_order.value, min_order.unit, piece_name)
            notes.append(f"raised to the minimum order of {floor}")
    if increment is not None:
        if not increment.value.is_finite() or increment.value <= 0:
            raise ValueError(f"an order increment must be greater than zero, got {increment}")
        counted = in_unit(Quantity(value, unit), increment.unit, convert)
        steps = ceil_whole(counted / increment.value)
        if steps != snap(counted / increment.value):
            rounded = steps * increment.value
            value = in_unit(Quantity(rounded, increment.unit), unit, convert)
            notes.append(
                f"rounded up from {_words(counted, increment.unit, piece_name)} to "
                f"{_words(rounded, increment.unit, piece_name)}: sold in increments of "
                f"{_words(increment.value, increment.unit, piece_name)}"
            )
    if discrete:
        whole = ceil_whole(value)
        if whole != snap(value):
            notes.append(
                f"rounded up from {_words(value, unit, piece_name)} to {_words(whole, unit, piece_name)}: "
                "sold in whole pieces"
            )
        value = whole
    return RuledQuantity(Quantity(value, unit), tuple(notes))


def _rule_problems(
    name: str,
    rule: Quantity,
    stock_unit: str,
    convert: Convert | None,
    known_unit: Callable[[str], bool],
) -> tuple[list[FieldProblem], Decimal | None]:
    """Problems with one rule quantity, and its value in the stock unit when that is known."""
    if not known_unit(rule.unit):
        return [FieldProblem(f"{name}.unit", f"unknown unit '{rule.unit}'")], None
    if not rule.value.is_finite() or rule.value < 0:
        return [FieldProblem(f"{name}.value", f"must be a number not below zero, got {rule.value}")], None
    if rule.unit == stock_unit:
        return [], rule.value
    if convert is None:
        return [], None
    try:
        return [], convert(rule, stock_unit)
    except InvalidInput as exc:
        message = f"cannot be expressed in the stock unit {stock_unit}: {exc.detail}"
        return [FieldProblem(f"{name}.unit", message)], None


@in_pricing_context
def order_rules_problems(
    *,
    stock_unit: str,
    discrete: bool,
    min_order: Quantity | None,
    increment: Quantity | None,
    convert: Convert | None,
    known_unit: Callable[[str], bool],
) -> list[FieldProblem]:
    """Everything wrong with a product's min_order and increment, for catalogue writes."""
    problems: list[FieldProblem] = []
    if min_order is not None:
        problems += _rule_problems("min_order", min_order, stock_unit, convert, known_unit)[0]
    if increment is not None:
        found, in_stock = _rule_problems("increment", increment, stock_unit, convert, known_unit)
        problems += found
        if not found and increment.value == 0:
            problems.append(FieldProblem("increment.value", "must be greater than zero; leave it out for none"))
        elif discrete and in_stock is not None and ceil_whole(in_stock) != snap(in_stock):
            problems.append(
                FieldProblem(
                    "increment",
                    f"a product sold in whole pieces needs a whole number of pieces, "
                    f"got {describe(in_stock, stock_unit)}",
                )
            )
    return problems
