"""/metrics (Prometheus, multiprocess with several workers), the request id and the JSON log lines."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from conftest import Tokens, sheet_body
from servers import free_port, running_server
from steelyard.app import create_app
from steelyard.config import Settings
from steelyard.ops.metrics import names, sample


def _product(client: TestClient, staff: dict[str, str]) -> str:
    r = client.post("/api/v1/products", json=sheet_body(), headers=staff)
    assert r.status_code == 201, r.text
    return str(r.json()["sku"])


def test_metrics_need_a_staff_or_scrape_token(
    client: TestClient, staff: dict[str, str], customer: dict[str, str]
) -> None:
    assert client.get("/metrics").status_code == 401
    r = client.get("/metrics", headers=customer)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/metrics", headers={"Authorization": "Bearer sy_not-a-token"}).status_code == 401
    assert client.get("/metrics", headers=staff).status_code == 200


def test_metrics_count_requests_by_route_template(client: TestClient, staff: dict[str, str]) -> None:
    sku = _product(client, staff)
    # The counters live as long as the process (as in production), so the test reads what its own requests added.
    before = client.get("/metrics", headers=staff).content
    ok = {"route": "/api/v1/products/{sku}", "method": "GET", "status": "200"}
    missing = {**ok, "status": "404"}
    timed = {"route": "/api/v1/products/{sku}", "method": "GET"}

    def added(name: str, labels: dict[str, str], text: bytes) -> float:
        return (sample(name, labels, text) or 0.0) - (sample(name, labels, before) or 0.0)

    for _ in range(3):
        assert client.get(f"/api/v1/products/{sku}").status_code == 200
    assert client.get("/api/v1/products/NO-SUCH-SKU").status_code == 404
    text = client.get("/metrics", headers=staff).content
    assert added("steelyard_http_requests_total", ok, text) == 3
    assert added("steelyard_http_requests_total", missing, text) == 1
    assert added("steelyard_http_request_duration_seconds_count", timed, text) == 4
    assert sku not in text.decode()  # labelled by template, so a catalogue of 100,000 SKUs is 1 series, not 100,000
    wanted = {
        "steelyard_http_requests",
        "steelyard_http_request_duration_seconds",
        "steelyard_db_pool_connections_in_use",
        "steelyard_db_pool_size",
        "steelyard_db_unavailable",
        "steelyard_outbox_lag_events",
        "steelyard_sse_subscribers",
        "steelyard_holds_expired",
        "steelyard_webhook_deliveries",
        "steelyard_import_runs",
    }
    assert wanted <= set(names(text))


def test_a_scrape_token_from_the_settings(db_url: str) -> None:
    settings = Settings(database_url=db_url, metrics_token="scrape-me-please-0123456789")  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        assert c.get("/metrics", headers={"Authorization": "Bearer scrape-me-please-0123456789"}).status_code == 200
        assert c.get("/metrics", headers={"Authorization": "Bearer scrape-me-please-wrong"}).status_code == 401


def test_request_id_is_kept_or_made(client: TestClient) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "erp-batch-17.3"})
    assert r.headers["x-request-id"] == "erp-batch-17.3"
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32 and int(made, 16) >= 0
    # An id that could forge a log line or fill it is replaced, not echoed.
    forged = client.get("/healthz", headers={"X-Request-ID": "x" * 500}).headers["x-request-id"]
    assert forged != "x" * 500 and len(forged) == 32
    problem = client.get("/api/v1/products/NO-SUCH", headers={"X-Request-ID": "abc"})
    assert problem.status_code == 404 and problem.headers["x-request-id"] == "abc"


@pytest.mark.slow
def test_json_log_lines_and_metrics_across_two_workers(database_url: str, db_url: str, tokens: Tokens) -> None:
    from steelyard.access.model import Role

    staff = tokens.make(Role.STAFF, "Sam Staff")
    secret = staff["Authorization"].removeprefix("Bearer ")
    log = Path(tempfile.mkstemp(prefix="steelyard-log-", suffix=".jsonl")[1])
    env = {"STEELYARD_SESSION_SECRET": "s" * 32, "STEELYARD_RATE_LIMITS": "off"}
    labels = {"route": "/api/v1/products/{sku}", "method": "GET", "status": "200"}
    with log.open("wb") as output, running_server(db_url, env=env, output=output, log_level="info") as (base, _):
        r = httpx.post(f"{base}/api/v1/products", json=sheet_body(), headers={**staff, "X-Request-ID": "post-1"})
        assert r.status_code == 201, r.text
        # A new connection each time, so the kernel spreads them over both workers.
        for i in range(40):
            read = httpx.get(f"{base}/api/v1/products/AL-6061-SH-2-1250X2500", headers={"X-Request-ID": f"read-{i}"})
            assert read.is_success
        # Whichever worker answers a scrape counts the reads of both (multiprocess mode).
        scrapes = [httpx.get(f"{base}/metrics", headers=staff).content for _ in range(10)]
    assert [sample("steelyard_http_requests_total", labels, text) for text in scrapes] == [40.0] * 10
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    log.unlink()
    requests = {entry["request_id"]: entry for entry in lines if entry.get("logger") == "steelyard.access"}
    assert {f"read-{i}" for i in range(40)} | {"post-1"} <= set(requests)
    post = requests["post-1"]
    assert post["route"] == "/api/v1/products" and post["status"] == 201 and post["method"] == "POST"
    assert post["level"] == "info" and post["duration_ms"] >= 0
    assert secret not in "\n".join(json.dumps(entry) for entry in lines)


def test_redaction_of_secrets_in_any_log_line() -> None:
    from steelyard.ops.logs import redact

    assert "sy_abcdefgh12345678" not in redact("token sy_abcdefgh12345678 used")
    assert "hunter2" not in redact("Authorization: Bearer hunter2")
    assert "pw" not in redact("connecting to postgresql://app:pw@db:5432/x").split("@")[0].split(":")[-1]
    assert "secret-body" not in redact("upload %PDF-1.7 secret-body")
    assert redact("GET /api/v1/products/SKU-1 200") == "GET /api/v1/products/SKU-1 200"


@pytest.mark.slow
def test_metrics_on_their_own_port(database_url: str, db_url: str, staff: dict[str, str]) -> None:
    port = free_port()
    env = {"STEELYARD_METRICS_PORT": str(port), "STEELYARD_SESSION_SECRET": "s" * 32}
    with running_server(db_url, workers=1, env=env) as (base, _):
        assert httpx.get(f"{base}/metrics", headers=staff).status_code == 404
        r = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert r.status_code == 200 and "steelyard_http_requests_total" in r.text


def test_import_runs_are_counted_by_kind_and_outcome(client: TestClient, staff: dict[str, str]) -> None:
    from steelyard.ops import metrics

    def runs(outcome: str) -> float:
        return (
            sample("steelyard_import_runs_total", {"kind": "products", "outcome": outcome}, metrics.exposition()) or 0.0
        )

    before = {outcome: runs(outcome) for outcome in ("dry_run", "applied", "rejected")}
    header = "sku,name\n"
    bad = client.post(
        "/api/v1/imports",
        params={"kind": "products", "dry_run": "true"},
        files={"file": ("p.csv", header.encode())},
        headers=staff,
    )
    assert bad.status_code == 422  # required columns are missing
    assert runs("rejected") == before["rejected"] + 1
    assert runs("dry_run") == before["dry_run"] and runs("applied") == before["applied"]
