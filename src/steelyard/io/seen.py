"""Where each key of an import file first appeared, kept on disk so that memory does not grow with the file.

An import refuses a key twice in one file (a SKU in the products file, a SKU's tier group or an account in the
prices file, a SKU in a warehouse in a stocktake, a lot id). Held in a dict, the keys of a 100,000-row file cost
~15 MB and grow with the file; here they go to a private temporary SQLite database (Python's sqlite3, not the
application's database: a dry run reads that one only), whose page cache is bounded (`CACHE_KIB`) and whose file
SQLite deletes when it is closed. In memory there is only the current batch: `load(keys)` at the start of a batch
fetches the lines of the keys seen in earlier batches, `get` and `[]=` then work like a dict's, and the next
`load` (or `close`) writes the batch's new keys down.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Hashable, Iterable

CACHE_KIB = 1024  # the temporary database's page cache (SQLite spills the rest to its file)
_QUERY_CHUNK = 500  # keys per look-up statement (far below SQLite's limit on bound parameters)


class FirstLines:
    """A dict of key -> the line it first appeared on, for the whole file, holding one batch in memory."""

    __slots__ = ("_db", "_lines", "_new")

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None
        self._lines: dict[Hashable, int] = {}
        self._new: list[tuple[str, int]] = []

    def load(self, keys: Iterable[Hashable]) -> None:
        """Start a batch: write down the last batch's keys, then look up which of `keys` came earlier."""
        self._flush()
        self._lines = {}
        if self._db is None:
            return
        wanted = {_text(k): k for k in keys}
        texts = list(wanted)
        for start in range(0, len(texts), _QUERY_CHUNK):
            part = texts[start : start + _QUERY_CHUNK]
            marks = ",".join("?" * len(part))
            for text, line in self._db.execute(f"SELECT key, line FROM seen WHERE key IN ({marks})", part):
                self._lines[wanted[text]] = line

    def get(self, key: Hashable) -> int | None:
        return self._lines.get(key)

    def __setitem__(self, key: Hashable, line: int) -> None:
        if key not in self._lines:
            self._new.append((_text(key), line))
        self._lines[key] = line

    def disk_bytes(self) -> int:
        """The size of the temporary database (what the keys cost instead of memory)."""
        if self._db is None:
            return 0
        (pages,) = self._db.execute("PRAGMA page_count").fetchone()
        (size,) = self._db.execute("PRAGMA page_size").fetchone()
        return int(pages) * int(size)

    def close(self) -> None:
        self._lines, self._new = {}, []
        if self._db is not None:
            self._db.close()
            self._db = None

    def _flush(self) -> None:
        if not self._new:
            return
        if self._db is None:
            # "" opens a private on-disk temporary database, deleted on close; one thread at a time uses it
            self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self._db.execute("PRAGMA journal_mode=OFF")
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID")
        self._db.executemany("INSERT OR IGNORE INTO seen (key, line) VALUES (?, ?)", self._new)
        self._new = []


def _text(key: Hashable) -> str:
    """A key as the text it is stored under: a SKU as itself, a composite key (a tuple) as JSON."""
    return key if isinstance(key, str) else json.dumps(key)
