"""The rate table, as quotes (and charges) have always imported it; it lives in steelyard.currencies, which market
prices use without depending on quotes."""

from steelyard.currencies.rates import (
    BASE_CURRENCY,
    Currency,
    fx_rate,
    get_currencies,
    list_currencies,
    put_currency,
    require_currencies,
)

__all__ = [
    "BASE_CURRENCY",
    "Currency",
    "fx_rate",
    "get_currencies",
    "list_currencies",
    "put_currency",
    "require_currencies",
]
