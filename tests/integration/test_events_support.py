"""Helpers for the event tests (no tests here): real server processes, a raw Server-Sent Events client, set-up."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx

from servers import UNLIMITED, start, stop, wait_ready
from steelyard.access.model import Role
from steelyard.access.service import create_token
from steelyard.db import Database, make_engine

RECEIVE_TIMEOUT = 30.0  # generous: a failure here means an event never came, not that it was slow


class Server:
    """`steelyard serve` (tests/servers.py) on a free port, its output kept for a failure's report; always stopped by
    the fixture that made it."""

    def __init__(self, database_url: str, *, workers: int = 1, env: dict[str, str] | None = None) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        settings = {  # the event tests open many streams from one address: the per-client caps are off
            **UNLIMITED,
            "STEELYARD_EVENTS_HEARTBEAT_SECONDS": "0.5",
            **(env or {}),
        }
        self.process, self.base = start(
            database_url, workers=workers, env=settings, output=self.log, inherit_settings=False
        )
        self.port = int(urlsplit(self.base).port or 0)

    def wait_ready(self, timeout: float = 60.0) -> None:
        try:
            wait_ready(self.process, self.base, timeout)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}: {self.output()}") from None

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self) -> None:
        stop(self.process)
        self.log.close()


@contextmanager
def servers(database_url: str, count: int = 1, **kwargs: Any) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for _ in range(count):
            started.append(Server(database_url, **kwargs))
        for server in started:
            server.wait_ready()
        yield started
    except BaseException:
        for server in started:
            print(f"--- server {server.base} ---\n{server.output()}", file=sys.stderr)
        raise
    finally:
        for server in started:
            server.stop()


class SseClient:
    """A Server-Sent Events client on a raw socket: decodes chunked transfer, parses frames into a queue."""

    def __init__(
        self,
        base: str,
        query: str = "",
        *,
        headers: dict[str, str] | None = None,
        rcvbuf: int | None = None,
        read: bool = True,
    ) -> None:
        url = urlsplit(base)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(RECEIVE_TIMEOUT)
        self.sock.connect((url.hostname or "127.0.0.1", url.port or 80))
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        path = "/api/v1/events" + (f"?{query}" if query else "")
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: text/event-stream\r\n{extra}\r\n".encode()
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.closed = False
        self.ready_frame: dict[str, Any] = {}
        self._thread: threading.Thread | None = None
        if read:
            self.start_reading()

    def start_reading(self) -> None:
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        buf = b""
        try:
            reader = self.sock.makefile("rb")
            status_line = reader.readline().decode()
            self.status = int(status_line.split()[1])
            while (line := reader.readline().decode().strip()) != "":
                key, _, value = line.partition(":")
                self.headers[key.strip().lower()] = value.strip()
            while not self.closed:
                size = int(reader.readline().strip() or b"0", 16)
                if size == 0:
                    break
                buf += reader.read(size)
                reader.readline()
                while b"\n\n" in buf:
                    block, buf = buf.split(b"\n\n", 1)
                    self._frame(block.decode())
        except (OSError, ValueError):
            pass
        finally:
            self.events.put({"event": "<closed>"})

    def _frame(self, block: str) -> None:
        frame: dict[str, Any] = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            key, _, value = line.partition(": ")
            frame[key] = value
        if "event" not in frame:
            return
        if "id" in frame:
            frame["id"] = int(frame["id"])
        frame["data"] = json.loads(frame.get("data", "null"))
        self.events.put(frame)

    def next(self, timeout: float = RECEIVE_TIMEOUT) -> dict[str, Any]:
        return self.events.get(timeout=timeout)

    def until(self, done: Callable[[dict[str, Any]], bool], timeout: float = RECEIVE_TIMEOUT) -> list[dict[str, Any]]:
        """Frames up to and including the first for which `done` holds (heartbeats left out)."""
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while True:
            frame = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if frame["event"] == "<closed>":
                raise AssertionError(f"stream closed after {seen}")
            if frame["event"] != "heartbeat":
                seen.append(frame)
            if done(frame):
                return seen

    def ready(self) -> dict[str, Any]:
        """Wait for the `ready` frame; returns it (its data names the backend and the server process)."""
        self.ready_frame = self.until(lambda f: f["event"] == "ready")[-1]
        return self.ready_frame

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def admin_headers(database_url: str) -> dict[str, str]:
    db = Database(make_engine(database_url, pool_size=1, max_overflow=0))
    try:
        with db.write() as conn:
            token = create_token(conn, role=Role.ADMIN, name="Events Admin", account_id=None)
    finally:
        db.dispose()
    return {"Authorization": f"Bearer {token}"}


def product_body(sku: str) -> dict[str, Any]:
    return {
        "sku": sku,
        "name": f"Aluminium sheet {sku}",
        "family": "aluminium",
        "grade": "6061-T6",
        "form": "sheet",
        "density_kg_m3": "2700",
        "dimensions_mm": {"thickness": "2", "width": "1250", "length": "2500"},
        "stock_unit": "kg",
        "price": {
            "currency": "EUR",
            "tiers": [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "6.20", "per": "kg"}],
        },
    }


def set_up_catalogue(base: str, headers: dict[str, str], skus: list[str]) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        r = client.post("/api/v1/warehouses", json={"code": "DUI", "name": "Duisburg"})
        assert r.status_code in (201, 409), r.text
        for sku in skus:
            r = client.post("/api/v1/products", json=product_body(sku))
            assert r.status_code == 201, r.text


def receive(base: str, headers: dict[str, str], sku: str, kilograms: str) -> httpx.Response:
    body = {"sku": sku, "warehouse": "DUI", "kind": "receipt", "quantity": {"value": kilograms, "unit": "kg"}}
    r = httpx.post(base + "/api/v1/stock/movements", json=body, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    return r


def reprice(base: str, headers: dict[str, str], sku: str, price: str) -> None:
    tiers = [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": price, "per": "kg"}]
    r = httpx.patch(
        f"{base}/api/v1/products/{sku}",
        json={"price": {"currency": "EUR", "tiers": tiers}},
        headers=headers,
        timeout=30,
    )
    assert r.status_code == 200, r.text
