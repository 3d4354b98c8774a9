"""Quantities from text and from wire values: what is accepted, and what is refused and why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steelyard.errors import InvalidInput, UnitError
from steelyard.units import Quantity, make_quantity, parse_quantity
from steelyard.units.text import number_format


@pytest.mark.parametrize(
    ("text", "names", "value", "unit"),
    [
        ("250 lb", (), "250", "lb"),
        ("3 sheets", ("sheet",), "3", "piece"),
        ("1 sheet", ("sheet",), "1", "piece"),
        ("0.4 m3", (), "0.4", "m3"),
        ("12 ft", (), "12", "ft"),
        ("12'", (), "12", "ft"),
        ('3.5"', (), "3.5", "in"),
        ("2.5 m2", (), "2.5", "m2"),
        ("2.5m²", (), "2.5", "m2"),
        ("1 t", (), "1", "t"),
        ("  10.50   Kgs ", (), "10.50", "kg"),
        (".5 L", (), "0.5", "L"),
        ("+7 pcs", (), "7", "piece"),
        ("5 short tons", (), "5", "short_ton"),
        ("200 litres", (), "200", "L"),
    ],
)
def test_parse_quantity(text: str, names: tuple[str, ...], value: str, unit: str) -> None:
    quantity = parse_quantity(text, names)
    assert quantity == Quantity(Decimal(value), unit)
    assert str(quantity.value) == value  # kept as written, exponents expanded


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        ("", "quantity", "is required"),
        ("kg", "quantity", "must start with a number"),
        ("kg 5", "quantity", "must start with a number"),
        ("5", "quantity", "needs a unit"),
        ("1.500 kg", "quantity", "ambiguous"),
        ("1,500 kg", "quantity", "ambiguous"),
        (
            "1 0000 kg",
            "quantity",
            "separators in the wrong places",
        ),  # a space groups exactly three digits, else it ends the number
        ("1.5.3 kg", "quantity", "separators in the wrong places"),
        ("NaN kg", "quantity", "finite"),
        ("Infinity kg", "quantity", "finite"),
        ("-3 kg", "quantity", "greater than zero"),
        ("0 kg", "quantity.value", "greater than zero"),
        ("1e400 kg", "quantity", "exponent"),
        ("1" * 40 + " kg", "quantity.value", "40 digits before the decimal point"),
        ("0.0000000001 kg", "quantity.value", "too small"),
        ("1.1234567891 kg", "quantity.value", "10 digits after the decimal point"),
        ("5 furlongs", "quantity.unit", "unknown unit 'furlongs'"),
        ("3 sheets", "quantity.unit", "unknown unit 'sheets'"),  # no piece names given
        ("9" * 200 + " kg", "quantity", "too long"),
    ],
)
def test_parse_quantity_refuses_with_a_helpful_detail(text: str, field: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quantity(text)
    error = caught.value
    assert error.status == 422
    assert fragment in error.detail
    assert [p.field for p in error.problems] == [field]


def test_an_unknown_unit_is_a_unit_error_with_the_allowed_units() -> None:
    with pytest.raises(UnitError) as caught:
        parse_quantity("5 furlongs")
    assert "kg" in caught.value.extra["allowed_units"]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("-1", "greater than zero, got -1"),
        ("0", "greater than zero"),
        ("0.000", "greater than zero"),
        ("-0", "greater than zero"),
        ("1" * 40, "too large (40 digits"),
        ("1234567890123456", "too large (16 digits"),
        ("NaN", "finite"),
        ("nan", "finite"),
        ("sNaN", "finite"),
        ("Infinity", "finite"),
        ("-inf", "finite"),
        ("1e400", "too large (401 digits"),
        ("1e-400", "too small"),
        ("", "is required"),
        ("   ", "is required"),
        ("1,5", "ambiguous"),
        ("1_000", "not a decimal number"),
        ("1 000", "not a decimal number"),
        ("0x10", "not a decimal number"),
        ("ten", "not a decimal number"),
        ("1.0000000001", "10 digits after the decimal point"),
        (Decimal("NaN"), "finite"),
        (Decimal("sNaN"), "finite"),
        (Decimal("-Infinity"), "finite"),
        (Decimal("-2.5"), "greater than zero"),
        (Decimal("1E+15"), "too large (16 digits"),
        (-3, "greater than zero"),
        (10**40, "too large (41 digits"),
        (1.5, "not a binary float"),
        (True, "must be a number"),
        (None, "must be a number"),
    ],
)
def test_make_quantity_refuses_bad_values(value: object, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_quantity(value, "kg", field="lines[0].quantity")  # type: ignore[arg-type]
    error = caught.value
    assert not isinstance(error, UnitError)
    assert [p.field for p in error.problems] == ["lines[0].quantity.value"]
    assert fragment in error.problems[0].message
    assert "lines[0].quantity.value" in error.detail


def test_make_quantity_reports_a_bad_value_and_a_bad_unit_together() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_quantity("-1", "stone")
    assert [p.field for p in caught.value.problems] == ["quantity.value", "quantity.unit"]
    assert caught.value.extra["allowed_units"][0] == "kg"


def test_make_quantity_with_only_a_bad_unit_is_a_unit_error() -> None:
    with pytest.raises(UnitError) as caught:
        make_quantity("1", "stone")
    assert [p.field for p in caught.value.problems] == ["quantity.unit"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.50", "10.50"),
        ("2.5", "2.5"),
        (Decimal("1E+3"), "1000"),
        (25, "25"),
        ("999999999999999.999999999", "999999999999999.999999999"),
        ("0.000000001", "1E-9"),
        ("1.50000000000", "1.5"),
        ("1e-3", "0.001"),
    ],
)
def test_make_quantity_keeps_values_as_written(value: str | Decimal | int, expected: str) -> None:
    quantity = make_quantity(value, "lbs")
    assert quantity == Quantity(Decimal(expected), "lb")
    assert str(quantity.value) == expected


def test_zero_is_allowed_where_asked_but_not_negatives() -> None:
    assert make_quantity("0", "kg", allow_zero=True) == Quantity(Decimal(0), "kg")
    assert make_quantity("-0", "kg", allow_zero=True).value.is_signed() is False
    assert parse_quantity("0 t", allow_zero=True) == Quantity(Decimal(0), "t")
    with pytest.raises(InvalidInput, match="zero or more, got -1"):
        make_quantity("-1", "kg", allow_zero=True)


def test_make_quantity_knows_a_products_piece_names() -> None:
    assert make_quantity("4", "Bars", ("bar",)) == Quantity(Decimal(4), "piece")


LARGEST = Decimal("999999999999999.999999999")


@given(st.decimals(min_value=Decimal("0.000000001"), max_value=LARGEST, places=9))
def test_every_value_within_the_limits_round_trips_through_text(value: Decimal) -> None:
    assert parse_quantity(f"{value:f} kg", fmt=number_format("en-US")).value == value  # exponents are not read
    assert make_quantity(str(value), "kg").value == value
