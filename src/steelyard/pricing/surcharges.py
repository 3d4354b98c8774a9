"""Metal surcharges and extras on a quote line (pure, no I/O): the market part of a price.

A price rule (per product, grade or family) adds to a line's base price (its tier, as before):
- **surcharges**, one per index: `rate = max(0, value - reference) x share`, in the index's currency per the
  index's unit of mass, converted to the quote currency (rate table) and to one `per` unit; the line pays
  `amount = round_half_up(weight in per x rate, minor unit)`. `value` is the index on the order date, or the average
  of the previous calendar month (`basis`); `reference` is the index value already contained in the base price
  (the copper base, "Kupferbasis"); `share` is the metal's mass fraction of the goods (CW617N: 0.58 copper,
  0.39 zinc), times any loss or purchase factor the supplier applies. Each surcharge is floored at zero on its own:
  a metal below its reference contributes nothing, it never lowers the base price (the alloy-surcharge rule).
- **extras**: fixed amounts for a finish the product has or a certificate the line asks for, per a unit of mass
  or per line, in the rule's currency converted to the quote currency.
Discounts apply to the base price only: surcharges and extras pass the market through unchanged.
The line's subtotal is its base subtotal (rounded as before) plus each rounded surcharge and extra, so the parts a
buyer reads add up to it exactly. The worked examples in docs/market.md are the tests' hand calculations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from steelyard.errors import InvalidInput
from steelyard.pricing.base import in_pricing_context, require_finite
from steelyard.pricing.money import round_money, round_unit_price
from steelyard.units import convert as convert_unit

Basis = Literal["order_date", "period_average"]
BASES: tuple[Basis, ...] = ("order_date", "period_average")
ExtraKind = Literal["finish", "certificate"]
LINE = "line"  # an extra charged once per line
MAX_SHARE = Decimal(10)  # a share is a mass fraction times a loss factor: scrap per tonne of steel is ~1.1


@dataclass(frozen=True, slots=True)
class SurchargeRule:
    index: str
    share: Decimal
    reference: Decimal  # in the index's currency per the index's unit
    per: str = "kg"  # the mass unit the line states the rate per
    basis: Basis = "order_date"


@dataclass(frozen=True, slots=True)
class ExtraRule:
    kind: ExtraKind
    amount: Decimal  # in the rule's currency, per `per`
    per: str = LINE  # a mass unit, or "line"
    value: str | None = None  # the finish (product attribute `finish`) or certificate (3.1) it is for; None: any


@dataclass(frozen=True, slots=True)
class IndexFigure:
    """The index figure a surcharge is computed from, and where it came from."""

    index: str
    value: Decimal
    date: dt.date  # order_date: the value's effective date; period_average: the averaged month's first day
    currency: str
    unit: str  # mass unit the value is per
    basis: Basis
    count: int = 1  # how many values were averaged (1 for order_date)
    until: dt.date | None = None  # period_average: the averaged month's last day


@dataclass(frozen=True, slots=True, kw_only=True)
class Surcharge:
    """A surcharge on a line: the figure used, the rule, the rate in the quote currency and the amount."""

    index: str
    value: Decimal
    date: dt.date
    basis: Basis
    count: int = 1
    until: dt.date | None = None
    index_currency: str
    index_unit: str
    reference: Decimal
    share: Decimal
    rate: Decimal  # quote currency per one `per`, half-up to 4 places (stated; the amount uses the exact rate)
    per: str
    quantity: Decimal  # the goods' weight in `per`
    amount: Decimal  # quote currency, rounded half-up to its minor unit


@dataclass(frozen=True, slots=True, kw_only=True)
class Extra:
    kind: str
    value: str | None = None
    unit_amount: Decimal  # quote currency per `per`, 4 places
    per: str
    count: Decimal  # kg (or per unit) of goods, or 1 line
    amount: Decimal  # quote currency, rounded to its minor unit


def check_share(share: Decimal) -> Decimal:
    require_finite(share, "share")
    if not 0 < share <= MAX_SHARE:
        raise InvalidInput(f"share must be above 0 and at most {MAX_SHARE} (0.58 for 58 % copper), got {share}")
    return share


@in_pricing_context
def surcharge_rate(rule: SurchargeRule, figure: IndexFigure, fx: Decimal) -> Decimal:
    """Quote currency per one `rule.per`, exact: max(0, value - reference) x share x fx, per the index's unit
    restated per `rule.per` (USD/t to EUR/kg: x fx / 1000)."""
    check_share(rule.share)
    require_finite(rule.reference, "reference")
    above = max(Decimal(0), figure.value - rule.reference)
    per_index_unit = above * rule.share * fx
    return per_index_unit * convert_unit(Decimal(1), rule.per, figure.unit)


@in_pricing_context
def surcharges(
    rules: Sequence[SurchargeRule],
    figures: Mapping[str, IndexFigure],
    *,
    weight_kg: Decimal,
    fx: Callable[[str], Decimal],
    minor_units: int,
) -> tuple[Surcharge, ...]:
    """Every surcharge of a line of `weight_kg`; `figures` by index name, `fx(currency)` = quote currency per 1."""
    out = []
    for rule in rules:
        figure = figures[rule.index]
        rate = surcharge_rate(rule, figure, fx(figure.currency))
        quantity = convert_unit(weight_kg, "kg", rule.per)
        out.append(
            Surcharge(
                index=rule.index,
                value=figure.value,
                date=figure.date,
                basis=figure.basis,
                count=figure.count,
                until=figure.until,
                index_currency=figure.currency,
                index_unit=figure.unit,
                reference=rule.reference,
                share=rule.share,
                rate=round_unit_price(rate),
                per=rule.per,
                quantity=quantity,
                amount=round_money(quantity * rate, minor_units),
            )
        )
    return tuple(out)


def applicable(rule: ExtraRule, *, finish: str | None, certificate: str | None) -> bool:
    """A finish extra applies to a product with that finish; a certificate extra to a line that asks for one."""
    chosen = finish if rule.kind == "finish" else certificate
    if chosen is None:
        return False
    return rule.value is None or rule.value.strip().lower() == chosen.strip().lower()


@in_pricing_context
def extras(
    rules: Sequence[ExtraRule],
    *,
    finish: str | None,
    certificate: str | None,
    weight_kg: Decimal | None,
    fx: Decimal,
    minor_units: int,
) -> tuple[Extra, ...]:
    """The extras that apply to a line, in the quote currency (`fx`: quote currency per 1 of the rule's)."""
    out = []
    for rule in rules:
        if not applicable(rule, finish=finish, certificate=certificate):
            continue
        unit_exact = rule.amount * fx
        if rule.per == LINE:
            count = Decimal(1)
        elif weight_kg is None:
            raise InvalidInput(f"the {rule.kind} extra is priced per {rule.per}, but this line has no weight")
        else:
            count = convert_unit(weight_kg, "kg", rule.per)
        out.append(
            Extra(
                kind=rule.kind,
                value=rule.value,
                unit_amount=round_unit_price(unit_exact),
                per=rule.per,
                count=count,
                amount=round_money(count * unit_exact, minor_units),
            )
        )
    return tuple(out)


def market_total(found_surcharges: Sequence[Surcharge], found_extras: Sequence[Extra]) -> Decimal:
    """What the surcharges and extras add to a line (already rounded amounts)."""
    return sum((s.amount for s in found_surcharges), Decimal(0)) + sum((e.amount for e in found_extras), Decimal(0))
