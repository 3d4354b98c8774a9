"""Quote lines: rules, tiers, discount, currency, cut-to-size fees and the line subtotal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pricing_fakes import granulate, sheet

from steelyard.catalog.model import PriceTier
from steelyard.errors import InvalidInput, UnitError
from steelyard.pricing import Cut, Fee, LineEstimate, PlannedCut, estimate_line
from steelyard.units.quantity import Quantity

D = Decimal


def q(value: str, unit: str = "kg") -> Quantity:
    return Quantity(D(value), unit)


def tier(value: str, unit: str, price: str, per: str = "kg") -> PriceTier:
    return PriceTier(q(value, unit), D(price), per)


KG_TIERS = (tier("0", "kg", "3.20"), tier("100", "kg", "3.00"), tier("1", "t", "2.80"))
SHEET_TIERS = (tier("0", "piece", "120.00", "piece"), tier("10", "piece", "110.00", "piece"))


def line(requested: Quantity, **kwargs: Any) -> LineEstimate:
    args: dict[str, Any] = {"stock_unit": "kg", "tiers": KG_TIERS, "convert": sheet}
    args.update(kwargs)
    return estimate_line(requested=requested, **args)


def test_a_plain_line() -> None:
    est = line(q("10"))
    assert (est.quantity, est.stock_quantity, est.priced_quantity) == (q("10"), q("10"), q("10"))
    assert (est.tier_index, est.per, str(est.unit_price), str(est.subtotal)) == (0, "kg", "3.2000", "32.00")
    assert est.fees == ()
    assert est.adjustments == ()


@pytest.mark.parametrize(
    ("value", "unit", "index", "subtotal"),
    [("99.99", "kg", 0, "319.97"), ("100", "kg", 1, "300.00"), ("1", "t", 2, "2800.00"), ("0.9999", "t", 1, "2999.70")],
)
def test_tier_boundaries_on_a_line(value: str, unit: str, index: int, subtotal: str) -> None:
    est = line(q(value, unit))
    assert (est.tier_index, str(est.subtotal)) == (index, subtotal)


def test_increment_applies_before_the_tier() -> None:
    est = line(q("90"), increment=q("25"))
    assert (est.quantity, est.tier_index, str(est.subtotal)) == (q("100"), 1, "300.00")
    assert est.adjustments == ("rounded up from 90 kg to 100 kg: sold in increments of 25 kg",)


def test_sixty_kilograms_in_bags_of_twenty_five() -> None:
    est = line(q("60"), increment=q("25"))
    assert (est.requested, est.quantity, est.stock_quantity) == (q("60"), q("75"), q("75"))
    assert str(est.subtotal) == "240.00"


def test_minimum_order_is_raised_and_priced() -> None:
    est = line(q("40"), min_order=q("100"))
    assert (est.quantity, str(est.subtotal)) == (q("100"), "300.00")
    assert est.adjustments == ("raised to the minimum order of 100 kg",)


def test_requested_in_pounds_of_a_kg_product() -> None:
    est = line(q("100", "lb"))
    assert est.quantity == q("100", "lb")
    assert est.stock_quantity == q("45.359237")
    assert str(est.subtotal) == "145.15"  # 145.1495584


def test_rounded_quantity_is_reported_in_the_requested_unit() -> None:
    est = line(q("100", "lb"), increment=q("25"))  # 45.36 kg -> 50 kg
    assert est.stock_quantity == q("50")
    assert est.quantity.unit == "lb"
    assert round(est.quantity.value, 6) == D("110.231131")
    assert str(est.subtotal) == "160.00"


def test_sheets_of_a_kg_product_are_exactly_their_weight() -> None:
    est = line(q("3", "sheet"))
    assert est.quantity == q("3", "sheet")
    assert (est.stock_quantity, est.priced_quantity) == (q("117.75"), q("117.75"))
    assert (est.tier_index, str(est.subtotal), est.adjustments) == (1, "353.25", ())


def test_a_mass_of_a_discrete_product_rounds_up_to_whole_pieces() -> None:
    est = line(q("100"), stock_unit="piece", tiers=SHEET_TIERS, discrete=True, piece_name="sheet")
    assert (est.stock_quantity, est.quantity) == (q("3", "piece"), q("117.75"))
    assert str(est.subtotal) == "360.00"
    assert est.adjustments == ("rounded up from 2.548 sheets to 3 sheets: sold in whole pieces",)


def test_pieces_asked_for_by_weight_do_not_gain_a_piece_from_conversion_noise() -> None:
    three_sheets_in_lb = q("259.5943137226933513013016511", "lb")
    est = line(three_sheets_in_lb, stock_unit="piece", tiers=SHEET_TIERS, discrete=True)
    assert (est.stock_quantity, str(est.subtotal), est.adjustments) == (q("3", "piece"), "360.00", ())


def test_fractional_pieces_round_up() -> None:
    est = line(q("3.2", "piece"), stock_unit="piece", tiers=SHEET_TIERS, discrete=True)
    assert (est.quantity, est.stock_quantity) == (q("4", "piece"), q("4", "piece"))
    assert str(est.subtotal) == "480.00"


def test_priced_per_square_metre() -> None:
    est = line(q("1", "sheet"), tiers=(tier("0", "kg", "50.00", "m2"),))
    assert (est.priced_quantity, str(est.subtotal)) == (q("2.5", "m2"), "125.00")


@pytest.mark.parametrize(
    ("percent", "unit_price", "subtotal"),
    [("10", "2.7000", "270.00"), ("0", "3.0000", "300.00"), ("100", "0.0000", "0.00"), ("12.5", "2.6250", "262.50")],
)
def test_discount_is_a_percent_off_the_unit_price(percent: str, unit_price: str, subtotal: str) -> None:
    est = line(q("100"), discount_percent=D(percent))
    assert (str(est.unit_price), str(est.subtotal)) == (unit_price, subtotal)


@pytest.mark.parametrize("percent", ["-1", "100.01", "NaN"])
def test_discount_outside_0_to_100_is_refused(percent: str) -> None:
    with pytest.raises(InvalidInput, match="discount_percent"):
        line(q("100"), discount_percent=D(percent))


def test_exchange_to_a_currency_without_minor_units() -> None:
    est = line(q("10"), fx_rate=D("162.37"), minor_units=0)
    assert str(est.unit_price) == "519.5840"
    assert str(est.subtotal) == "5196"  # 5195.84


def test_exchange_rate_must_be_positive() -> None:
    with pytest.raises(InvalidInput, match="exchange rate"):
        line(q("10"), fx_rate=D(0))


def test_line_is_rounded_half_up_once() -> None:
    assert str(line(q("0.5"), tiers=(tier("0", "kg", "0.01"),)).subtotal) == "0.01"  # 0.005
    assert str(line(q("2.5"), tiers=(tier("0", "kg", "0.01"),), minor_units=1).subtotal) == "0.0"  # 0.025


def test_subtotal_uses_the_exact_unit_price() -> None:
    est = line(q("10000"), tiers=(tier("0", "kg", "1.00005"),))
    assert str(est.unit_price) == "1.0001"
    assert est.unit_price_exact == D("1.00005")
    assert str(est.subtotal) == "10000.50"


def _planned(parts: int, cuts: int, stock: Quantity) -> PlannedCut:
    return PlannedCut(parts, cuts, stock, "cut from the plan")


def test_cut_to_size_with_length_and_width() -> None:
    # 4 parts of 500 x 500 mm planned on 15.7 kg of sheet: priced on the stock taken, 2 cuts a part
    est = line(q("4", "piece"), cut=Cut(D(500), D(500)), cut_fee=D("2.50"), planned=_planned(4, 8, q("15.7")))
    assert (est.quantity, est.stock_quantity, est.priced_quantity) == (q("4", "piece"), q("15.7"), q("15.7"))
    assert est.fees == (Fee("cutting", D(8), D("2.5000"), D("20.00")),)
    assert str(est.subtotal) == "70.24"  # 15.7 kg x 3.20 + 8 cuts x 2.50
    assert est.cut == Cut(D(500), D(500))
    assert est.adjustments == ("cut from the plan",)


def test_cut_to_length_is_one_cut_per_piece() -> None:
    est = line(q("3", "bar"), cut=Cut(D(1200)), cut_fee=D("1.10"), planned=_planned(3, 3, q("6")))
    assert est.fees == (Fee("cutting", D(3), D("1.1000"), D("3.30")),)
    assert str(est.subtotal) == "22.50"  # 6 kg x 3.20 + 3.30


def test_cut_fee_is_not_discounted_and_is_exchanged() -> None:
    est = line(
        q("2", "piece"),
        cut=Cut(D(500), D(500)),
        cut_fee=D("2.50"),
        planned=_planned(2, 4, q("7.85")),
        discount_percent=D(50),
        fx_rate=D("162.37"),
        minor_units=0,
    )
    assert est.fees == (Fee("cutting", D(4), D("405.9250"), D("1624")),)  # 1623.70
    assert str(est.subtotal) == "3663"  # 7.85 kg x 1.60 x 162.37 = 2039.3672, + 1623.70 fees


def test_a_cut_line_below_the_minimum_order_is_priced_at_the_minimum() -> None:
    est = line(q("4", "piece"), cut=Cut(D(500), D(500)), planned=_planned(4, 8, q("15.7")), min_order=q("100"))
    assert est.quantity == q("4", "piece")
    assert est.stock_quantity == q("15.7")  # the hold takes what the plan takes
    assert est.priced_quantity == q("100")
    assert est.adjustments == ("cut from the plan", "priced at the minimum order of 100 kg")


def test_cut_from_a_discrete_product_takes_the_planned_pieces() -> None:
    est = line(
        q("4", "piece"),
        stock_unit="piece",
        discrete=True,
        piece_name="sheet",
        cut=Cut(D(500), D(500)),
        planned=_planned(4, 8, q("2", "piece")),
    )
    assert est.stock_quantity == q("2", "piece")
    assert est.priced_quantity == q("78.5")  # priced per kg: 2 sheets of 39.25 kg


def test_cut_lines_ignore_increments() -> None:
    est = line(q("1", "piece"), cut=Cut(D(500)), planned=_planned(1, 1, q("3")), increment=q("25"))
    assert est.stock_quantity == q("3")


def test_a_cut_must_be_ordered_in_pieces() -> None:
    with pytest.raises(InvalidInput, match="number of cut pieces"):
        line(q("10"), cut=Cut(D(500)), planned=_planned(1, 1, q("3")))


def test_a_cut_needs_a_plan() -> None:
    with pytest.raises(InvalidInput, match="cannot be cut to size"):
        line(q("1", "piece"), cut=Cut(D(500)))


@pytest.mark.parametrize("value", ["0", "-3", "Infinity"])
def test_requested_quantity_must_be_positive(value: str) -> None:
    with pytest.raises(InvalidInput, match="quantity"):
        line(q(value))


def test_an_absurd_quantity_is_refused_not_crashed_on() -> None:
    with pytest.raises(InvalidInput, match="too large"):
        line(q("1e40", "t"))
    assert str(line(q("1e15", "g")).subtotal) == "2800000000000.00"


def test_a_unit_the_product_cannot_be_sold_in_is_a_unit_error() -> None:
    with pytest.raises(UnitError, match="sold in kg, t, lb"):
        line(q("2", "m2"), convert=granulate)


def test_the_remnant_part_of_a_cut_line_is_priced_less_the_remnant_discount() -> None:
    # 15.7 kg taken, 5 kg of it from a remnant lot, remnants at 30 % off: 15.7 x 3.20 - 5 x 3.20 x 0.3 + 8 x 2.50
    planned = PlannedCut(4, 8, q("15.7"), "cut from the plan", remnant=q("5"))
    est = line(
        q("4", "piece"), cut=Cut(D(500), D(500)), cut_fee=D("2.50"), planned=planned, remnant_discount_percent=D(30)
    )
    assert est.remnant_discount == D("4.80")
    assert str(est.subtotal) == "65.44"  # 70.24 - 4.80
    assert line(q("4", "piece"), cut=Cut(D(500), D(500)), cut_fee=D("2.50"), planned=planned).subtotal == D("70.24")
    with pytest.raises(InvalidInput):
        line(q("4", "piece"), cut=Cut(D(500)), planned=planned, remnant_discount_percent=D(101))
