"""Order charges (steelyard.pricing.charges): every figure below is worked by hand in the comments."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817  (short, for the many worked figures)

import pytest

from steelyard.errors import InvalidInput
from steelyard.pricing.charges import ChargeRule, charge_rule_problems, order_charges, rules_in_force

MINIMUM = ChargeRule("minimum_order", D("100"), "EUR")
SMALL = ChargeRule("small_quantity", D("150"), "EUR", amount=D("15"))
EUR = {"EUR": D(1)}


def charges(goods: str, *rules: ChargeRule, account: int | None = None, rates=EUR, currency="EUR", places=2):
    return order_charges(D(goods), rules, account_id=account, currency=currency, minor_units=places, rates=rates)


def test_minimum_order_charges_the_shortfall_and_says_how_much_more_avoids_it() -> None:
    (charge,) = charges("72.50", MINIMUM)
    # 100.00 - 72.50 = 27.50 is added, and 27.50 more goods would reach the minimum
    assert (charge.kind, charge.amount, charge.short_by, charge.threshold) == (
        "minimum_order",
        D("27.50"),
        D("27.50"),
        D("100.00"),
    )
    assert "add EUR 27.50 of goods" in charge.note


def test_small_quantity_charges_a_fixed_amount_below_its_threshold() -> None:
    (charge,) = charges("72.50", SMALL)
    # 15.00 flat; 150.00 - 72.50 = 77.50 more avoids it
    assert (charge.amount, charge.short_by) == (D("15.00"), D("77.50"))


def test_at_the_threshold_nothing_is_charged() -> None:
    assert charges("100.00", MINIMUM) == ()
    assert charges("150.00", MINIMUM, SMALL) == ()
    assert [c.kind for c in charges("120.00", MINIMUM, SMALL)] == ["small_quantity"]


def test_an_accounts_rule_replaces_the_global_rule_of_its_kind_and_zero_exempts() -> None:
    own = ChargeRule("minimum_order", D("40"), "EUR", account_id=7)
    exempt = ChargeRule("small_quantity", D("0"), "EUR", amount=D("15"), account_id=7)
    assert rules_in_force([MINIMUM, SMALL, own, exempt], 7) == [own, exempt]
    assert rules_in_force([MINIMUM, SMALL, own, exempt], 8) == [MINIMUM, SMALL]
    (charge,) = charges("30", MINIMUM, SMALL, own, exempt, account=7)
    assert (charge.amount, charge.scope) == (D("10.00"), "account")  # 40 - 30


def test_rules_in_another_currency_are_converted_then_rounded_once() -> None:
    # 100 EUR at 1.0842 USD per EUR = 108.42 USD; 15 EUR = 16.263 -> 16.26 USD (half-up)
    usd = {"EUR": D("1.0842")}
    (minimum, small) = charges("50.00", MINIMUM, SMALL, rates=usd, currency="USD")
    assert minimum.threshold == D("108.42") and minimum.amount == D("58.42")
    assert small.amount == D("16.26") and small.short_by == D("162.63") - D("50.00")
    # JPY has no minor unit: 100 EUR at 161.235 = 16123.5 -> 16124
    (jpy,) = charges("10000", MINIMUM, rates={"EUR": D("161.235")}, currency="JPY", places=0)
    assert jpy.amount == D("6124")


def test_a_rule_in_a_currency_without_a_rate_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="no exchange rate for GBP"):
        charges("1", ChargeRule("minimum_order", D("100"), "GBP"))


def test_bad_rules_are_each_named() -> None:
    assert [f for f, _ in charge_rule_problems(ChargeRule("minimum_order", D("-1"), "EUR"))] == ["threshold"]
    assert [f for f, _ in charge_rule_problems(ChargeRule("minimum_order", D("1e10"), "EUR"))] == ["threshold"]
    assert [f for f, _ in charge_rule_problems(ChargeRule("small_quantity", D("10"), "EUR"))] == ["amount"]
    assert [f for f, _ in charge_rule_problems(ChargeRule("minimum_order", D("10"), "EUR", amount=D(1)))] == ["amount"]
    assert [f for f, _ in charge_rule_problems(ChargeRule("small_quantity", D("NaN"), "EUR", D(1)))] == ["threshold"]
    assert charge_rule_problems(SMALL) == []
