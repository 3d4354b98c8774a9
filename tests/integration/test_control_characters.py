"""NUL, other control characters and lone surrogates in any text a request carries: one clear 422, never a 500.

PostgreSQL text cannot hold NUL ("PostgreSQL text fields cannot contain NUL (0x00) bytes") and neither database
can store a lone surrogate; before the request-level check these reached SQL and answered 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient

from conftest import sheet_body

SKU = "ST-S235-PL-10"


def _send(client: TestClient, staff: dict[str, str], method: str, path: str, **kwargs: Any) -> Any:
    headers = {**staff, **kwargs.pop("headers", {})}
    return client.request(method, path, headers=headers, **kwargs)


# (id, method, path, request keyword arguments, field the answer must name)
CASES: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("search-grade-nul", "GET", "/api/v1/search?grade=%00", {}, "grade"),
    ("search-q-nul", "GET", "/api/v1/search?q=plate%00", {}, "q"),
    ("search-q-bell", "GET", "/api/v1/search?q=%07plate", {}, "q"),
    ("search-family-del", "GET", "/api/v1/search?family=steel%7F", {}, "family"),
    ("search-c1", "GET", "/api/v1/search?q=plate%C2%85", {}, "q"),
    ("suggest-nul", "GET", "/api/v1/search/suggest?q=pl%00", {}, "q"),
    ("products-filter-nul", "GET", "/api/v1/products?family=%00", {}, "family"),
    ("query-name-nul", "GET", "/api/v1/products?fam%00ily=steel", {}, "fam<U+0000>ily"),
    ("path-sku-nul", "GET", "/api/v1/products/ST-S235%00", {}, "path"),
    ("ledger-sku-nul", "GET", "/api/v1/stock/movements?sku=%00", {}, "sku"),
    ("events-sku-nul", "GET", "/api/v1/events?sku=%00", {}, "sku"),
    (
        "product-name-nul",
        "POST",
        "/api/v1/products",
        {"json": sheet_body(sku="NUL-1", name="Sheet\u0000")},
        "name",
    ),
    (
        "product-attribute-key-nul",
        "POST",
        "/api/v1/products",
        {"json": sheet_body(sku="NUL-2", attributes={"std\u0000": "EN 485"})},
        "attributes.std<U+0000>",
    ),
    (
        "product-surrogate",
        "POST",
        "/api/v1/products",
        {"content": b'{"sku": "NUL-3", "name": "Sheet \\ud800"}', "headers": {"Content-Type": "application/json"}},
        "name",
    ),
    (
        "patch-description-esc",
        "PATCH",
        f"/api/v1/products/{SKU}",
        {"json": {"description": "plate \u001b[31m"}},
        "description",
    ),
    (
        "quote-line-sku-nul",
        "POST",
        "/api/v1/quotes",
        {"json": {"lines": [{"sku": "ST\u0000", "quantity": {"value": "1", "unit": "kg"}}]}},
        "lines[0].sku",
    ),
    (
        "movement-reason-nul",
        "POST",
        "/api/v1/stock/movements",
        {
            "json": {
                "sku": SKU,
                "warehouse": "RTM",
                "kind": "receipt",
                "quantity": {"value": "1", "unit": "kg"},
                "reason": "a\u0000",
            }
        },
        "reason",
    ),
    (
        "idempotency-key-control",
        "POST",
        "/api/v1/stock/movements",
        {
            "json": {"sku": SKU, "warehouse": "RTM", "kind": "receipt", "quantity": {"value": "1", "unit": "kg"}},
            "headers": {"Idempotency-Key": "key\x01"},
        },
        "idempotency-key",
    ),
    (
        "warehouse-code-nul",
        "POST",
        "/api/v1/warehouses",
        {"json": {"code": "X\u0000Y", "name": "Nowhere"}},
        "code",
    ),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_control_characters_answer_422_naming_the_field(
    client: TestClient,
    staff: dict[str, str],
    warehouses: list[str],
    method: str,
    path: str,
    kwargs: dict[str, Any],
    field: str,
) -> None:
    post_reference(client, staff)
    products_before = client.get("/api/v1/products?limit=500", headers=staff).json()["items"]
    ledger_before = client.get(f"/api/v1/stock/movements?sku={SKU}", headers=staff).json()["items"]

    r = _send(client, staff, method, path, **kwargs)

    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"] == "/problems/invalid-input"
    assert field in [e["field"] for e in problem["errors"]], problem
    assert "control character U+" in problem["detail"]
    # Nothing changed.
    assert client.get("/api/v1/products?limit=500", headers=staff).json()["items"] == products_before
    assert client.get(f"/api/v1/stock/movements?sku={SKU}", headers=staff).json()["items"] == ledger_before


def test_tab_and_line_breaks_in_free_text_are_kept(client: TestClient, staff: dict[str, str]) -> None:
    body = sheet_body(sku="TXT-1", description="Mill finish.\r\n\tCut to size on request.")
    r = client.post("/api/v1/products", json=body, headers=staff)
    assert r.status_code == 201, r.text
    assert client.get("/api/v1/products/TXT-1").json()["description"] == body["description"]


@pytest.mark.parametrize(
    "raw",
    [b'{"sku": "\xff\xfe"}', b"\xc3\x28", b"[" * 100_000 + b"]" * 100_000],
    ids=["latin-1-bytes", "broken-utf8", "nested-100k"],
)
def test_undecodable_json_bodies_are_a_declared_422_not_a_400(
    client: TestClient, staff: dict[str, str], raw: bytes
) -> None:
    """FastAPI answers these with an undeclared 400 "There was an error parsing the body"."""
    for path in ("/api/v1/products", "/api/v1/warehouses", "/api/v1/quotes"):
        r = client.post(path, content=raw, headers={**staff, "Content-Type": "application/json"})
        assert r.status_code == 422, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["field"] == "body"
