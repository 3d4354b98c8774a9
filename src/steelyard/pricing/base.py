"""Shared pieces of the pricing package: the converter type, a fixed Decimal context, quantity wording.

Every public pricing function runs its arithmetic in `PRICING_CONTEXT` (50 significant digits,
traps on invalid operations), so results never depend on the caller's `decimal` context.
Comparisons of converted quantities are made at `TOLERANCE_PLACES` decimal places, so that the
noise of a unit round trip (kg -> lb -> kg) never tips a quantity into another tier or increment.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import ParamSpec, TypeVar

from steelyard.errors import InvalidInput
from steelyard.units.quantity import Quantity, format_decimal

Convert = Callable[[Quantity, str], Decimal]
"""This quantity expressed in that unit, for this product (raises UnitError when it cannot be)."""

PRICING_CONTEXT = Context(
    prec=50,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
TOLERANCE_PLACES = 9
_TOLERANCE = Decimal(1).scaleb(-TOLERANCE_PLACES)

COUNT_UNITS: frozenset[str] = frozenset(
    {
        "piece",
        "pieces",
        "pc",
        "pcs",
        "sheet",
        "plate",
        "bar",
        "coil",
        "bag",
        "drum",
        "roll",
        "strip",
        "tube",
        "pipe",
        "beam",
        "board",
        "ingot",
        "load",
    }
)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def in_pricing_context(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `fn` under PRICING_CONTEXT."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(PRICING_CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


def is_count_unit(unit: str) -> bool:
    """True for `piece` and the trade's piece names (sheet, bar, coil, bag, drum, ...)."""
    return unit.strip().lower() in COUNT_UNITS


def in_unit(quantity: Quantity, unit: str, convert: Convert) -> Decimal:
    """`quantity` expressed in `unit`; the converter is not called when the unit is already right."""
    if quantity.unit == unit:
        return quantity.value
    return convert(quantity, unit)


def snap(value: Decimal) -> Decimal:
    """`value` at TOLERANCE_PLACES decimal places, to absorb unit-conversion noise before comparing."""
    return value.quantize(_TOLERANCE, rounding=ROUND_HALF_EVEN)


def ceil_whole(value: Decimal) -> Decimal:
    """The smallest whole number not below `value` (after snapping away conversion noise)."""
    return snap(value).to_integral_value(rounding=ROUND_CEILING)


def require_finite(value: Decimal, field: str) -> Decimal:
    """`value` if it is a finite number, else InvalidInput naming `field`."""
    if not value.is_finite():
        raise InvalidInput(f"{field} must be a number, got {value}")
    return value


def format_number(value: Decimal) -> str:
    """A quantity's value for people: at most 3 decimals (half-up), no trailing zeros, no exponent."""
    return format_decimal(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def describe(value: Decimal, unit: str) -> str:
    """`value unit` for people, e.g. `75 kg`, `4 sheets`."""
    number = format_number(value)
    if is_count_unit(unit) and number != "1" and not unit.endswith("s"):
        unit = f"{unit}s"
    return f"{number} {unit}"
