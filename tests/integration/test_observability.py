"""/metrics (Prometheus, multiprocess with several workers), the request id and the JSON log lines."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from test_events_support import SseClient

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

    def added(name: str, labels: dict[str, str], text: bytes) -> float:
        return (sample(name, labels, text) or 0.0) - (sample(name, labels, before) or 0.0)

    for _ in range(3):
        assert client.get(f"/api/v1/products/{sku}").status_code == 200
    assert client.get("/api/v1/products/NO-SUCH-SKU").status_code == 404
    text = client.get("/metrics", headers=staff).content
    assert added("steelyard_http_requests_total", ok, text) == 3
    assert added("steelyard_http_requests_total", missing, text) == 1
    # the latency histogram by route template and status too: 3 timings of answers 200, 1 of a 404
    assert added("steelyard_http_request_duration_seconds_count", ok, text) == 3
    assert added("steelyard_http_request_duration_seconds_count", missing, text) == 1
    assert sku not in text.decode()  # labelled by template, so a catalogue of 100,000 SKUs is 1 series, not 100,000
    wanted = {
        "steelyard_http_requests",
        "steelyard_http_request_duration_seconds",
        "steelyard_db_pool_connections_in_use",
        "steelyard_db_pool_size",
        "steelyard_db_unavailable",
        "steelyard_db_transaction_retries",
        "steelyard_outbox_lag_events",
        "steelyard_sse_subscribers",
        "steelyard_holds_expired",
        "steelyard_webhook_deliveries",
        "steelyard_import_runs",
    }
    assert wanted <= set(names(text))


def test_the_grafana_dashboard_reads_only_series_that_exist(client: TestClient, staff: dict[str, str]) -> None:
    """docs/grafana-dashboard.json: valid JSON, and every metric its panels query is one /metrics exposes."""
    import re

    dashboard = json.loads((Path(__file__).parents[2] / "docs" / "grafana-dashboard.json").read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    series = {name for expr in exprs for name in re.findall(r"steelyard_\w+", expr)}
    queried = {re.sub(r"_(bucket|count|sum|total)$", "", name) for name in series}
    exposed = set(names(client.get("/metrics", headers=staff).content))
    assert queried and queried <= exposed, queried - exposed


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
def test_metrics_on_their_own_port_count_open_event_streams(
    database_url: str, db_url: str, staff: dict[str, str]
) -> None:
    port = free_port()
    env = {
        "STEELYARD_METRICS_PORT": str(port),
        "STEELYARD_SESSION_SECRET": "s" * 32,
        "STEELYARD_METRICS_REFRESH_SECONDS": "0.1",  # the separate port serves the gauges as last refreshed
    }

    def scrape() -> bytes:
        r = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert r.status_code == 200
        return r.content

    def subscribers_become(count: float) -> None:
        deadline = time.monotonic() + 15
        while sample("steelyard_sse_subscribers", text=scrape()) != count:
            assert time.monotonic() < deadline, f"steelyard_sse_subscribers never became {count}"
            time.sleep(0.05)

    with running_server(db_url, workers=1, env=env) as (base, _):
        assert httpx.get(f"{base}/metrics", headers=staff).status_code == 404
        assert "steelyard_http_requests_total" in scrape().decode()
        subscribers_become(0)
        streams = [SseClient(base) for _ in range(3)]
        try:
            for stream in streams:
                stream.ready()
            subscribers_become(3)
        finally:
            for stream in streams:
                stream.close()
        subscribers_become(0)  # a closed stream is no longer counted
        assert sample("steelyard_outbox_lag_events", text=scrape()) == 0  # an idle server has fanned out everything


def test_pool_gauges_show_the_connections_in_use(client: TestClient, staff: dict[str, str], db_url: str) -> None:
    """The scrape refreshes this process's gauges first; a pool of its own, so no background task shares it."""
    from steelyard.db import Database, make_engine

    app: Any = client.app
    served = app.state.db
    pool_db = Database(make_engine(db_url, pool_size=3, max_overflow=0))
    app.state.db = pool_db
    try:
        held = [pool_db.engine.connect() for _ in range(2)]
        text = client.get("/metrics", headers=staff).content
        assert sample("steelyard_db_pool_connections_in_use", text=text) == 2
        assert sample("steelyard_db_pool_size", text=text) == 3
        for conn in held:
            conn.close()
        text = client.get("/metrics", headers=staff).content
        assert sample("steelyard_db_pool_connections_in_use", text=text) == 0
    finally:
        app.state.db = served
        pool_db.dispose()


def test_outbox_lag_and_subscribers_are_read_at_the_scrape(client: TestClient, staff: dict[str, str]) -> None:
    """What the gauges report is the outbox's head against where this process's bus stands, at the scrape."""
    from steelyard.events import outbox

    _product(client, staff)  # commits an event: the outbox has a head above 0
    app: Any = client.app
    bus = app.state.events
    with app.state.db.read() as conn:
        head = outbox.head(conn)
    assert head > 0

    class Behind:  # the bus as it would look two events behind, with five open streams
        cursor = head - 2
        hub = type("Hub", (), {"subscribers": 5})()

    app.state.events = Behind()
    try:
        text = client.get("/metrics", headers=staff).content
    finally:
        app.state.events = bus
    assert sample("steelyard_outbox_lag_events", text=text) == 2
    assert sample("steelyard_sse_subscribers", text=text) == 5


def test_a_retried_transaction_is_counted(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two first attempts with one Idempotency-Key: the loser's insert of the key fails, its transaction rolls back
    and runs again, replaying the winner's answer; /metrics counts the retry."""
    from steelyard import idempotency

    def retries() -> float:
        return sample("steelyard_db_transaction_retries_total", {"reason": "idempotency_key"}) or 0.0

    before = retries()
    fingerprint = idempotency.request_hash("POST", "/x", {"a": 1})
    done = idempotency.run_once(db, scope="test", key="k-1", fingerprint=fingerprint, work=lambda _: (201, {"n": 1}))
    assert done == (201, {"n": 1}) and retries() == before
    real_recall = idempotency.recall
    calls: list[int] = []

    def recall_too_early(conn: Any, **kwargs: Any) -> Any:  # the loser read before the winner committed
        calls.append(1)
        return None if len(calls) == 1 else real_recall(conn, **kwargs)

    monkeypatch.setattr(idempotency, "recall", recall_too_early)
    replayed = idempotency.run_once(
        db, scope="test", key="k-1", fingerprint=fingerprint, work=lambda _: (201, {"n": 2})
    )
    assert replayed == (201, {"n": 1})  # the winner's answer, not a second piece of work
    assert retries() == before + 1


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


def test_no_secret_reaches_any_log_line_even_at_debug(db_url: str, tmp_path: Path) -> None:
    """Every logger at DEBUG (SQLAlchemy then logs each statement and its parameters) through the JSON formatter,
    while a staff token calls the API, signs in on /staff, registers a webhook with its secret, uploads a
    certificate PDF and a scraper sends the metrics token: none of those values appears in any line."""
    import io
    import logging
    import re

    from stock_helpers import move

    from certificate_helpers import tiny_pdf
    from steelyard.access.model import Role
    from steelyard.access.service import create_token
    from steelyard.db import Database, make_engine
    from steelyard.ops.logs import REQUEST_ID, JsonFormatter

    session_secret, metrics_token = "session-secret-never-logged-42", "metrics-token-never-logged-42"
    webhook_secret, certificate_text = "whsec-never-logged-0123456789", "HEAT-CERT-BODY-NEVER-LOGGED"
    setup = Database(make_engine(db_url, pool_size=1, max_overflow=0))
    with setup.write() as conn:
        staff_token = create_token(conn, role=Role.STAFF, name="Sam")
        admin_token = create_token(conn, role=Role.ADMIN, name="Ada")
    setup.dispose()
    staff, admin = ({"Authorization": f"Bearer {t}"} for t in (staff_token, admin_token))
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root, sql = logging.getLogger(), logging.getLogger("sqlalchemy")
    levels = root.level, sql.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sql.setLevel(logging.DEBUG)  # SQLAlchemy sets its own to WARNING; an operator chasing a bug may lower it
    settings = Settings(
        database_url=db_url,
        session_secret=session_secret,  # type: ignore[arg-type]
        metrics_token=metrics_token,  # type: ignore[arg-type]
        rate_limits="off",
        files_dir=str(tmp_path / "files"),
    )
    try:
        with TestClient(create_app(settings), base_url="https://testserver") as c:
            assert c.post("/api/v1/warehouses", json={"code": "DUI", "name": "Duisburg"}, headers=staff).is_success
            sku = _product(c, staff)
            lot = move(c, staff, sku, "DUI", "receipt", "10", "kg", lot={"heat": "H1", "certificate_type": "3.1"})
            pdf = tiny_pdf(certificate_text)
            put = c.put(
                f"/api/v1/lots/{lot['lot_id']}/certificate",
                content=pdf,
                headers={**staff, "Content-Type": "application/pdf"},
            )
            assert put.is_success, put.text
            assert c.get(f"/api/v1/lots/{lot['lot_id']}/certificate", headers=staff).content == pdf
            hook = {"url": "https://erp.example.com/hooks", "events": ["stock.changed"], "secret": webhook_secret}
            assert c.post("/api/v1/webhooks", json=hook, headers=admin).status_code == 201
            csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/staff").text)
            assert csrf is not None
            form = {"csrf": csrf.group(1), "token": staff_token}
            assert c.post("/staff/session", data=form, follow_redirects=False).status_code == 303
            cookie = str(c.cookies["steelyard_staff"])
            assert "Sign out" in c.get("/staff").text
            assert c.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}"}).status_code == 200
            wrong = {"Authorization": "Bearer sy_wrong-but-secret-looking"}
            assert c.get("/api/v1/orders", headers=wrong).status_code == 401
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        sql.setLevel(levels[1])
        REQUEST_ID.set(None)
    text = out.getvalue()
    assert text.count("\n") > 50 and "sqlalchemy.engine" in text  # it did log at DEBUG, statements included
    for value in (staff_token, admin_token, session_secret, metrics_token, webhook_secret, certificate_text, cookie):
        assert value not in text, value
    assert "sy_wrong-but-secret-looking" not in text
