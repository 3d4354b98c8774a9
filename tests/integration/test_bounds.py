"""What schemathesis and an attacker found answering 500 or off the document, each now a declared 4xx:
ids and cursor keys beyond 64 bits, forged cursors, stock beyond the stored integer, 405s without a full
`Allow`, literal paths falling into parametrised ones, booleans and strings taken as integers."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient

from conftest import Tokens, sheet_body
from steelyard.access.model import Role
from steelyard.wire import MAX_INT32, MAX_INT64, decode_cursor, encode_cursor

HUGE = "36893488147419103232"  # 2**65


def problem_field(r: Any) -> str:
    assert r.headers["content-type"] == "application/problem+json", r.text
    field: str = r.json()["errors"][0]["field"]
    return field


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        ("GET", f"/api/v1/accounts/{HUGE}", Role.STAFF),
        ("PATCH", f"/api/v1/accounts/{HUGE}", Role.STAFF),
        ("GET", f"/api/v1/webhooks/{HUGE}", Role.ADMIN),
        ("PATCH", f"/api/v1/webhooks/{HUGE}", Role.ADMIN),
        ("DELETE", f"/api/v1/webhooks/{HUGE}", Role.ADMIN),
        ("GET", f"/api/v1/webhooks/{HUGE}/deliveries", Role.ADMIN),
        ("GET", "/api/v1/accounts/9223372036854775808", Role.STAFF),  # 2**63: one beyond BIGINT
        ("GET", "/api/v1/accounts/2147483648", Role.STAFF),  # 2**31: one beyond the INTEGER key (PostgreSQL: 500)
        ("GET", "/api/v1/webhooks/2147483648", Role.ADMIN),
    ],
)
def test_ids_beyond_the_key_type_are_a_422(
    client: TestClient, tokens: Tokens, method: str, path: str, role: Role
) -> None:
    r = client.request(method, path, headers=tokens.make(role, "Probe"), json={})
    assert r.status_code == 422, r.text
    assert problem_field(r) in ("account_id", "webhook_id")


def test_the_largest_id_is_a_plain_404(client: TestClient, staff: dict[str, str]) -> None:
    r = client.get("/api/v1/accounts/2147483647", headers=staff)
    assert r.status_code == 404, r.text


def unsigned(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


LISTS = [
    "/api/v1/accounts",
    "/api/v1/products",
    "/api/v1/warehouses",
    "/api/v1/quotes",
    "/api/v1/orders",
    "/api/v1/stock/movements?sku=ST-S235-PL-10",
    "/api/v1/search?q=plate",
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("key", [10**300, [], {"s": "relevance", "k": [], "f": "x"}, "A", -1])
def test_forged_cursors_are_a_422(
    client: TestClient, staff: dict[str, str], warehouses: list[str], path: str, key: Any
) -> None:
    post_reference(client, staff)
    joiner = "&" if "?" in path else "?"
    r = client.get(f"{path}{joiner}cursor={unsigned(key)}", headers=staff)
    assert r.status_code == 422, r.text
    assert problem_field(r) == "cursor"


INTEGER_KEYED = [  # a list, and the largest key its id column holds
    ("/api/v1/accounts", MAX_INT32),
    ("/api/v1/webhooks", MAX_INT32),
    ("/api/v1/tokens", MAX_INT32),
    ("/api/v1/stock/movements?sku=ST-S235-PL-10", MAX_INT64),  # the ledger
    ("/api/v1/webhooks/{hook}/deliveries", MAX_INT64),
    ("/api/v1/products/ST-S235-PL-10/lots", MAX_INT64),
]


@pytest.mark.parametrize(("path", "largest"), INTEGER_KEYED)
def test_integer_cursors_beyond_their_column_are_a_422_signed_or_not_and_its_ends_are_served(
    client: TestClient, tokens: Tokens, warehouses: list[str], path: str, largest: int
) -> None:
    """Issue 19.6: `10**300` cursors on accounts, the ledger and webhooks answered 500. Unsigned, the signature
    refuses them; signed (a leaked secret, an old release), the bound behind it still does: 64 bits, and 32 for the
    INTEGER keys, which PostgreSQL would refuse with an error (a 500) rather than an empty page."""
    admin, staff = tokens.make(Role.ADMIN, "Ada"), tokens.make(Role.STAFF, "Sam")
    post_reference(client, staff)
    body = {"url": "https://erp.example.com/hooks", "events": ["product.changed"], "secret": "whsec-0123456789abcdef"}
    hook = client.post("/api/v1/webhooks", json=body, headers=admin)
    assert hook.status_code == 201, hook.text
    url = path.format(hook=hook.json()["id"])
    joiner = "&" if "?" in url else "?"
    for key in (10**300, largest + 1, -largest - 2):
        for cursor in (unsigned(key), encode_cursor(key)):
            r = client.get(f"{url}{joiner}cursor={cursor}", headers=admin)
            assert r.status_code == 422, (key, r.text)
            assert problem_field(r) == "cursor"
    for key in (largest, -largest - 1):
        r = client.get(f"{url}{joiner}cursor={encode_cursor(key)}", headers=admin)
        assert r.status_code == 200, (key, r.text)


@pytest.mark.parametrize("keys", [[], [1], ["a", "b", "c"], [1, "x", 2], [10**300, 1, "A"], [None, 1, "A"]])
def test_a_signed_search_cursor_with_a_bad_key_is_a_422_not_a_database_error(
    client: TestClient, staff: dict[str, str], warehouses: list[str], keys: list[Any]
) -> None:
    """The old cursors carried a plain fingerprint: a crafted key gave an IndexError or a database error (500).
    Signing stops the crafting; the key is still type-checked behind the signature (here signed in-process)."""
    post_reference(client, staff)
    first = client.get("/api/v1/search", params={"q": "", "limit": 1}).json()
    real = decode_cursor(first["next_cursor"], dict)
    crafted = encode_cursor({**real, "k": keys})
    r = client.get("/api/v1/search", params={"q": "", "limit": 1, "cursor": crafted})
    assert r.status_code == 422, r.text
    assert problem_field(r) == "cursor"


@pytest.mark.parametrize(
    ("kind", "value", "unit"),
    [
        ("adjustment", "-54625320806.7562", "t"),  # schemathesis' case: -5.5e13 kg does not fit a BIGINT of mg
        ("receipt", "999999999999999", "t"),
        ("receipt", "999999999999999", "lb"),
        ("scrap", "999999999999999", "t"),
        ("transfer", "999999999999999", "t"),
    ],
)
def test_stock_changes_beyond_the_stored_integer_are_a_422(
    client: TestClient, staff: dict[str, str], warehouses: list[str], kind: str, value: str, unit: str
) -> None:
    post_reference(client, staff)
    body: dict[str, Any] = {
        "sku": "ST-S235-PL-10",
        "warehouse": "RTM",
        "kind": kind,
        "quantity": {"value": value, "unit": unit},
        "reason": "probe",
    }
    if kind == "transfer":
        body["to_warehouse"] = "DUI"
    r = client.post("/api/v1/stock/movements", json=body, headers=staff)
    assert r.status_code == 422, r.text
    assert problem_field(r) == "quantity.value"
    assert client.get("/api/v1/stock/movements?sku=ST-S235-PL-10", headers=staff).json()["items"] == []


def test_a_level_cannot_grow_beyond_the_stored_integer(
    client: TestClient, staff: dict[str, str], warehouses: list[str]
) -> None:
    """Each receipt is within bounds; their sum is not. The second is refused and nothing of it is written."""
    post_reference(client, staff)
    quantity = {"value": "600000000", "unit": "t"}
    body = {"sku": "ST-S235-PL-10", "warehouse": "RTM", "kind": "receipt", "quantity": quantity}
    assert client.post("/api/v1/stock/movements", json=body, headers=staff).status_code == 201
    r = client.post("/api/v1/stock/movements", json=body, headers=staff)
    assert r.status_code == 422, r.text
    assert problem_field(r) == "quantity"
    stock = client.get("/api/v1/products/ST-S235-PL-10/stock").json()
    assert [w["on_hand"] for w in stock["warehouses"] if w["code"] == "RTM"] == ["600000000000"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/api/v1/accounts/1", "GET, PATCH"),
        ("OPTIONS", "/api/v1/products", "GET, POST"),
        ("OPTIONS", "/api/v1/products/ST-S235-PL-10", "DELETE, GET, PATCH"),
        ("OPTIONS", "/api/v1/webhooks/1", "DELETE, GET, PATCH"),
        ("PUT", "/healthz", "GET"),
        ("PATCH", "/api/v1/accounts/me", "GET"),  # used to reach PATCH /accounts/{account_id}: a 422
        ("DELETE", "/api/v1/accounts/me", "GET"),
    ],
)
def test_405_names_every_method_of_the_path(client: TestClient, method: str, path: str, allow: str) -> None:
    r = client.request(method, path)
    assert r.status_code == 405, r.text
    assert r.headers["allow"] == allow
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("path", "method", "body", "field"),
    [
        ("/api/v1/currencies/USD", "PUT", {"rate": "1.08", "minor_units": False}, "minor_units"),
        ("/api/v1/currencies/USD", "PUT", {"rate": "1.08", "minor_units": "2"}, "minor_units"),
        ("/api/v1/products", "POST", sheet_body(sku="B1", lead_time_days=True), "lead_time_days"),
        ("/api/v1/products", "POST", sheet_body(sku="B2", lead_time_days="3"), "lead_time_days"),
        ("/api/v1/products", "POST", sheet_body(sku="B3", active="yes"), "active"),
        ("/api/v1/products", "POST", sheet_body(sku="B4", active=1), "active"),
    ],
)
def test_json_booleans_and_integers_are_what_the_schema_says(
    client: TestClient, admin: dict[str, str], path: str, method: str, body: dict[str, Any], field: str
) -> None:
    r = client.request(method, path, json=body, headers=admin)
    assert r.status_code == 422, r.text
    assert problem_field(r) == field


def test_an_integral_json_number_is_still_an_integer(client: TestClient, admin: dict[str, str]) -> None:
    r = client.put("/api/v1/currencies/USD", json={"rate": "1.08", "minor_units": 2.0}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["minor_units"] == 2


def test_the_document_says_quotes_take_no_token_too(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, method in (("/api/v1/quotes", "post"), ("/api/v1/quotes/{quote_id}", "get")):
        assert {} in document["paths"][path][method]["security"], path
    assert "application/problem+json" in document["paths"]["/api/v1/events"]["get"]["responses"]["422"]["content"]


def test_every_422_is_declared_as_a_problem_document(client: TestClient) -> None:
    """FastAPI declares its own application/json validation error on routes that do not list 422 themselves."""
    document = client.get("/openapi.json").json()
    assert "#/components/schemas/ValidationError" not in json.dumps(document)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            answer = operation.get("responses", {}).get("422")
            if answer is not None:
                assert list(answer["content"]) == ["application/problem+json"], (method, path)
