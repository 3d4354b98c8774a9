"""Domain events: `emit` inside a write transaction; subscribers get them only after it commits.

`emit` appends the event to the outbox table in the caller's transaction (so a rolled-back change sends nothing and
the id is the outbox's primary key) and, once the transaction commits, wakes the event buses running in this process.
See docs/events.md for the whole design.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import Connection

from steelyard.db import after_commit
from steelyard.events import outbox
from steelyard.events.wire import EVENT_TYPES, PRICE_CHANGED, PRODUCT_CHANGED, STOCK_CHANGED, encode_payload

__all__ = ["EVENT_TYPES", "PRICE_CHANGED", "PRODUCT_CHANGED", "STOCK_CHANGED", "emit", "emit_many"]

Waker = Callable[[], None]
CommitListener = Callable[[Collection[str] | None], None]
_wakers: list[Waker] = []
_listeners: list[CommitListener] = []
_lock = threading.Lock()
_HOOKED = "steelyard.events.hooked"
_SKUS = "steelyard.events.skus"
# A transaction that emits events for more SKUs than this (a bulk import) tells the listeners "every SKU" (None)
# instead of naming them: the set would otherwise grow with the file, ~100 bytes a SKU, until the commit.
MAX_NAMED_SKUS = 10_000


def register_waker(waker: Waker) -> None:
    """Have `waker()` called (from the committing thread) after every transaction that emitted events."""
    with _lock:
        _wakers.append(waker)


def unregister_waker(waker: Waker) -> None:
    with _lock:
        if waker in _wakers:
            _wakers.remove(waker)


def register_commit_listener(listener: CommitListener) -> None:
    """Have `listener(skus)` called in the committing thread, before the writer answers, with the SKUs of the
    events each transaction of this process emitted: the caches of this process forget them at once (a buyer
    reads their own writes), other processes learn of them through the bus. `skus` is None when the transaction
    emitted events for more than `MAX_NAMED_SKUS` SKUs: forget everything."""
    with _lock:
        _listeners.append(listener)


def unregister_commit_listener(listener: CommitListener) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


class _Emitted:
    """The SKUs a transaction emitted events for, or `every` once they are more than MAX_NAMED_SKUS."""

    __slots__ = ("every", "skus")

    def __init__(self) -> None:
        self.skus: set[str] = set()
        self.every = False

    def add(self, skus: Collection[str]) -> None:
        if not self.every:
            self.skus.update(skus)
            if len(self.skus) > MAX_NAMED_SKUS:
                self.skus, self.every = set(), True


def _committed(emitted: _Emitted) -> None:
    named = None if emitted.every else emitted.skus
    for listener in tuple(_listeners):
        listener(named)
    for waker in tuple(_wakers):
        waker()


def emit(conn: Connection, type_: str, data: dict[str, Any]) -> None:
    """Publish `data` as an event of `type_` once the transaction on `conn` commits; nothing if it rolls back.

    `data` must carry the fields of its type (stock.changed: sku, warehouse, on_hand, reserved, available; see
    `steelyard.events.wire` for builders); Decimals go on the wire as decimal strings. `conn` must come from
    `Database.write()`.
    """
    sku, text = encode_payload(type_, data)
    _wake_after_commit(conn, (sku,))
    outbox.append(conn, type_=type_, sku=sku, data=text)


def emit_many(conn: Connection, type_: str, many: Sequence[dict[str, Any]]) -> None:
    """`emit` for many events of one type in one statement (bulk imports), in the order given."""
    if many:
        payloads = [encode_payload(type_, data) for data in many]
        _wake_after_commit(conn, [sku for sku, _ in payloads])
        outbox.append_many(conn, type_=type_, payloads=payloads)


def _wake_after_commit(conn: Connection, skus: Collection[str]) -> None:
    hooks = conn.info.get("after_commit")
    if hooks is None:
        raise RuntimeError("emit needs a connection from Database.write()")
    if conn.info.get(_HOOKED) is not hooks:  # one wake-up per transaction, however many events it emits
        conn.info[_HOOKED] = hooks
        emitted = _Emitted()
        conn.info[_SKUS] = emitted
        after_commit(conn, lambda: _committed(emitted))
    if _listeners:  # only a server's caches listen: a command-line import keeps no set of its SKUs
        conn.info[_SKUS].add(skus)
