"""Money: rounding to a currency's minor unit, unit-price precision, currency conversion.

Rounding is ROUND_HALF_UP: a tie goes away from zero (0.005 EUR -> 0.01 EUR, -0.005 -> -0.01).
Amounts are rounded to the currency's minor unit (EUR 2, JPY 0, BHD 3); unit prices are stated
with UNIT_PRICE_PLACES (4) decimal places. Conversion itself never rounds: callers round once,
at the end (see estimator and tax).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from steelyard.errors import InvalidInput
from steelyard.pricing.base import in_pricing_context, require_finite

UNIT_PRICE_PLACES = 4
MAX_MINOR_UNITS = 8


def _step(places: int) -> Decimal:
    """The smallest amount with `places` decimal places, e.g. 0.01 for 2."""
    return Decimal(1).scaleb(-places)


@in_pricing_context
def round_money(amount: Decimal, minor_units: int) -> Decimal:
    """`amount` rounded half-up to `minor_units` decimal places (EUR 2, JPY 0, BHD 3)."""
    if not 0 <= minor_units <= MAX_MINOR_UNITS:
        raise ValueError(f"a currency has 0 to {MAX_MINOR_UNITS} minor-unit places, got {minor_units}")
    require_finite(amount, "amount")
    return amount.quantize(_step(minor_units), rounding=ROUND_HALF_UP)


@in_pricing_context
def round_unit_price(price: Decimal) -> Decimal:
    """A unit price as stated to customers: half-up to UNIT_PRICE_PLACES (4) decimal places."""
    require_finite(price, "unit price")
    return price.quantize(_step(UNIT_PRICE_PLACES), rounding=ROUND_HALF_UP)


@in_pricing_context
def convert_money(amount: Decimal, rate: Decimal) -> Decimal:
    """`amount` in the target currency, exact; `rate` is target units per 1 unit of the price currency."""
    require_finite(amount, "amount")
    require_finite(rate, "exchange rate")
    if rate <= 0:
        raise InvalidInput(f"an exchange rate must be greater than zero, got {rate}")
    return amount * rate
