"""Order rules: minimum order, increments, whole pieces; and their catalogue validation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pricing_fakes import KNOWN_UNITS, granulate, sheet

from steelyard.errors import InvalidInput
from steelyard.pricing import apply_order_rules, order_rules_problems
from steelyard.units.quantity import Quantity

D = Decimal
# A steel sheet 2 x 1000 x 2500 mm at 7850 kg/m3: 1 sheet = 39.25 kg, 1 m2 = 15.7 kg.
KNOWN = KNOWN_UNITS


def kg(value: str) -> Quantity:
    return Quantity(D(value), "kg")


def test_increment_rounds_up_to_the_next_multiple() -> None:
    ruled = apply_order_rules(kg("60"), convert=sheet, increment=kg("25"))
    assert ruled.quantity == kg("75")
    assert ruled.adjustments == ("rounded up from 60 kg to 75 kg: sold in increments of 25 kg",)


def test_a_multiple_of_the_increment_is_left_alone() -> None:
    ruled = apply_order_rules(kg("75"), convert=sheet, increment=kg("25"))
    assert ruled.quantity == kg("75")
    assert ruled.adjustments == ()


def test_increment_is_counted_in_its_own_unit() -> None:
    ruled = apply_order_rules(kg("60"), convert=sheet, increment=Quantity(D(50), "lb"))
    assert ruled.quantity == kg("68.0388555")  # 150 lb
    assert ruled.adjustments == ("rounded up from 132.277 lb to 150 lb: sold in increments of 50 lb",)


def test_conversion_noise_does_not_add_an_increment() -> None:
    ruled = apply_order_rules(kg("68.0388555"), convert=sheet, increment=Quantity(D(50), "lb"))
    assert ruled.quantity == kg("68.0388555")
    assert ruled.adjustments == ()


def test_conversion_noise_does_not_add_a_piece() -> None:
    three_sheets_in_lb = D("259.5943137226933513013016511")  # 3.00000...02 sheets back
    by_the_sheet = Quantity(D(1), "sheet")
    ruled = apply_order_rules(Quantity(three_sheets_in_lb, "lb"), convert=sheet, increment=by_the_sheet)
    assert ruled.quantity == Quantity(three_sheets_in_lb, "lb")
    assert ruled.adjustments == ()
    noisy_pieces = Quantity(D("3.0000000000000000000000000001875696050955414012739"), "piece")
    ruled = apply_order_rules(noisy_pieces, convert=sheet, discrete=True)
    assert ruled.quantity == Quantity(D(3), "piece")
    assert ruled.adjustments == ()


def test_discrete_product_rounds_up_to_whole_pieces() -> None:
    ruled = apply_order_rules(Quantity(D("3.2"), "piece"), convert=sheet, discrete=True)
    assert ruled.quantity == Quantity(D(4), "piece")
    assert ruled.adjustments == ("rounded up from 3.2 pieces to 4 pieces: sold in whole pieces",)


def test_whole_pieces_use_the_products_piece_name() -> None:
    ruled = apply_order_rules(Quantity(D("3.2"), "piece"), convert=sheet, discrete=True, piece_name="sheet")
    assert ruled.adjustments == ("rounded up from 3.2 sheets to 4 sheets: sold in whole pieces",)


def test_whole_pieces_are_not_changed() -> None:
    ruled = apply_order_rules(Quantity(D(3), "piece"), convert=sheet, discrete=True)
    assert ruled.quantity == Quantity(D(3), "piece")
    assert ruled.adjustments == ()


def test_continuous_product_is_not_rounded() -> None:
    ruled = apply_order_rules(kg("10.3"), convert=sheet, increment=None, discrete=False)
    assert ruled.quantity == kg("10.3")
    assert ruled.adjustments == ()


@pytest.mark.parametrize("value", ["40", "99.99"])
def test_below_minimum_order_is_raised(value: str) -> None:
    ruled = apply_order_rules(kg(value), convert=sheet, min_order=kg("100"))
    assert ruled.quantity == kg("100")
    assert ruled.adjustments == ("raised to the minimum order of 100 kg",)


@pytest.mark.parametrize("value", ["100", "150"])
def test_at_or_above_minimum_order_is_kept(value: str) -> None:
    ruled = apply_order_rules(kg(value), convert=sheet, min_order=kg("100"))
    assert ruled.quantity == kg(value)
    assert ruled.adjustments == ()


def test_minimum_in_another_unit() -> None:
    ruled = apply_order_rules(kg("400"), convert=sheet, min_order=Quantity(D("0.5"), "t"))
    assert ruled.quantity == kg("500")
    assert ruled.adjustments == ("raised to the minimum order of 0.5 t",)


def test_minimum_then_increment() -> None:
    ruled = apply_order_rules(kg("60"), convert=sheet, min_order=kg("110"), increment=kg("25"))
    assert ruled.quantity == kg("125")
    assert ruled.adjustments == (
        "raised to the minimum order of 110 kg",
        "rounded up from 110 kg to 125 kg: sold in increments of 25 kg",
    )


@pytest.mark.parametrize("value", ["0", "-1", "NaN"])
def test_quantity_must_be_positive(value: str) -> None:
    with pytest.raises(InvalidInput, match="quantity"):
        apply_order_rules(kg(value), convert=sheet)


def test_a_zero_increment_is_a_data_error() -> None:
    with pytest.raises(ValueError, match="increment"):
        apply_order_rules(kg("1"), convert=sheet, increment=kg("0"))


def test_good_rules_have_no_problems() -> None:
    problems = order_rules_problems(
        stock_unit="piece",
        discrete=True,
        min_order=kg("100"),
        increment=kg("78.5"),  # 2 sheets
        convert=sheet,
        known_unit=KNOWN.__contains__,
    )
    assert problems == []


def test_rule_problems_are_reported_per_field() -> None:
    problems = order_rules_problems(
        stock_unit="kg",
        discrete=False,
        min_order=kg("-1"),
        increment=Quantity(D(0), "kg"),
        convert=sheet,
        known_unit=KNOWN.__contains__,
    )
    assert [p.field for p in problems] == ["min_order.value", "increment.value"]


def test_unknown_and_unconvertible_rule_units_are_problems() -> None:
    problems = order_rules_problems(
        stock_unit="kg",
        discrete=False,
        min_order=Quantity(D(1), "furlong"),
        increment=Quantity(D(1), "m2"),
        convert=granulate,
        known_unit=KNOWN.__contains__,
    )
    assert [p.field for p in problems] == ["min_order.unit", "increment.unit"]
    assert "unknown unit 'furlong'" in problems[0].message
    assert "cannot be expressed in the stock unit kg" in problems[1].message


def test_discrete_product_needs_a_whole_increment() -> None:
    problems = order_rules_problems(
        stock_unit="piece",
        discrete=True,
        min_order=None,
        increment=Quantity(D("2.5"), "piece"),
        convert=sheet,
        known_unit=KNOWN.__contains__,
    )
    assert [p.field for p in problems] == ["increment"]
    assert "whole number of pieces" in problems[0].message
