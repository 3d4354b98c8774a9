"""How one server process tells the others "the outbox has new events": three backends, one interface.

A backend carries only the wake-up, never the events: the outbox is the single source of ids, order and replay, so
every backend delivers the same events in the same order, and a lost wake-up costs latency (the tailer's fallback
poll catches up), never an event.

- `local` (SQLite): a datagram on a Unix socket wakes the other processes on the same database file (each binds one
  in a folder named after the file); the outbox poll stays as the safety net, and is all that a process that could
  not bind its socket, or a writer without a bus (a CLI import), has.
- `postgres`: NOTIFY after commit on the process's own connection (never inside the writing transaction, so the
  writers do not queue on NOTIFY's commit lock), LISTEN on another; coalesced: one NOTIFY covers every commit that
  happened while the previous one was in flight.
- `redis`: PUBLISH / SUBSCRIBE on one channel, coalesced the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
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
    """Wake-ups between the processes that share one SQLite file, over Unix datagram sockets in one private folder.

    SQLite serves only the processes of one machine, so a folder per database file is the whole "channel". A
    datagram is one wake-up, sent without waiting: when a peer's queue is full, it has wake-ups pending already.
    A socket left by a process that died refuses the datagram and is removed. Without a folder (in-memory
    databases, tests) nothing leaves the process."""

    name = "local"

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.path: Path | None = None
        self._sock: socket.socket | None = None
        self.sent = 0
        self.received = 0

    async def start(self, wake: Wake) -> None:
        if self.folder is None:
            return
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.setblocking(False)
        path = self.folder / f"{os.getpid()}-{secrets.token_hex(4)}.sock"
        for attempt in range(3):
            try:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                sock.bind(str(path))
                break
            except FileNotFoundError:  # the last other process removed the empty folder in between: again
                if attempt < 2:
                    continue
                raise
            except OSError as exc:  # a path too long for a socket, a folder of another user: poll only
                sock.close()
                log.warning("events: no wake-up socket in %s (%s); other processes poll the outbox", self.folder, exc)
                return
        self._sock, self.path = sock, path
        asyncio.get_running_loop().add_reader(sock.fileno(), self._readable, wake)

    def _readable(self, wake: Wake) -> None:
        assert self._sock is not None
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while True:  # one look at the outbox answers every wake-up waiting
                self._sock.recv(16)
                self.received += 1
        wake()

    def announce(self) -> None:
        if self._sock is None or self.folder is None:
            return
        with contextlib.suppress(OSError), os.scandir(self.folder) as entries:
            peers = [e.path for e in entries if e.name.endswith(".sock") and e.path != str(self.path)]
        for peer in peers:
            try:
                self._sock.sendto(b"!", peer)
                self.sent += 1
            except (BlockingIOError, InterruptedError):
                pass  # its queue is full: it has wake-ups to read already
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(OSError):
                    os.unlink(peer)  # a process that ended without removing its socket
            except OSError as exc:
                log.debug("events: no wake-up to %s (%s)", peer, exc)

    async def stop(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(sock.fileno())
            sock.close()
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            with contextlib.suppress(OSError):
                self.path.parent.rmdir()  # the last one out leaves no folder behind


def wakeup_folder(database_file: str | None) -> Path | None:
    """The folder where the processes of one SQLite file meet: named after the file's real path, in the temporary
    directory (so a restart of the machine clears it). None for an in-memory database."""
    if not database_file or database_file == ":memory:" or database_file.startswith("file::memory:"):
        return None
    key = hashlib.sha256(os.path.realpath(database_file).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"steelyard-events-{key}"


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
