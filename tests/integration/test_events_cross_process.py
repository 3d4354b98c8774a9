"""A change made through one server process reaches subscribers of every other process: once, in order, after commit.

The fallback poll is set to an hour where a wake-up backend is under test (NOTIFY, Redis, SQLite's sockets), so only
that backend can deliver within the receive timeout.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis
from test_events_support import (
    Server,
    SseClient,
    admin_headers,
    receive,
    reprice,
    servers,
    set_up_catalogue,
)

from steelyard.db import Database, make_engine
from steelyard.events import emit

pytestmark = pytest.mark.slow
NO_POLL = {"STEELYARD_EVENTS_POLL_SECONDS": "3600"}


def channel() -> str:
    return f"steelyard_test_{uuid.uuid4().hex[:12]}"


def subscribers_on_every_process(
    server: Server, processes: int, query: str = "", *, timeout: float = 120.0, per_process: int = 16
) -> list[SseClient]:
    """Open streams, in bursts, until they span `processes` distinct server processes.

    The kernel hands each connection to whichever worker accepts first, and the server counts as ready once one
    worker answers: the other may still be starting (two workers took 45 s at a load average of 16), and until it
    is, every stream lands on the first. So this keeps trying until `timeout`, not for a fixed number of bursts
    (a fixed 240 streams once all landed on one process while the other was still importing). Streams beyond
    `per_process` on a process already covered are closed at once, so the wait holds no more sockets."""
    kept: dict[int, list[SseClient]] = {}
    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(max_workers=16) as pool:
        while True:
            for client in pool.map(lambda _: SseClient(server.base, query), range(16)):
                mine = kept.setdefault(client.ready()["data"]["process"], [])
                if len(mine) < per_process:
                    mine.append(client)
                else:
                    client.close()
            if len(kept) == processes:
                return [c for group in kept.values() for c in group]
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
    for group in kept.values():
        for client in group:
            client.close()
    raise AssertionError(f"after {timeout:.0f} s every stream still landed on processes {set(kept)}")


def changes_reach_everyone(writer: Server, clients: list[SseClient], headers: dict[str, str]) -> None:
    receive(writer.base, headers, "XP-1", "10")
    reprice(writer.base, headers, "XP-1", "4.40")
    receive(writer.base, headers, "XP-1", "0.5")
    for client in clients:
        frames = client.until(lambda f: f["event"] == "stock.changed" and f["data"]["on_hand"] == "10.5")
        assert [(f["event"], f["data"].get("on_hand")) for f in frames] == [
            ("stock.changed", "10"),
            ("product.changed", None),
            ("price.changed", None),
            ("stock.changed", "10.5"),
        ]
        ids = [f["id"] for f in frames]
        assert ids == sorted(set(ids))


def test_two_workers_share_events(db_url: str, backend: str) -> None:
    """`steelyard serve --workers 2`: the worker that commits wakes the other, by a datagram on SQLite, by NOTIFY on
    PostgreSQL (the fallback poll is off, so nothing else could deliver)."""
    with servers(db_url, 1, workers=2, env=NO_POLL) as (server,):
        headers = admin_headers(db_url)
        set_up_catalogue(server.base, headers, ["XP-1"])
        clients = subscribers_on_every_process(server, 2, "sku=XP-1")
        try:
            assert {c.ready_frame["data"]["backend"] for c in clients} <= {"local", "postgres"}
            changes_reach_everyone(server, clients, headers)
        finally:
            for client in clients:
                client.close()


def test_two_servers_sharing_postgresql_use_listen_notify(db_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL")
    with servers(db_url, 2, env=NO_POLL) as (subscribed, writer):
        headers = admin_headers(db_url)
        set_up_catalogue(writer.base, headers, ["XP-1"])
        client = SseClient(subscribed.base, "sku=XP-1")
        try:
            assert client.ready()["data"]["backend"] == "postgres"
            changes_reach_everyone(writer, [client], headers)
        finally:
            client.close()


def test_two_servers_with_redis(db_url: str) -> None:
    name = channel()
    env = {**NO_POLL, "STEELYARD_EVENTS_URL": "redis://127.0.0.1:6379/0", "STEELYARD_EVENTS_CHANNEL": name}
    spy = redis.Redis.from_url("redis://127.0.0.1:6379/0").pubsub(ignore_subscribe_messages=True)
    spy.subscribe(name)
    with servers(db_url, 2, env=env) as (subscribed, writer):
        headers = admin_headers(db_url)
        set_up_catalogue(writer.base, headers, ["XP-1"])
        client = SseClient(subscribed.base, "sku=XP-1")
        try:
            assert client.ready()["data"]["backend"] == "redis"
            changes_reach_everyone(writer, [client], headers)
        finally:
            client.close()
    heard = [spy.get_message(timeout=1) for _ in range(3)]
    spy.close()
    assert any(m is not None and m["type"] == "message" for m in heard)  # the wake-ups went through Redis


def test_a_rolled_back_change_sends_nothing(db_url: str) -> None:
    with servers(db_url, 1) as (server,):
        headers = admin_headers(db_url)
        set_up_catalogue(server.base, headers, ["XP-1"])
        client = SseClient(server.base, "sku=XP-1")
        db = Database(make_engine(db_url, pool_size=1, max_overflow=0))
        try:
            client.ready()
            with pytest.raises(LookupError), db.write() as conn:
                emit(conn, "product.changed", {"sku": "XP-1", "change": "updated", "n": "rolled back"})
                raise LookupError
            with db.write() as conn:
                emit(conn, "product.changed", {"sku": "XP-1", "change": "updated", "n": "committed"})
            frames = client.until(lambda f: f["event"] == "product.changed")
            assert [f["data"]["n"] for f in frames] == ["committed"]
            r = httpx.get(server.base + "/readyz", timeout=10)
            assert r.status_code == 200
        finally:
            db.dispose()
            client.close()
