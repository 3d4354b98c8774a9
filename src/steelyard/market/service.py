"""Market indices in SQL: define an index, post dated values, read a series. Services never commit.

Posting a value emits `price.changed` for every product a price rule ties to that index (market/rules.py), so open
estimates on the pages price themselves again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from steelyard.currencies.rates import fx_rate, require_currencies
from steelyard.errors import Conflict, FieldProblem, InvalidInput, NotFound
from steelyard.market.announce import announce
from steelyard.market.model import (
    IndexValue,
    MarketIndex,
    Period,
    Row,
    check_date,
    check_name,
    check_value,
    mass_unit,
)
from steelyard.market.tables import index_values, market_indices

MAX_SERIES = 5000  # the most values one GET answers


@dataclass(frozen=True, slots=True)
class Posted:
    """The outcome of posting a value: the value kept and the one it replaced (same date), if any."""

    index: MarketIndex
    value: IndexValue
    replaced: Decimal | None


def _index(row: Any) -> MarketIndex:
    return MarketIndex(
        name=row.name, unit=row.unit, currency=row.currency, period=row.period, description=row.description
    )


def find_index(conn: Connection, name: str) -> MarketIndex | None:
    row = conn.execute(select(market_indices).where(market_indices.c.name == name)).first()
    return None if row is None else _index(row)


def get_index(conn: Connection, name: str) -> MarketIndex:
    check_name(name)
    found = find_index(conn, name)
    if found is None:
        raise NotFound(f"no index {name}; staff define it with PUT /api/v1/indices/{name}")
    return found


def list_indices(conn: Connection) -> list[MarketIndex]:
    return [_index(r) for r in conn.execute(select(market_indices).order_by(market_indices.c.name))]


def _has_values(conn: Connection, name: str) -> bool:
    return conn.execute(select(index_values.c.id).where(index_values.c.index_name == name).limit(1)).first() is not None


def put_index(
    conn: Connection, *, name: str, unit: str, currency: str, period: Period, description: str
) -> tuple[MarketIndex, bool]:
    """Define an index or change its description; (index, created). The unit, currency and period of an index that
    has values cannot change: its history would be read in another unit."""
    check_name(name)
    wanted = MarketIndex(name=name, unit=mass_unit(unit), currency=currency, period=period, description=description)
    require_currencies(conn, {currency})
    before = find_index(conn, name)
    values = {"unit": wanted.unit, "currency": currency, "period": period, "description": description}
    if before is None:
        conn.execute(insert(market_indices).values(name=name, **values))
        return wanted, True
    changed = [
        f"{field} {getattr(before, field)} -> {getattr(wanted, field)}"
        for field in ("unit", "currency", "period")
        if getattr(before, field) != getattr(wanted, field)
    ]
    if changed and _has_values(conn, name):
        raise Conflict(
            f"{name} has values already, read in {before.currency}/{before.unit} per {before.period}; it cannot "
            f"change ({', '.join(changed)}). Define a new index under another name instead."
        )
    conn.execute(update(market_indices).where(market_indices.c.name == name).values(**values, updated_at=func.now()))
    return wanted, False


def series(
    conn: Connection, name: str, *, start: date | None = None, end: date | None = None, limit: int = MAX_SERIES
) -> list[IndexValue]:
    """The values of `name` dated from `start` to `end` (inclusive), oldest first; the newest `limit` of them."""
    query = select(index_values.c.date, index_values.c.value).where(index_values.c.index_name == name)
    if start is not None:
        query = query.where(index_values.c.date >= start)
    if end is not None:
        query = query.where(index_values.c.date <= end)
    rows = conn.execute(query.order_by(index_values.c.date.desc()).limit(limit)).all()
    return [IndexValue(date=r.date, value=r.value) for r in reversed(rows)]


def latest(conn: Connection, name: str, on: date | None = None) -> IndexValue | None:
    """The value in force on `on` (default: the newest value)."""
    query = select(index_values.c.date, index_values.c.value).where(index_values.c.index_name == name)
    if on is not None:
        query = query.where(index_values.c.date <= on)
    row = conn.execute(query.order_by(index_values.c.date.desc()).limit(1)).first()
    return None if row is None else IndexValue(date=row.date, value=row.value)


def conversion(conn: Connection, index: MarketIndex, currency: str | None) -> Decimal | None:
    """Units of `currency` per unit of the index's currency, from the rate table (None: no conversion asked)."""
    if currency is None or currency == index.currency:
        return None
    found = require_currencies(conn, {index.currency, currency}, field="currency")
    return fx_rate(found[index.currency], found[currency])


def post_value(conn: Connection, *, name: str, when: date, value: Decimal, today: date, actor: str | None) -> Posted:
    """Post (or correct) the value of `name` effective on `when`; emits `price.changed` for the products it prices."""
    index = get_index(conn, name)
    check_date(index, when, today)
    check_value(value)
    posted = _store(conn, index, IndexValue(when, value), actor)
    announce(conn, indices={name: posted.value})
    return posted


def _store(conn: Connection, index: MarketIndex, item: IndexValue, actor: str | None) -> Posted:
    where = (index_values.c.index_name == index.name) & (index_values.c.date == item.date)
    before = conn.execute(select(index_values.c.value).where(where)).scalar_one_or_none()
    if before is None:
        conn.execute(
            insert(index_values).values(index_name=index.name, date=item.date, value=item.value, posted_by=actor)
        )
    else:
        conn.execute(update(index_values).where(where).values(value=item.value, posted_by=actor, posted_at=func.now()))
    return Posted(index, item, before)


def post_many(conn: Connection, rows: Sequence[Row], *, today: date, actor: str | None, field: str = "line") -> int:
    """Post every row of a file (`field` "line": problems named `line 3.date`) or of a request body (`field`
    "values": `values[2].date`), all or nothing: every bad row is reported in one InvalidInput, nothing changes.
    Emits one `price.changed` per product whose price moved, whatever the number of rows."""
    problems: list[FieldProblem] = []
    checked: list[tuple[MarketIndex, IndexValue]] = []
    known: dict[str, MarketIndex | None] = {}
    seen: set[tuple[str, date]] = set()
    for row in rows:
        at = f"line {row.line}" if field == "line" else f"{field}[{row.line}]"
        named = f"{at}.name" if field == "line" else f"{at}.index"  # a file's column, or the API's field
        try:
            name = check_name(row.name.strip(), field=named)
            if name not in known:
                known[name] = find_index(conn, name)
            index = known[name]
            if index is None:
                raise InvalidInput.from_problems([FieldProblem(named, f"no index {name}; define it first")])
            when = _date(row.date, f"{at}.date")
            check_date(index, when, today, field=f"{at}.date")
            value = check_value(_decimal(row.value, f"{at}.value"), field=f"{at}.value")
            if (name, when) in seen:
                raise InvalidInput.from_problems([FieldProblem(f"{at}.date", f"{name} {when} is in the file twice")])
            seen.add((name, when))
            checked.append((index, IndexValue(when, value)))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput.from_problems(problems)
    newest: dict[str, IndexValue] = {}
    for index, item in checked:
        _store(conn, index, item, actor)
        if index.name not in newest or item.date > newest[index.name].date:
            newest[index.name] = item
    announce(conn, indices=newest)
    return len(checked)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput.from_problems(
            [FieldProblem(field, f"'{text[:40]}' is not a date like 2026-11-30")]
        ) from None


def _decimal(text: str, field: str) -> Decimal:
    from steelyard.wire import parse_decimal

    try:
        return parse_decimal(text.strip())
    except ValueError as exc:
        raise InvalidInput.from_problems([FieldProblem(field, str(exc))]) from None
