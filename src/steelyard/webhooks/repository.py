"""Webhooks, deliveries and attempts in SQL. Functions take a connection and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, insert, or_, select, update
from sqlalchemy.engine import Row

from steelyard.db import utc
from steelyard.events import outbox
from steelyard.webhooks.tables import webhook_attempts, webhook_deliveries, webhooks

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery this process has leased and is about to send."""

    id: int
    webhook_id: int
    url: str
    secret: str
    event_id: int
    event_type: str
    payload: str
    attempts: int
    created_at: datetime


# -- webhooks ---------------------------------------------------------------------------------------------------
def insert_webhook(conn: Connection, *, url: str, events: list[str], secret: str, active: bool, now: datetime) -> int:
    cursor = outbox.head(conn)  # only events after registration
    values = {"url": url, "events": events, "secret": secret, "active": active, "cursor": cursor}
    return int(
        conn.execute(
            insert(webhooks).values(**values, created_at=now, updated_at=now).returning(webhooks.c.id)
        ).scalar_one()
    )


def get_webhook(conn: Connection, webhook_id: int, *, for_update: bool = False) -> Row[Any] | None:
    query = select(webhooks).where(webhooks.c.id == webhook_id)
    return conn.execute(query.with_for_update() if for_update else query).first()


def list_webhooks(conn: Connection, *, after_id: int | None, limit: int) -> Sequence[Row[Any]]:
    query = select(webhooks).order_by(webhooks.c.id).limit(limit)
    if after_id is not None:
        query = query.where(webhooks.c.id > after_id)
    return conn.execute(query).all()


def update_webhook(conn: Connection, webhook_id: int, values: dict[str, Any], now: datetime) -> None:
    if values.get("active") is True:  # re-activated: from now on, not the events it missed while inactive
        current = get_webhook(conn, webhook_id)
        if current is not None and not current.active:
            values = {**values, "cursor": outbox.head(conn)}
    conn.execute(update(webhooks).where(webhooks.c.id == webhook_id).values(**values, updated_at=now))


def delete_webhook(conn: Connection, webhook_id: int) -> bool:
    return conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id)).rowcount > 0


# -- turning events into deliveries -----------------------------------------------------------------------------
def lagging(conn: Connection, upto: int) -> list[int]:
    """Active webhooks that have not yet been given the events up to `upto`."""
    query = select(webhooks.c.id).where(webhooks.c.active, webhooks.c.cursor < upto).order_by(webhooks.c.id)
    return list(conn.execute(query).scalars())


def enqueue(conn: Connection, webhook_id: int, upto: int, now: datetime, *, limit: int = 1000) -> tuple[int, bool]:
    """Create the deliveries of one webhook for its events in (cursor, upto]; (how many, whether more remain).

    The webhook row is locked first, so two processes never both turn the same events into deliveries.
    """
    hook = get_webhook(conn, webhook_id, for_update=True)
    if hook is None or not hook.active or hook.cursor >= upto:
        return 0, False
    page = outbox.window(conn, after=hook.cursor, upto=upto, limit=limit)
    wanted = [e for e in page if e.type in hook.events]
    if wanted:
        conn.execute(
            insert(webhook_deliveries),
            [
                {
                    "webhook_id": webhook_id,
                    "event_id": e.id,
                    "event_type": e.type,
                    "payload": e.envelope().decode(),
                    "status": PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": e.created_at,
                }
                for e in wanted
            ],
        )
    more = len(page) == limit
    new_cursor = page[-1].id if more else upto
    conn.execute(update(webhooks).where(webhooks.c.id == webhook_id).values(cursor=new_cursor))
    return len(wanted), more


# -- sending ----------------------------------------------------------------------------------------------------
def next_due(conn: Connection) -> datetime | None:
    """When the next pending delivery may be sent (its retry time, or the end of another process's lease)."""
    d = webhook_deliveries
    free_at = case(
        (and_(d.c.locked_until.is_not(None), d.c.locked_until > d.c.next_attempt_at), d.c.locked_until),
        else_=d.c.next_attempt_at,
    )
    moment = conn.execute(select(func.min(free_at)).where(d.c.status == PENDING)).scalar_one_or_none()
    return None if moment is None else utc(moment)


def claim(conn: Connection, *, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
    """Lease up to `limit` due deliveries to this process (others skip them until the lease ends)."""
    d = webhook_deliveries
    ids = list(
        conn.execute(
            select(d.c.id)
            .where(
                d.c.status == PENDING,
                d.c.next_attempt_at <= now,
                or_(d.c.locked_until.is_(None), d.c.locked_until <= now),
            )
            .order_by(d.c.next_attempt_at, d.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if not ids:
        return []
    conn.execute(update(d).where(d.c.id.in_(ids)).values(locked_until=now + lease))
    rows = conn.execute(
        select(d, webhooks.c.url, webhooks.c.secret)
        .join(webhooks, webhooks.c.id == d.c.webhook_id)
        .where(d.c.id.in_(ids))
        .order_by(d.c.id)
    )
    return [
        Claimed(
            id=r.id,
            webhook_id=r.webhook_id,
            url=r.url,
            secret=r.secret,
            event_id=r.event_id,
            event_type=r.event_type,
            payload=r.payload,
            attempts=r.attempts,
            created_at=utc(r.created_at),
        )
        for r in rows
    ]


def record_attempt(
    conn: Connection,
    delivery: Claimed,
    *,
    at: datetime,
    status_code: int | None,
    error: str | None,
    duration_ms: int,
    outcome: str,
    next_attempt_at: datetime | None,
) -> None:
    attempt = delivery.attempts + 1
    conn.execute(
        insert(webhook_attempts).values(
            delivery_id=delivery.id,
            attempt=attempt,
            at=at,
            status_code=status_code,
            error=error,
            duration_ms=duration_ms,
        )
    )
    values: dict[str, Any] = {
        "attempts": attempt,
        "status": outcome,
        "locked_until": None,
        "last_status_code": status_code,
        "last_error": error,
    }
    if outcome == DELIVERED:
        values["delivered_at"] = at
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    conn.execute(update(webhook_deliveries).where(webhook_deliveries.c.id == delivery.id).values(**values))


# -- the log ----------------------------------------------------------------------------------------------------
def list_deliveries(
    conn: Connection, webhook_id: int, *, status: str | None, before_id: int | None, limit: int
) -> tuple[Sequence[Row[Any]], dict[int, list[Row[Any]]]]:
    """Deliveries of one webhook, newest first, with their attempts (oldest first)."""
    d = webhook_deliveries
    query = select(d).where(d.c.webhook_id == webhook_id).order_by(d.c.id.desc()).limit(limit)
    if status is not None:
        query = query.where(d.c.status == status)
    if before_id is not None:
        query = query.where(d.c.id < before_id)
    rows = conn.execute(query).all()
    attempts: dict[int, list[Row[Any]]] = {r.id: [] for r in rows}
    if rows:
        a = webhook_attempts
        for row in conn.execute(
            select(a).where(a.c.delivery_id.in_(list(attempts))).order_by(a.c.delivery_id, a.c.attempt)
        ):
            attempts[row.delivery_id].append(row)
    return rows, attempts
