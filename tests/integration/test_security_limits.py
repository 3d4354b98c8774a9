"""Per-client rate limits, the body limit and how the OpenAPI document declares them (issue 19 item 4, issue 15
item 4), in process. The attacks that need a socket (slow headers, 100 MB bodies, hundreds of streams) are in
test_security_server.py against real servers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import Tokens, sheet_body
from steelyard.access.model import Role
from steelyard.app import create_app
from steelyard.config import Settings

SKU = "AL-6061-SH-2-1250X2500"
PROBLEM = "application/problem+json"


def quote(value: str = "10", **extra: Any) -> dict[str, Any]:
    return {"lines": [{"sku": SKU, "quantity": {"value": value, "unit": "kg"}}], **extra}


@pytest.fixture
def limited(
    client: TestClient, settings: Settings, staff: dict[str, str], warehouses: list[str]
) -> Iterator[TestClient]:
    """The same database behind an app with the limits on (the usual fixture turns them off)."""
    assert client.post("/api/v1/products", json=sheet_body(), headers=staff).status_code == 201
    on = settings.model_copy(
        update={
            "rate_limits": "quotes=3/minute,estimates=2/minute,search=2/minute,reservations=1/minute",
            "requests_per_client": 64,
            "body_limit_bytes": 64 * 1024,
        }
    )
    with TestClient(create_app(on)) as c:
        yield c


def assert_too_many(response: Any, group: str) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == PROBLEM
    wait = int(response.headers["retry-after"])
    assert 1 <= wait <= 60
    problem = response.json()
    assert problem["status"] == 429 and problem["type"] == "/problems/too-many-requests"
    assert f"too many {group} requests" in problem["detail"] and problem["retry_after"] == wait


def test_quotes_past_the_rate_get_429_with_retry_after_and_nothing_is_stored(
    limited: TestClient, staff: dict[str, str]
) -> None:
    for _ in range(3):
        assert limited.post("/api/v1/quotes", json=quote()).status_code == 201
    assert_too_many(limited.post("/api/v1/quotes", json=quote()), "quotes")
    stored = limited.get("/api/v1/quotes", headers=staff, params={"limit": 50}).json()["items"]
    assert len(stored) == 3
    # Other routes are not in the group: the catalogue still answers.
    assert limited.get(f"/api/v1/products/{SKU}").status_code == 200


def test_estimates_have_their_own_rate(limited: TestClient) -> None:
    for _ in range(2):
        assert limited.post("/api/v1/estimates", json=quote()).status_code == 200
    assert_too_many(limited.post("/api/v1/estimates", json=quote()), "estimates")
    assert limited.post("/api/v1/quotes", json=quote()).status_code == 201  # the quotes group counts apart


def test_search_suggest_and_the_storefront_share_the_search_rate(limited: TestClient) -> None:
    assert limited.get("/api/v1/search", params={"q": "aluminium"}).status_code == 200
    assert limited.get("/api/v1/search/suggest", params={"q": "alu"}).status_code == 200
    assert_too_many(limited.get("/api/v1/search", params={"q": "aluminium"}), "search")
    assert limited.get("/").status_code == 429


def test_reserving_quotes_have_their_own_lower_rate(limited: TestClient, tokens: Tokens) -> None:
    buyer = tokens.make(Role.CUSTOMER, "Greedy Ltd")
    assert limited.post("/api/v1/quotes", json=quote(reserve=True), headers=buyer).status_code == 201
    assert_too_many(limited.post("/api/v1/quotes", json=quote(reserve=True), headers=buyer), "reservations")
    # A quote that holds nothing is still priced (the quotes group has room left).
    assert limited.post("/api/v1/quotes", json=quote(), headers=buyer).status_code == 201


def test_off_lifts_the_rates(client: TestClient, settings: Settings, staff: dict[str, str]) -> None:
    off = settings.model_copy(update={"rate_limits": "off", "requests_per_client": 64})
    with TestClient(create_app(off)) as c:
        answers = [c.get("/api/v1/search/suggest", params={"q": "al"}).status_code for _ in range(30)]
    assert answers == [200] * 30


def test_a_body_past_the_limit_is_413_before_it_is_read(limited: TestClient) -> None:
    big = quote() | {"padding": "x" * (70 * 1024)}
    r = limited.post("/api/v1/quotes", json=big)
    assert r.status_code == 413, r.text
    assert r.headers["content-type"] == PROBLEM and r.headers["connection"] == "close"
    assert r.json()["type"] == "/problems/content-too-large" and "at most 65536 bytes" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit stops it as it streams in
        yield b'{"lines": [], "padding": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    r = limited.post("/api/v1/quotes", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert r.json()["type"] == "/problems/content-too-large"
    # A body under the limit is read as usual.
    assert limited.post("/api/v1/quotes", json=quote()).status_code == 201


def test_the_openapi_document_declares_429_and_413(limited: TestClient) -> None:
    paths = limited.get("/openapi.json").json()["paths"]
    quotes = paths["/api/v1/quotes"]["post"]["responses"]
    assert {"413", "429"} <= set(quotes)
    assert "Retry-After" in quotes["429"]["headers"]
    assert quotes["413"]["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "429" in paths["/api/v1/search"]["get"]["responses"]
    assert "413" not in paths["/api/v1/search"]["get"]["responses"]  # takes no body
    assert "429" in paths["/api/v1/events"]["get"]["responses"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert "413" in operation["responses"], (method, path)
