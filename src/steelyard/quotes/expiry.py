"""Anonymous quotes (made without a token) expire and are deleted, so nobody can fill the disk with them.

They hold nothing and cannot be ordered, so once past `valid_until` (STEELYARD_ANONYMOUS_QUOTE_MINUTES after they
were made) nobody can use them: every server process's sweeper (app.sweep_holds) deletes them in batches.
`POST /api/v1/estimates` prices without storing anything at all.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, delete, exists, select

from steelyard.db import Database
from steelyard.quotes.tables import orders, quotes

log = logging.getLogger("steelyard.quotes")
BATCH = 500


def _expired_anonymous(now: datetime) -> ColumnElement[bool]:
    # A quote whose account was deleted also has no account; one that held stock or became an order stays (history).
    return and_(
        quotes.c.account_id.is_(None),
        quotes.c.valid_until <= now,
        quotes.c.reserve.is_(False),
        ~exists().where(orders.c.quote_id == quotes.c.id),
    )


def purge_anonymous(conn: Connection, now: datetime, limit: int = BATCH) -> int:
    """Delete up to `limit` expired anonymous quotes; returns how many."""
    ids = select(quotes.c.id).where(_expired_anonymous(now)).limit(limit)
    return conn.execute(delete(quotes).where(quotes.c.id.in_(ids.scalar_subquery()))).rowcount


def sweep_anonymous(db: Database, now: datetime) -> int:
    """One sweep: a cheap read first, so an idle server does not take the SQLite write lock for nothing."""
    with db.read() as conn:
        if not conn.execute(select(exists().where(_expired_anonymous(now)))).scalar():
            return 0
    purged = 0
    while True:
        with db.write() as conn:
            batch = purge_anonymous(conn, now)
        purged += batch
        if batch < BATCH:
            break
    log.info("deleted %d expired anonymous quotes", purged)
    return purged
