"""Webhooks: admin registers url/events/secret; events are POSTed signed, retried with back-off, and logged."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_events_support import admin_headers, product_body, servers, set_up_catalogue

from steelyard.access.model import Role
from steelyard.access.service import create_token
from steelyard.app import create_app
from steelyard.config import Settings
from steelyard.db import Database, make_engine
from steelyard.ops.metrics import sample
from steelyard.webhooks.signing import verify

SECRET = "whsec-test-0123456789abcdef"


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that answers 500 to the first `fail_first` requests, then 204."""

    def __init__(self, fail_first: int = 0, *, always_fail: bool = False) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail_first = fail_first
        self.always_fail = always_fail
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"at": time.monotonic(), "headers": dict(self.headers), "body": body})
                failing = receiver.always_fail or len(receiver.requests) <= receiver.fail_first
                self.send_response(500 if failing else 204)
                self.end_headers()
                if failing:
                    self.wfile.write(b"not today")

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/steelyard"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=2)
    yield r
    r.close()


# The receiver listens on loopback, which webhooks may not reach unless allowed (test_security_webhooks.py).
RECEIVER_NETWORK = "127.0.0.1/32"


def fast_settings(db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db_url,
        "db_pool_size": 5,
        "db_max_overflow": 5,
        "webhook_backoff_seconds": 0.2,
        "webhook_poll_seconds": 0.05,
        "events_poll_seconds": 0.05,
        "webhook_allow_networks": RECEIVER_NETWORK,
    }
    return Settings(**{**values, **overrides})


@pytest.fixture
def app_client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(fast_settings(db_url))) as c:
        yield c


class Tokens:
    """Tokens written straight to the database (the shared `tokens` fixture would start a second app, whose
    dispatcher, with the default back-off, would race this test's for the deliveries)."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url

    def make(self, role: Role, name: str) -> dict[str, str]:
        db = Database(make_engine(self.db_url, pool_size=1, max_overflow=0))
        try:
            with db.write() as conn:
                return {"Authorization": f"Bearer {create_token(conn, role=role, name=name)}"}
        finally:
            db.dispose()


@pytest.fixture
def tokens(db_url: str) -> Tokens:
    return Tokens(db_url)


def deliveries_counted(outcome: str) -> float:
    return sample("steelyard_webhook_deliveries_total", {"outcome": outcome}) or 0.0


def wait_for(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met within the generous timeout")


def test_registration_is_admin_only_and_never_shows_the_secret(app_client: TestClient, tokens: Any) -> None:
    admin = tokens.make(Role.ADMIN, "Ada")
    staff = tokens.make(Role.STAFF, "Sam")
    body = {"url": "https://erp.example.com/hooks", "events": ["stock.changed"], "secret": SECRET}
    assert app_client.post("/api/v1/webhooks", json=body).status_code == 401
    assert app_client.post("/api/v1/webhooks", json=body, headers=staff).status_code == 403
    r = app_client.post("/api/v1/webhooks", json=body, headers=admin)
    assert r.status_code == 201, r.text
    hook = r.json()
    assert hook["url"] == body["url"] and hook["events"] == ["stock.changed"] and hook["active"] is True
    listed = app_client.get("/api/v1/webhooks", headers=admin).json()
    fetched = app_client.get(f"/api/v1/webhooks/{hook['id']}", headers=admin).json()
    patched = app_client.patch(f"/api/v1/webhooks/{hook['id']}", json={"secret": SECRET + "2"}, headers=admin)
    for document in (hook, listed, fetched, patched.json()):
        assert SECRET not in json.dumps(document) and "secret" not in json.dumps(document)
    assert app_client.delete(f"/api/v1/webhooks/{hook['id']}", headers=admin).status_code == 204
    assert app_client.get(f"/api/v1/webhooks/{hook['id']}", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"events": ["stock.moved"]}, "events[0]"),
        ({"events": []}, "events"),
        ({"secret": "short"}, "secret"),
    ],
)
def test_bad_registrations_are_problems(
    app_client: TestClient, tokens: Any, change: dict[str, Any], field: str
) -> None:
    body = {"url": "https://erp.example.com/hooks", "events": ["stock.changed"], "secret": SECRET, **change}
    r = app_client.post("/api/v1/webhooks", json=body, headers=tokens.make(Role.ADMIN, "Ada"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in {e["field"] for e in r.json()["errors"]}


def test_deliveries_are_signed_retried_with_back_off_and_logged(
    app_client: TestClient, tokens: Any, receiver: Receiver
) -> None:
    admin = tokens.make(Role.ADMIN, "Ada")
    staff = tokens.make(Role.STAFF, "Sam")
    attempts_before = {outcome: deliveries_counted(outcome) for outcome in ("ok", "failed")}
    body = {"url": receiver.url, "events": ["price.changed"], "secret": SECRET}
    hook = app_client.post("/api/v1/webhooks", json=body, headers=admin).json()
    r = app_client.post("/api/v1/products", json=product_body("WH-1"), headers=staff)
    assert r.status_code == 201, r.text
    tiers = [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "5.55", "per": "kg"}]
    r = app_client.patch("/api/v1/products/WH-1", json={"price": {"currency": "EUR", "tiers": tiers}}, headers=staff)
    assert r.status_code == 200, r.text

    def delivered() -> Any:
        page = app_client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()
        return page["items"] if page["items"] and page["items"][0]["status"] == "delivered" else None

    (delivery,) = wait_for(delivered)
    assert delivery["event_type"] == "price.changed"  # product.changed was not asked for
    assert delivery["attempts"] == 3
    assert [a["status_code"] for a in delivery["log"]] == [500, 500, 204]
    assert delivery["log"][0]["error"] == "HTTP 500" and delivery["log"][2]["error"] is None  # not its body
    assert delivery["delivered_at"] is not None and delivery["next_attempt_at"] is None
    # /metrics counts each attempt by outcome: the two failures and the delivery
    assert deliveries_counted("failed") == attempts_before["failed"] + 2
    assert deliveries_counted("ok") == attempts_before["ok"] + 1

    assert len(receiver.requests) == 3
    for request in receiver.requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert verify(SECRET, headers["x-steelyard-signature"], request["body"])
        assert not verify(SECRET + "x", headers["x-steelyard-signature"], request["body"])
        assert headers["x-steelyard-event"] == "price.changed"
        assert headers["x-steelyard-event-id"] == str(delivery["event_id"])
        assert headers["content-type"] == "application/json"
    sent = json.loads(receiver.requests[0]["body"])
    assert sent["id"] == delivery["event_id"] and sent["type"] == "price.changed"
    assert sent["data"]["sku"] == "WH-1" and sent["data"]["tiers"][0]["unit_price"] == "5.55"
    gaps = [b["at"] - a["at"] for a, b in zip(receiver.requests, receiver.requests[1:], strict=False)]
    assert gaps[0] >= 0.2 * 0.9 and gaps[1] >= 0.4 * 0.9  # never earlier than the back-off (base 0.2 s, doubling)
    failed = app_client.get(f"/api/v1/webhooks/{hook['id']}/deliveries?status=failed", headers=admin).json()
    assert failed["items"] == []


def test_a_delivery_is_given_up_when_its_retry_window_ends(db_url: str, tokens: Any) -> None:
    always = Receiver(always_fail=True)
    settings = fast_settings(db_url, webhook_retry_hours=1.5 / 3600, webhook_backoff_seconds=0.1)
    try:
        with TestClient(create_app(settings)) as client:
            admin = tokens.make(Role.ADMIN, "Ada")
            body = {"url": always.url, "events": ["product.changed"], "secret": SECRET}
            hook = client.post("/api/v1/webhooks", json=body, headers=admin).json()
            assert client.post("/api/v1/products", json=product_body("WH-2"), headers=admin).status_code == 201

            def given_up() -> Any:
                url = f"/api/v1/webhooks/{hook['id']}/deliveries?status=failed"
                return client.get(url, headers=admin).json()["items"]

            (delivery,) = wait_for(given_up)
            assert delivery["attempts"] >= 2 and delivery["next_attempt_at"] is None
            assert all(a["status_code"] == 500 for a in delivery["log"])
            assert len(always.requests) == delivery["attempts"]
    finally:
        always.close()


def test_two_server_processes_deliver_each_event_once(db_url: str) -> None:
    """Both processes see every event; the locked webhook cursor and the leases make one of them send it."""
    receiver = Receiver()
    env = {
        "STEELYARD_WEBHOOK_POLL_SECONDS": "0.05",
        "STEELYARD_EVENTS_POLL_SECONDS": "0.05",
        "STEELYARD_WEBHOOK_ALLOW_NETWORKS": RECEIVER_NETWORK,
    }
    try:
        with servers(db_url, 2, env=env) as (one, two):
            import httpx

            headers = admin_headers(db_url)
            body = {"url": receiver.url, "events": ["stock.changed"], "secret": SECRET}
            assert httpx.post(one.base + "/api/v1/webhooks", json=body, headers=headers).status_code == 201
            set_up_catalogue(one.base, headers, ["WH-3"])
            for i in range(10):
                server = (one, two)[i % 2]
                move = {"sku": "WH-3", "warehouse": "DUI", "kind": "receipt", "quantity": {"value": "1", "unit": "kg"}}
                r = httpx.post(server.base + "/api/v1/stock/movements", json=move, headers=headers, timeout=30)
                assert r.status_code == 201, r.text
            wait_for(lambda: len(receiver.requests) >= 10)
            time.sleep(0.5)  # a duplicate, if there were one, would come now
    finally:
        receiver.close()
    ids = [json.loads(r["body"])["id"] for r in receiver.requests]
    assert len(ids) == 10 and len(set(ids)) == 10
    on_hand = sorted(json.loads(r["body"])["data"]["on_hand"] for r in receiver.requests)
    assert on_hand == sorted(str(n) for n in range(1, 11))
