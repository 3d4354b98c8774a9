"""Server-Sent Events under load: N concurrent subscribers, latency from commit to receipt, the server's memory.

Runs on its own (no harness needed):

    .venv/bin/python bench/sse_bench.py --backend sqlite            # in-process bus, SQLite file, one server
    .venv/bin/python bench/sse_bench.py --backend postgres          # LISTEN/NOTIFY, two servers sharing PostgreSQL
    .venv/bin/python bench/sse_bench.py --backend redis --json out.json

It starts real `steelyard serve` processes on free ports, opens `--subscribers` streams to the first server
(unfiltered, so every subscriber gets every change), then posts `--changes` stock receipts at `--rate` per second
through the *last* server (the same one when there is one; another process for postgres and redis, so the wake-up
really crosses processes). Latency is measured per subscriber and event from the event's `created_at` (stamped in
the writing transaction, just before it commits, so this is an upper bound on commit-to-receipt) to the moment the
frame's bytes were read by the client. The client runs in this process; the server(s) in others.

PostgreSQL: uses (and resets the events of) STEELYARD_BENCH_PG (or BENCH_PG_URL), default postgresql://postgres@127.0.0.1:5432/test_events.

Harness mode (`make bench` runs it so against the server of the configuration being measured; bench/README.md):

    .venv/bin/python bench/sse_bench.py --base-url http://127.0.0.1:PORT --clients 1000 --duration 5 \
        --token STAFF_TOKEN --skus SKU1,...,SKU20 --warehouse DUI

connects `--clients` streams (filtered to those SKUs), posts a receipt of one of the SKUs every 0.1 s for
`--warmup` s (1 s; delivered, not timed, as the request scenarios' warm-up) and then for `--duration` s, and times
every delivery of the second part two ways: from the moment its committing request was sent (`p50_ms`,
`p99_ms`: the POST's whole round trip included, its parsing, checks and ledger work before the commit), and, with
`--database-url`, from the event's `created_at` (`commit_p50_ms`, `commit_p99_ms`: stamped in the writing
transaction just before its COMMIT, an upper bound on commit-to-receipt). The last line of stdout is one JSON
object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from harness.servers import LOAD_TEST_ENV  # noqa: E402

from steelyard.access.model import Role  # noqa: E402
from steelyard.access.service import create_token  # noqa: E402
from steelyard.db import Database, make_engine  # noqa: E402
from steelyard.migrate import migrate  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test_events"
SKU = "BENCH-SSE-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (uvicorn workers), in KiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def start_server(url: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STEELYARD_")}
    environment.update({**LOAD_TEST_ENV, "STEELYARD_DATABASE_URL": url, **env})
    cmd = [sys.executable, "-m", "steelyard.cli", "serve", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=environment, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not become ready")


def prepare(url: str) -> dict[str, str]:
    migrate(url, "head")
    db = Database(make_engine(url, pool_size=1, max_overflow=0))
    try:
        with db.write() as conn:
            token = create_token(conn, role=Role.ADMIN, name="sse bench")
    finally:
        db.dispose()
    return {"Authorization": f"Bearer {token}"}


def ensure_catalogue(base: str, headers: dict[str, str]) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
        c.post("/api/v1/warehouses", json={"code": "BEN", "name": "Bench"})
        tiers = [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "1.00", "per": "kg"}]
        r = c.post(
            "/api/v1/products",
            json={
                "sku": SKU,
                "name": "Bench bar",
                "family": "steel",
                "grade": "S235JR",
                "form": "round_bar",
                "density_kg_m3": "7850",
                "dimensions_mm": {"diameter": "20", "length": "6000"},
                "stock_unit": "kg",
                "price": {"currency": "EUR", "tiers": tiers},
            },
        )
        assert r.status_code in (201, 409), r.text
        move = {"sku": SKU, "warehouse": "BEN", "kind": "receipt", "quantity": {"value": "1", "unit": "kg"}}
        c.post("/api/v1/stock/movements", json=move).raise_for_status()  # the level row exists from here on


class Subscriber:
    def __init__(self) -> None:
        self.received: dict[int, float] = {}  # event id -> wall-clock receipt
        self.ready = asyncio.Event()
        self.buf = b""

    async def run(self, host: str, port: int, stop: asyncio.Event) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET /api/v1/events?sku={SKU} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        await writer.drain()
        try:
            while not stop.is_set():
                chunk = await reader.read(65536)
                if not chunk:
                    break
                now = time.time()
                self.buf += chunk
                *blocks, self.buf = self.buf.split(b"\n\n")
                for block in blocks:
                    self.frame(block, now)
        finally:
            writer.close()

    def frame(self, block: bytes, now: float) -> None:
        id_, event = None, None
        for line in block.split(b"\n"):
            line = line.strip(b"\r")
            if line.startswith(b"id: "):
                id_ = int(line[4:])
            elif line.startswith(b"event: "):
                event = line[7:]
        if event == b"ready":
            self.ready.set()
        elif event == b"stock.changed" and id_ is not None:
            self.received[id_] = now


async def bench(args: argparse.Namespace, bases: list[str], headers: dict[str, str], server_pid: int) -> dict[str, Any]:
    sub_url = httpx.URL(bases[0])
    stop = asyncio.Event()
    memory_idle = rss_kib(server_pid)
    subs = [Subscriber() for _ in range(args.subscribers)]
    tasks = []
    for i, sub in enumerate(subs):
        tasks.append(asyncio.create_task(sub.run(sub_url.host, sub_url.port or 80, stop)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)
    await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in subs)), 120)
    memory_connected = rss_kib(server_pid)
    sent: list[tuple[float, float]] = []
    committed: dict[int, float] = {}
    if args.writer == "direct":
        await write_directly(args, committed)
    else:
        await write_over_http(args, bases, headers, sent)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sum(len(s.received) for s in subs) < args.changes * args.subscribers:
        await asyncio.sleep(0.1)
    memory_after = rss_kib(server_pid)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"subs": subs, "sent": sent, "committed": committed, "memory": (memory_idle, memory_connected, memory_after)}


async def write_over_http(
    args: argparse.Namespace, bases: list[str], headers: dict[str, str], sent: list[tuple[float, float]]
) -> None:
    async with httpx.AsyncClient(base_url=bases[-1], headers=headers, timeout=30) as client:
        move = {"sku": SKU, "warehouse": "BEN", "kind": "receipt", "quantity": {"value": "1", "unit": "kg"}}
        started = time.perf_counter()
        for i in range(args.changes):
            await asyncio.sleep(max(0.0, started + i / args.rate - time.perf_counter()))
            t0 = time.time()
            r = await client.post("/api/v1/stock/movements", json=move)
            r.raise_for_status()
            sent.append((t0, time.time()))


async def write_directly(args: argparse.Namespace, committed: dict[int, float]) -> None:
    """Commit stock changes from this process, as another server would: with its own running bus (which sends the
    NOTIFY or Redis wake-up after commit), stamping the exact moment each transaction committed."""
    from sqlalchemy import select, update

    from steelyard.catalog.tables import products, warehouses
    from steelyard.config import Settings
    from steelyard.db import after_commit
    from steelyard.events import emit, outbox
    from steelyard.events.bus import make_bus
    from steelyard.events.wire import stock_changed
    from steelyard.inventory.tables import stock_levels

    settings = Settings(**{k.removeprefix("STEELYARD_").lower(): v for k, v in args.env.items()})
    db = Database(make_engine(settings.database_url, pool_size=2, max_overflow=0))
    bus = make_bus(settings, db)
    await bus.start()
    with db.read() as conn:
        product_id = conn.execute(select(products.c.id).where(products.c.sku == SKU)).scalar_one()
        warehouse_id = conn.execute(select(warehouses.c.id).where(warehouses.c.code == "BEN")).scalar_one()

    def write_one() -> None:
        with db.write() as conn:
            row = conn.execute(
                update(stock_levels)
                .where(stock_levels.c.product_id == product_id, stock_levels.c.warehouse_id == warehouse_id)
                .values(on_hand=stock_levels.c.on_hand + 1_000_000)
                .returning(stock_levels.c.on_hand, stock_levels.c.reserved)
            ).one()
            emit(
                conn,
                "stock.changed",
                stock_changed(sku=SKU, warehouse="BEN", on_hand=row.on_hand, reserved=row.reserved),
            )
            event_id = outbox.head(conn)
            after_commit(conn, lambda: committed.__setitem__(event_id, time.time()))

    try:
        started = time.perf_counter()
        for i in range(args.changes):
            await asyncio.sleep(max(0.0, started + i / args.rate - time.perf_counter()))
            await asyncio.to_thread(write_one)
    finally:
        await bus.stop()
        db.dispose()


def created_at(url: str, ids: set[int]) -> dict[int, float]:
    from steelyard.events import outbox

    db = Database(make_engine(url, pool_size=1, max_overflow=0))
    try:
        with db.read() as conn:
            events = outbox.get(conn, ids)
    finally:
        db.dispose()
    return {e.id: e.created_at.astimezone(UTC).timestamp() for e in events}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Client(asyncio.Protocol):
    """One harness-mode stream: every `stock.changed` it reads, as (event id, sku, receipt time).

    A protocol, not a stream reader: the loop hands each socket's bytes to `data_received`, which only stamps and
    keeps them; frames are parsed after the run. With a reader task per stream, waking 1,000 tasks and parsing
    1,000 frames per event in this one process took tens of milliseconds, which the last streams' receipt times
    counted as the server's latency (the same run: p99 with the old client against this one, in docs/benchmarks.md).
    """

    def __init__(self) -> None:
        self.got: list[tuple[int, str, float]] = []
        self.chunks: list[tuple[float, bytes]] = []
        self.ready = asyncio.Event()
        self.failed: str | None = None
        self.transport: asyncio.Transport | None = None
        self._buf = b""
        self._head = b""  # the bytes read before `ready`
        self.counted = 0  # `stock.changed` frames seen so far, counted on receipt (see `received`)

    async def run(self, host: str, port: int, target: str, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_connection(lambda: self, host, port)
        except OSError as exc:
            self.failed = str(exc)
            self.ready.set()
            return
        transport.write(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
        try:
            await stop.wait()
        finally:
            self.ready.set()
            transport.close()
            self.parse()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.chunks.append((time.perf_counter(), data))
        self.counted += data.count(b"event: stock.changed")
        if not self.ready.is_set():
            self._head += data
            if self._head.startswith(b"HTTP/1.1 ") and not self._head.startswith(b"HTTP/1.1 200"):
                self.failed = self._head.split(b"\r\n", 1)[0].decode(errors="replace")
                self.ready.set()
            elif b"event: ready" in self._head:
                self.ready.set()

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            self.failed = str(exc)
        self.ready.set()

    def parse(self) -> None:
        for now, data in self.chunks:
            self._buf += data
            *blocks, self._buf = self._buf.split(b"\n\n")
            for block in blocks:
                self.frame(block, now)
        self.chunks.clear()

    def frame(self, block: bytes, now: float) -> None:
        id_, event, data = None, None, b""
        for line in block.split(b"\n"):
            line = line.strip(b"\r")
            if line.startswith(b"id: "):
                id_ = int(line[4:])
            elif line.startswith(b"event: "):
                event = line[7:]
            elif line.startswith(b"data: "):
                data = line[6:]
            elif line.startswith(b"HTTP/1.1 ") and not line.startswith(b"HTTP/1.1 200"):
                self.failed = line.decode(errors="replace")
        if event == b"stock.changed" and id_ is not None:
            self.got.append((id_, str(json.loads(data)["sku"]), now))

    def received(self) -> int:
        """Events received so far (one `stock.changed` line each). Counted as the bytes come, in C, so this is cheap:
        the run asks it of every client every 50 ms right after the last receipt, and scanning every chunk then
        (1,000 clients x 51 chunks) stalled this loop while the last event's frames were arriving, which stamped
        them tens of milliseconds late (the last event's first delivery at 40 ms, against 3-10 ms for the others)."""
        return self.counted


async def harness_run(args: argparse.Namespace) -> dict[str, Any]:
    """Against a running server: `--clients` streams, a receipt every 0.1 s for `--duration` s, every delivery timed."""
    url = httpx.URL(args.base_url)
    skus = [s for s in args.skus.split(",") if s]
    if not skus or not args.warehouse:
        return {"available": False, "reason": "the catalogue sample has no products or no warehouse"}
    target = "/api/v1/events?" + "&".join(f"sku={s}" for s in skus)
    stop = asyncio.Event()
    clients = [Client() for _ in range(args.clients)]
    tasks = []
    for i, c in enumerate(clients):
        tasks.append(asyncio.create_task(c.run(url.host, url.port or 80, target, stop)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)  # a burst of 1,000 connects would overflow the listen backlog
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in clients)), 60)
    connected = [c for c in clients if c.ready.is_set() and c.failed is None]
    sent: dict[str, list[float]] = {s: [] for s in skus}
    posts: list[float] = []
    headers = {"Authorization": f"Bearer {args.token}"}
    interval = 0.1
    async with httpx.AsyncClient(base_url=args.base_url, headers=headers, timeout=30) as client:

        async def post(i: int) -> tuple[str, float, float]:
            sku = skus[i % len(skus)]
            move = {
                "sku": sku,
                "warehouse": args.warehouse,
                "kind": "receipt",
                "reason": "SSE benchmark",
                "quantity": {"value": "1", "unit": args.unit_of.get(sku, "kg")},
            }
            t0 = time.perf_counter()
            r = await client.post("/api/v1/stock/movements", json=move)
            if r.status_code >= 400:
                raise RuntimeError(f"POST /api/v1/stock/movements answered {r.status_code}: {r.text[:200]}")
            return sku, t0, time.perf_counter() - t0

        # The warm-up, as the request scenarios have one: receipts at the same pace, delivered but not timed. Right
        # after 1,000 streams opened, the servers still settle them (their first events took 75-210 ms in one run).
        started = time.perf_counter()
        warm = 0
        while time.perf_counter() - started < args.warmup:
            await asyncio.sleep(max(0.0, started + warm * interval - time.perf_counter()))
            await post(warm)
            warm += 1
        await asyncio.sleep(0.3)  # the warm-up's last events are delivered before the timing starts
        timed_from = started = time.perf_counter()
        i = 0
        while time.perf_counter() - started < args.duration:
            await asyncio.sleep(max(0.0, started + i * interval - time.perf_counter()))
            sku, t0, took = await post(warm + i)
            sent[sku].append(t0)
            posts.append(took)
            i += 1
        period = time.perf_counter() - started
    commits = i
    expected = commits * len(connected)  # the timed deliveries
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and sum(c.received() for c in connected) < (warm + commits) * len(connected):
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    warm_ids = {id_ for c in connected for id_, _, at in c.got if at < timed_from}
    for c in connected:
        c.got = [g for g in c.got if g[0] not in warm_ids]
    latencies = []
    for c in connected:
        for _, sku, at in c.got:
            # The commit an event belongs to: the last receipt of its SKU sent before it arrived. Receipts of one
            # SKU are len(skus) x 0.1 s apart, far more than any delivery takes, so the match is unambiguous.
            before = [t for t in sent.get(sku, ()) if t <= at]
            if before:
                latencies.append((at - before[-1]) * 1000)
    # The fan-out alone: each delivery after the first delivery of the same event (the POST's own time left out).
    first: dict[int, float] = {}
    for c in connected:
        for id_, _, at in c.got:
            first[id_] = min(at, first.get(id_, at))
    spread = [(at - first[id_]) * 1000 for c in connected for id_, _, at in c.got]
    # Commit to receipt, the measure: from each event's `created_at` (stamped in the writing transaction just
    # before its COMMIT, on this machine's clock: an upper bound) to its receipt. Needs the database (--database-url).
    commit: list[float] = []
    if args.database_url and first:
        stamped = await asyncio.to_thread(created_at, args.database_url, set(first))
        wall = time.time() - time.perf_counter()  # perf_counter -> epoch seconds, both on this machine's clock
        commit = [(at + wall - stamped[id_]) * 1000 for c in connected for id_, _, at in c.got if id_ in stamped]
    if not latencies:
        return {
            "clients": args.clients,
            "connected": len(connected),
            "commits": commits,
            "expected": expected,
            "received": 0,
            "p50_ms": None,
            "p99_ms": None,
            "max_ms": None,
            "events_per_s": 0.0,
            "post_p50_ms": round(statistics.median(posts) * 1000, 2) if posts else None,
        }
    return {
        "clients": args.clients,
        "connected": len(connected),
        "commits": commits,
        "expected": expected,
        "received": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies), 2),
        "events_per_s": round(len(latencies) / period, 1),
        "post_p50_ms": round(statistics.median(posts) * 1000, 2) if posts else None,
        "spread_p50_ms": round(percentile(spread, 0.50), 2),
        "spread_p99_ms": round(percentile(spread, 0.99), 2),
        "commit_p50_ms": round(percentile(commit, 0.50), 2) if commit else None,
        "commit_p99_ms": round(percentile(commit, 0.99), 2) if commit else None,
        "commit_max_ms": round(max(commit), 2) if commit else None,
    }


def harness_main(args: argparse.Namespace) -> None:
    skus = [s for s in args.skus.split(",") if s]
    args.unit_of = {}
    with httpx.Client(base_url=args.base_url, timeout=30) as c:
        for sku in skus:  # a receipt is booked in the product's stock unit
            r = c.get(f"/api/v1/products/{sku}")
            if r.status_code == 200:
                args.unit_of[sku] = r.json()["stock_unit"]
    print(json.dumps(asyncio.run(harness_run(args))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    harness = parser.add_argument_group("harness mode (against a running server; see bench/README.md)")
    harness.add_argument("--base-url", help="the server to measure (harness mode)")
    harness.add_argument("--clients", type=int, default=1000)
    harness.add_argument("--duration", type=float, default=5.0, help="seconds of timed receipts")
    harness.add_argument("--warmup", type=float, default=1.0, help="seconds of receipts before, not timed")
    harness.add_argument("--token", default="", help="a staff token, to post the receipts")
    harness.add_argument("--skus", default="", help="comma-separated SKUs the receipts go to")
    harness.add_argument("--warehouse", default="", help="the warehouse code the receipts go to")
    harness.add_argument(
        "--database-url", default="", help="its database: also time commit -> receipt from each event's created_at"
    )
    parser.add_argument("--backend", choices=["sqlite", "postgres", "redis"], default="sqlite")
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10.0, help="changes per second")
    parser.add_argument("--servers", type=int, choices=[1, 2], help="default: 1 for sqlite, 2 otherwise")
    parser.add_argument(
        "--writer",
        choices=["http", "direct"],
        default="http",
        help="http: receipts posted to the last server, latency from the in-transaction stamp (upper bound); "
        "direct: this process commits with its own bus, latency from the exact commit",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.base_url:
        harness_main(args)
        return

    tmp = tempfile.mkdtemp(prefix="sse-bench-")
    if args.backend == "sqlite":
        url = f"sqlite:///{tmp}/bench.db"
    else:
        url = os.environ.get("STEELYARD_BENCH_PG") or os.environ.get("BENCH_PG_URL") or DEFAULT_PG
    env = {"STEELYARD_EVENTS_QUEUE_SIZE": "1000"}
    if args.backend == "redis":
        env |= {
            "STEELYARD_EVENTS_URL": "redis://127.0.0.1:6379/0",
            "STEELYARD_EVENTS_CHANNEL": f"sse_bench_{os.getpid()}",
        }
    if args.backend != "sqlite":
        env["STEELYARD_EVENTS_POLL_SECONDS"] = "3600"  # only the wake-up backend may deliver
    count = args.servers or (1 if args.backend == "sqlite" else 2)
    args.env = {"STEELYARD_DATABASE_URL": url, **env}
    headers = prepare(url)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        bases = []
        for _ in range(count):
            proc, base = start_server(url, env)
            procs.append(proc)
            bases.append(base)
        ensure_catalogue(bases[-1], headers)
        result = asyncio.run(bench(args, bases, headers, procs[0].pid))
    finally:
        for proc in procs:
            with_suppress_kill(proc)
    subs: list[Subscriber] = result["subs"]
    ids = set().union(*(s.received for s in subs))
    stamps = result["committed"] or created_at(url, ids)
    latencies = [(t - stamps[i]) * 1000 for s in subs for i, t in s.received.items() if i in stamps]
    idle, connected, after = result["memory"]
    report = {
        "backend": args.backend,
        "servers": count,
        "writer": args.writer,
        "latency_from": "commit" if result["committed"] else "in-transaction stamp (upper bound)",
        "subscribers": args.subscribers,
        "changes": args.changes,
        "rate_per_s": args.rate,
        "received": len(latencies),
        "expected": args.changes * args.subscribers,
        "in_order": all(list(s.received) == sorted(s.received) for s in subs),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 2),
            "p99": round(percentile(latencies, 0.99), 2),
            "max": round(max(latencies), 2),
            "mean": round(statistics.fmean(latencies), 2),
        },
        "post_round_trip_ms_p50": round(statistics.median((b - a) * 1000 for a, b in result["sent"]), 2)
        if result["sent"]
        else None,
        "server_rss_mib": {
            "idle": round(idle / 1024, 1),
            "with_subscribers": round(connected / 1024, 1),
            "after_run": round(after / 1024, 1),
            "per_subscriber_kib": round((connected - idle) / max(1, args.subscribers), 1),
        },
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


def with_suppress_kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


if __name__ == "__main__":
    main()
