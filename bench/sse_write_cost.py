"""What events cost the writers on PostgreSQL: the hot-product reservation race with and without NOTIFY on the path.

    .venv/bin/python bench/sse_write_cost.py [--threads 8] [--seconds 5] [--json out.json]

Each of `--threads` threads runs reservation transactions for `--seconds` (UPDATE stock_levels SET reserved =
reserved + 1 WHERE there is stock, then the event work, then COMMIT), either all on one hot product or each on its
own product, in four variants:

- `none`:           no event at all (the floor);
- `outbox`:         Steelyard's way: the outbox row (with its shared emitter lock) in the transaction, the wake-up
                    NOTIFY sent afterwards by the bus on another connection, coalesced (here: one per commit, the worst
                    case);
- `notify_in_tx`:   the outbox row plus NOTIFY inside the writing transaction (NOTIFY's commit lock on the path);
- `notify_only`:    NOTIFY with the payload inside the transaction, no outbox.

Prints transactions per second and the p50/p99 transaction time per variant. Uses its own tables (bench_sse_*,
dropped after) in STEELYARD_BENCH_PG or BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/test_events).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from pathlib import Path

import psycopg

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test_events"
SETUP = """
DROP TABLE IF EXISTS bench_sse_levels;
DROP TABLE IF EXISTS bench_sse_events;
CREATE TABLE bench_sse_levels (product_id int PRIMARY KEY, on_hand bigint NOT NULL, reserved bigint NOT NULL);
CREATE TABLE bench_sse_events (id bigserial PRIMARY KEY, type text, sku text, data text, created_at timestamptz);
INSERT INTO bench_sse_levels SELECT g, 1000000000, 0 FROM generate_series(1, 64) g;
"""
RESERVE = (
    "UPDATE bench_sse_levels SET reserved = reserved + 1 WHERE product_id = %s AND on_hand - reserved >= 1 "
    "RETURNING on_hand, reserved"
)
OUTBOX = (
    "WITH emitter AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(1398359382, 1)) "
    "INSERT INTO bench_sse_events (type, sku, data, created_at) SELECT 'stock.changed', %s, %s, now() FROM emitter"
)


def worker(url: str, variant: str, product: int, until: float, times: list[float]) -> None:
    with psycopg.connect(url) as conn, psycopg.connect(url, autocommit=True) as side:
        while time.perf_counter() < until:
            started = time.perf_counter()
            with conn.transaction():
                on_hand, reserved = conn.execute(RESERVE, (product,)).fetchone() or (0, 0)
                data = json.dumps({"sku": f"P{product}", "on_hand": str(on_hand), "reserved": str(reserved)})
                if variant in ("outbox", "notify_in_tx"):
                    conn.execute(OUTBOX, (f"P{product}", data))
                if variant == "notify_in_tx":
                    conn.execute("SELECT pg_notify('bench_sse', 'x')")
                if variant == "notify_only":
                    conn.execute("SELECT pg_notify('bench_sse', %s)", (data,))
            if variant == "outbox":
                side.execute("SELECT pg_notify('bench_sse', 'x')")  # after commit, outside the transaction
            times.append(time.perf_counter() - started)


def run(url: str, variant: str, hot: bool, threads: int, seconds: float) -> dict[str, float]:
    per_thread: list[list[float]] = [[] for _ in range(threads)]
    until = time.perf_counter() + seconds
    pool = [
        threading.Thread(target=worker, args=(url, variant, 1 if hot else i + 1, until, per_thread[i]))
        for i in range(threads)
    ]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    times = sorted(x for ts in per_thread for x in ts)
    return {
        "tx_per_s": round(len(times) / seconds, 1),
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[int(0.99 * (len(times) - 1))] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    url = os.environ.get("STEELYARD_BENCH_PG") or os.environ.get("BENCH_PG_URL") or DEFAULT_PG
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SETUP)
    results: dict[str, dict[str, dict[str, float]]] = {}
    try:
        for shape, hot in (("hot_product", True), ("spread", False)):
            results[shape] = {}
            for variant in ("none", "outbox", "notify_in_tx", "notify_only"):
                results[shape][variant] = run(url, variant, hot, args.threads, args.seconds)
                print(shape, variant, results[shape][variant], flush=True)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS bench_sse_levels; DROP TABLE IF EXISTS bench_sse_events")
    report = {"threads": args.threads, "seconds": args.seconds, "results": results}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
