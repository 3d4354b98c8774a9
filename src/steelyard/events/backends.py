"""How one server process tells the others "the outbox has new events": three backends, one interface.

A backend carries only the wake-up, never the events: the outbox is the single source of ids, order and replay, so
every backend delivers the same events in the same order, and a lost wake-up costs latency (the tailer's fallback
poll catches up), never an event.

- `local`: nothing leaves the process; other processes on the same database find new rows by polling.
- `postgres`: NOTIFY after commit on the process's own connection (never inside the writing transaction, so the
  writers do not queue on NOTIFY's commit lock), LISTEN on another; coalesced: one NOTIFY covers every commit that
  happened while the previous one was in flight.
- `redis`: PUBLISH / SUBSCRIBE on one channel, coalesced the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger("steelyard.events")

Wake = Callable[[], None]
RECONNECT_MAX_SECONDS = 5.0


class Backend(Protocol):
    name: str

    async def start(self, wake: Wake) -> None:
        """Begin listening; call `wake()` (on the loop) whenever another process announces new events."""

    def announce(self) -> None:
        """Tell the other processes (called on the loop after a local commit); must not block."""

    async def stop(self) -> None: ...


class LocalBackend:
    name = "local"

    async def start(self, wake: Wake) -> None:
        return None

    def announce(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class _Coalescing:
    """Shared machinery: a sender task that sends one message per burst, and a reconnecting listener task."""

    name = "?"

    def __init__(self, channel: str, token: str) -> None:
        self.channel = channel
        self.token = token  # identifies this process's own messages, which it ignores
        self._pending = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._wake: Wake = lambda: None
        self.sent = 0
        self.received = 0

    async def start(self, wake: Wake) -> None:
        self._wake = wake
        ready = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self._forever(self._listen, ready, self._reset), name=f"{self.name}-listen"),
            asyncio.create_task(self._forever(self._send_loop, None, self._reset_sender), name=f"{self.name}-send"),
        ]
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                await ready.wait()

    def announce(self) -> None:
        self._pending.set()

    def _heard(self, payload: str) -> None:
        if payload != self.token:
            self.received += 1
            self._wake()

    async def _send_loop(self, _: asyncio.Event | None) -> None:
        while True:
            await self._pending.wait()
            self._pending.clear()
            await self._send()
            self.sent += 1

    async def _forever(self, loop: Any, ready: asyncio.Event | None, reset: Any) -> None:
        delay = 0.1
        while True:
            try:
                await loop(ready)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s event backend: %s; retrying in %.1f s", self.name, exc, delay)
                await reset()
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
                self._wake()  # wake-ups may have been missed while disconnected: look at the outbox
            else:
                delay = 0.1

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._reset()

    async def _listen(self, ready: asyncio.Event | None) -> None:
        raise NotImplementedError

    async def _send(self) -> None:
        raise NotImplementedError

    async def _reset(self) -> None:
        raise NotImplementedError

    async def _reset_sender(self) -> None:
        return None


class PostgresBackend(_Coalescing):
    name = "postgres"

    def __init__(self, conninfo: str, channel: str, token: str) -> None:
        super().__init__(channel, token)
        self.conninfo = conninfo
        self._listener: Any = None
        self._sender: Any = None

    async def _listen(self, ready: asyncio.Event | None) -> None:
        import psycopg
        from psycopg import sql

        self._listener = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
        await self._listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        if ready is not None:
            ready.set()
        self._wake()
        async for note in self._listener.notifies():
            self._heard(note.payload)

    async def _send(self) -> None:
        import psycopg

        if self._sender is None or self._sender.closed:
            self._sender = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
        await self._sender.execute("SELECT pg_notify(%s, %s)", (self.channel, self.token))

    async def _reset_sender(self) -> None:
        sender, self._sender = self._sender, None
        if sender is not None:
            with contextlib.suppress(Exception):
                await sender.close()

    async def _reset(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                await listener.close()
        await self._reset_sender()


class RedisBackend(_Coalescing):
    name = "redis"

    def __init__(self, url: str, channel: str, token: str) -> None:
        super().__init__(channel, token)
        self.url = url
        self._client: Any = None
        self._pubsub: Any = None

    def _redis(self) -> Any:
        if self._client is None:
            import redis.asyncio as aioredis

            self._client = aioredis.Redis.from_url(self.url, socket_connect_timeout=5, health_check_interval=30)
        return self._client

    async def _listen(self, ready: asyncio.Event | None) -> None:
        self._pubsub = self._redis().pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(self.channel)
        if ready is not None:
            ready.set()
        self._wake()
        async for message in self._pubsub.listen():
            if message.get("type") == "message":
                data = message.get("data")
                self._heard(data.decode() if isinstance(data, bytes) else str(data))

    async def _send(self) -> None:
        await self._redis().publish(self.channel, self.token)

    async def _reset(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def stop(self) -> None:
        await super().stop()
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()


def postgres_conninfo(sqlalchemy_url: str) -> str:
    """A libpq URI for psycopg from the SQLAlchemy URL (drops the +psycopg driver suffix)."""
    from sqlalchemy.engine import make_url

    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
