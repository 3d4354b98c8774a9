"""`GET /api/v1/events` on a real server: the frames, filters, resume with Last-Event-ID, heartbeats, slow clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
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
SKUS = ["EV-A", "EV-B"]


@pytest.fixture
def server(db_url: str) -> Iterator[Server]:
    with servers(db_url, 1, env={"STEELYARD_EVENTS_QUEUE_SIZE": "600"}) as started:
        set_up_catalogue(started[0].base, admin_headers(db_url), SKUS)
        yield started[0]


@pytest.fixture
def headers(db_url: str) -> dict[str, str]:
    return admin_headers(db_url)


def test_stock_price_and_product_changes_arrive_as_frames(server: Server, headers: dict[str, str]) -> None:
    client = SseClient(server.base)
    try:
        ready = client.ready()
        assert client.status == 200
        assert client.headers["content-type"].startswith("text/event-stream")
        assert len(client.headers["x-request-id"]) == 32  # the middlewares still made the start (ops/middleware.py)
        assert ready["data"]["backend"] in ("local", "postgres")
        receive(server.base, headers, "EV-A", "12.5")
        reprice(server.base, headers, "EV-A", "5.90")
        frames = client.until(lambda f: f["event"] == "price.changed")
        kinds = [f["event"] for f in frames]
        assert kinds == ["stock.changed", "product.changed", "price.changed"]
        stock = frames[0]["data"]
        assert stock == {"sku": "EV-A", "warehouse": "DUI", "on_hand": "12.5", "reserved": "0", "available": "12.5"}
        assert frames[1]["data"]["change"] == "updated"
        assert frames[2]["data"]["tiers"][0]["unit_price"] == "5.9"
        ids = [f["id"] for f in frames]
        assert ids == sorted(ids) and len(set(ids)) == 3 and ids[0] > ready["id"]
    finally:
        client.close()


def test_filters_by_sku_and_type(server: Server, headers: dict[str, str]) -> None:
    only_b = SseClient(server.base, "sku=EV-B")
    b_stock = SseClient(server.base, "sku=EV-B&sku=EV-X&type=stock.changed")
    try:
        only_b.ready()
        b_stock.ready()
        receive(server.base, headers, "EV-A", "1")
        reprice(server.base, headers, "EV-B", "7.10")
        receive(server.base, headers, "EV-B", "2")
        got = only_b.until(lambda f: f["event"] == "stock.changed")
        assert [f["event"] for f in got] == ["product.changed", "price.changed", "stock.changed"]
        assert {f["data"]["sku"] for f in got} == {"EV-B"}
        got = b_stock.until(lambda f: f["event"] == "stock.changed")
        assert [(f["event"], f["data"]["sku"], f["data"]["on_hand"]) for f in got] == [("stock.changed", "EV-B", "2")]
    finally:
        only_b.close()
        b_stock.close()


def test_bad_filters_are_a_problem(server: Server) -> None:
    r = httpx.get(server.base + "/api/v1/events?sku=not a sku", timeout=10)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    r = httpx.get(server.base + "/api/v1/events?type=stock.moved", timeout=10)
    assert r.status_code == 422


def test_last_event_id_resumes_exactly_after_it(server: Server, headers: dict[str, str]) -> None:
    first = SseClient(server.base, "sku=EV-A")
    first.ready()
    receive(server.base, headers, "EV-A", "1")
    seen = first.until(lambda f: f["event"] == "stock.changed")[-1]
    first.close()
    for kilograms in ("2", "3"):  # while the client is away
        receive(server.base, headers, "EV-A", kilograms)
    receive(server.base, headers, "EV-B", "9")
    again = SseClient(server.base, "sku=EV-A", headers={"Last-Event-ID": str(seen["id"])})
    try:
        frames = again.until(lambda f: f["event"] == "ready")
        assert [(f["event"], f["data"].get("on_hand")) for f in frames] == [
            ("stock.changed", "3"),
            ("stock.changed", "6"),
            ("ready", None),
        ]
        assert frames[0]["id"] > seen["id"] and frames[1]["id"] > frames[0]["id"]
        assert frames[2]["id"] >= frames[1]["id"]
    finally:
        again.close()


def test_a_resume_point_older_than_the_window_or_unknown_gets_a_resync(
    db_url: str, server: Server, headers: dict[str, str]
) -> None:
    for kilograms in ("1", "2", "3"):
        receive(server.base, headers, "EV-A", kilograms)
    for resume in ("999999", "abc"):
        client = SseClient(server.base, headers={"Last-Event-ID": resume})
        try:
            frames = client.until(lambda f: f["event"] == "ready")
            assert [f["event"] for f in frames] == ["resync", "ready"]
            assert frames[0]["id"] == frames[1]["id"]
        finally:
            client.close()
    # Prune everything but the newest event, then restart the server so that its ring cannot answer either.
    from steelyard.events.backends import LocalBackend
    from steelyard.events.bus import BusConfig, EventBus

    db = Database(make_engine(db_url, pool_size=1, max_overflow=0))
    try:
        assert EventBus(db, LocalBackend(), BusConfig(keep_rows=1)).prune() >= 1
    finally:
        db.dispose()
    server.stop()
    with servers(db_url, 1) as (fresh,):
        client = SseClient(fresh.base, headers={"Last-Event-ID": "1"})
        try:
            frames = client.until(lambda f: f["event"] == "ready")
            assert [f["event"] for f in frames] == ["resync", "ready"]
            assert "no longer kept" in frames[0]["data"]["reason"]
        finally:
            client.close()


def test_heartbeats_come_when_nothing_happens(server: Server) -> None:
    client = SseClient(server.base)
    try:
        ready = client.ready()
        beat = client.next()
        assert beat["event"] == "heartbeat"
        assert beat["id"] == ready["id"] == beat["data"]["last_event_id"]
    finally:
        client.close()


def change_number(n: int) -> Callable[[dict[str, Any]], bool]:
    return lambda frame: frame["event"] == "product.changed" and frame["data"]["n"] == n


def test_a_stuck_client_is_told_to_resync_and_never_slows_the_others(db_url: str, server: Server) -> None:
    """5,000 events of ~4 KB (20 MB): more than a stuck socket (kernel buffers: a few MB) and its queue (600 events)
    can hold, bursting 100 at a time.

    The writer waits for the fast client to have each burst before it sends the next: the fast client (a reader
    thread in this process) may then be at most 100 events behind, far inside its queue of 600, however loaded the
    machine. Unpaced, a run at load 15 let the test's own reader fall 600 behind and the server rightly told it to
    resync, which is the behaviour under test for the stuck client, not a fault."""
    stuck = SseClient(server.base, rcvbuf=4096, read=False)
    fast = SseClient(server.base)
    fast.ready()
    db = Database(make_engine(db_url, pool_size=1, max_overflow=0))
    note = "x" * 4000
    count = 5000
    try:
        got: list[dict[str, Any]] = []
        for batch in range(count // 100):
            with db.write() as conn:
                for i in range(100):
                    data = {"sku": "EV-A", "change": "updated", "note": note, "n": batch * 100 + i}
                    emit(conn, "product.changed", data)
            got += fast.until(change_number(batch * 100 + 99))
        # A heartbeat may fall between the events on a slow run; it carries no payload of ours, so only the
        # events are compared, and nothing but events and heartbeats may come (no resync for a fast client).
        assert {f["event"] for f in got} <= {"product.changed", "heartbeat"}
        changes = [f for f in got if f["event"] == "product.changed"]
        assert [f["data"]["n"] for f in changes] == list(range(count))  # every one, once, in order
        stuck.start_reading()
        frames = stuck.until(change_number(count - 1))
        kinds = [f["event"] for f in frames]
        assert "resync" in kinds
        ids = [f["id"] for f in frames if "id" in f]
        assert ids == sorted(ids)  # the resync point keeps the ids monotonic
        after = [f for f in frames[kinds.index("resync") + 1 :] if f["event"] == "product.changed"]
        assert [f["data"]["n"] for f in after] == list(range(after[0]["data"]["n"], count))
    finally:
        db.dispose()
        stuck.close()
        fast.close()
