"""Fake converters shared by the pricing tests: pricing takes a converter, so tests need no product physics."""

from __future__ import annotations

from decimal import Decimal

from steelyard.errors import UnitError
from steelyard.units.quantity import Quantity

D = Decimal
# A steel sheet 2 x 1000 x 2500 mm at 7850 kg/m3: 1 sheet = 39.25 kg, 1 m2 = 15.7 kg.
KG_PER = {
    "kg": D(1),
    "g": D("0.001"),
    "t": D(1000),
    "lb": D("0.45359237"),
    "piece": D("39.25"),
    "sheet": D("39.25"),
    "m2": D("15.7"),
}
KNOWN_UNITS = {*KG_PER, "m3", "L"}


def sheet(q: Quantity, unit: str) -> Decimal:
    try:
        return q.value * KG_PER[q.unit] / KG_PER[unit]
    except KeyError:
        raise UnitError(f"cannot express {q.unit} in {unit}") from None


def granulate(q: Quantity, unit: str) -> Decimal:
    if "m2" in (q.unit, unit) or "piece" in (q.unit, unit):
        raise UnitError(f"cannot express {q.unit} in {unit}; sold in kg, t, lb")
    return sheet(q, unit)
