"""`emit` writes the outbox in the caller's transaction; the bus delivers committed events once, in id order."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from steelyard.db import Database, make_engine
from steelyard.events import emit, outbox, register_waker, unregister_waker
from steelyard.events.backends import LocalBackend
from steelyard.events.bus import BusConfig, EventBus
from steelyard.events.tables import events


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(make_engine(db_url, pool_size=4, max_overflow=4))
    yield db
    db.dispose()


def changed(n: int) -> dict[str, object]:
    return {"sku": "OB-1", "change": "updated", "n": n}


def count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def test_events_are_written_with_the_transaction_and_never_after_a_rollback(database: Database) -> None:
    woken: list[int] = []

    def waker() -> None:
        woken.append(1)

    register_waker(waker)
    try:
        with database.write() as conn:
            emit(conn, "product.changed", changed(1))
            emit(conn, "product.changed", changed(2))
        assert woken == [1]  # one wake-up per transaction, after it committed
        with pytest.raises(RuntimeError, match="boom"), database.write() as conn:
            emit(conn, "product.changed", changed(3))
            raise RuntimeError("boom")
        assert woken == [1]
        with pytest.raises(ValueError, match="needs"), database.write() as conn:
            emit(conn, "stock.changed", {"sku": "OB-1"})
    finally:
        unregister_waker(waker)
    with database.read() as conn:
        rows = outbox.after(conn, 0, 10)
    assert [r.data for r in rows] == [
        '{"sku":"OB-1","change":"updated","n":1}',
        '{"sku":"OB-1","change":"updated","n":2}',
    ]
    assert rows[1].id > rows[0].id
    fresh = Database(make_engine(str(database.engine.url.render_as_string(hide_password=False)), pool_size=1))
    try:
        with fresh.read() as conn, pytest.raises(RuntimeError, match=r"Database\.write"):
            emit(conn, "product.changed", changed(4))
    finally:
        fresh.dispose()


def run_bus(database: Database, scenario: object) -> list[int]:
    """Start a bus, run `scenario(bus)` in a thread, and return the ids the bus published, in order."""

    async def main() -> list[int]:
        bus = EventBus(database, LocalBackend(), BusConfig(poll_seconds=0.05, hole_retry_seconds=0.01))
        await bus.start()
        published: list[int] = []
        bus.on_advance(lambda _c: published.extend(e.id for e in bus.hub.ring if e.id not in published))
        try:
            await asyncio.to_thread(scenario, bus)  # type: ignore[arg-type]
            await asyncio.sleep(0.3)
            await bus.sync()
        finally:
            await bus.stop()
        return published

    return asyncio.run(main())


def test_the_bus_publishes_every_committed_event_once_in_order(database: Database) -> None:
    def scenario(bus: EventBus) -> None:
        for n in range(20):
            with database.write() as conn:
                emit(conn, "product.changed", changed(n))

    published = run_bus(database, scenario)
    with database.read() as conn:
        stored = [e.id for e in outbox.after(conn, 0, 100)]
    assert published == stored and len(stored) == 20


def test_an_open_transaction_holds_back_later_ids_until_it_commits_or_rolls_back(
    database: Database, backend: str
) -> None:
    """On PostgreSQL ids are drawn at insert, so they can commit out of order; on SQLite writers queue instead."""
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: ids commit in order")
    drawn = threading.Event()
    release = threading.Event()
    outcomes: list[str] = []

    def slow_writer(commit: bool) -> None:
        try:
            with database.write() as conn:
                emit(conn, "product.changed", changed(100))
                drawn.set()
                release.wait(10)
                if not commit:
                    raise LookupError("roll back")
        except LookupError:
            outcomes.append("rolled back")

    def scenario(bus: EventBus, commit: bool) -> None:
        drawn.clear()
        release.clear()
        before = bus.cursor
        slow = threading.Thread(target=slow_writer, args=(commit,))
        slow.start()
        drawn.wait(10)
        with database.write() as conn:  # a later id, committed first
            emit(conn, "product.changed", changed(101))
        asyncio.run(asyncio.sleep(0.5))
        assert bus.cursor == before  # still waiting on the open transaction's id
        release.set()
        slow.join()

    for commit in (True, False):
        published = run_bus(database, lambda bus, commit=commit: scenario(bus, commit))
        with database.read() as conn:
            stored = [e.id for e in outbox.after(conn, 0, 100)]
        assert published[-len(stored) :] == stored or published == stored
        assert published == sorted(published)
    assert outcomes == ["rolled back"]
    assert count(database) == 3  # 100 and 101 committed, then only 101
