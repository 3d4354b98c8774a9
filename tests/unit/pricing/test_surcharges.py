"""Metal surcharges and extras against hand calculations from published formulas (exact Decimals throughout).

References (the published worked examples, recomputed here by hand):
- kabeltronik, "Calculation formula for copper surcharge" (kabeltronik.de/en/kabeltronik/info-download/copper-
  surcharge): (DEL 900.00 + 1 % = 909.00 - copper base 150.00) EUR/100 kg = 7.59 EUR/kg x 2.57 kg = 19.51 EUR.
- bda connectivity, "Copper Quotation" (bda-connectivity.com/en/service/copper-quotation/):
  (8.6240 - 1.50) EUR/kg x 0.1 kg/m x 1000 m = 712.40 EUR, on a 2500 EUR base: 3212.40 EUR.
- Revere Copper, "Comex Surcharge" (reverecopper.com/resource-center/comex-surcharge): previous month's average
  2.75 USD/lb, base 1.50 USD/lb, 2 %: (2.75 - 1.50) x 0.02 = 0.0250 USD/lb.
- lz-prognose, "What is the Alloy Surcharge? Definition and Calculation" (lz-prognose.de/alloy-surcharge-
  definition-and-calculation/): per element (average - reference) x content, converted from USD; an element below
  its reference contributes zero ("there cannot be any negative alloy surcharges").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from steelyard.errors import InvalidInput
from steelyard.market.model import IndexValue, average, previous_month, value_on
from steelyard.pricing.surcharges import (
    ExtraRule,
    IndexFigure,
    SurchargeRule,
    extras,
    market_total,
    surcharge_rate,
    surcharges,
)

D = Decimal
DAY = date(2026, 11, 30)


def figure(index: str, value: str, currency: str = "EUR", unit: str = "t", basis: str = "order_date") -> IndexFigure:
    return IndexFigure(index=index, value=D(value), date=DAY, currency=currency, unit=unit, basis=basis)  # type: ignore[arg-type]


def euro(_: str) -> D:
    return D(1)


def test_kabeltronik_copper_surcharge_on_a_cable() -> None:
    # DEL 909.00 EUR/100 kg = 9090 EUR/t, copper base 150.00 EUR/100 kg = 1500 EUR/t, 2.57 kg of copper per 100 m
    rule = SurchargeRule(index="DEL", share=D(1), reference=D(1500))
    (s,) = surcharges([rule], {"DEL": figure("DEL", "9090")}, weight_kg=D("2.57"), fx=euro, minor_units=2)
    assert s.rate == D("7.5900")  # EUR/kg
    assert s.amount == D("19.51")  # 7.59 x 2.57 = 19.5063


def test_bda_copper_surcharge_on_1000_m_of_cable() -> None:
    rule = SurchargeRule(index="CU", share=D(1), reference=D("1.50"), per="kg")
    found = surcharges([rule], {"CU": figure("CU", "8.6240", unit="kg")}, weight_kg=D(100), fx=euro, minor_units=2)
    assert found[0].amount == D("712.40")
    assert D(2500) + market_total(found, ()) == D("3212.40")


def test_revere_comex_surcharge_from_the_previous_months_average_in_usd_per_lb() -> None:
    november = [IndexValue(date(2026, 11, d), D(v)) for d, v in ((2, "2.70"), (3, "2.80"), (4, "2.75"))]
    mean = average(november)
    assert mean == D("2.75")
    rule = SurchargeRule(index="COMEX", share=D("0.02"), reference=D("1.50"), per="lb", basis="period_average")
    rate = surcharge_rate(rule, figure("COMEX", str(mean), "USD", "lb", "period_average"), D(1))
    assert rate == D("0.0250")  # USD/lb, exactly as published


def test_an_element_below_its_reference_adds_nothing_and_never_lowers_the_price() -> None:
    nickel = SurchargeRule(index="NI", share=D("0.08"), reference=D(15000))
    chromium = SurchargeRule(index="CR", share=D("0.18"), reference=D(1000))
    figures = {"NI": figure("NI", "14000"), "CR": figure("CR", "1500")}
    ni, cr = surcharges([nickel, chromium], figures, weight_kg=D(1000), fx=euro, minor_units=2)
    assert ni.amount == D("0.00")  # 14000 < 15000: zero, not -80
    assert cr.amount == D("90.00")  # (1500 - 1000) x 0.18 = 90 EUR/t, on 1 t


def test_brass_cw617n_from_lme_copper_and_zinc_in_usd() -> None:
    # docs/market.md, worked example 1: 1 EUR = 1.08 USD; LME-CU 9720 USD/t, LME-ZN 2916 USD/t; 58 % Cu, 39 % Zn
    # Cu: 9720 x 0.58 = 5637.60 USD/t / 1.08 = 5220 EUR/t = 5.22 EUR/kg; x 100 kg = 522.00 EUR
    # Zn: 2916 x 0.39 = 1137.24 USD/t / 1.08 = 1053 EUR/t = 1.053 EUR/kg; x 100 kg = 105.30 EUR
    rules = [
        SurchargeRule(index="LME-CU", share=D("0.58"), reference=D(0)),
        SurchargeRule(index="LME-ZN", share=D("0.39"), reference=D(0)),
    ]
    figures = {"LME-CU": figure("LME-CU", "9720", "USD"), "LME-ZN": figure("LME-ZN", "2916", "USD")}
    cu, zn = surcharges(rules, figures, weight_kg=D(100), fx=lambda c: D(1) / D("1.08"), minor_units=2)
    assert (cu.rate, cu.amount) == (D("5.2200"), D("522.00"))
    assert (zn.rate, zn.amount) == (D("1.0530"), D("105.30"))


def test_amounts_round_once_half_up_from_the_exact_rate() -> None:
    # 1/3 EUR/kg is stated as 0.3333, but 3 kg are charged from the exact rate: 1.00, not 3 x 0.3333 = 1.00 - 0.0001
    rule = SurchargeRule(index="X", share=D(1), reference=D(0))
    (s,) = surcharges([rule], {"X": figure("X", "1000")}, weight_kg=D(3), fx=lambda c: D(1) / D(3), minor_units=2)
    assert s.rate == D("0.3333") and s.amount == D("1.00")
    (half,) = surcharges([rule], {"X": figure("X", "5")}, weight_kg=D(1), fx=euro, minor_units=2)
    assert half.amount == D("0.01")  # 0.005 EUR -> 0.01 (half-up)


def test_extras_for_a_finish_and_a_certificate() -> None:
    rules = [
        ExtraRule(kind="finish", value="polished", amount=D("0.35"), per="kg"),
        ExtraRule(kind="certificate", value="3.1", amount=D(25)),
        ExtraRule(kind="certificate", value="3.2", amount=D(180)),
    ]
    found = extras(rules, finish="Polished", certificate="3.1", weight_kg=D(40), fx=D(1), minor_units=2)
    assert [(e.kind, e.amount) for e in found] == [("finish", D("14.00")), ("certificate", D("25.00"))]
    assert extras(rules, finish=None, certificate=None, weight_kg=D(40), fx=D(1), minor_units=2) == ()


@pytest.mark.parametrize("share", ["0", "-0.5", "11", "NaN"])
def test_a_share_outside_0_to_10_is_refused(share: str) -> None:
    rule = SurchargeRule(index="X", share=D(share), reference=D(0))
    with pytest.raises(InvalidInput, match="share"):
        surcharge_rate(rule, figure("X", "1000"), D(1))


def test_the_value_in_force_and_the_previous_month() -> None:
    values = [IndexValue(date(2026, 11, 2), D(1)), IndexValue(date(2026, 11, 4), D(2))]
    assert value_on(values, date(2026, 11, 3)) == values[0]
    assert value_on(values, date(2026, 11, 30)) == values[1]
    assert value_on(values, date(2026, 11, 1)) is None
    assert previous_month(date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert previous_month(date(2024, 3, 1)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert average([IndexValue(DAY, D(1)), IndexValue(DAY, D(2)), IndexValue(DAY, D(2))]) == D("1.666667")
