"""The outbox in SQL: append in the writer's transaction, tail in id order, replay a window, prune old rows."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, bindparam, delete, func, insert, select, text

from steelyard.db import utc
from steelyard.events.tables import events
from steelyard.events.wire import Event

# Two int4 keys of the shared advisory lock every event-writing transaction holds on PostgreSQL ("SYEV", 1).
EMITTER_LOCK = (0x53594556, 1)

_PG_INSERT = text(
    "WITH emitter AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(:k1, :k2)) "
    "INSERT INTO events (type, sku, data, created_at) SELECT :type, :sku, :data, :created_at FROM emitter"
).bindparams(bindparam("created_at", type_=DateTime(timezone=True)))

_PG_EMITTERS = text(
    "SELECT virtualtransaction FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND classid = :k1 AND objid = :k2 AND objsubid = 2"
)


def _event(row: Any) -> Event:
    return Event(id=int(row.id), type=row.type, sku=row.sku, data=row.data, created_at=utc(row.created_at))


def append(conn: Connection, *, type_: str, sku: str, data: str) -> None:
    """Add one event to the transaction on `conn`; it becomes visible (and gets delivered) when that commits.

    On PostgreSQL the same statement first takes the shared emitter lock, so the tailer can tell an id whose
    transaction is still open from one that was rolled back (see sequencer.py). Writers never wait on each other.
    """
    now = datetime.now(UTC)
    if conn.dialect.name == "postgresql":
        k1, k2 = EMITTER_LOCK
        conn.execute(_PG_INSERT, {"k1": k1, "k2": k2, "type": type_, "sku": sku, "data": data, "created_at": now})
    else:
        conn.execute(insert(events).values(type=type_, sku=sku, data=data, created_at=now))


def append_many(conn: Connection, *, type_: str, payloads: list[tuple[str, str]]) -> None:
    """`append` for many (sku, data) events of one type, as one executemany (ids in the order given)."""
    now = datetime.now(UTC)
    if conn.dialect.name == "postgresql":
        k1, k2 = EMITTER_LOCK
        rows = [{"k1": k1, "k2": k2, "type": type_, "sku": s, "data": d, "created_at": now} for s, d in payloads]
        conn.execute(_PG_INSERT, rows)
    else:
        conn.execute(insert(events), [{"type": type_, "sku": s, "data": d, "created_at": now} for s, d in payloads])


def head(conn: Connection) -> int:
    """The newest id in the outbox (0 when empty)."""
    return int(conn.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one())


def floor(conn: Connection) -> int | None:
    """The id just below the oldest event kept (replay reaches back to it), or None when the outbox is empty."""
    oldest = conn.execute(select(func.min(events.c.id))).scalar_one_or_none()
    return None if oldest is None else int(oldest) - 1


def emitters(conn: Connection) -> frozenset[str] | None:
    """Transactions that may still commit an event (PostgreSQL); None where writers are serialised (SQLite)."""
    if conn.dialect.name != "postgresql":
        return None
    k1, k2 = EMITTER_LOCK
    return frozenset(str(r[0]) for r in conn.execute(_PG_EMITTERS, {"k1": k1, "k2": k2}))


def after(conn: Connection, cursor: int, limit: int) -> list[Event]:
    """Committed events with id > cursor, oldest first."""
    rows = conn.execute(select(events).where(events.c.id > cursor).order_by(events.c.id).limit(limit))
    return [_event(r) for r in rows]


def window(
    conn: Connection,
    *,
    after: int,
    upto: int,
    skus: Collection[str] = (),
    types: Collection[str] = (),
    limit: int = 1000,
) -> list[Event]:
    """Events in (after, upto] that pass the filters, oldest first, at most `limit`."""
    query = select(events).where(events.c.id > after, events.c.id <= upto)
    if skus:
        query = query.where(events.c.sku.in_(sorted(skus)))
    if types:
        query = query.where(events.c.type.in_(sorted(types)))
    return [_event(r) for r in conn.execute(query.order_by(events.c.id).limit(limit))]


def get(conn: Connection, ids: Collection[int]) -> list[Event]:
    rows = conn.execute(select(events).where(events.c.id.in_(sorted(ids))).order_by(events.c.id))
    return [_event(r) for r in rows]


def prunable(conn: Connection, *, keep_rows: int, older_than: datetime) -> int:
    """The id up to which rows may go: beyond `keep_rows` from the newest, or older than `older_than`.

    The newest row always stays, so the floor of the replay window is known even when nothing else is kept.
    """
    newest = head(conn)
    by_count = newest - keep_rows
    by_age = conn.execute(select(func.max(events.c.id)).where(events.c.created_at < older_than)).scalar_one_or_none()
    return max(0, min(newest - 1, max(by_count, int(by_age or 0))))


def prune(conn: Connection, upto: int) -> int:
    """Delete events with id <= upto; returns how many went."""
    return conn.execute(delete(events).where(events.c.id <= upto)).rowcount
