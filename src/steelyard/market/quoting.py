"""The market part of a quote's lines: each line of a product with a price rule gets its surcharges (from the index
values of the order date, or the previous month's average) and its extras, and its subtotal grows by them.

Called once per quote or estimate by quotes.pricing.price_quote, after the base prices, which puts the parts on its
lines (market answers its own types and never imports quotes); a quote whose products have no rule costs one
query. The figures used are stored on the quote's lines, so a stored quote keeps them until it expires, whatever is
posted later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Connection, select

from steelyard.catalog.repository import StoredProduct
from steelyard.currencies.rates import Currency, fx_rate, require_currencies
from steelyard.db import InLists
from steelyard.errors import Conflict
from steelyard.market.model import MarketIndex, average, previous_month, value_on
from steelyard.market.rulebook import PriceRule
from steelyard.market.rules import rules_for
from steelyard.market.service import series
from steelyard.market.tables import market_indices
from steelyard.pricing.surcharges import Extra, IndexFigure, Surcharge, extras, market_total, surcharges


class PriceUnavailable(Conflict):
    """A product follows an index that has no value to price it with (staff must post one)."""

    title = "Price unavailable"
    slug = "price-unavailable"


_INDICES = InLists(
    lambda names: select(market_indices).where(market_indices.c.name.in_(names)), names=market_indices.c.name
)


def _indices(conn: Connection, names: Iterable[str]) -> dict[str, MarketIndex]:
    rows = conn.execute(*_INDICES(names=sorted(set(names))))
    return {
        r.name: MarketIndex(name=r.name, unit=r.unit, currency=r.currency, period=r.period, description=r.description)
        for r in rows
    }


def figures_for(
    conn: Connection, wanted: Iterable[tuple[str, str]], *, today: date, sku_of: Mapping[str, str]
) -> dict[tuple[str, str], IndexFigure]:
    """The figure of each (index, basis) on `today`; PriceUnavailable names the first that has none."""
    pairs = sorted(set(wanted))
    indices = _indices(conn, (name for name, _ in pairs))
    found: dict[tuple[str, str], IndexFigure] = {}
    first, last = previous_month(today)
    for name, basis in pairs:
        index = indices.get(name)
        where = f"the price of {sku_of[name]}"
        if index is None:
            raise PriceUnavailable(f"{where} follows {name}, which is not defined; staff define it")
        if basis == "order_date":
            values = series(conn, name, end=today, limit=1)
            point = value_on(values, today)
            if point is None:
                raise PriceUnavailable(
                    f"{where} follows {name}, which has no value on or before {today}; staff post one with "
                    f"POST /api/v1/indices/{name}/values"
                )
            found[(name, basis)] = IndexFigure(
                index=name,
                value=point.value,
                date=point.date,
                currency=index.currency,
                unit=index.unit,
                basis="order_date",
            )
        else:
            values = series(conn, name, start=first, end=last)
            if not values:
                raise PriceUnavailable(
                    f"{where} follows the {first:%B %Y} average of {name}, which has no values from {first} to {last}; "
                    f"staff post them with POST /api/v1/indices/{name}/values"
                )
            found[(name, basis)] = IndexFigure(
                index=name,
                value=average(values),
                date=first,
                currency=index.currency,
                unit=index.unit,
                basis="period_average",
                count=len(values),
                until=last,
            )
    return found


@dataclass(frozen=True, slots=True)
class MarketLine:
    """What the market part of a line's price needs to know about the line."""

    sku: str
    weight_kg: Decimal | None  # the metal the goods are priced on (a cut line: the stock taken)
    certificate: str | None  # the EN 10204 certificate the line asks for, if any


@dataclass(frozen=True, slots=True)
class MarketParts:
    """The surcharges and extras of one line, in the quote currency; `amount` is what they add to its subtotal."""

    surcharges: tuple[Surcharge, ...]
    extras: tuple[Extra, ...]

    @property
    def amount(self) -> Decimal:
        return market_total(self.surcharges, self.extras)


def market_prices(
    conn: Connection,
    lines: Sequence[MarketLine],
    products: Mapping[str, StoredProduct],
    *,
    currency: str,
    currencies: Mapping[str, Currency],
    today: date | None = None,
    version: int | None = None,
) -> list[MarketParts | None]:
    """For each line, its surcharges and extras from its product's price rule (None: no rule, or nothing applies)."""
    chosen = rules_for(conn, (products[line.sku].product for line in lines))
    if not chosen:
        return [None] * len(lines)
    day = today or datetime.now(UTC).date()
    sku_of = {s.index: sku for sku, rule in chosen.items() for s in rule.surcharges}
    figures = figures_for(
        conn, ((s.index, s.basis) for rule in chosen.values() for s in rule.surcharges), today=day, sku_of=sku_of
    )
    codes = {currency} | {f.currency for f in figures.values()} | {r.currency for r in chosen.values()}
    rates = dict(currencies)
    missing = codes - set(rates)
    if missing:
        rates.update(require_currencies(conn, missing, version=version))
    quote_currency = rates[currency]
    return [
        None
        if line.sku not in chosen
        else _parts(line, chosen[line.sku], products[line.sku], figures, rates, quote_currency)
        for line in lines
    ]


def _parts(
    line: MarketLine,
    rule: PriceRule,
    stored: StoredProduct,
    figures: Mapping[tuple[str, str], IndexFigure],
    rates: Mapping[str, Currency],
    quote_currency: Currency,
) -> MarketParts | None:
    weight = line.weight_kg
    if weight is None and rule.surcharges:
        raise PriceUnavailable(
            f"the price of {line.sku} has a metal surcharge, charged on its weight, but its weight is unknown; "
            "staff give the product a density"
        )
    found = (
        surcharges(
            rule.surcharges,
            {s.index: figures[(s.index, s.basis)] for s in rule.surcharges},
            weight_kg=weight or Decimal(0),
            fx=lambda code: fx_rate(rates[code], quote_currency),
            minor_units=quote_currency.minor_units,
        )
        if rule.surcharges
        else ()
    )
    added = extras(
        rule.extras,
        finish=stored.product.attributes.get("finish"),
        certificate=line.certificate,
        weight_kg=weight,
        fx=fx_rate(rates[rule.currency], quote_currency),
        minor_units=quote_currency.minor_units,
    )
    return MarketParts(found, added) if found or added else None
