"""The quantity-text reader: a table of what people type, hostile texts included, and the locale rules.

Expected values are worked by hand from the legal unit definitions and the CLDR number symbols of each locale
(en-US `1,234.5`, de-DE `1.234,5`, fr-FR `1 234,5` with U+202F, de-CH `1'234.5`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steelyard.errors import InvalidInput, UnitError
from steelyard.units.text import (
    TextQuantity,
    number_format,
    preferred_locale,
    read_quantity,
    split_quantity_text,
)

EN = number_format("en-US")
DE = number_format("de-DE")
FR = number_format("fr-FR")
CH = number_format("de-CH")
PIECES = ("sheet", "bar")

# (text, locale, value, canonical unit)
READS = [
    ("1,500 lb", EN, "1500", "lb"),
    ("12,000 lb", EN, "12000", "lb"),
    ("1,500.5 lb", EN, "1500.5", "lb"),
    ("1,500,000 kg", EN, "1500000", "kg"),
    ("1.500 kg", DE, "1500", "kg"),
    ("1.500,5 kg", DE, "1500.5", "kg"),
    ("1,5 t", DE, "1.5", "t"),
    ("1 500 kg", FR, "1500", "kg"),
    ("1\u202f500,25 kg", FR, "1500.25", "kg"),
    ("1\u00a0500 kg", FR, "1500", "kg"),
    ("1'500.5 kg", CH, "1500.5", "kg"),
    ("1\u2019500 kg", CH, "1500", "kg"),
    ("1 1/2 in", None, "1.5", "in"),
    ("1-1/2 in", None, "1.5", "in"),
    ("1/4 in", None, "0.25", "in"),
    ('1/4"', None, "0.25", "in"),
    ("3/8 in", EN, "0.375", "in"),
    ("1½ in", None, "1.5", "in"),
    ("¾ in", None, "0.75", "in"),
    ("2 7/8 in", DE, "2.875", "in"),
    ("3 sheets", None, "3", "piece"),
    ("1 sheet", None, "1", "piece"),
    ("3 lengths", None, "3", "piece"),
    ("1 length", None, "1", "piece"),
    ("12 bars", None, "12", "piece"),
    ("12'", None, "12", "ft"),
    ("12 ft", None, "12", "ft"),
    ('6"', None, "6", "in"),
    ("0.4 m³", None, "0.4", "m3"),
    ("0,4 m³", None, "0.4", "m3"),
    ("0.4 m3", EN, "0.4", "m3"),
    ("0,4 m3", DE, "0.4", "m3"),
    ("250 lb", None, "250", "lb"),
    ("250lbs", None, "250", "lb"),
    ("2.5", None, "2.5", "kg"),  # no unit typed: the default (the page's picker)
    ("1500", None, "1500", "kg"),
    ("+2 kg", None, "2", "kg"),
    (".5 kg", None, "0.5", "kg"),
    ("2.5 cwt", None, "2.5", "cwt"),
    ("1 long cwt", None, "1", "long_cwt"),
    ("3 yd", None, "3", "yd"),
    ("3 yards", None, "3", "yd"),
    ("144 in²", None, "144", "in2"),
    ("144 sq in", None, "144", "in2"),
    ("500 mm²", None, "500", "mm2"),
    ("500 mm2", None, "500", "mm2"),
    ("0.125 kg", None, "0.125", "kg"),
    ("0.500 kg", None, "0.5", "kg"),  # a group never starts with 0: only the decimal reading is left
    ("1,5 kg", None, "1.5", "kg"),  # "1,5" cannot be thousands (a group has 3 digits): one reading
    ("1,500.5 lb", None, "1500.5", "lb"),  # the point after the comma leaves one reading
    ("1.500,5 kg", None, "1500.5", "kg"),
    ("1,500,000 lb", None, "1500000", "lb"),
    ("  42 kg  ", None, "42", "kg"),
    ("999999999999999 kg", None, "999999999999999", "kg"),
    ("0.000000001 t", None, "0.000000001", "t"),
]

# (text, locale, what the problem says)
REFUSED = [
    ("1,500 lb", None, "ambiguous"),
    ("1.500 kg", None, "ambiguous"),
    ("12,000 lb", None, "ambiguous"),
    ("1,5 kg", EN, "not a number as en-US writes it"),
    ("1.500,5 kg", EN, "not a number as en-US writes it"),
    ("1,500.5 kg", DE, "not a number as de-DE writes it"),
    ("1,2,3 kg", None, "separators in the wrong places"),
    ("1,2,3 kg", EN, "not a number as en-US writes it"),
    ("1..5 kg", None, "separators in the wrong places"),
    ("1.5.2 kg", None, "separators in the wrong places"),
    ("--5 kg", None, "must start with a number"),
    ("-5 kg", None, "greater than zero"),
    ("\u22125 kg", None, "greater than zero"),
    ("0 kg", None, "greater than zero"),
    ("1e999 kg", None, "exponent"),
    ("1e3", None, "exponent"),
    ("1E-5 kg", None, "exponent"),
    ("NaN kg", None, "finite"),
    ("inf kg", None, "finite"),
    ("Infinity", None, "finite"),
    ("1/0 in", None, "divides by zero"),
    ("1 1/0 in", None, "divides by zero"),
    ("0/0 in", None, "divides by zero"),
    ("1/3 in", None, "not an exact decimal"),
    ("2 1/7 in", None, "not an exact decimal"),
    ("1/1024 t", None, "after the decimal point"),
    ("", None, "required"),
    ("   ", None, "required"),
    ("kg", None, "must start with a number"),
    ("lb 250", None, "must start with a number"),
    ("1\x00 kg", None, "control"),
    ("\x00", None, "control"),
    ("12\u200b kg", None, "control"),  # zero-width space
    ("1" * 65, None, "too long"),
    ("9" * 40 + " kg", None, "too large"),
    ("1" + "0" * 15 + " kg", None, "too large"),
    ("\u0661\u0662 kg", None, "digits other than 0-9"),  # Arabic-Indic digits
    ("\uff11\uff12 kg", None, "digits other than 0-9"),  # fullwidth digits
    ("\u00b2 kg", None, "digits other than 0-9"),  # superscript two
    ("12", None, "needs a unit"),
    ("3 furlongs", None, "unknown unit"),
    ("3 sheets", None, "unknown unit"),  # the piece name is the product's: none given here
]


@pytest.mark.parametrize(("text", "fmt", "value", "unit"), READS, ids=[r[0] for r in READS])
def test_reads(text: str, fmt: object, value: str, unit: str) -> None:
    default = "kg" if text.strip() in {"2.5", "1500"} else None
    got = read_quantity(text, PIECES, fmt=fmt, default_unit=default)  # type: ignore[arg-type]
    assert got == TextQuantity(Decimal(value), unit, text.strip())


@pytest.mark.parametrize(("text", "fmt", "says"), REFUSED, ids=[repr(r[0])[:30] for r in REFUSED])
def test_refuses_with_a_clear_problem(text: str, fmt: object, says: str) -> None:
    pieces = () if text == "3 sheets" else PIECES
    with pytest.raises(InvalidInput) as caught:
        read_quantity(text, pieces, fmt=fmt)  # type: ignore[arg-type]
    assert says in caught.value.detail, caught.value.detail
    assert caught.value.problems and caught.value.problems[0].field.startswith("quantity")


def test_the_table_is_at_least_sixty_texts() -> None:
    assert len(READS) + len(REFUSED) >= 60


def test_an_ambiguous_text_shows_both_readings() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_quantity("1,500 lb", fmt=None)
    readings = caught.value.extra["readings"]
    assert {(r["value"], r["unit"]) for r in readings} == {("1500", "lb"), ("1.5", "lb")}
    assert "1500 lb" in caught.value.detail and "1.5 lb" in caught.value.detail
    with pytest.raises(InvalidInput) as caught:
        read_quantity("1.500 kg", fmt=None)
    assert {r["value"] for r in caught.value.extra["readings"]} == {"1.5", "1500"}


def test_a_locale_mismatch_shows_the_other_reading_and_never_rereads() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_quantity("1,5 kg", fmt=EN)
    assert caught.value.extra["readings"] == [{"value": "1.5", "unit": "kg", "convention": "de-DE"}]


def test_the_same_text_reads_differently_by_locale() -> None:
    assert read_quantity("1,500 lb", fmt=EN).value == 1500
    assert read_quantity("1,500 lb", fmt=DE).value == Decimal("1.5")
    assert read_quantity("1.500 lb", fmt=DE).value == 1500
    assert read_quantity("1.500 lb", fmt=EN).value == Decimal("1.5")


def test_an_unknown_unit_is_a_unit_error_with_the_allowed_units() -> None:
    with pytest.raises(UnitError) as caught:
        read_quantity("3 furlongs")
    assert "kg" in caught.value.extra["allowed_units"]


def test_signed_texts_for_stock_adjustments() -> None:
    assert split_quantity_text("-3 sheets", fmt=None, allow_negative=True) == (Decimal(-3), "sheets")
    assert split_quantity_text("-1,5 t", fmt=DE, allow_negative=True) == (Decimal("-1.5"), "t")
    with pytest.raises(InvalidInput, match="must start with a number"):
        split_quantity_text("--3 kg", fmt=None, allow_negative=True)


@pytest.mark.parametrize(
    ("header", "tag"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de-DE"),
        ("en-US", "en-US"),
        ("fr;q=0.5, de-CH;q=0.9", "de-CH"),
        ("*", None),
        ("xx-YY, en;q=0.1", "en"),
        ("de;q=0", None),
        ("", None),
        (None, None),
        ("en;q=abc, de", "de"),
        ("a" * 600, None),
    ],
)
def test_accept_language(header: str | None, tag: str | None) -> None:
    assert preferred_locale(header) == tag


def test_locale_symbols_come_from_cldr() -> None:
    assert (EN.group, EN.decimal) == (",", ".")  # type: ignore[union-attr]
    assert (DE.group, DE.decimal) == (".", ",")  # type: ignore[union-attr]
    assert FR is not None and FR.decimal == "," and FR.group.isspace()
    assert number_format("not a locale") is None and number_format(None) is None


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999999"), places=3))
def test_a_number_written_by_a_locale_reads_back_exactly(value: Decimal) -> None:
    from babel.numbers import format_decimal

    for tag in ("en_US", "de_DE", "fr_FR", "de_CH"):
        written = format_decimal(value, format="#,##0.###", locale=tag)
        fmt = number_format(tag)
        assert read_quantity(f"{written} kg", fmt=fmt).value == value, (tag, written)
