"""Money rounding, unit-price precision, currency conversion and quote totals."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext

import pytest

from steelyard.errors import InvalidInput
from steelyard.pricing import convert_money, quote_totals, round_money, round_unit_price

D = Decimal


@pytest.mark.parametrize(
    ("amount", "minor_units", "expected"),
    [
        ("0.005", 2, "0.01"),
        ("0.025", 2, "0.03"),  # half-even would give 0.02
        ("2.675", 2, "2.68"),
        ("2.6749", 2, "2.67"),
        ("-0.005", 2, "-0.01"),  # a tie goes away from zero
        ("2.5", 0, "3"),  # JPY; half-even would give 2
        ("0.4999", 0, "0"),
        ("1.0005", 3, "1.001"),  # BHD
        ("1.00049", 3, "1.000"),
        ("3", 2, "3.00"),
    ],
)
def test_round_money_half_up_to_minor_unit(amount: str, minor_units: int, expected: str) -> None:
    result = round_money(D(amount), minor_units)
    assert str(result) == expected


def test_round_money_ignores_the_callers_decimal_context() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = ROUND_DOWN
        assert str(round_money(D("12345.675"), 2)) == "12345.68"


@pytest.mark.parametrize("minor_units", [-1, 9])
def test_round_money_rejects_impossible_minor_units(minor_units: int) -> None:
    with pytest.raises(ValueError, match="minor-unit"):
        round_money(D("1"), minor_units)


def test_round_money_rejects_nan() -> None:
    with pytest.raises(InvalidInput, match="must be a number"):
        round_money(D("NaN"), 2)


@pytest.mark.parametrize(
    ("price", "expected"),
    [("1.23456", "1.2346"), ("1.23445", "1.2345"), ("3.2", "3.2000"), ("0.00005", "0.0001")],
)
def test_unit_price_is_stated_half_up_to_four_places(price: str, expected: str) -> None:
    assert str(round_unit_price(D(price))) == expected


def test_convert_money_is_exact() -> None:
    assert convert_money(D("3.20"), D("162.37")) == D("519.5840")
    assert convert_money(D("0.01"), D("1.0833333")) == D("0.010833333")


@pytest.mark.parametrize("rate", ["0", "-1.1", "Infinity"])
def test_convert_money_rejects_a_rate_that_is_not_positive(rate: str) -> None:
    with pytest.raises(InvalidInput):
        convert_money(D("1"), D(rate))


def test_totals_add_tax_once_on_the_quote_subtotal() -> None:
    totals = quote_totals([D("10.00"), D("5.55")], D("0.19"), 2)
    assert (str(totals.subtotal), str(totals.tax), str(totals.total)) == ("15.55", "2.95", "18.50")


def test_tax_is_rounded_on_the_subtotal_not_per_line() -> None:
    # per line: 0.005 -> 0.01 twice = 0.02; once on the subtotal: 0.010
    totals = quote_totals([D("0.05"), D("0.05")], D("0.1"), 2)
    assert totals.tax == D("0.01")
    assert totals.total == D("0.11")


def test_tax_rounds_half_up() -> None:
    assert str(quote_totals([D("1.25")], D("0.1"), 2).tax) == "0.13"  # 0.125; half-even gives 0.12


def test_totals_in_a_currency_without_minor_units() -> None:
    totals = quote_totals([D("1000"), D("999")], D("0.1"), 0)
    assert (str(totals.subtotal), str(totals.tax), str(totals.total)) == ("1999", "200", "2199")


def test_totals_of_no_lines_are_zero() -> None:
    totals = quote_totals([], D("0.2"), 2)
    assert (str(totals.subtotal), str(totals.tax), str(totals.total)) == ("0.00", "0.00", "0.00")


def test_negative_tax_rate_is_refused() -> None:
    with pytest.raises(InvalidInput, match="tax rate"):
        quote_totals([D("1")], D("-0.1"), 2)
