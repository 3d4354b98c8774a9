"""The event bus of one server process: tail the outbox in id order, fan out to streams, wake the other processes.

    writer's transaction --(emit: outbox row)--> COMMIT --(after-commit: wake)--> this process's tailer
                                                                            `--> backend.announce() --> other tailers
    tailer: SELECT events WHERE id > cursor (in order, holes settled: sequencer.py) --> hub --> each stream's queue

A subscriber starts at the hub's cursor; with Last-Event-ID it first gets (last id, cursor] from the ring of recent
events or from the outbox, or a `resync` when that is older than the kept window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import make_url

from steelyard.config import Settings
from steelyard.db import Database, is_sqlite, normalise_url
from steelyard.events import outbox, register_waker, unregister_waker
from steelyard.events.backends import (
    Backend,
    LocalBackend,
    PostgresBackend,
    RedisBackend,
    postgres_conninfo,
    wakeup_folder,
)
from steelyard.events.hub import Hub, Subscriber
from steelyard.events.sequencer import Sequencer
from steelyard.events.wire import Event, control_frame, retry_frame

log = logging.getLogger("steelyard.events")


@dataclass(frozen=True, slots=True)
class BusConfig:
    queue_size: int = 1000  # events one stream may have waiting before it is told to resync
    heartbeat_seconds: float = 15.0
    poll_seconds: float = 1.0  # fallback look at the outbox when no wake-up came
    hole_retry_seconds: float = 0.01  # look again this soon while an id's transaction is still open
    ring_size: int = 4096
    keep_rows: int = 100_000  # replay window: at most this many events ...
    keep_seconds: float = 24 * 3600.0  # ... and none older than this
    replay_max: int = 1000  # a resume replays at most this many ids; further back it gets a resync
    prune_seconds: float = 60.0
    batch: int = 500
    retry_ms: int = 2000  # EventSource reconnection delay


class EventBus:
    def __init__(self, db: Database, backend: Backend, config: BusConfig) -> None:
        self.db = db
        self.backend = backend
        self.config = config
        self.hub = Hub(0, ring_size=config.ring_size)
        self._seq = Sequencer(0)
        self._ready = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._tail_lock = asyncio.Lock()
        self._passes_started = 0
        self._passes_done = 0  # number of the last pass (in start order) that has finished
        self._scheduled = False
        self._closing = False
        self._tasks: list[asyncio.Task[None]] = []
        self._advance_listeners: list[Callable[[int], None]] = []
        self._event_listeners: list[Callable[[list[Event]], None]] = []
        self.fresh_at: float | None = None  # monotonic time of the last pass over the outbox that completed
        self._restore_signals: list[tuple[int, Any]] = []
        self.process = os.getpid()

    # -- life cycle -------------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            await asyncio.to_thread(self._initialise)
            await self._catch_up()
        except Exception as exc:
            log.warning("events: the outbox cannot be read yet (%s); will keep trying", exc)
        register_waker(self.committed)
        await self.backend.start(self._wake_up)
        self._tasks = [
            asyncio.create_task(self._tail_forever(), name="events-tail"),
            asyncio.create_task(self._prune_forever(), name="events-prune"),
            asyncio.create_task(self._beat_forever(), name="events-heartbeat"),
        ]
        self._close_streams_on_signals()

    async def stop(self) -> None:
        self._closing = True
        unregister_waker(self.committed)
        for sig, previous in self._restore_signals:
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, previous)
        self.hub.close_all()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.backend.stop()

    def _close_streams_on_signals(self) -> None:
        """End open streams when the server is told to stop, so its graceful shutdown does not wait on them.

        Uvicorn drains open responses before it runs the lifespan shutdown, and an event stream never ends by
        itself; clients reconnect (to another process) with Last-Event-ID and lose nothing.
        """
        if threading.current_thread() is not threading.main_thread():
            return
        loop = self._loop
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(sig)

            def handler(signum: int, frame: Any, previous: Any = previous) -> None:
                if loop is not None and not loop.is_closed():
                    loop.call_soon_threadsafe(self._begin_closing)
                if callable(previous):
                    previous(signum, frame)

            signal.signal(sig, handler)
            self._restore_signals.append((sig, previous))

    def _begin_closing(self) -> None:
        self._closing = True
        self.hub.close_all()

    # -- wake-ups ---------------------------------------------------------------------------------------------
    def committed(self) -> None:
        """A transaction with events committed in this process (any thread): tail now and tell the others."""
        loop = self._loop
        if self._scheduled or loop is None:
            return
        self._scheduled = True
        with contextlib.suppress(RuntimeError):  # the loop has closed: the process is stopping
            loop.call_soon_threadsafe(self._on_commit)

    def _on_commit(self) -> None:
        self._scheduled = False
        self._wake.set()
        self.backend.announce()

    def _wake_up(self) -> None:
        self._wake.set()

    def on_advance(self, listener: Callable[[int], None]) -> None:
        """Call `listener(cursor)` on the loop whenever new events have been published."""
        self._advance_listeners.append(listener)

    def on_events(self, listener: Callable[[list[Event]], None]) -> None:
        """Call `listener(events)` on the loop with each batch of events, as they are published (the caches)."""
        self._event_listeners.append(listener)

    @property
    def cursor(self) -> int:
        return self.hub.cursor

    # -- tailing ----------------------------------------------------------------------------------------------
    def _initialise(self) -> None:
        with self.db.read() as conn:
            newest, floor = outbox.head(conn), outbox.floor(conn)
        # Start far enough back to fill the ring, but never below what the outbox still holds: the ring must not
        # claim to cover events that were pruned before this process started.
        start = max(0, newest - self.config.ring_size, newest if floor is None else floor)
        self._seq = Sequencer(start)
        self.hub.reset(start)
        self._ready = True

    def _read(self) -> tuple[list[Event], bool]:
        """The next events that may be delivered in order, and whether more are waiting (runs in a thread)."""
        with self.db.read() as conn:
            if self._seq.waiting:
                self._seq.observe_emitters(outbox.emitters(conn))
            rows = outbox.after(conn, self._seq.cursor, self.config.batch)
        ids = self._seq.advance([r.id for r in rows], serialised=self.db.sqlite)
        chosen = set(ids)
        return [r for r in rows if r.id in chosen], len(rows) == self.config.batch and bool(ids)

    async def sync(self) -> None:
        """Return once a pass over the outbox that began after this call has finished (so has seen its commits)."""
        ticket = self._passes_started
        async with self._tail_lock:
            if self._passes_done <= ticket:
                await self._pass()

    async def _catch_up(self) -> None:
        async with self._tail_lock:
            await self._pass()

    async def _pass(self) -> None:
        self._passes_started += 1
        number = self._passes_started
        try:
            await self._read_all()
        finally:
            self._passes_done = number

    async def _read_all(self) -> None:
        if not self._ready:
            await asyncio.to_thread(self._initialise)
        more = True
        while more:
            events, more = await asyncio.to_thread(self._read)
            for event in events:
                self.hub.publish(event)
            self.hub.cursor = max(self.hub.cursor, self._seq.cursor)
            if events:
                for each in self._event_listeners:
                    each(events)
                for listener in self._advance_listeners:
                    listener(self.hub.cursor)
        self.fresh_at = time.monotonic()

    async def _tail_forever(self) -> None:
        failures = 0
        while True:
            wait = self.config.hole_retry_seconds if self._seq.waiting else self.config.poll_seconds
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self._catch_up()
                failures = 0
            except Exception as exc:
                failures += 1
                log.warning("events: reading the outbox failed (%s)", exc)
                await asyncio.sleep(min(0.1 * 2**failures, 5.0))

    async def _beat_forever(self) -> None:
        """Tick the hub every heartbeat period: a stream that sent nothing for a whole period gets a heartbeat, so
        it comes between one and two periods after the stream's last frame. One timer for every stream of the
        process: a timer per stream and per wait cost about a tenth of a worker's CPU in an SSE fan-out."""
        while True:
            await asyncio.sleep(self.config.heartbeat_seconds)
            self.hub.beat()

    async def _prune_forever(self) -> None:
        while True:
            await asyncio.sleep(self.config.prune_seconds)
            try:
                await asyncio.to_thread(self.prune)
            except Exception as exc:
                log.warning("events: pruning the outbox failed (%s)", exc)

    def prune(self) -> int:
        """Drop events outside the replay window; returns how many went."""
        cutoff = datetime.now(UTC) - timedelta(seconds=self.config.keep_seconds)
        with self.db.read() as conn:
            upto = outbox.prunable(conn, keep_rows=self.config.keep_rows, older_than=cutoff)
            floor = outbox.floor(conn)
        if floor is None or upto <= floor:
            return 0
        with self.db.write() as conn:
            return outbox.prune(conn, upto)

    # -- streams ----------------------------------------------------------------------------------------------
    async def stream(
        self, *, skus: Collection[str] = (), types: Collection[str] = (), last_event_id: int | str | None = None
    ) -> AsyncIterator[bytes]:
        """The Server-Sent Events of one client: catch-up, `ready`, then live events and heartbeats."""
        with contextlib.suppress(Exception):  # the outbox cannot be read: start from what this process has seen
            await self.sync()  # everything committed before the client came is behind its start point
        sub = self.hub.subscribe(skus=skus, types=types, limit=self.config.queue_size)
        start = self.hub.cursor
        try:
            yield retry_frame(self.config.retry_ms)
            reason: str | None = None
            if last_event_id == "invalid":
                reason = "Last-Event-ID is not an event id"
            elif isinstance(last_event_id, int) and last_event_id > start:
                reason = "Last-Event-ID is newer than any event this server knows"
            elif isinstance(last_event_id, int) and start - last_event_id > self.config.replay_max:
                # Ids can have gaps, so this bounds the events replayed (and the work of one resume) from above.
                reason = f"more than {self.config.replay_max} events came after Last-Event-ID; reload, then carry on"
            elif isinstance(last_event_id, int) and last_event_id < start:
                async for chunk in self._replay(after=last_event_id, upto=start, skus=skus, types=types):
                    if chunk is None:
                        reason = "the events after Last-Event-ID are no longer kept"
                        break
                    yield chunk
            if reason is not None:
                yield control_frame("resync", {"reason": reason, "last_event_id": start}, start)
            ready = {"last_event_id": start, "backend": self.backend.name, "process": self.process}
            yield control_frame("ready", ready, start)
            async for chunk in self._live(sub):
                yield chunk
        finally:
            self.hub.unsubscribe(sub)

    async def _live(self, sub: Subscriber) -> AsyncIterator[bytes]:
        while not (sub.closed or self._closing):
            if not sub.queue and sub.overflow_at is None and not sub.beat_due:
                await sub.wakeup.wait()  # events, a heartbeat due (`_beat_forever`), or the end
                if sub.closed or self._closing:
                    return
            beat = sub.beat_due
            overflow, events = sub.take()
            chunks = []
            if overflow is not None:
                why = {"reason": "this client fell too far behind; reload, then carry on", "last_event_id": overflow}
                chunks.append(control_frame("resync", why, overflow))
            chunks.extend(e.frame() for e in events)
            if not chunks and beat:
                chunks.append(control_frame("heartbeat", {"last_event_id": self.hub.cursor}, self.hub.cursor))
            if chunks:
                sub.wrote()
                yield b"".join(chunks)

    async def _replay(
        self, *, after: int, upto: int, skus: Collection[str], types: Collection[str]
    ) -> AsyncIterator[bytes | None]:
        """Frames of the events in (after, upto] that pass the filters; a None means the window does not reach."""
        recent = self.hub.recent(after, upto)
        if recent is not None:
            frames = [e.frame() for e in recent if (not skus or e.sku in skus) and (not types or e.type in types)]
            if frames:
                yield b"".join(frames)
            return
        floor = await asyncio.to_thread(self._floor)
        if floor is None or after < floor:
            yield None
            return
        while after < upto:
            page = await asyncio.to_thread(self._window, after, upto, skus, types)
            if not page:
                return
            yield b"".join(e.frame() for e in page)
            after = page[-1].id

    def _floor(self) -> int | None:
        with self.db.read() as conn:
            return outbox.floor(conn)

    def _window(self, after: int, upto: int, skus: Collection[str], types: Collection[str]) -> list[Event]:
        with self.db.read() as conn:
            return outbox.window(conn, after=after, upto=upto, skus=skus, types=types, limit=self.config.batch)


def make_backend(settings: Settings) -> Backend:
    """Redis when STEELYARD_EVENTS_URL says so, LISTEN/NOTIFY on PostgreSQL, sockets beside SQLite otherwise."""
    token = uuid.uuid4().hex
    url = settings.events_url
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBackend(url, settings.events_channel, token)
    if url and url not in ("local", "postgres"):
        raise ValueError(f"STEELYARD_EVENTS_URL={url!r}: expected redis://host:port/db, 'local' or 'postgres'")
    if not is_sqlite(settings.database_url):
        if url == "local":
            return LocalBackend()
        return PostgresBackend(postgres_conninfo(settings.database_url), settings.events_channel, token)
    return LocalBackend(wakeup_folder(make_url(normalise_url(settings.database_url)).database))


def make_bus(settings: Settings, db: Database) -> EventBus:
    backend = make_backend(settings)
    poll = settings.events_poll_seconds
    if poll is None:
        poll = 0.02 if isinstance(backend, LocalBackend) else 1.0
    config = BusConfig(
        queue_size=settings.events_queue_size,
        heartbeat_seconds=settings.events_heartbeat_seconds,
        poll_seconds=poll,
        keep_rows=settings.events_keep_rows,
        keep_seconds=settings.events_keep_hours * 3600,
        replay_max=settings.events_replay_max,
    )
    return EventBus(db, backend, config)


@asynccontextmanager
async def running_bus(state: Any, settings: Settings, db: Database) -> AsyncIterator[EventBus]:
    """Start this process's bus for the app's lifespan and put it on `state.events`."""
    bus = make_bus(settings, db)
    await bus.start()
    state.events = bus
    try:
        yield bus
    finally:
        await bus.stop()
