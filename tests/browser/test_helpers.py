"""The pages' pure helpers: number and unit formatting, the storefront URL, the staff quantity field."""

from __future__ import annotations

import pytest

from steelyard.errors import InvalidInput
from steelyard.web.render import amount, approx, money, plain, unit_choice, unit_label
from steelyard.web.views import StorefrontQuery, parse_quantity, storefront_query


@pytest.mark.parametrize(
    ("value", "shown"), [("1250.500", "1250.5"), ("1E+3", "1000"), ("0.000", "0"), ("-2.50", "-2.5"), ("x", "x")]
)
def test_plain(value: str, shown: str) -> None:
    assert plain(value) == shown


@pytest.mark.parametrize(("value", "shown"), [("13.6600", "13.66"), ("5", "5.00"), ("0.125", "0.125"), ("7.1", "7.10")])
def test_money_keeps_two_decimals_at_least(value: str, shown: str) -> None:
    assert money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [("4.191104511374535465635858658", "4.191"), ("16.875", "16.875"), ("0.000123456", "0.0001235"), ("0", "0")],
)
def test_approx_rounds_computed_figures(value: str, shown: str) -> None:
    assert approx(value) == shown


def test_units_read_as_people_say_them() -> None:
    assert amount("70", "piece", "sheet") == "70 sheets"
    assert amount("1", "piece", "sheet") == "1 sheet"
    assert amount("2", "piece") == "2 pieces"
    assert amount("0.4", "m3") == "0.4 m³"
    assert unit_label("short_ton") == "short tons" and unit_label("short_ton", None, 1) == "short ton"
    assert unit_choice("L") == "L (litre)" and unit_choice("piece", "bar") == "bars" and unit_choice("kg") == "kg"


def test_the_storefront_url_holds_the_whole_search() -> None:
    query = storefront_query("  alu sheet ", ["aluminium", "aluminium", ""], [], ["5083"], "on", "price", None)
    assert query == StorefrontQuery(
        q="alu sheet", families=("aluminium",), grades=("5083",), in_stock=True, sort="price"
    )
    assert query.url() == "/?q=alu+sheet&family=aluminium&grade=5083&in_stock=1&sort=price"
    assert query.url(cursor="abc") == "/?q=alu+sheet&family=aluminium&grade=5083&in_stock=1&sort=price&cursor=abc"
    assert query.url(family=(), grade=(), in_stock=False) == "/?q=alu+sheet&sort=price"
    assert storefront_query("", [], [], [], None, "bogus", "").url() == "/"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("120 kg", "120", "kg"), ("-3 sheets", "-3", "sheets"), ("2,5 t", "2.5", "t"), ("0.4m3", "0.4", "m3")],
)
def test_staff_quantities_carry_their_unit(text: str, value: str, unit: str) -> None:
    assert parse_quantity(text) == {"value": value, "unit": unit}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("120", "type a number and a unit"),
        ("kg", "must start with a number"),
        ("", "is required"),
        ("twelve kg", "must start with a number"),
        ("1,500 kg", "ambiguous"),  # the one reader: never silently 1.5
    ],
)
def test_a_staff_quantity_without_number_or_unit_is_refused(text: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        parse_quantity(text)


def test_staff_quantities_follow_the_browsers_language() -> None:
    from steelyard.units.text import number_format

    assert parse_quantity("1,500 kg", number_format("en-US")) == {"value": "1500", "unit": "kg"}
    assert parse_quantity("-1,5 t", number_format("de-DE")) == {"value": "-1.5", "unit": "t"}
