"""The events outbox (SQLAlchemy Core): written in the writer's transaction, tailed by every server process.

Its primary key is the event's monotonic id. On SQLite the key is an AUTOINCREMENT rowid, so an id is never handed out
twice (pruning and rollbacks cannot make one come back); on PostgreSQL it is a BIGSERIAL.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Table, Text

from steelyard.db import metadata

EventId = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("id", EventId, primary_key=True, autoincrement=True),
    Column("type", String(32), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)
