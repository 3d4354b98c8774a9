"""The staff-maintained currency rate table: each rate is units of that currency per 1 EUR (the base)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, func, insert, select, update

from steelyard.currencies.reference import Versioned
from steelyard.currencies.tables import currencies
from steelyard.db import InLists
from steelyard.errors import FieldProblem, InvalidInput

BASE_CURRENCY = "EUR"


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    rate: Decimal
    minor_units: int


def _currency(row: object) -> Currency:
    return Currency(code=row.code, rate=row.rate, minor_units=row.minor_units)  # type: ignore[attr-defined]


_BY_CODES = InLists(lambda codes: select(currencies).where(currencies.c.code.in_(codes)), codes=currencies.c.code)


def get_currencies(conn: Connection, codes: set[str], *, version: int | None = None) -> dict[str, Currency]:
    """The rates of those of `codes` that exist. With the pricing `version` read in this transaction
    (steelyard.currencies.reference), from this process's copy of the rate table while it is current."""
    if version is not None:
        every = _EVERY.get(conn, version)
        return {code: every[code] for code in codes if code in every}
    rows = conn.execute(*_BY_CODES(codes=sorted(codes)))
    return {row.code: _currency(row) for row in rows}


def require_currencies(
    conn: Connection, codes: set[str], *, field: str = "currency", version: int | None = None
) -> dict[str, Currency]:
    """The rates of `codes` (as `get_currencies`), or InvalidInput naming the missing ones."""
    found = get_currencies(conn, codes, version=version)
    missing = sorted(codes - set(found))
    if missing:
        known = ", ".join(sorted(c.code for c in list_currencies(conn)))
        raise InvalidInput.from_problems(
            [FieldProblem(field, f"no exchange rate for {code}; known currencies: {known}") for code in missing]
        )
    return found


def list_currencies(conn: Connection) -> list[Currency]:
    return [_currency(row) for row in conn.execute(select(currencies).order_by(currencies.c.code))]


_EVERY = Versioned(lambda conn: {c.code: c for c in list_currencies(conn)})  # the rate table: a few dozen rows


def put_currency(conn: Connection, *, code: str, rate: Decimal, minor_units: int) -> Currency:
    """Create or change a currency's rate; the base currency's rate stays 1."""
    if code == BASE_CURRENCY and rate != 1:
        raise InvalidInput.from_problems([FieldProblem("rate", f"{BASE_CURRENCY} is the base currency; its rate is 1")])
    values = {"rate": rate, "minor_units": minor_units}
    changed = conn.execute(
        update(currencies).where(currencies.c.code == code).values(**values, updated_at=func.now())
    ).rowcount
    if not changed:
        conn.execute(insert(currencies).values(code=code, **values))
    return get_currencies(conn, {code})[code]


def fx_rate(price_currency: Currency, quote_currency: Currency) -> Decimal:
    """Units of the quote currency for 1 unit of the price currency."""
    return quote_currency.rate / price_currency.rate
