"""Tier selection at and around boundaries, across units; tier list validation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pricing_fakes import KNOWN_UNITS, granulate, sheet

from steelyard.catalog.model import PriceTier
from steelyard.errors import InvalidInput, UnitError
from steelyard.pricing import select_tier, tiers_problems
from steelyard.units.quantity import Quantity

D = Decimal
# A steel sheet 2 x 1000 x 2500 mm at 7850 kg/m3: 1 sheet = 39.25 kg, 1 m2 = 15.7 kg.
KNOWN = KNOWN_UNITS.__contains__


def tier(value: str, unit: str, price: str = "1", per: str = "kg") -> PriceTier:
    return PriceTier(Quantity(D(value), unit), D(price), per)


TIERS = (tier("0", "kg", "3.20"), tier("100", "kg", "3.00"), tier("1", "t", "2.80"))


@pytest.mark.parametrize(
    ("value", "unit", "index"),
    [
        ("0.001", "kg", 0),
        ("99.99", "kg", 0),
        ("100", "kg", 1),  # exactly at the minimum
        ("100.01", "kg", 1),
        ("999.999", "kg", 1),
        ("1000", "kg", 2),  # a tier in t reached in kg
        ("1", "t", 2),
        ("0.9999", "t", 1),
        ("25", "t", 2),
        ("220.462", "lb", 0),  # 99.99997 kg
        ("220.463", "lb", 1),  # 100.00042 kg
        ("2204.62", "lb", 1),  # 999.99882 kg
        ("2204.63", "lb", 2),  # 1000.00336 kg
        ("2.5", "sheet", 0),
        ("3", "sheet", 1),  # 117.75 kg
        ("100000", "g", 1),
    ],
)
def test_tier_is_the_largest_minimum_reached(value: str, unit: str, index: int) -> None:
    found, chosen = select_tier(TIERS, Quantity(D(value), unit), sheet)
    assert found == index
    assert chosen is TIERS[index]


def test_tier_in_pieces_reached_by_a_mass() -> None:
    tiers = (tier("0", "piece", "120", "piece"), tier("10", "piece", "110", "piece"))
    assert select_tier(tiers, Quantity(D("392.5"), "kg"), sheet)[0] == 1  # 10 sheets
    assert select_tier(tiers, Quantity(D("392.4"), "kg"), sheet)[0] == 0


def test_a_round_trip_on_the_boundary_still_reaches_the_tier() -> None:
    tiers = (tier("0", "kg"), tier("50", "lb"))
    assert select_tier(tiers, Quantity(D("22.6796185"), "kg"), sheet)[0] == 1  # exactly 50 lb
    assert select_tier(tiers, Quantity(D("22.6796"), "kg"), sheet)[0] == 0


def test_conversion_noise_below_a_boundary_still_reaches_the_tier() -> None:
    tiers = (tier("0", "piece", "120", "piece"), tier("4", "piece", "110", "piece"))
    four_sheets_in_lb = Quantity(D("346.1257516302578017350688681"), "lb")  # 3.99999...9 sheets back
    assert select_tier(tiers, four_sheets_in_lb, sheet)[0] == 1
    assert select_tier(tiers, Quantity(D("346.12575"), "lb"), sheet)[0] == 0


def test_unsorted_tiers_still_pick_the_largest_minimum_reached() -> None:
    tiers = (tier("1", "t"), tier("0", "kg"), tier("100", "kg"))
    assert select_tier(tiers, Quantity(D("150"), "kg"), sheet)[0] == 2
    assert select_tier(tiers, Quantity(D("2"), "t"), sheet)[0] == 0


def test_below_every_tier_the_lowest_tier_is_the_floor() -> None:
    assert select_tier((tier("50", "kg"), tier("100", "kg")), Quantity(D(10), "kg"), sheet)[0] == 0
    assert select_tier((tier("100", "kg"), tier("50", "kg")), Quantity(D(10), "kg"), sheet)[0] == 1


def test_no_tiers_cannot_be_quoted() -> None:
    with pytest.raises(InvalidInput, match="no price tiers"):
        select_tier((), Quantity(D(1), "kg"), sheet)


def test_a_tier_the_product_cannot_reach_is_a_unit_error() -> None:
    with pytest.raises(UnitError, match="sold in kg"):
        select_tier((tier("0", "kg"), tier("1", "m2")), Quantity(D(1), "kg"), granulate)


def test_a_good_tier_list_has_no_problems() -> None:
    assert tiers_problems(TIERS, sheet, KNOWN) == []
    assert tiers_problems((tier("0", "kg", "50", "m2"), tier("2", "sheet", "45", "m2")), sheet, KNOWN) == []


def test_at_least_one_tier() -> None:
    problems = tiers_problems((), sheet, KNOWN)
    expected = [("price.tiers", "at least one price tier is required")]
    assert [(p.field, p.message) for p in problems] == expected


def test_negative_price_and_unknown_per() -> None:
    problems = tiers_problems((tier("0", "kg", "-0.01"), tier("5", "kg", "1", "furlong")), sheet, KNOWN)
    assert [p.field for p in problems] == ["price.tiers[0].unit_price", "price.tiers[1].per"]


def test_tiers_must_ascend_strictly() -> None:
    problems = tiers_problems((tier("0", "kg"), tier("100", "kg"), tier("100", "kg")), sheet, KNOWN)
    assert [p.field for p in problems] == ["price.tiers[2].min_quantity"]
    assert "strictly ascending" in problems[0].message


def test_tiers_in_different_units_are_compared_through_the_converter() -> None:
    problems = tiers_problems((tier("0", "kg"), tier("1", "t"), tier("500", "kg")), sheet, KNOWN)
    assert [p.field for p in problems] == ["price.tiers[2].min_quantity"]
    assert "500 kg is not above 1 t" in problems[0].message


def test_without_a_converter_tiers_need_one_unit() -> None:
    problems = tiers_problems((tier("0", "kg"), tier("1", "t")), None, KNOWN)
    assert [p.field for p in problems] == ["price.tiers[1].min_quantity"]
    assert "one unit" in problems[0].message
    assert tiers_problems((tier("0", "kg"), tier("1", "kg")), None, KNOWN) == []


def test_tiers_of_a_kind_the_product_lacks_are_problems() -> None:
    problems = tiers_problems((tier("0", "kg"), tier("1", "m2")), granulate, KNOWN, stock_unit="kg")
    assert [p.field for p in problems] == ["price.tiers[1].min_quantity.unit"]
    assert "cannot be counted in m2" in problems[0].message


def test_tiers_of_different_kinds_without_a_stock_unit_cannot_be_compared() -> None:
    problems = tiers_problems((tier("0", "kg"), tier("1", "m2", per="m2")), granulate, KNOWN)
    assert [p.field for p in problems] == ["price.tiers[1].min_quantity"]
    assert "cannot be compared with 0 kg" in problems[0].message


def test_price_per_a_unit_the_product_cannot_be_sold_in() -> None:
    for stock_unit in (None, "kg", "t"):
        problems = tiers_problems((tier("0", "kg", "4", "m2"),), granulate, KNOWN, stock_unit=stock_unit)
        assert [p.field for p in problems] == ["price.tiers[0].per"]
        assert "cannot be priced per m2" in problems[0].message


def test_bad_minimum_is_reported_and_skipped_for_ordering() -> None:
    problems = tiers_problems((tier("0", "kg"), tier("-5", "kg"), tier("10", "kg")), sheet, KNOWN)
    assert [p.field for p in problems] == ["price.tiers[1].min_quantity.value"]


def test_shared_tier_bases_sum_each_products_lines_in_its_unit() -> None:
    from steelyard.pricing import shared_tier_bases

    bases = shared_tier_bases(
        [
            ("BAR", Quantity(Decimal(300), "kg")),
            ("SHEET", Quantity(Decimal(2), "piece")),
            ("BAR", Quantity(Decimal("300.5"), "kg")),
        ]
    )
    assert bases == {"BAR": Quantity(Decimal("600.5"), "kg"), "SHEET": Quantity(Decimal(2), "piece")}
    with pytest.raises(ValueError, match="one unit"):
        shared_tier_bases([("BAR", Quantity(Decimal(1), "kg")), ("BAR", Quantity(Decimal(1), "lb"))])


def test_a_tier_basis_chooses_the_tier_and_the_line_keeps_its_own_quantity() -> None:
    from steelyard.pricing import estimate_line

    tiers = [
        PriceTier(Quantity(Decimal(0), "kg"), Decimal("1.60"), "kg"),
        PriceTier(Quantity(Decimal(500), "kg"), Decimal("1.45"), "kg"),
    ]
    alone = estimate_line(
        requested=Quantity(Decimal(300), "kg"), stock_unit="kg", tiers=tiers, convert=lambda q, u: q.value
    )
    shared = estimate_line(
        requested=Quantity(Decimal(300), "kg"),
        stock_unit="kg",
        tiers=tiers,
        convert=lambda q, u: q.value,
        tier_basis=Quantity(Decimal(600), "kg"),
    )
    assert (alone.tier_index, alone.subtotal) == (0, Decimal("480.00"))
    assert (shared.tier_index, shared.subtotal, shared.stock_quantity) == (
        1,
        Decimal("435.00"),
        Quantity(Decimal(300), "kg"),
    )
