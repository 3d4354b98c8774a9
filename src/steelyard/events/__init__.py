"""Domain events: `emit` inside a write transaction; subscribers get them only after it commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from steelyard.db import after_commit

EVENT_TYPES = ("stock.changed", "price.changed", "product.changed")


def emit(conn: Connection, type_: str, data: dict[str, Any]) -> None:
    """Publish `data` as an event of `type_` once the transaction on `conn` commits; nothing if it rolls back.

    Placeholder until the events bus lands: it registers the after-commit hook and delivers nowhere.
    """
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}")
    after_commit(conn, lambda: None)
