"""Quantities: a Decimal value and a canonical unit (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact amount in a canonical unit symbol (see units.registry.UNITS)."""

    value: Decimal
    unit: str
