"""Quantities, unit parsing and product physics (pure, no I/O).

Units: `registry` (canonical units, aliases, exact factors); values: `parse`; cross-kind
conversions from a product's density and dimensions: `physics`; the trade's forms: `forms`.
"""

from steelyard.units.forms import FORMS, FormSpec, dimension_problems
from steelyard.units.parse import MAX_DECIMAL_PLACES, MAX_INTEGER_DIGITS, make_quantity
from steelyard.units.physics import (
    PI,
    HasPhysics,
    Physics,
    convert_for,
    corner_rule,
    cross_section_mm2,
    describe,
    sellable_units,
    weight_kg,
)
from steelyard.units.quantity import Quantity
from steelyard.units.registry import (
    BASE_UNITS,
    CONTEXT,
    FACTORS,
    UNITS,
    UNITS_BY_KIND,
    Kind,
    convert,
    kind_of,
    parse_unit,
)
from steelyard.units.text import parse_quantity

__all__ = [
    "BASE_UNITS",
    "CONTEXT",
    "FACTORS",
    "FORMS",
    "MAX_DECIMAL_PLACES",
    "MAX_INTEGER_DIGITS",
    "PI",
    "UNITS",
    "UNITS_BY_KIND",
    "FormSpec",
    "HasPhysics",
    "Kind",
    "Physics",
    "Quantity",
    "convert",
    "convert_for",
    "corner_rule",
    "cross_section_mm2",
    "describe",
    "dimension_problems",
    "kind_of",
    "make_quantity",
    "parse_quantity",
    "parse_unit",
    "sellable_units",
    "weight_kg",
]
