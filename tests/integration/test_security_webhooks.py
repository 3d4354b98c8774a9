"""Webhook SSRF (issue 19 item 5) repeated: internal targets refused at registration and at connect time, the
allowlist for intranet receivers, no credentials in URLs, and a delivery log that keeps only status codes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_events_support import product_body
from test_webhooks import SECRET, Receiver, Tokens, fast_settings, wait_for

from steelyard.access.model import Role
from steelyard.app import create_app


@pytest.fixture
def tokens(db_url: str) -> Tokens:
    return Tokens(db_url)


@pytest.fixture
def failing() -> Iterator[Receiver]:
    r = Receiver(always_fail=True)  # answers 500 with a body ("not today") an attacker would like to read
    yield r
    r.close()


def app(db_url: str, allow: str = "") -> TestClient:
    return TestClient(create_app(fast_settings(db_url, webhook_allow_networks=allow, webhook_backoff_seconds=30)))


def register(client: TestClient, admin: dict[str, str], url: str) -> Any:
    body = {"url": url, "events": ["product.changed"], "secret": SECRET}
    return client.post("/api/v1/webhooks", json=body, headers=admin)


def trigger(client: TestClient, staff: dict[str, str], sku: str) -> None:
    assert client.post("/api/v1/products", json=product_body(sku), headers=staff).status_code == 201


def first_attempt(client: TestClient, admin: dict[str, str], hook: int) -> dict[str, Any]:
    def attempted() -> Any:
        items = client.get(f"/api/v1/webhooks/{hook}/deliveries", headers=admin).json()["items"]
        return items[0] if items and items[0]["log"] else None

    delivery: dict[str, Any] = wait_for(attempted)
    return delivery


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://[::1]/hook",
        "http://0x7f000001/hook",
        "http://2130706433/hook",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://10.0.0.5/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_internal_addresses_are_refused_at_registration(db_url: str, tokens: Tokens, url: str) -> None:
    with app(db_url) as client:
        r = register(client, tokens.make(Role.ADMIN, "Ada"), url)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "url"
        assert "STEELYARD_WEBHOOK_ALLOW_NETWORKS" in r.json()["errors"][0]["message"]
        r = client.patch("/api/v1/webhooks/1", json={"url": url}, headers=tokens.make(Role.ADMIN, "Ada"))
        assert r.status_code == 422  # changing the URL is checked the same way (before the webhook is looked up)


def test_credentials_in_the_url_are_refused_and_not_echoed(db_url: str, tokens: Tokens) -> None:
    with app(db_url) as client:
        r = register(client, tokens.make(Role.ADMIN, "Ada"), "https://erp:hunter2-password@erp.example.com/hooks")
        assert r.status_code == 422 and "credentials" in r.text
        assert "hunter2" not in r.text


def test_a_name_that_resolves_to_loopback_is_refused_when_connecting(
    db_url: str, tokens: Tokens, failing: Receiver
) -> None:
    admin, staff = tokens.make(Role.ADMIN, "Ada"), tokens.make(Role.STAFF, "Sam")
    by_name = failing.url.replace("127.0.0.1", "localhost")  # a name passes registration: it is checked on use
    with app(db_url) as client:
        hook = register(client, admin, by_name)
        assert hook.status_code == 201, hook.text
        trigger(client, staff, "SSRF-1")
        delivery = first_attempt(client, admin, hook.json()["id"])
    attempt = delivery["log"][0]
    assert attempt["status_code"] is None and attempt["error"].startswith("refused: ")
    assert failing.requests == []  # nothing reached the internal service


def test_the_allowlist_lets_an_intranet_receiver_in_and_the_log_keeps_only_status_codes(
    db_url: str, tokens: Tokens, failing: Receiver
) -> None:
    admin, staff = tokens.make(Role.ADMIN, "Ada"), tokens.make(Role.STAFF, "Sam")
    with socket.socket() as closed:  # a port nothing listens on, to compare "closed" with "answers 500"
        closed.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"
    with app(db_url, allow="127.0.0.1/32,::1/128") as client:
        answering = register(client, admin, failing.url).json()["id"]
        silent = register(client, admin, closed_url).json()["id"]
        trigger(client, staff, "SSRF-2")
        answered = first_attempt(client, admin, answering)
        nothing = first_attempt(client, admin, silent)
        page = client.get(f"/api/v1/webhooks/{answering}/deliveries", headers=admin).text
    assert len(failing.requests) == 1  # allowed: it was delivered to
    assert answered["log"][0]["status_code"] == 500
    assert answered["log"][0]["error"] == "HTTP 500" and answered["last_error"] == "HTTP 500"
    assert "not today" not in page  # the receiver's body is never kept nor shown
    # A closed port reads the same as a timeout or a reset would: no errno, no exception name to scan ports with.
    assert nothing["log"][0]["status_code"] is None and nothing["log"][0]["error"] == "no answer"
