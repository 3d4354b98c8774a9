"""Prometheus metrics (prometheus-client), in its multiprocess mode whenever several workers serve.

`steelyard serve --workers N` (N > 1) points PROMETHEUS_MULTIPROC_DIR at a fresh folder before the workers start,
so each worker writes its samples to files there and any worker's /metrics answers for all of them. One worker,
or the tests, keep the default in-memory registry. The metric objects are module globals, as prometheus-client
intends: created once per process, and cheap to update (a lock and an add).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prom_multiprocess

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# Buckets from 1 ms (a cached product read) to 10 s (a large import page): what the latency goals speak of.
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "steelyard_http_requests_total",
    "HTTP requests answered, by route template, method and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "steelyard_http_request_duration_seconds",
    "Time from the request's arrival to its last response byte, by route template, method and status",
    ["route", "method", "status"],
    buckets=_LATENCY_BUCKETS,
)
DB_POOL_IN_USE = Gauge(
    "steelyard_db_pool_connections_in_use",
    "Database connections checked out of this process's pool",
    multiprocess_mode="livesum",
)
DB_POOL_SIZE = Gauge(
    "steelyard_db_pool_size",
    "Connections this process's pool keeps (beyond them it overflows)",
    multiprocess_mode="livesum",
)
DB_UNAVAILABLE = Counter(
    "steelyard_db_unavailable_total", "Requests answered 503 because the database did not answer"
)
TRANSACTION_RETRIES = Counter(
    "steelyard_db_transaction_retries_total",
    "Write transactions rolled back and run again, by reason (idempotency_key: two first attempts with the same "
    "Idempotency-Key raced; the loser's retry replays the winner's answer)",
    ["reason"],
)
OUTBOX_LAG = Gauge(
    "steelyard_outbox_lag_events",
    "Committed events this process has not yet read from the outbox (its fan-out lag)",
    multiprocess_mode="max",
)
SSE_SUBSCRIBERS = Gauge("steelyard_sse_subscribers", "Open /api/v1/events streams", multiprocess_mode="livesum")
HOLDS_EXPIRED = Counter("steelyard_holds_expired_total", "Holds given back by the sweeper when their quote lapsed")
WEBHOOK_DELIVERIES = Counter(
    "steelyard_webhook_deliveries_total", "Webhook delivery attempts, by outcome (ok, failed)", ["outcome"]
)
IMPORT_RUNS = Counter(
    "steelyard_import_runs_total",
    "Catalogue/stock imports, by kind and outcome (dry_run, applied, rejected)",
    ["kind", "outcome"],
)


def prepare_multiprocess(workers: int) -> str | None:
    """Before the workers start: give them one fresh folder for their samples (None with a single worker)."""
    if workers <= 1:
        return None
    folder = os.environ.get(MULTIPROC_ENV)
    if folder:
        # A folder left by an earlier run would add its dead workers' counts to ours.
        for entry in os.listdir(folder):
            os.remove(os.path.join(folder, entry))
    else:
        folder = tempfile.mkdtemp(prefix="steelyard-metrics-")
        os.environ[MULTIPROC_ENV] = folder
    return folder


def remove_multiprocess(folder: str | None) -> None:
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def registry() -> CollectorRegistry:
    """What /metrics exposes: this process, or every worker's files in multiprocess mode."""
    if os.environ.get(MULTIPROC_ENV):
        merged = CollectorRegistry()
        prom_multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
        return merged
    return REGISTRY


def exposition() -> bytes:
    """The Prometheus text for this process, or for every worker in multiprocess mode."""
    return generate_latest(registry())


def sample(name: str, labels: dict[str, str] | None = None, text: bytes | None = None) -> float | None:
    """One sample's value from the exposition text (tests and the docs' examples read it this way)."""
    from prometheus_client.parser import text_string_to_metric_families

    wanted = labels or {}
    body = (text if text is not None else exposition()).decode()
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in wanted.items()):
                return float(s.value)
    return None


def names(text: bytes) -> Iterable[str]:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text.decode()):
        yield family.name


def refresh_gauges(*, pool: object, subscribers: int | None, outbox_head: int | None, bus_cursor: int | None) -> None:
    """Set the gauges a process can only read, not count as they happen (called every few seconds and on scrape)."""
    checked_out = getattr(pool, "checkedout", None)
    size = getattr(pool, "size", None)
    if callable(checked_out):
        DB_POOL_IN_USE.set(checked_out())
    if callable(size):
        DB_POOL_SIZE.set(size())
    if subscribers is not None:
        SSE_SUBSCRIBERS.set(subscribers)
    if outbox_head is not None and bus_cursor is not None:
        OUTBOX_LAG.set(max(0, outbox_head - bus_cursor))
