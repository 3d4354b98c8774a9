"""Canonical units, aliases and exact factors."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal, localcontext

import pytest

from steelyard.errors import UnitError
from steelyard.units import BASE_UNITS, FACTORS, UNITS, Kind, convert, kind_of, parse_unit

# The legal definitions, written out by hand (not from pint): each unit in its kind's base unit.
EXACT = {
    "kg": "1",
    "g": "0.001",
    "t": "1000",
    "lb": "0.45359237",
    "oz": "0.028349523125",
    "short_ton": "907.18474",
    "long_ton": "1016.0469088",
    "cwt": "45.359237",  # US (short) hundredweight = 100 lb (NIST Handbook 44, Appendix C)
    "long_cwt": "50.80234544",  # British (long) hundredweight = 112 lb (Weights and Measures Act 1985, Sch. 1)
    "m3": "1",
    "L": "0.001",
    "mL": "0.000001",
    "cm3": "0.000001",
    "ft3": "0.028316846592",
    "in3": "0.000016387064",
    "yd3": "0.764554857984",
    "gal": "0.003785411784",
    "imp_gal": "0.00454609",
    "m": "1",
    "mm": "0.001",
    "cm": "0.01",
    "ft": "0.3048",
    "in": "0.0254",
    "yd": "0.9144",  # international yard, 1959 agreement
    "m2": "1",
    "ft2": "0.09290304",
    "cm2": "0.0001",
    "mm2": "0.000001",
    "in2": "0.00064516",  # 1 in = 0.0254 m exactly, squared
    "piece": "1",
}


def test_the_canonical_units_are_exactly_the_specified_ones() -> None:
    assert list(UNITS) == list(EXACT)
    assert {k: [u for u in UNITS if UNITS[u] is k] for k in Kind} == {
        Kind.MASS: ["kg", "g", "t", "lb", "oz", "short_ton", "long_ton", "cwt", "long_cwt"],
        Kind.VOLUME: ["m3", "L", "mL", "cm3", "ft3", "in3", "yd3", "gal", "imp_gal"],
        Kind.LENGTH: ["m", "mm", "cm", "ft", "in", "yd"],
        Kind.AREA: ["m2", "ft2", "cm2", "mm2", "in2"],
        Kind.COUNT: ["piece"],
    }
    assert dict(BASE_UNITS) == {
        Kind.MASS: "kg",
        Kind.VOLUME: "m3",
        Kind.LENGTH: "m",
        Kind.AREA: "m2",
        Kind.COUNT: "piece",
    }


@pytest.mark.parametrize(("unit", "exact"), EXACT.items())
def test_each_factor_is_the_exact_decimal(unit: str, exact: str) -> None:
    assert FACTORS[unit] == Decimal(exact)
    assert str(FACTORS[unit]) == exact  # tidy: no 1E+3, no trailing zeros


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        ("1", "lb", "kg", "0.45359237"),
        ("1", "gal", "L", "3.785411784"),
        ("1", "imp_gal", "L", "4.54609"),
        ("1", "in", "mm", "25.4"),
        ("1", "ft", "m", "0.3048"),
        ("1", "short_ton", "lb", "2000"),
        ("1", "long_ton", "lb", "2240"),
        ("16", "oz", "lb", "1"),
        ("1", "yd3", "ft3", "27"),
        ("1", "ft2", "cm2", "929.0304"),
    ],
)
def test_convert_within_a_kind_is_exact(value: str, source: str, target: str, expected: str) -> None:
    assert convert(Decimal(value), source, target) == Decimal(expected)


def test_convert_rounds_once_to_34_significant_digits() -> None:
    result = convert(Decimal(1), "kg", "lb")
    with localcontext() as ctx:
        ctx.prec = 60
        expected = (Decimal(1) / Decimal("0.45359237")).quantize(Decimal("1E-33"))  # 34 significant digits
    assert result == expected
    assert len(result.as_tuple().digits) <= 34  # its 34th digit is a 0, which tidy drops


def test_convert_gives_plain_numbers_not_exponents() -> None:
    assert str(convert(Decimal(10), "kg", "g")) == "10000"
    assert str(convert(Decimal("2.50"), "t", "kg")) == "2500"


def test_convert_accepts_aliases_and_refuses_other_kinds() -> None:
    assert convert(Decimal(2), "lbs", "kgs") == Decimal("0.90718474")
    with pytest.raises(UnitError) as caught:
        convert(Decimal(1), "kg", "m3")
    assert "density" in caught.value.detail
    mass = ["kg", "g", "t", "lb", "oz", "short_ton", "long_ton", "cwt", "long_cwt"]
    assert caught.value.extra["allowed_units"] == mass


ALIASES = [
    ("kg", "kg"),
    (" KGS ", "kg"),
    ("Kilograms", "kg"),
    ("kilo", "kg"),
    ("gram", "g"),
    ("G", "g"),
    ("t", "t"),
    ("tonne", "t"),
    ("Tonnes", "t"),
    ("ton", "t"),
    ("tons", "t"),
    ("MT", "t"),
    ("metric ton", "t"),
    ("lb", "lb"),
    ("LBS", "lb"),
    ("pound", "lb"),
    ("Pounds", "lb"),
    ("oz", "oz"),
    ("ounces", "oz"),
    ("short_ton", "short_ton"),
    ("short ton", "short_ton"),
    ("Short Tons", "short_ton"),
    ("US ton", "short_ton"),
    ("long_ton", "long_ton"),
    ("long ton", "long_ton"),
    ("imperial ton", "long_ton"),
    ("m3", "m3"),
    ("m³", "m3"),
    ("M^3", "m3"),
    ("cbm", "m3"),
    ("cubic metres", "m3"),
    ("cu m", "m3"),
    ("L", "L"),
    ("l", "L"),
    ("litre", "L"),
    ("Liter", "L"),
    ("litres", "L"),
    ("liters", "L"),
    ("mL", "mL"),
    ("ml", "mL"),
    ("ML", "mL"),
    ("millilitre", "mL"),
    ("cm3", "cm3"),
    ("cm³", "cm3"),
    ("cc", "cm3"),
    ("ft3", "ft3"),
    ("ft³", "ft3"),
    ("cu ft", "ft3"),
    ("Cu. Ft.", "ft3"),
    ("cubic feet", "ft3"),
    ("in3", "in3"),
    ("cubic inches", "in3"),
    ("yd3", "yd3"),
    ("cu yd", "yd3"),
    ("cubic yards", "yd3"),
    ("gal", "gal"),
    ("gallon", "gal"),
    ("Gallons", "gal"),
    ("US gal", "gal"),
    ("imp_gal", "imp_gal"),
    ("imp gal", "imp_gal"),
    ("Imperial Gallon", "imp_gal"),
    ("UK gallons", "imp_gal"),
    ("m", "m"),
    ("meter", "m"),
    ("Metres", "m"),
    ("lm", "m"),
    ("mm", "mm"),
    ("millimetre", "mm"),
    ("Millimeters", "mm"),
    ("cm", "cm"),
    ("centimetres", "cm"),
    ("ft", "ft"),
    ("foot", "ft"),
    ("feet", "ft"),
    ("'", "ft"),
    ("in", "in"),
    ("inch", "in"),
    ("Inches", "in"),
    ('"', "in"),
    ("m2", "m2"),
    ("m²", "m2"),
    ("m^2", "m2"),
    ("sqm", "m2"),
    ("sq m", "m2"),
    ("Sq. M.", "m2"),
    ("square metres", "m2"),
    ("ft2", "ft2"),
    ("ft²", "ft2"),
    ("sq ft", "ft2"),
    ("sqft", "ft2"),
    ("square feet", "ft2"),
    ("cm2", "cm2"),
    ("mm²", "mm2"),
    ("piece", "piece"),
    ("pieces", "piece"),
    ("pc", "piece"),
    ("PCS", "piece"),
    ("pcs.", "piece"),
    ("ea", "piece"),
    ("each", "piece"),
]


@pytest.mark.parametrize(("text", "unit"), ALIASES)
def test_aliases(text: str, unit: str) -> None:
    assert parse_unit(text) == unit
    assert kind_of(text) is UNITS[unit]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("sheet", ["sheet"]),
        ("Sheets", ["sheet"]),
        ("bars", ["bar"]),
        ("COIL", ["coil"]),
        ("bags", ["bag"]),
        ("drums", ["drum"]),
        ("boxes", ["box"]),
        ("big bags", ["big bag"]),
    ],
)
def test_a_products_piece_names_mean_piece(text: str, names: list[str]) -> None:
    assert parse_unit(text, names) == "piece"


def test_a_piece_name_is_not_a_unit_of_another_product() -> None:
    with pytest.raises(UnitError) as caught:
        parse_unit("sheets", ["bar"])
    assert "this product's piece name: bar" in caught.value.detail


@pytest.mark.parametrize("text", ["furlong", "kgg", "stone", "m4", "sheet", "1kg"])
def test_unknown_units_list_what_is_accepted(text: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_unit(text, field="quantity.unit")
    error = caught.value
    assert error.status == 422
    assert f"unknown unit '{text}'" in error.detail
    assert "accepted units: kg, g, t, lb" in error.detail and "imp_gal" in error.detail
    assert error.extra["allowed_units"] == list(UNITS)
    assert [p.field for p in error.problems] == ["quantity.unit"]


def test_a_near_miss_gets_a_suggestion() -> None:
    with pytest.raises(UnitError, match="did you mean 'kg'"):
        parse_unit("kgg")


@pytest.mark.parametrize("text", ["", "   "])
def test_a_missing_unit_says_so(text: str) -> None:
    with pytest.raises(UnitError, match="a unit is required"):
        parse_unit(text)


def test_kind_of() -> None:
    assert kind_of("gal") is Kind.VOLUME
    assert kind_of("sq ft") is Kind.AREA
    assert kind_of("piece") == "count"
    with pytest.raises(UnitError):
        kind_of("parsec")


def test_the_package_imports_no_web_or_database_framework() -> None:
    code = (
        "import sys, steelyard.units; "
        "frameworks = {'fastapi', 'starlette', 'sqlalchemy', 'pydantic'}; "
        "bad = sorted({m.split('.')[0] for m in sys.modules} & frameworks); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
