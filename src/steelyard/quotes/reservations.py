"""Reserving quotes: the limits on what a customer may hold, and cancelling a quote (its holds go back).

The rules are in quotes/hold_rules.py (pure); this module reads what they need. Every check runs with the
account's row locked, so two reserving quotes of one account sent at once are judged one after the other.
Services take a connection and never commit: the caller's unit of work does, and a refusal rolls back everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.engine import RowMapping

from steelyard.access.model import Principal
from steelyard.access.service import get_account
from steelyard.access.tables import accounts
from steelyard.catalog.tables import products
from steelyard.config import Settings
from steelyard.errors import Conflict, HoldRefused, NotFound
from steelyard.inventory.holds import give_back, holds_query
from steelyard.inventory.model import Kind
from steelyard.inventory.tables import holds
from steelyard.quotes.currencies import Currency, require_currencies
from steelyard.quotes.hold_rules import Exposure, HeldLine, HoldLimits, breaches, held_line, holds_something
from steelyard.quotes.lines import QuoteLine
from steelyard.quotes.tables import orders, quotes

NOTHING_HELD = "nothing was held: ask for less, quote without reserve, or ask us to raise your account's limits"


def lock_account(conn: Connection, account_id: int) -> RowMapping:
    """The account, its row locked until the transaction ends (SQLite's write lock serialises writers anyway)."""
    conn.execute(select(accounts.c.id).where(accounts.c.id == account_id).with_for_update())
    return get_account(conn, account_id)


def live_quotes(conn: Connection, account_id: int, now: datetime) -> list[Any]:
    """The account's quotes whose holds have not lapsed, were not cancelled and did not become an order."""
    return list(
        conn.execute(
            select(quotes).where(
                quotes.c.account_id == account_id, quotes.c.status == "open", quotes.c.held_until > now
            )
        )
    )


def recently_held(
    conn: Connection, *, account_id: int, product_ids: Sequence[int], settings: Settings, now: datetime
) -> list[tuple[str, datetime]]:
    """The products the account holds now, or held until less than the cool-down ago: (SKU, when the hold ends or
    ended). A hold that became an order does not count: ordering is what holds are for."""
    since = now - timedelta(minutes=settings.hold_cooldown_minutes)
    made_since = since - timedelta(minutes=settings.hold_minutes)  # a hold lapses at most hold_minutes after its quote
    rows = conn.execute(
        select(products.c.sku, holds.c.expires_at)
        .select_from(
            holds.join(quotes, quotes.c.id == holds.c.quote_id).join(products, products.c.id == holds.c.product_id)
        )
        .where(
            quotes.c.account_id == account_id,
            quotes.c.created_at > made_since,
            holds.c.order_id.is_(None),
            holds.c.expires_at > since,
            holds.c.product_id.in_(list(product_ids)),
        )
    )
    last: dict[str, datetime] = {}
    for sku, ended in rows:
        last[sku] = max(ended, last.get(sku, ended))
    return sorted(last.items())


def before_holding(
    conn: Connection, *, account_id: int, product_ids: Sequence[int], settings: Settings, now: datetime
) -> RowMapping:
    """Lock the account; refuse a reserving quote past the open-quote cap, or one that would renew a hold. With the
    limits off (benchmarks) nothing is checked, so nothing is locked: one account's quotes then run side by side."""
    if not settings.hold_limits:
        return get_account(conn, account_id)
    account = lock_account(conn, account_id)
    live = live_quotes(conn, account_id, now)
    if len(live) >= settings.hold_max_open_quotes:
        raise HoldRefused(
            f"your account has {len(live)} reserving quotes holding stock, the most it may have at once; accept or "
            f"cancel one (POST /api/v1/quotes/{{id}}/cancel) or quote without reserve",
            open_quotes=sorted(q.id for q in live),
        )
    if settings.hold_cooldown_minutes > 0:
        renewed = recently_held(conn, account_id=account_id, product_ids=product_ids, settings=settings, now=now)
        if renewed:
            cooldown = timedelta(minutes=settings.hold_cooldown_minutes)
            listed = "; ".join(
                f"{sku} is held for you until {ended:%Y-%m-%d %H:%M} UTC"
                if ended > now
                else f"{sku} can be held for you again from {ended + cooldown:%Y-%m-%d %H:%M} UTC"
                for sku, ended in renewed
            )
            raise HoldRefused(
                f"holds are not renewed: {listed}. Accept a quote to order it now, or quote without reserve",
                skus=[sku for sku, _ in renewed],
            )
    return account


def _to_base(currencies: dict[str, Currency], code: str) -> Decimal:
    return currencies[code].rate  # units of `code` per 1 EUR


def held_lines(lines: Sequence[QuoteLine], base_rate: Decimal, *, expected: bool = False) -> list[HeldLine]:
    """What each priced line holds; `expected`: what it would hold if it got what was available when priced."""
    result = []
    for line in lines:
        stock_quantity = line.stock_quantity.value
        if expected:
            held = min(stock_quantity, line.availability.available)
        else:
            held = line.held.value if line.held is not None else Decimal(0)
        result.append(
            held_line(
                line=line.line,
                sku=line.sku,
                held=held,
                stock_quantity=stock_quantity,
                weight_kg=line.weight_kg,
                subtotal=line.subtotal,
                base_rate=base_rate,
            )
        )
    return result


def exposure(conn: Connection, account_id: int, now: datetime) -> Exposure:
    """What the account has set aside already: its live holds, and its accepted orders not yet shipped."""
    live = live_quotes(conn, account_id, now)
    open_orders = list(
        conn.execute(
            select(orders.c.subtotal, orders.c.currency).where(
                orders.c.account_id == account_id, orders.c.status == "accepted"
            )
        )
    )
    currencies = require_currencies(conn, {q.currency for q in live} | {o.currency for o in open_orders})
    kg = value = Decimal(0)
    count = 0
    for quote in live:
        for held in held_lines(quote.lines, _to_base(currencies, quote.currency)):
            kg += held.kg
            value += held.value
            count += holds_something(held)
    for order in open_orders:
        value += order.subtotal / _to_base(currencies, order.currency)
    return Exposure(kg=kg, value=value, lines=count)


def limits_for(conn: Connection, account: RowMapping, settings: Settings) -> HoldLimits:
    """The caps for this account: its own credit and weight limits, or the service's defaults."""
    credit = settings.default_credit_limit
    if account["credit_limit"] is not None:
        credit = account["credit_limit"] / _to_base(
            require_currencies(conn, {account["currency"]}), account["currency"]
        )
    return HoldLimits(
        line_kg=settings.hold_max_line_kg,
        line_value=settings.hold_max_line_value,
        quote_kg=settings.hold_max_quote_kg,
        quote_value=settings.hold_max_quote_value,
        account_kg=settings.default_hold_limit_kg if account["hold_limit_kg"] is None else account["hold_limit_kg"],
        credit_limit=credit,
        account_lines=settings.hold_max_account_lines,
    )


def check_limits(
    conn: Connection,
    *,
    account: RowMapping,
    lines: Sequence[QuoteLine],
    currency: str,
    settings: Settings,
    now: datetime,
    expected: bool = False,
) -> None:
    """Refuse (HoldRefused) if what the lines hold would pass a cap; `expected` judges what they would hold."""
    if not settings.hold_limits:
        return
    base_rate = _to_base(require_currencies(conn, {currency}), currency)
    found = breaches(
        limits_for(conn, account, settings),
        held_lines(lines, base_rate, expected=expected),
        exposure(conn, account["id"], now),
    )
    if found:
        raise HoldRefused("; ".join(found) + f". {NOTHING_HELD}", limits=found)


def cancel_quote(conn: Connection, *, quote_id: str, principal: Principal, now: datetime) -> Any:
    """Cancel a quote and give back what it holds (its customer or staff; anyone else is told it does not exist).
    Cancelling a cancelled quote changes nothing; an accepted quote's order is cancelled instead."""
    row = conn.execute(select(quotes).where(quotes.c.id == quote_id).with_for_update()).first()
    if row is None or not (
        principal.is_staff or (row.account_id is not None and principal.account_id == row.account_id)
    ):
        raise NotFound(f"no quote {quote_id} that you may cancel")
    if row.status == "cancelled":
        return row
    if row.status == "accepted":
        raise Conflict(
            f"quote {quote_id} became an order; cancel the order instead (POST /api/v1/orders/{{id}}/cancel)"
        )
    live = conn.execute(
        holds_query()
        .where(holds.c.quote_id == quote_id, holds.c.status == "held", holds.c.order_id.is_(None))
        .order_by(holds.c.product_id, holds.c.warehouse_id, holds.c.id)
    ).all()
    for hold in live:
        give_back(
            conn, hold, kind=Kind.RELEASE, new_status="released", actor=principal.name, reference=f"quote:{quote_id}"
        )
    # A released hold's expires_at says when it ended, so the cool-down against renewing counts from the cancel.
    conn.execute(
        update(holds)
        .where(holds.c.quote_id == quote_id, holds.c.status == "released", holds.c.order_id.is_(None))
        .values(expires_at=now)
    )
    conn.execute(update(quotes).where(quotes.c.id == quote_id).values(status="cancelled", held_until=None))
    return conn.execute(select(quotes).where(quotes.c.id == quote_id)).one()
