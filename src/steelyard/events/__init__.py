"""Domain events: `emit` inside a write transaction; subscribers get them only after it commits.

`emit` appends the event to the outbox table in the caller's transaction (so a rolled-back change sends nothing and
the id is the outbox's primary key) and, once the transaction commits, wakes the event buses running in this process.
See docs/events.md for the whole design.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection

from steelyard.db import after_commit
from steelyard.events import outbox
from steelyard.events.wire import EVENT_TYPES, PRICE_CHANGED, PRODUCT_CHANGED, STOCK_CHANGED, encode_payload

__all__ = ["EVENT_TYPES", "PRICE_CHANGED", "PRODUCT_CHANGED", "STOCK_CHANGED", "emit", "emit_many"]

Waker = Callable[[], None]
_wakers: list[Waker] = []
_lock = threading.Lock()
_HOOKED = "steelyard.events.hooked"


def register_waker(waker: Waker) -> None:
    """Have `waker()` called (from the committing thread) after every transaction that emitted events."""
    with _lock:
        _wakers.append(waker)


def unregister_waker(waker: Waker) -> None:
    with _lock:
        if waker in _wakers:
            _wakers.remove(waker)


def _committed() -> None:
    for waker in tuple(_wakers):
        waker()


def emit(conn: Connection, type_: str, data: dict[str, Any]) -> None:
    """Publish `data` as an event of `type_` once the transaction on `conn` commits; nothing if it rolls back.

    `data` must carry the fields of its type (stock.changed: sku, warehouse, on_hand, reserved, available; see
    `steelyard.events.wire` for builders); Decimals go on the wire as decimal strings. `conn` must come from
    `Database.write()`.
    """
    sku, text = encode_payload(type_, data)
    _wake_after_commit(conn)
    outbox.append(conn, type_=type_, sku=sku, data=text)


def emit_many(conn: Connection, type_: str, many: Sequence[dict[str, Any]]) -> None:
    """`emit` for many events of one type in one statement (bulk imports), in the order given."""
    if many:
        _wake_after_commit(conn)
        outbox.append_many(conn, type_=type_, payloads=[encode_payload(type_, data) for data in many])


def _wake_after_commit(conn: Connection) -> None:
    hooks = conn.info.get("after_commit")
    if hooks is None:
        raise RuntimeError("emit needs a connection from Database.write()")
    if conn.info.get(_HOOKED) is not hooks:  # one wake-up per transaction, however many events it emits
        conn.info[_HOOKED] = hooks
        after_commit(conn, _committed)
