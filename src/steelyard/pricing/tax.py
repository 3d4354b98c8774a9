"""Quote totals: subtotal, tax and total.

Rounding order (half-up to the currency's minor unit throughout):
1. each line subtotal is rounded once (see estimator);
2. the quote subtotal is the sum of the rounded line subtotals (already in minor units);
3. tax = round_half_up(quote subtotal x tax rate), once, on the quote subtotal, never per line;
4. total = subtotal + tax, exactly: no further rounding.
The tax rate is a fraction: 0.19 for 19 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from steelyard.errors import InvalidInput
from steelyard.pricing.base import in_pricing_context, require_finite
from steelyard.pricing.money import round_money


@dataclass(frozen=True, slots=True)
class Totals:
    """A quote's money at the bottom: subtotal + tax = total, in the quote currency."""

    subtotal: Decimal
    tax: Decimal
    total: Decimal


@in_pricing_context
def quote_totals(line_subtotals: Iterable[Decimal], tax_rate: Decimal, minor_units: int) -> Totals:
    """Sum the line subtotals, add tax at `tax_rate` (a fraction) rounded once on the sum."""
    require_finite(tax_rate, "tax_rate")
    if tax_rate < 0:
        raise InvalidInput(f"a tax rate cannot be negative, got {tax_rate}")
    lines = sum((require_finite(s, "line subtotal") for s in line_subtotals), Decimal(0))
    subtotal = round_money(lines, minor_units)
    tax = round_money(subtotal * tax_rate, minor_units)
    return Totals(subtotal=subtotal, tax=tax, total=subtotal + tax)
