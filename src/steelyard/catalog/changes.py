"""Who is told when products change: after-commit subscribers (the search index is one).

The catalogue does not know who keeps a copy of its products. Its writers name the products a write transaction
changed (`products_changed`); once that transaction commits (`db.after_commit`, the hook events use too), each
subscriber is called once with the Database and every product id changed, and does its work in a transaction of its
own. A rolled-back change calls nobody. A subscriber that fails is logged and does not undo the committed change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from sqlalchemy import Connection

from steelyard.db import Database, after_commit, database_of

log = logging.getLogger("steelyard.catalog")

Subscriber = Callable[[Database, frozenset[int]], None]
_subscribers: list[Subscriber] = []
_lock = threading.Lock()
_PENDING = "steelyard.catalog.changed"


def subscribe(subscriber: Subscriber) -> None:
    """Call `subscriber(db, product_ids)` after every committed transaction that changed products (once each)."""
    with _lock:
        if subscriber not in _subscribers:
            _subscribers.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    with _lock:
        if subscriber in _subscribers:
            _subscribers.remove(subscriber)


def subscribers() -> tuple[Subscriber, ...]:
    with _lock:
        return tuple(_subscribers)


def products_changed(conn: Connection, product_ids: Iterable[int]) -> None:
    """Note that the transaction on `conn` (from `Database.write()`) changed these products."""
    hooks = conn.info.get("after_commit")
    if hooks is None:
        raise RuntimeError("products_changed needs a connection from Database.write()")
    pending: tuple[object, set[int]] | None = conn.info.get(_PENDING)
    if pending is None or pending[0] is not hooks:  # the first change of this transaction: one hook for all
        ids: set[int] = set()
        conn.info[_PENDING] = (hooks, ids)
        db = database_of(conn)
        after_commit(conn, lambda: _deliver(db, frozenset(ids)))
    else:
        ids = pending[1]
    ids.update(product_ids)


def _deliver(db: Database, product_ids: frozenset[int]) -> None:
    if not product_ids:
        return
    for subscriber in subscribers():
        try:
            subscriber(db, product_ids)
        except Exception:  # the change is committed; a subscriber's copy can be rebuilt, the answer stands
            log.exception("after-commit subscriber %s failed for products %s", subscriber.__name__, sorted(product_ids))
