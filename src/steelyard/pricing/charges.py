"""Order charges: a minimum order value and a small-quantity charge, judged on a quote's goods (pure, no I/O).

Both compare the goods value (the sum of the rounded line subtotals, cutting fees included, before freight and
tax, in the quote currency) with a threshold staff set, globally or for one account:
- minimum order value: below the threshold the buyer pays the threshold; the charge is the difference
  (goods 72.50, minimum 100.00: charge 27.50);
- small-quantity charge: below the threshold a fixed amount is added (goods 72.50 under 150.00: charge 15.00).
Either answer says how much more goods would avoid it: threshold - goods (27.50, 77.50 above). At or above the
threshold there is no charge. An account's rule of a kind replaces the global rule of that kind; an account
rule with threshold 0 exempts the account. Thresholds and amounts are converted into the quote currency
exactly (rate = quote units per 1 unit of the rule currency) and rounded half-up once, to the minor unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from steelyard.errors import InvalidInput
from steelyard.pricing.base import in_pricing_context, require_finite
from steelyard.pricing.money import convert_money, round_money

ChargeKind = Literal["minimum_order", "small_quantity"]
CHARGE_KINDS: tuple[ChargeKind, ...] = ("minimum_order", "small_quantity")
MAX_CHARGE_AMOUNT = Decimal("1e9")  # a sanity bound on a threshold or a charge, in the rule's currency


@dataclass(frozen=True, slots=True)
class ChargeRule:
    """One staff rule: below `threshold` goods value (in `currency`), the kind's charge applies."""

    kind: ChargeKind
    threshold: Decimal
    currency: str
    amount: Decimal | None = None  # small_quantity: the fixed charge; minimum_order: unused (the shortfall is paid)
    account_id: int | None = None  # None: every account without its own rule of this kind (and anonymous buyers)


@dataclass(frozen=True, slots=True)
class OrderCharge:
    """A charge on the quote, in the quote currency, and what would avoid it."""

    kind: ChargeKind
    amount: Decimal  # added to the quote, rounded to the minor unit
    threshold: Decimal  # in the quote currency, rounded to the minor unit
    short_by: Decimal  # goods value still missing to reach the threshold: order this much more and it goes
    scope: Literal["account", "global"]
    note: str


def charge_rule_problems(rule: ChargeRule) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with a rule, for staff writes."""
    problems: list[tuple[str, str]] = []
    if rule.kind not in CHARGE_KINDS:
        problems.append(("kind", f"must be one of {', '.join(CHARGE_KINDS)}, got {rule.kind!r}"))
    for field, value in (("threshold", rule.threshold), ("amount", rule.amount)):
        if value is None:
            continue
        if not value.is_finite() or value < 0:
            problems.append((field, f"must be a number not below zero, got {value}"))
        elif value > MAX_CHARGE_AMOUNT:
            problems.append((field, f"must be at most {MAX_CHARGE_AMOUNT:f}, got {value}"))
    if rule.kind == "small_quantity" and rule.amount is None:
        problems.append(("amount", "a small-quantity charge needs the amount charged below the threshold"))
    if rule.kind == "minimum_order" and rule.amount is not None:
        problems.append(("amount", "a minimum order value charges the shortfall; leave `amount` out"))
    return problems


def rules_in_force(rules: Iterable[ChargeRule], account_id: int | None) -> list[ChargeRule]:
    """Per kind, the account's own rule if it has one, else the global rule (kinds in CHARGE_KINDS order)."""
    chosen: dict[str, ChargeRule] = {}
    for rule in rules:
        if rule.account_id is None:
            chosen.setdefault(rule.kind, rule)
    for rule in rules:
        if rule.account_id is not None and rule.account_id == account_id:
            chosen[rule.kind] = rule
    return [chosen[kind] for kind in CHARGE_KINDS if kind in chosen]


def _money(value: Decimal, currency: str, minor_units: int) -> str:
    return f"{currency} {value:.{minor_units}f}"


@in_pricing_context
def order_charges(
    goods: Decimal,
    rules: Iterable[ChargeRule],
    *,
    account_id: int | None,
    currency: str,
    minor_units: int,
    rates: dict[str, Decimal],
) -> tuple[OrderCharge, ...]:
    """The charges the goods value (quote currency) meets; `rates[rule currency]` converts into the quote's."""
    require_finite(goods, "goods value")
    if goods < 0:
        raise ValueError(f"a goods value cannot be negative, got {goods}")
    found: list[OrderCharge] = []
    for rule in rules_in_force(rules, account_id):
        rate = rates.get(rule.currency)
        if rate is None:
            raise InvalidInput(f"no exchange rate for {rule.currency}, the currency of the {rule.kind} charge")
        threshold = round_money(convert_money(rule.threshold, rate), minor_units)
        if goods >= threshold:
            continue
        short_by = threshold - goods
        scope: Literal["account", "global"] = "global" if rule.account_id is None else "account"
        if rule.kind == "minimum_order":
            amount = short_by
            note = (
                f"minimum order value {_money(threshold, currency, minor_units)}: the goods come to "
                f"{_money(goods, currency, minor_units)}, so {_money(amount, currency, minor_units)} is added; "
                f"add {_money(short_by, currency, minor_units)} of goods and nothing is added"
            )
        else:
            assert rule.amount is not None  # charge_rule_problems refuses a small-quantity rule without one
            amount = round_money(convert_money(rule.amount, rate), minor_units)
            note = (
                f"small-quantity charge {_money(amount, currency, minor_units)} on orders under "
                f"{_money(threshold, currency, minor_units)}; add {_money(short_by, currency, minor_units)} "
                "of goods to avoid it"
            )
        found.append(OrderCharge(rule.kind, amount, threshold, short_by, scope, note))
    return tuple(found)
