"""A per-process cache of product documents (the JSON of `GET /api/v1/products/{sku}`), kept fresh by the event bus.

Every write that changes what a product document shows emits an event in the same transaction: the product and its
price (`product.changed`, `price.changed`, catalog/service.py and the importers) and every stock level (the one
ledger primitive emits `stock.changed`). The process's event bus tails the outbox and hands each batch to
`invalidate`, which drops the documents of those SKUs. So a cached document is at most as stale as the bus is late:

- a change committed in this process is forgotten after the commit, before the writer answers
  (`events.register_commit_listener`): a writer reads its own write;
- a change committed in another process arrives by the bus's backend: LISTEN/NOTIFY or Redis (milliseconds), else
  the outbox poll (`STEELYARD_EVENTS_POLL_SECONDS`: 0.02 s with SQLite, 1 s as the fallback with NOTIFY or Redis).

Two guards keep that bound when things go wrong:

- a read that raced a change is not stored: `begin` notes the invalidation epoch before the database read, `put`
  stores only if no invalidation came in between (else the document read might predate a change already announced);
- the cache answers only while the bus is keeping up: if its last completed pass over the outbox is older than
  `max_lag` seconds (the outbox cannot be read, the loop is stalled), every read goes to the database. Entries also
  expire after `max_age` seconds, the bound for a change made behind the outbox's back (a hand-edited database).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Document:
    """A product document as sent: its JSON bytes and its entity tag (a strong ETag, quoted)."""

    body: bytes
    etag: str


def document(body: bytes) -> Document:
    """The document of `body`, tagged by its content: equal bytes, equal tag, in every process."""
    return Document(body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')


class ProductDocuments:
    def __init__(
        self,
        *,
        fresh_at: Callable[[], float | None],
        max_lag: float,
        max_entries: int = 20_000,
        max_age: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fresh_at = fresh_at  # monotonic time of the bus's last completed pass (None: never)
        self.max_lag = max_lag
        self.max_entries = max_entries
        self.max_age = max_age
        self._clock = clock
        self._entries: dict[str, tuple[Document, float]] = {}
        self._lock = threading.Lock()  # reads of PostgreSQL run in worker threads; the bus runs on the loop
        self.epoch = 0
        self.hits = 0
        self.misses = 0

    def usable(self) -> bool:
        fresh = self._fresh_at()
        return fresh is not None and self._clock() - fresh <= self.max_lag

    def get(self, sku: str) -> Document | None:
        if not self.usable():
            return None
        found = self._entries.get(sku)
        if found is None or self._clock() - found[1] > self.max_age:
            self.misses += 1
            return None
        self.hits += 1
        return found[0]

    def begin(self) -> int:
        """Call before reading a document from the database; give the number to `put`."""
        return self.epoch

    def put(self, sku: str, doc: Document, epoch: int) -> None:
        with self._lock:
            if epoch != self.epoch or not self.usable():
                return  # a change was announced while it was read: it may be older than that change
            if len(self._entries) >= self.max_entries and sku not in self._entries:
                self._entries.pop(next(iter(self._entries)))  # the oldest stored goes first
            self._entries[sku] = (doc, self._clock())

    def invalidate(self, skus: Iterable[str] | None) -> None:
        """Forget these SKUs' documents; None (a transaction that changed too many to name): forget every one."""
        with self._lock:
            self.epoch += 1
            if skus is None:
                self._entries.clear()
                return
            for sku in skus:
                self._entries.pop(sku, None)

    def clear(self) -> None:
        with self._lock:
            self.epoch += 1
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class BatchedReads:
    """The cache's misses read together, on PostgreSQL: while one batch is in the database (a thread-pool trip and a
    round trip), the SKUs asked for meanwhile wait for the next batch, which reads them all in one statement.

    Each worker starts with an empty cache, so a server that has just started misses once per SKU and worker; one
    thread-pool trip per miss queued those misses behind the thread pool and the GIL for the first seconds under load
    (docs/benchmarks.md). A lone miss is read at once, as before: only misses that arrive while a read runs wait.
    `read(skus)` runs in a thread and returns the documents of those SKUs that exist (it stores them in the cache)."""

    def __init__(self, read: Callable[[list[str]], dict[str, Document]], *, batch: int = 32) -> None:
        self._read = read
        self.batch = batch
        self._waiting: dict[str, list[asyncio.Future[Document | None]]] = {}
        self._task: asyncio.Future[None] | None = None  # the read under way (held: the loop keeps a weak reference)
        self.reads = 0  # batches read (the tests count them)

    async def get(self, sku: str) -> Document | None:
        """The document of `sku`, or None when there is no such product."""
        waiter: asyncio.Future[Document | None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(sku, []).append(waiter)
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._drain())
        return await waiter

    async def _drain(self) -> None:
        while self._waiting:
            skus = list(self._waiting)[: self.batch]
            waiters = {sku: self._waiting.pop(sku) for sku in skus}
            self.reads += 1
            try:
                found = await asyncio.to_thread(self._read, skus)
            except BaseException as exc:  # the database is down: every request of the batch hears it
                for each in waiters.values():
                    for waiter in each:
                        if not waiter.done():
                            waiter.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            for sku, each in waiters.items():
                for waiter in each:
                    if not waiter.done():  # its client may have gone
                        waiter.set_result(found.get(sku))


def etag_matches(etag: str, if_none_match: str) -> bool:
    """RFC 9110 §13.1.2: `*`, or any listed tag equal to `etag` by weak comparison (W/ ignored)."""
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))
