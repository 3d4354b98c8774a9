"""Delivery countries: ISO 3166-1 alpha-2 codes as CLDR (via Babel) knows them, with their English names."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale


@lru_cache(maxsize=1)
def _territories() -> dict[str, str]:
    # CLDR also names regions ("150" Europe) and groupings ("EU", "UN", "EZ"); a delivery goes to a country.
    groupings = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
    return {
        code: name
        for code, name in Locale("en").territories.items()
        if len(code) == 2 and code.isalpha() and code not in groupings
    }


def country_problem(code: str) -> str | None:
    """Why `code` is not a country a delivery can go to, or None."""
    if code not in _territories():
        return f"'{code}' is not an ISO 3166-1 alpha-2 country code (e.g. DE, AT, FR, GB, US)"
    return None


def country_name(code: str) -> str:
    return _territories().get(code, code)
