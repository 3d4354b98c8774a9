"""Pricing's reference data, kept per process and checked against the pricing version on every use.

Every quote and estimate reads the currencies, the order charges and the freight rules: small tables that change a
few times a day, read by three statements on every price (about a fifth of an estimate's own CPU). Database
triggers raise the `pricing` row of `reference_versions` in every transaction that changes one of them (migration
20261201_0300). A quote reads that number first, in its own transaction, and uses what this process loaded under the
same number; any other number loads the data again. So nothing is ever stale: a price sees every change committed
before its transaction read the version, in every process, whatever made the change (the API, an import, psql).

The version is read before the data, so data loaded under version V is at least as new as V: on PostgreSQL (each
statement its own snapshot) a change that commits in between is loaded early and is noticed again at the next read.
Without the row (a database emptied by hand), nothing is cached.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine, select

from steelyard.currencies.tables import reference_versions

T = TypeVar("T")
_VERSION = select(reference_versions.c.version).where(reference_versions.c.name == "pricing")


def pricing_version(conn: Connection) -> int | None:
    """The pricing version now (None: the row is missing, cache nothing). Read it before the data it guards."""
    found = conn.execute(_VERSION).scalar_one_or_none()
    return None if found is None else int(found)


class Versioned(Generic[T]):
    """A value loaded from the database, one per database (engine), loaded again when the pricing version moves."""

    def __init__(self, load: Callable[[Connection], T]) -> None:
        self._load = load
        self._kept: weakref.WeakKeyDictionary[Engine, tuple[int, T]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self.loads = 0  # how many times it was read from the database (the tests count them)

    def get(self, conn: Connection, version: int | None) -> T:
        if version is not None:
            with self._lock:
                kept = self._kept.get(conn.engine)
            if kept is not None and kept[0] == version:
                return kept[1]
        value = self._load(conn)
        self.loads += 1
        if version is not None:
            with self._lock:
                self._kept[conn.engine] = (version, value)
        return value
