"""`BatchedReads`: the document cache's misses on PostgreSQL, read together while a read is in the database."""

from __future__ import annotations

import asyncio
import threading

import pytest

from steelyard.catalog.documents import BatchedReads, Document, document


class SlowDatabase:
    """A `read` that waits in its thread until the test lets it go, and records each batch it was given."""

    def __init__(self, missing: frozenset[str] = frozenset(), fail_first: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.go = threading.Event()
        self.missing = missing
        self.fail_first = fail_first

    def read(self, skus: list[str]) -> dict[str, Document]:
        self.batches.append(list(skus))
        assert self.go.wait(5)
        if self.fail_first and len(self.batches) == 1:
            raise ConnectionError("the database went away")
        return {sku: document(sku.encode()) for sku in skus if sku not in self.missing}


async def _until(condition: object, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.005)):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("timed out")


def test_a_lone_miss_is_read_at_once_and_the_ones_meanwhile_together() -> None:
    db = SlowDatabase(missing=frozenset({"NONE"}))

    async def scenario() -> list[Document | None]:
        reads = BatchedReads(db.read)
        first = asyncio.ensure_future(reads.get("A"))
        await _until(lambda: len(db.batches) == 1)  # in the database with A alone: nobody waited for company
        later = [asyncio.ensure_future(reads.get(sku)) for sku in ["B", "C", "A", "NONE", "B"]]
        await asyncio.sleep(0.02)
        assert len(db.batches) == 1  # they wait for the read in progress ...
        db.go.set()
        got = await asyncio.gather(first, *later)
        assert reads.reads == 2
        return got

    got = asyncio.run(scenario())
    assert db.batches == [["A"], ["B", "C", "A", "NONE"]]  # ... then go in one statement, each SKU once
    assert [d.body if d else None for d in got] == [b"A", b"B", b"C", b"A", None, b"B"]


def test_a_batch_holds_at_most_its_size() -> None:
    db = SlowDatabase()

    async def scenario() -> None:
        reads = BatchedReads(db.read, batch=3)
        first = asyncio.ensure_future(reads.get("X"))
        await _until(lambda: len(db.batches) == 1)
        rest = [asyncio.ensure_future(reads.get(f"S{i}")) for i in range(7)]
        db.go.set()
        await asyncio.gather(first, *rest)

    asyncio.run(scenario())
    assert [len(b) for b in db.batches] == [1, 3, 3, 1]


def test_a_failed_read_fails_its_batch_only() -> None:
    db = SlowDatabase(fail_first=True)

    async def scenario() -> tuple[BaseException | Document | None, ...]:
        reads = BatchedReads(db.read)
        failing = asyncio.ensure_future(reads.get("A"))
        await _until(lambda: len(db.batches) == 1)
        next_batch = asyncio.ensure_future(reads.get("B"))
        db.go.set()
        results = await asyncio.gather(failing, next_batch, return_exceptions=True)
        again = await reads.get("A")  # the reader carries on after a failure
        return (*results, again)

    failed, b, again = asyncio.run(scenario())
    assert isinstance(failed, ConnectionError)
    assert isinstance(b, Document) and b.body == b"B"
    assert isinstance(again, Document) and again.body == b"A"


def test_a_client_that_left_does_not_stop_the_others() -> None:
    db = SlowDatabase()

    async def scenario() -> Document | None:
        reads = BatchedReads(db.read)
        first = asyncio.ensure_future(reads.get("A"))
        await _until(lambda: len(db.batches) == 1)
        gone = asyncio.ensure_future(reads.get("B"))
        stays = asyncio.ensure_future(reads.get("B"))
        await asyncio.sleep(0)
        gone.cancel()
        db.go.set()
        await first
        with pytest.raises(asyncio.CancelledError):
            await gone
        return await stays

    stays = asyncio.run(scenario())
    assert stays is not None and stays.body == b"B"
