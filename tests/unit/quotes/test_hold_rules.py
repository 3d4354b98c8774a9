"""The hold caps as plain rules: the held share of a line, every cap at and past its boundary, the hold's lifetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from steelyard.quotes.hold_rules import Exposure, HeldLine, HoldLimits, breaches, held_line, hold_expiry

D = Decimal
LIMITS = HoldLimits(
    line_kg=D(100),
    line_value=D(200),
    quote_kg=D(150),
    quote_value=D(300),
    account_kg=D(400),
    credit_limit=D(1000),
    account_lines=3,
)


def line(n: int, kg: str, value: str) -> HeldLine:
    return HeldLine(line=n, sku=f"SKU-{n}", kg=D(kg), value=D(value))


def test_the_held_share_of_a_line_takes_the_same_share_of_weight_and_value_in_euros() -> None:
    # 3 of 4 sheets held, 4 sheets weigh 67.5 kg and cost 380.00 USD at 1.08 USD per EUR.
    held = held_line(
        line=1, sku="S", held=D(3), stock_quantity=D(4), weight_kg=D("67.5"), subtotal=D("380.00"), base_rate=D("1.08")
    )
    assert held.kg == D("50.625")
    assert held.value.quantize(D("0.0001")) == D("263.8889")  # 285.00 USD / 1.08


def test_a_line_without_weight_counts_by_value_and_nothing_held_counts_nothing() -> None:
    assert (
        held_line(line=1, sku="S", held=D(2), stock_quantity=D(2), weight_kg=None, subtotal=D(10), base_rate=D(1)).kg
        == 0
    )
    none = held_line(line=1, sku="S", held=D(0), stock_quantity=D(0), weight_kg=D(5), subtotal=D(0), base_rate=D(1))
    assert none.kg == 0 and none.value == 0


def test_at_every_cap_is_allowed() -> None:
    assert (
        breaches(LIMITS, [line(1, "100", "200"), line(2, "50", "100")], Exposure(kg=D(250), value=D(700), lines=1))
        == []
    )


@pytest.mark.parametrize(
    ("lines", "exposure", "says"),
    [
        ([line(1, "100.01", "1")], Exposure(), "line 1 (SKU-1) would hold 100.0 kg; one line may hold 100.0 kg"),
        ([line(2, "1", "200.01")], Exposure(), "line 2 (SKU-2) would hold 200.01 EUR; one line may hold 200.00 EUR"),
        (
            [line(1, "80", "1"), line(2, "71", "1")],
            Exposure(),
            "the quote would hold 151.0 kg; one quote may hold 150.0 kg",
        ),
        ([line(1, "1", "150"), line(2, "1", "151")], Exposure(), "the quote would hold 301.00 EUR"),
        ([line(1, "10", "1")], Exposure(kg=D("390.5")), "your account holds 390.5 kg already and may hold 400.0 kg"),
        ([line(1, "1", "10")], Exposure(value=D("990.01")), "worth 990.01 EUR and your credit limit is 1,000.00 EUR"),
        (
            [line(1, "1", "1"), line(2, "0", "0"), line(3, "1", "1")],  # a line that holds nothing is not counted
            Exposure(lines=2),
            "holds stock on 2 quote lines already and may hold on 3 at once; this quote would add 2",
        ),
    ],
)
def test_past_each_cap_is_refused_with_a_sentence_naming_it(
    lines: list[HeldLine], exposure: Exposure, says: str
) -> None:
    found = breaches(LIMITS, lines, exposure)
    assert len(found) == 1 and says in found[0]


def test_every_cap_passed_is_named() -> None:
    assert len(breaches(LIMITS, [line(1, "999999999", "999999999")], Exposure(lines=3))) == 7


def test_holds_lapse_after_the_hold_lifetime_or_with_the_quote_whichever_is_first() -> None:
    now = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    assert hold_expiry(now, now + timedelta(days=1), 60) == now + timedelta(hours=1)
    assert hold_expiry(now, now + timedelta(minutes=30), 60) == now + timedelta(minutes=30)
