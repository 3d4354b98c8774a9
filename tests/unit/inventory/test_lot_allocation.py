"""First in, first out over lots, and what a line's requirements (certificate, single heat, remnant) allow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from steelyard.inventory.model import (
    LotStock,
    Requirements,
    allocate_lots,
    certificate_at_least,
    fifo_order,
    shortfall,
)

DAY0 = datetime(2026, 11, 1, tzinfo=UTC)
D = Decimal


def lot(
    id: int,
    code: str,
    days: int,
    on_hand: str,
    *,
    heat: str | None = None,
    cert: str | None = None,
    reserved: str = "0",
    remnant: bool = False,
) -> LotStock:
    return LotStock(
        id,
        {"DUI": 1, "MIL": 2, "RTM": 3}[code],
        code,
        heat,
        cert,
        DAY0 + timedelta(days=days),
        D(on_hand),
        D(reserved),
        remnant,
    )


def test_oldest_lot_first_within_a_warehouse_whatever_the_id() -> None:
    young, old = lot(1, "DUI", 5, "10", heat="A"), lot(2, "DUI", 1, "10", heat="B")
    assert [(x.id, q) for x, q in allocate_lots(D(15), [young, old], None)] == [(2, D(10)), (1, D(5))]


def test_home_warehouse_first_then_most_available_then_fifo_inside_each() -> None:
    lots = [lot(1, "DUI", 1, "4"), lot(2, "RTM", 0, "9"), lot(3, "MIL", 3, "2"), lot(4, "MIL", 2, "1")]
    assert [x.id for x in fifo_order(lots, "MIL")] == [4, 3, 2, 1]
    assert [(x.id, q) for x, q in allocate_lots(D(5), lots, "MIL")] == [(4, D(1)), (3, D(2)), (2, D(2))]


def test_reserved_stock_is_not_taken_and_the_result_may_fall_short() -> None:
    lots = [lot(1, "DUI", 0, "10", reserved="8"), lot(2, "DUI", 1, "3")]
    assert [(x.id, q) for x, q in allocate_lots(D(20), lots, None)] == [(1, D(2)), (2, D(3))]


def test_en_10204_order_a_31_line_takes_31_or_32_only() -> None:
    assert certificate_at_least("3.2", "3.1") and certificate_at_least("3.1", "3.1")
    assert not certificate_at_least("2.2", "3.1") and not certificate_at_least(None, "2.1")
    assert certificate_at_least(None, None)
    lots = [lot(1, "DUI", 0, "5", cert="2.2"), lot(2, "DUI", 1, "5", cert="3.2"), lot(3, "DUI", 2, "5", cert="3.1")]
    got = allocate_lots(D(8), lots, None, Requirements(certificate="3.1"))
    assert [(x.id, q) for x, q in got] == [(2, D(5)), (3, D(3))]


def test_single_heat_takes_the_oldest_heat_that_covers_the_line_across_warehouses() -> None:
    lots = [
        lot(1, "DUI", 0, "6", heat="H1"),
        lot(2, "DUI", 1, "5", heat="H2"),
        lot(3, "RTM", 2, "5", heat="H2"),
        lot(4, "DUI", 3, "20", heat="H3"),
        lot(5, "DUI", 0, "50"),  # untraced: cannot prove its heat
    ]
    got = allocate_lots(D(9), lots, None, Requirements(single_heat=True))
    assert {x.heat for x, _ in got} == {"H2"} and sum(q for _, q in got) == D(9)
    assert [x.heat for x, _ in allocate_lots(D(12), lots, None, Requirements(single_heat=True))] == ["H3"]
    short = allocate_lots(D(30), lots, None, Requirements(single_heat=True))  # no heat has 30: the largest one
    assert [(x.heat, q) for x, q in short] == [("H3", D(20))]


def test_remnants_are_left_alone_unless_the_line_asks_for_them() -> None:
    lots = [lot(1, "DUI", 0, "1", remnant=True), lot(2, "DUI", 1, "2")]
    assert [x.id for x, _ in allocate_lots(D(3), lots, None)] == [2]
    assert [x.id for x, _ in allocate_lots(D(3), lots, None, Requirements(remnant=True))] == [1]


def test_shortfall_says_why_in_numbers() -> None:
    lots = [lot(1, "DUI", 0, "40", heat="A", cert="3.1"), lot(2, "DUI", 1, "80", heat="B", cert="2.2")]
    assert shortfall(D(30), lots, Requirements(certificate="3.1"), "kg") is None
    why = shortfall(D(50), lots, Requirements(certificate="3.1"), "kg")
    assert why == "50 kg needed: 40 kg of the 120 kg stock available has an EN 10204 3.1 certificate or better"
    why = shortfall(D(100), lots, Requirements(single_heat=True), "kg")
    assert why == "100 kg needed: the most any one heat has is 80 kg"
    assert shortfall(D(200), lots, Requirements(), "kg") == "120 kg stock available of 200 kg needed"
