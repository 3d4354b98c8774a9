"""Freight estimates (steelyard.pricing.freight): every figure below is worked by hand in the comments."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817  (short, for the many worked figures)

from steelyard.pricing.freight import FreightRule, ShipLine, estimate_freight, freight_rule_problems

PARCEL = FreightRule("parcel-de", "parcel", D("6.90"), D("0.35"), "EUR", ("DE", "AT"), D("31.5"), D("1600"))
PALLET = FreightRule("pallet", "pallet", D("55"), D("0.08"), "EUR", (), D("1000"), D("2400"))
TRUCK = FreightRule("long-goods", "truck", D("180"), D("0.04"), "EUR", (), D("24000"), None)
RULES = (PARCEL, PALLET, TRUCK)
EUR = {"EUR": D(1)}


def freight(*lines: ShipLine, country: str = "DE", rules=RULES, rates=EUR, currency="EUR"):
    return estimate_freight(lines, country=country, rules=rules, currency=currency, minor_units=2, rates=rates)


def test_a_short_light_consignment_goes_by_parcel() -> None:
    est = freight(ShipLine(1, D("12.5"), D("1000")))
    # parcel 6.90 + 0.35 x 12.5 = 11.275 -> 11.28; pallet 55 + 1.00 = 56.00; truck 180.50
    assert (est.rule, est.kind, est.amount) == ("parcel-de", "parcel", D("11.28"))
    assert est.advice[0].startswith("12.5 kg, longest piece 1000 mm to DE ships by parcel")


def test_a_long_bar_moves_up_a_class_and_the_answer_says_a_cut_would_move_it_back() -> None:
    est = freight(ShipLine(1, D("12.5"), D("1000")), ShipLine(2, D("8"), D("3000"), can_cut=True))
    # 20.5 kg with a 3000 mm piece: too long for parcel (1600) and pallet (2400): truck 180 + 0.82 = 180.82
    assert (est.rule, est.amount, est.longest_mm, est.weight_kg) == ("long-goods", D("180.82"), D("3000"), D("20.5"))
    # parcel would be 6.90 + 0.35 x 20.5 = 14.075 -> 14.08 (cheaper than the pallet's 56.64)
    assert (
        "cut line 2 (3000 mm) to pieces of at most 1600 mm and it ships by parcel (parcel-de) for EUR 14.08 "
        "instead of EUR 180.82" in est.advice[1]
    )


def test_no_cut_advice_for_lines_already_cut_to_size() -> None:
    est = freight(ShipLine(1, D("8"), D("3000"), can_cut=False))
    assert est.rule == "long-goods" and len(est.advice) == 1


def test_weight_limits_and_countries() -> None:
    assert freight(ShipLine(1, D("40"), D("500"))).rule == "pallet"  # 40 kg > 31.5 kg parcel: 55 + 3.20
    assert freight(ShipLine(1, D("12.5"), D("500")), country="FR").rule == "pallet"  # parcel-de serves DE, AT
    est = freight(ShipLine(1, D("30000"), D("6000")))
    assert (est.rule, est.amount) == (None, None)
    assert "no carrier rule takes 30000 kg with pieces up to 6000 mm to DE" in est.advice[0]


def test_amounts_convert_into_the_quote_currency_and_round_once() -> None:
    # parcel 11.275 EUR x 0.8571 GBP/EUR = 9.6638025 -> 9.66 GBP
    est = freight(ShipLine(1, D("12.5"), D("1000")), rates={"EUR": D("0.8571")}, currency="GBP")
    assert est.amount == D("9.66")


def test_lines_without_a_weight_are_named() -> None:
    est = freight(ShipLine(1, None, None), ShipLine(2, D("1"), None))
    assert est.rule == "parcel-de" and est.amount == D("7.25")  # 6.90 + 0.35
    assert "line 1 has no weight and is left out" in est.advice


def test_bad_rules_are_each_named() -> None:
    bad = FreightRule("x", "parcel", D("-1"), D("NaN"), "EUR", (), D("0"), D("1e6"))
    assert [f for f, _ in freight_rule_problems(bad)] == ["base", "per_kg", "max_weight_kg", "max_length_mm"]
    assert freight_rule_problems(PARCEL) == []
