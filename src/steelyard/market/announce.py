"""`price.changed` for the products whose market price moved: after an index value or a price rule changes.

The payload is the product's `price.changed` as the catalogue sends it (currency and tiers), plus `market`: what
moved (`{"index", "date", "value"}` or `{"rule"}`). Pages re-estimate on it; systems can GET the product again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, or_, select

from steelyard.catalog.repository import product_from_row
from steelyard.catalog.tables import products
from steelyard.events import PRICE_CHANGED, emit_many
from steelyard.events.wire import price_changed
from steelyard.market.model import IndexValue
from steelyard.market.rulebook import effective, rule_from_row
from steelyard.market.tables import price_rules

MAX_ANNOUNCED = 20_000  # one change never queues more events than this (a family rule over a whole catalogue)


def _emit(conn: Connection, rows: list[Any], cause: dict[str, Any]) -> int:
    events = []
    for row in rows[:MAX_ANNOUNCED]:
        product = product_from_row(row)
        data = price_changed(sku=product.sku, currency=product.price.currency, tiers=product.price.tiers)
        events.append({**data, "market": cause})
    emit_many(conn, PRICE_CHANGED, events)
    return len(events)


def announce(conn: Connection, *, indices: Mapping[str, IndexValue]) -> int:
    """Emit `price.changed` for every active product whose effective rule surcharges one of `indices`."""
    if not indices:
        return 0
    rules = {(r.scope, r.key): rule_from_row(r) for r in conn.execute(select(price_rules))}
    touching = [key for key, rule in rules.items() if any(s.index in indices for s in rule.surcharges)]
    if not touching:
        return 0
    scopes = {"product": products.c.sku, "grade": products.c.grade, "family": products.c.family}
    where = or_(*(scopes[scope] == key for scope, key in touching))
    rows = list(conn.execute(select(products).where(products.c.active, where).order_by(products.c.sku)))
    chosen = effective(rules, (product_from_row(r) for r in rows))
    moved = [r for r in rows if r.sku in chosen and any(s.index in indices for s in chosen[r.sku].surcharges)]
    name, value = next(iter(sorted(indices.items())))
    cause = {"index": name, "date": value.date.isoformat(), "value": value.value}
    if len(indices) > 1:
        cause = {
            "indices": [{"index": n, "date": v.date.isoformat(), "value": v.value} for n, v in sorted(indices.items())]
        }
    return _emit(conn, moved, cause)


def announce_products(conn: Connection, *, scope: str, key: str, cause: dict[str, Any]) -> int:
    """Emit `price.changed` for every active product in a rule's scope (its rule was set or removed)."""
    column = {"product": products.c.sku, "grade": products.c.grade, "family": products.c.family}[scope]
    rows = list(conn.execute(select(products).where(products.c.active, column == key).order_by(products.c.sku)))
    return _emit(conn, rows, cause)
