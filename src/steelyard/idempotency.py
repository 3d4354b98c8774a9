"""Idempotency-Key: the same key and body replays the first answer; the same key with another body is a 409.

The key is remembered in the same transaction as the work it guards, so either both are stored or neither is.
Two concurrent first attempts both do the work, but only one can insert the key: the other's transaction fails
on the primary key and rolls back whole, and its retry replays the winner's answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, Connection, Integer, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from steelyard.db import Database, UtcDateTime, metadata
from steelyard.errors import Conflict
from steelyard.ops import metrics

# A remembered answer per Idempotency-Key, so a retried request replays it instead of acting twice.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(120), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
)


@dataclass(frozen=True, slots=True)
class Remembered:
    status: int
    body: Any


def request_hash(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def recall(conn: Connection, *, scope: str, key: str, fingerprint: str) -> Remembered | None:
    row = conn.execute(
        select(idempotency_keys.c.request_hash, idempotency_keys.c.status, idempotency_keys.c.body).where(
            idempotency_keys.c.scope == scope, idempotency_keys.c.key == key
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise Conflict(
            f"Idempotency-Key '{key}' was used before with a different request; use a new key for a new request"
        )
    return Remembered(status=row.status, body=row.body)


def claim(conn: Connection, *, scope: str, key: str, fingerprint: str) -> None:
    """Take the key before doing the work: a concurrent first attempt with the same key waits here, then fails."""
    conn.execute(insert(idempotency_keys).values(scope=scope, key=key, request_hash=fingerprint, status=0, body={}))


def remember(conn: Connection, *, scope: str, key: str, status: int, body: Any) -> None:
    conn.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
        .values(status=status, body=body)
    )


def run_once(
    db: Database, *, scope: str, key: str | None, fingerprint: str, work: Callable[[Connection], tuple[int, Any]]
) -> tuple[int, Any]:
    """Do `work` in one write transaction, at most once per key: a repeat replays the remembered answer.

    `work` returns (status, JSON-ready body). Errors are not remembered: the transaction, key included, rolls back.
    """
    for attempt in (1, 2):
        try:
            with db.write() as conn:
                if key is None:
                    return work(conn)
                found = recall(conn, scope=scope, key=key, fingerprint=fingerprint)
                if found is not None:
                    return found.status, found.body
                claim(conn, scope=scope, key=key, fingerprint=fingerprint)
                status, body = work(conn)
                remember(conn, scope=scope, key=key, status=status, body=body)
                return status, body
        except IntegrityError:
            if key is None or attempt == 2:
                raise
            metrics.TRANSACTION_RETRIES.labels("idempotency_key").inc()
    raise AssertionError("unreachable")
