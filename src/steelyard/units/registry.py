"""The canonical units, their kinds, their aliases and their exact factors (pure, no I/O).

Every unit has one canonical symbol (`kg`, `L`, `ft2`, `piece`...) and belongs to one `Kind`.
Each kind has a base unit (kg, m3, m, m2, piece); `FACTORS[unit]` is the exact size of one `unit`
in that base unit. The factors are derived from pint's definitions once, at import (a pint
conversion costs milliseconds; a dictionary lookup does not), and checked to be exact decimals.

Arithmetic uses `CONTEXT`: 34 significant digits (IEEE decimal128), half-even. A result whose exact
value fits in 34 digits is exact; anything else (e.g. kg -> lb, whose exact value never ends) is
rounded once, to 34 significant digits. Nothing is quantized to fixed places here: callers that show
or store a value quantize it themselves.

Spelling rules of `parse_unit`: case, spaces, dots, `_`, `-` and `^` are ignored, `²`/`³` read as
2/3. "ton"/"tons"/"mt" mean the metric tonne (`t`); the US ton is `short_ton` ("short ton",
"net ton", "us ton"), the British ton `long_ton` ("long ton", "imperial ton", "uk ton"). `gal`
is the US gallon; the British one is `imp_gal`. `'` is feet and `"` inches.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

import pint

from steelyard.errors import FieldProblem, InvalidInput, UnitError

CONTEXT: Final = Context(
    prec=34,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


class Kind(StrEnum):
    MASS = "mass"
    VOLUME = "volume"
    LENGTH = "length"
    AREA = "area"
    COUNT = "count"


# canonical symbol -> (kind, pint name, aliases); the order here is the order units are listed in
_TABLE: Final[dict[str, tuple[Kind, str, tuple[str, ...]]]] = {
    "kg": (
        Kind.MASS,
        "kilogram",
        (
            "kgs",
            "kilo",
            "kilos",
            "kilogram",
            "kilograms",
            "kilogramme",
            "kilogrammes",
        ),
    ),
    "g": (Kind.MASS, "gram", ("gram", "grams", "gramme", "grammes")),
    "t": (
        Kind.MASS,
        "metric_ton",
        (
            "tonne",
            "tonnes",
            "ton",
            "tons",
            "mt",
            "metric ton",
            "metric tons",
            "metric tonne",
            "metric tonnes",
        ),
    ),
    "lb": (Kind.MASS, "pound", ("lbs", "pound", "pounds")),
    "oz": (Kind.MASS, "ounce", ("ounce", "ounces")),
    "short_ton": (Kind.MASS, "short_ton", ("short tons", "us ton", "us tons", "net ton", "net tons")),
    "long_ton": (
        Kind.MASS,
        "long_ton",
        (
            "long tons",
            "imperial ton",
            "imperial tons",
            "uk ton",
            "uk tons",
        ),
    ),
    # hundredweights: the US (short) cwt is 100 lb, the British (long) cwt 112 lb (NIST Handbook 44, App. C)
    "cwt": (
        Kind.MASS,
        "US_hundredweight",
        ("cwts", "hundredweight", "hundredweights", "short cwt", "us cwt", "short hundredweight"),
    ),
    "long_cwt": (
        Kind.MASS,
        "long_hundredweight",
        ("long cwts", "uk cwt", "imperial cwt", "long hundredweight", "long hundredweights"),
    ),
    "m3": (
        Kind.VOLUME,
        "meter ** 3",
        (
            "m³",
            "cbm",
            "cu m",
            "cubic meter",
            "cubic meters",
            "cubic metre",
            "cubic metres",
        ),
    ),
    "L": (Kind.VOLUME, "liter", ("litre", "litres", "liter", "liters", "ltr", "ltrs")),
    "mL": (Kind.VOLUME, "milliliter", ("millilitre", "millilitres", "milliliter", "milliliters")),
    "cm3": (
        Kind.VOLUME,
        "centimeter ** 3",
        (
            "cm³",
            "cc",
            "ccm",
            "cubic centimetre",
            "cubic centimetres",
            "cubic centimeter",
            "cubic centimeters",
        ),
    ),
    "ft3": (Kind.VOLUME, "foot ** 3", ("ft³", "cu ft", "cuft", "cubic foot", "cubic feet")),
    "in3": (Kind.VOLUME, "inch ** 3", ("in³", "cu in", "cubic inch", "cubic inches")),
    "yd3": (Kind.VOLUME, "yard ** 3", ("yd³", "cu yd", "cubic yard", "cubic yards")),
    "gal": (Kind.VOLUME, "gallon", ("gals", "gallon", "gallons", "us gal", "us gallon", "us gallons")),
    "imp_gal": (
        Kind.VOLUME,
        "imperial_gallon",
        (
            "imperial gallon",
            "imperial gallons",
            "uk gal",
            "uk gallon",
            "uk gallons",
        ),
    ),
    "m": (
        Kind.LENGTH,
        "meter",
        (
            "meter",
            "meters",
            "metre",
            "metres",
            "lm",
            "lin m",
            "linear meter",
            "linear meters",
            "linear metre",
            "linear metres",
        ),
    ),
    "mm": (Kind.LENGTH, "millimeter", ("millimeter", "millimeters", "millimetre", "millimetres")),
    "cm": (Kind.LENGTH, "centimeter", ("centimeter", "centimeters", "centimetre", "centimetres")),
    "ft": (Kind.LENGTH, "foot", ("foot", "feet", "'", "\u2032", "\u2019", "linear foot", "linear feet")),
    "in": (Kind.LENGTH, "inch", ("inch", "inches", '"', "\u2033", "\u201d")),
    "yd": (Kind.LENGTH, "yard", ("yds", "yard", "yards", "linear yard", "linear yards")),
    "m2": (
        Kind.AREA,
        "meter ** 2",
        (
            "m²",
            "sqm",
            "sq m",
            "square meter",
            "square meters",
            "square metre",
            "square metres",
        ),
    ),
    "ft2": (Kind.AREA, "foot ** 2", ("ft²", "sq ft", "sqft", "square foot", "square feet")),
    "cm2": (
        Kind.AREA,
        "centimeter ** 2",
        (
            "cm²",
            "sq cm",
            "square centimeter",
            "square centimeters",
            "square centimetre",
            "square centimetres",
        ),
    ),
    "mm2": (
        Kind.AREA,
        "millimeter ** 2",
        (
            "mm²",
            "sq mm",
            "square millimeter",
            "square millimeters",
            "square millimetre",
            "square millimetres",
        ),
    ),
    "in2": (Kind.AREA, "inch ** 2", ("in²", "sq in", "sqin", "square inch", "square inches")),
    # a "length" is the trade's word for one stock bar or tube, whatever the product names its piece
    "piece": (Kind.COUNT, "", ("pieces", "pc", "pcs", "pce", "ea", "each", "length", "lengths")),
}

UNITS: Final[Mapping[str, Kind]] = MappingProxyType({unit: spec[0] for unit, spec in _TABLE.items()})
BASE_UNITS: Final[Mapping[Kind, str]] = MappingProxyType(
    {Kind.MASS: "kg", Kind.VOLUME: "m3", Kind.LENGTH: "m", Kind.AREA: "m2", Kind.COUNT: "piece"}
)
UNITS_BY_KIND: Final[Mapping[Kind, tuple[str, ...]]] = MappingProxyType(
    {kind: tuple(u for u, k in UNITS.items() if k is kind) for kind in Kind}
)

_SQUASH: Final = str.maketrans({"²": "2", "³": "3", "^": None, ".": None, "_": None, "-": None})


def _key(text: str) -> str:
    """The spelling-insensitive lookup key of a unit name: no case, spaces, dots, `_`, `-`, `^`."""
    return "".join(text.split()).lower().translate(_SQUASH)


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for unit, (_, _, names) in _TABLE.items():
        for name in (unit, *names):
            key = _key(name)
            if aliases.setdefault(key, unit) != unit:
                raise RuntimeError(f"unit alias '{name}' means both {aliases[key]} and {unit}")
    return aliases


_ALIASES: Final[Mapping[str, str]] = MappingProxyType(_build_aliases())


_ONE: Final = Decimal(1)


def tidy(value: Decimal) -> Decimal:
    """`value` without trailing zeros and never in exponent form for whole numbers (1E+3 -> 1000)."""
    value = value.normalize(CONTEXT)
    exponent = value.as_tuple().exponent
    return value.quantize(_ONE, context=CONTEXT) if isinstance(exponent, int) and exponent > 0 else value


def _pint_factors() -> dict[str, Decimal]:
    """Each unit's size in its kind's base unit, from pint's definitions, snapped to the exact decimal.

    pint computes with the ambient Decimal context, so a 1/3 along the way (foot = yard / 3)
    leaves ...99999 in the last digits; at 50 digits that noise is far below 1e-40 and rounding to
    20 significant digits recovers the exact value. A unit whose size is not such a decimal is a bug.
    """
    factors: dict[str, Decimal] = {}
    with localcontext(Context(prec=50)) as wide:
        registry: Any = pint.UnitRegistry(non_int_type=Decimal)
        for unit, (kind, name, _) in _TABLE.items():
            if kind is Kind.COUNT:
                factors[unit] = _ONE
                continue
            base_name = _TABLE[BASE_UNITS[kind]][1]
            raw = Decimal(registry.Quantity(Decimal(1), name).to(base_name).magnitude)
            snapped = Context(prec=20).plus(raw).normalize()
            if wide.abs(raw - snapped) > raw.scaleb(-40):
                raise RuntimeError(f"pint's size of {unit} ({raw}) is not an exact decimal")
            factors[unit] = tidy(snapped)
    return factors


FACTORS: Final[Mapping[str, Decimal]] = MappingProxyType(_pint_factors())


def piece_keys(piece_names: Iterable[str]) -> dict[str, str]:
    """Lookup keys (singular and plural) of a product's own piece names, each meaning `piece`."""
    keys: dict[str, str] = {}
    for name in piece_names:
        key = _key(name)
        if key:
            for spelling in (key, key + "s", key + "es"):
                keys.setdefault(spelling, "piece")
    return keys


def accepted_units_text(piece_names: Iterable[str] = ()) -> str:
    """The accepted units as a sentence fragment, for error details."""
    text = ", ".join(UNITS)
    names = [n for n in piece_names if n.strip()]
    if names:
        text += f" (or this product's piece name: {', '.join(names)})"
    return text


def parse_unit(text: str, piece_names: Iterable[str] = (), *, field: str = "unit") -> str:
    """The canonical symbol of a unit as people write it (`kgs`, `m³`, `sheets`...); UnitError if unknown."""
    if text in UNITS:
        return text
    key = _key(text)
    unit = _ALIASES.get(key)
    if unit is not None:
        return unit
    names = tuple(piece_names)
    if names and key in piece_keys(names):
        return "piece"
    if not key:
        detail = f"a unit is required; accepted units: {accepted_units_text(names)}"
    else:
        close = difflib.get_close_matches(key, [*_ALIASES, *piece_keys(names)], n=1, cutoff=0.75)
        hint = f" (did you mean '{_ALIASES.get(close[0], close[0])}'?)" if close else ""
        detail = f"unknown unit '{text.strip()}'{hint}; accepted units: {accepted_units_text(names)}"
    raise UnitError(detail, problems=[FieldProblem(field, detail)], allowed_units=list(UNITS))


def kind_of(unit: str) -> Kind:
    """The kind of a unit (canonical symbol or alias)."""
    kind = UNITS.get(unit)
    return kind if kind is not None else UNITS[parse_unit(unit)]


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """`value` in `from_unit` expressed in `to_unit` of the same kind (34 significant digits)."""
    if not value.is_finite():
        raise InvalidInput(
            f"cannot convert {value}: it is not a finite number",
            problems=[FieldProblem("value", "must be a finite number")],
        )
    source = from_unit if from_unit in UNITS else parse_unit(from_unit, field="from_unit")
    target = to_unit if to_unit in UNITS else parse_unit(to_unit, field="to_unit")
    if source == target:
        return value
    if UNITS[source] is not UNITS[target]:
        detail = (
            f"cannot convert {source} ({UNITS[source]}) to {target} ({UNITS[target]}) without a product's "
            f"density or dimensions; {source} converts only to {', '.join(UNITS_BY_KIND[UNITS[source]])}"
        )
        raise UnitError(
            detail, problems=[FieldProblem("to_unit", detail)], allowed_units=list(UNITS_BY_KIND[UNITS[source]])
        )
    return tidy(CONTEXT.divide(CONTEXT.multiply(value, FACTORS[source]), FACTORS[target]))
