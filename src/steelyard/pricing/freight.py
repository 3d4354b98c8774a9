"""Freight: an estimate for one consignment from carrier rules staff configure (pure, no I/O).

A rule is one way to ship: a parcel service, a pallet, a long-goods truck. It serves some delivery countries
(none listed: every country), takes a consignment up to `max_weight_kg` whose longest piece is at most
`max_length_mm` (either left out: no limit), and costs `base + per_kg x weight` in its currency. The estimate:
1. the consignment is every line of the quote: weight = the sum of the lines' delivered weights (kg), longest
   piece = the longest piece of any line (a cut line's longest part, else the product's stock length);
2. the rules for the country that take that weight and that longest piece are priced, converted into the quote
   currency exactly, and rounded half-up once to its minor unit; the cheapest applies (ties: by name);
3. advice: the cheapest rule that would take the weight but not the length, costs less than the one applied,
   and whose limit every too-long line could be cut to (lines not already cut to size) is named with what it
   would cost: "cut line 2 to pieces of at most 1600 mm and it ships by parcel ...". Cutting fees are extra.
No rule at all takes it: the estimate names no rule, has no amount and says freight is quoted separately.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from steelyard.errors import InvalidInput
from steelyard.pricing.base import describe, in_pricing_context, require_finite
from steelyard.pricing.money import convert_money, round_money

CarrierKind = Literal["parcel", "pallet", "truck"]
CARRIER_KINDS: tuple[CarrierKind, ...] = ("parcel", "pallet", "truck")
MAX_FREIGHT_AMOUNT = Decimal("1e9")  # a sanity bound on a rule's base and per-kg price
MAX_WEIGHT_KG = Decimal("1e6")  # 1,000 t: more than any one consignment
MAX_LENGTH_MM = Decimal("1e5")  # 100 m


@dataclass(frozen=True, slots=True)
class FreightRule:
    name: str
    kind: CarrierKind
    base: Decimal
    per_kg: Decimal
    currency: str
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2; empty: every country
    max_weight_kg: Decimal | None = None
    max_length_mm: Decimal | None = None

    def serves(self, country: str) -> bool:
        return not self.countries or country in self.countries

    def takes_weight(self, weight_kg: Decimal) -> bool:
        return self.max_weight_kg is None or weight_kg <= self.max_weight_kg

    def takes_length(self, length_mm: Decimal | None) -> bool:
        return self.max_length_mm is None or length_mm is None or length_mm <= self.max_length_mm


@dataclass(frozen=True, slots=True)
class ShipLine:
    """What freight needs of a line: its delivered weight and longest piece, and whether it could be cut shorter."""

    line: int
    weight_kg: Decimal | None
    longest_mm: Decimal | None
    can_cut: bool = False


@dataclass(frozen=True, slots=True)
class FreightEstimate:
    country: str
    weight_kg: Decimal
    longest_mm: Decimal | None
    rule: str | None  # the rule applied; None: no rule takes this consignment
    kind: CarrierKind | None
    amount: Decimal | None  # quote currency, minor unit
    advice: tuple[str, ...]


def freight_rule_problems(rule: FreightRule) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with a rule, for staff writes."""
    problems: list[tuple[str, str]] = []
    if rule.kind not in CARRIER_KINDS:
        problems.append(("kind", f"must be one of {', '.join(CARRIER_KINDS)}, got {rule.kind!r}"))
    bounds = (
        ("base", rule.base, MAX_FREIGHT_AMOUNT, True),
        ("per_kg", rule.per_kg, MAX_FREIGHT_AMOUNT, True),
        ("max_weight_kg", rule.max_weight_kg, MAX_WEIGHT_KG, False),
        ("max_length_mm", rule.max_length_mm, MAX_LENGTH_MM, False),
    )
    for field, value, bound, zero_ok in bounds:
        if value is None:
            continue
        if not value.is_finite() or value < 0 or (value == 0 and not zero_ok):
            least = "not below zero" if zero_ok else "greater than zero (leave it out for no limit)"
            problems.append((field, f"must be a number {least}, got {value}"))
        elif value > bound:
            problems.append((field, f"must be at most {bound:f}, got {value}"))
    return problems


def _money(value: Decimal, currency: str, minor_units: int) -> str:
    return f"{currency} {value:.{minor_units}f}"


def _mm(value: Decimal) -> str:
    return describe(value, "mm")


@in_pricing_context
def estimate_freight(
    lines: Sequence[ShipLine],
    *,
    country: str,
    rules: Iterable[FreightRule],
    currency: str,
    minor_units: int,
    rates: dict[str, Decimal],
) -> FreightEstimate:
    """The freight for the consignment of `lines` to `country`; `rates[rule currency]` converts into the quote's."""
    weight = sum((ln.weight_kg for ln in lines if ln.weight_kg is not None), Decimal(0))
    require_finite(weight, "weight")
    lengths = [ln.longest_mm for ln in lines if ln.longest_mm is not None]
    longest = max(lengths) if lengths else None
    notes: list[str] = [f"line {ln.line} has no weight and is left out" for ln in lines if ln.weight_kg is None]

    def cost(rule: FreightRule) -> Decimal:
        rate = rates.get(rule.currency)
        if rate is None:
            raise InvalidInput(f"no exchange rate for {rule.currency}, the currency of freight rule {rule.name}")
        return round_money(convert_money(rule.base + rule.per_kg * weight, rate), minor_units)

    serving = [r for r in rules if r.serves(country) and r.takes_weight(weight)]
    fitting = sorted(((cost(r), r.name, r) for r in serving if r.takes_length(longest)), key=lambda t: t[:2])
    chosen = fitting[0] if fitting else None
    shorter = sorted(
        (
            (cost(r), r.name, r)
            for r in serving
            if not r.takes_length(longest) and _cuttable(lines, r) and (chosen is None or cost(r) < chosen[0])
        ),
        key=lambda t: t[:2],
    )
    if shorter:
        amount, _, rule = shorter[0]
        assert rule.max_length_mm is not None
        long_lines = [ln for ln in lines if not rule.takes_length(ln.longest_mm)]
        which = ", ".join(f"line {ln.line} ({_mm(ln.longest_mm or Decimal(0))})" for ln in long_lines)
        instead = "" if chosen is None else f" instead of {_money(chosen[0], currency, minor_units)}"
        notes.append(
            f"cut {which} to pieces of at most {_mm(rule.max_length_mm)} and it ships by {rule.kind} "
            f"({rule.name}) for {_money(amount, currency, minor_units)}{instead}; cutting fees apply"
        )
    if chosen is None:
        size = f"{describe(weight, 'kg')}" + ("" if longest is None else f" with pieces up to {_mm(longest)}")
        notes.insert(0, f"no carrier rule takes {size} to {country}: freight is quoted separately")
        return FreightEstimate(country, weight, longest, None, None, None, tuple(notes))
    amount, _, rule = chosen
    limits = [f"up to {describe(rule.max_weight_kg, 'kg')}"] if rule.max_weight_kg is not None else []
    if rule.max_length_mm is not None:
        limits.append(f"pieces up to {_mm(rule.max_length_mm)}")
    took = f"{rule.kind} ({rule.name}" + (f": {', '.join(limits)}" if limits else "") + ")"
    size = describe(weight, "kg") + ("" if longest is None else f", longest piece {_mm(longest)}")
    notes.insert(0, f"{size} to {country} ships by {took} for {_money(amount, currency, minor_units)}")
    return FreightEstimate(country, weight, longest, rule.name, rule.kind, amount, tuple(notes))


def _cuttable(lines: Sequence[ShipLine], rule: FreightRule) -> bool:
    """Whether every line too long for `rule` could be cut to its length limit."""
    return all(ln.can_cut for ln in lines if not rule.takes_length(ln.longest_mm))
