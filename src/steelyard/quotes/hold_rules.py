"""How much one customer may set aside (pure: no I/O). See docs/inventory.md, "Hold limits".

A hold is a courtesy: stock kept for a buyer who has not yet ordered. Unbounded, it lets one customer empty the
shelves for everyone else, so what a hold may take is capped per line, per quote and per account, in weight
(kg, the trade's common measure across units) and in value (in the base currency, EUR), and the value counts
against the account's credit limit together with its open orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldLimits:
    """The caps; values are in the base currency (EUR), weights in kg."""

    line_kg: Decimal
    line_value: Decimal
    quote_kg: Decimal
    quote_value: Decimal
    account_kg: Decimal
    credit_limit: Decimal
    account_lines: int  # lines holding stock at once, over all the account's quotes


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldLine:
    """What one quote line holds, as weight and as value in the base currency."""

    line: int
    sku: str
    kg: Decimal
    value: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Exposure:
    """What an account has set aside already: the weight its live holds take, and the value of those holds plus
    its accepted orders not yet shipped (what its credit limit covers)."""

    kg: Decimal = ZERO
    value: Decimal = ZERO
    lines: int = 0  # its lines that hold something


def holds_something(held: HeldLine) -> bool:
    return held.kg > 0 or held.value > 0


def held_line(
    *,
    line: int,
    sku: str,
    held: Decimal,
    stock_quantity: Decimal,
    weight_kg: Decimal | None,
    subtotal: Decimal,
    base_rate: Decimal,
) -> HeldLine:
    """The held share of a priced line: `held` of its `stock_quantity`, so the same share of its weight and of its
    subtotal (fees included). `base_rate` is units of the quote's currency per 1 EUR. A product without a weight
    (no density) counts by value only."""
    share = held / stock_quantity if stock_quantity > 0 else ZERO
    return HeldLine(
        line=line,
        sku=sku,
        kg=(weight_kg or ZERO) * share,
        value=subtotal * share / base_rate,
    )


def _kg(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')):,} kg"


def _eur(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,} EUR"


def breaches(limits: HoldLimits, lines: Sequence[HeldLine], exposure: Exposure) -> list[str]:
    """Every cap the holds of one new quote would pass, as sentences a buyer can act on; empty if none."""
    found: list[str] = []
    for held in lines:
        where = f"line {held.line} ({held.sku}) would hold"
        if held.kg > limits.line_kg:
            found.append(f"{where} {_kg(held.kg)}; one line may hold {_kg(limits.line_kg)}")
        if held.value > limits.line_value:
            found.append(f"{where} {_eur(held.value)}; one line may hold {_eur(limits.line_value)}")
    kg = sum((h.kg for h in lines), ZERO)
    value = sum((h.value for h in lines), ZERO)
    if kg > limits.quote_kg:
        found.append(f"the quote would hold {_kg(kg)}; one quote may hold {_kg(limits.quote_kg)}")
    if value > limits.quote_value:
        found.append(f"the quote would hold {_eur(value)}; one quote may hold {_eur(limits.quote_value)}")
    if exposure.kg + kg > limits.account_kg:
        found.append(
            f"your account holds {_kg(exposure.kg)} already and may hold {_kg(limits.account_kg)} in all; "
            f"this quote would add {_kg(kg)}"
        )
    # Weight and value caps leave many small holds: one quote of 200 low-stock products, each within every cap, took
    # them out of `in_stock` search for an hour (issue 19). The count caps that.
    count = sum(1 for held in lines if holds_something(held))
    if exposure.lines + count > limits.account_lines:
        found.append(
            f"your account holds stock on {exposure.lines} quote lines already and may hold on {limits.account_lines} "
            f"at once; this quote would add {count}: reserve fewer lines, or quote the rest without reserve"
        )
    if exposure.value + value > limits.credit_limit:
        found.append(
            f"your holds and open orders are worth {_eur(exposure.value)} and your credit limit is "
            f"{_eur(limits.credit_limit)}; this quote would add {_eur(value)}"
        )
    return found


def hold_expiry(now: datetime, valid_until: datetime, hold_minutes: int) -> datetime:
    """Holds lapse `hold_minutes` after the quote is made, or when it stops being valid, whichever is first."""
    return min(now + timedelta(minutes=hold_minutes), valid_until)
