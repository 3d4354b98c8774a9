"""Quantities: a Decimal value and a canonical unit (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact amount in a canonical unit symbol (see units.registry.UNITS)."""

    value: Decimal
    unit: str


def format_decimal(value: Decimal) -> str:
    """Plain notation without exponent or trailing zeros: 1250.500000 -> '1250.5', 1E+3 -> '1000'."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")
