"""Stock movements, the ledger, holds, orders: every rule over HTTP, and the ledger always adds up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from stock_helpers import MOVEMENTS, assert_ledger_adds_up, level, move

from steelyard.access.model import Role
from steelyard.db import Database
from steelyard.inventory.holds import sweep
from steelyard.ops.metrics import sample

BAR = "ST-C45-RB-50"  # stocked in kg, 15.413 kg/m
SHEET = "AL-6061-SH-2"  # stocked in pieces (sheets)


@pytest.fixture
def stocked(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> None:
    post_reference(client, staff)


def test_receipt_in_pounds_is_stored_in_kg_and_the_ledger_says_who_what_why(
    client: TestClient, staff: dict[str, str], stocked: None, db: Database
) -> None:
    doc = move(client, staff, BAR, "DUI", "receipt", "1000", "lb")
    assert doc["stock_quantity"] == {"value": "453.59237", "unit": "kg"}
    assert level(client, BAR, "DUI") == {
        "code": "DUI",
        "on_hand": "453.59237",
        "reserved": "0",
        "available": "453.59237",
    }
    move(client, staff, BAR, "DUI", "adjustment", "-3.59237", "kg", reason="cycle count")
    move(client, staff, BAR, "DUI", "scrap", "2", "m", reason="rusted ends")  # 2 m x 15.413 kg/m
    ledger = client.get(MOVEMENTS, params={"sku": BAR}, headers=staff).json()["items"]
    assert [e["kind"] for e in ledger] == ["scrap", "adjustment", "receipt"]
    scrap = ledger[0]
    assert scrap["actor"] == "Sam Staff" and scrap["reason"] == "rusted ends"
    assert scrap["quantity"] == {"value": "2", "unit": "m"} and scrap["on_hand_change"] == "-30.826878"
    assert scrap["on_hand_after"] == "419.173122" and scrap["created_at"]
    assert_ledger_adds_up(db)


def test_transfer_moves_both_sides_in_one_transaction(
    client: TestClient, staff: dict[str, str], stocked: None, db: Database
) -> None:
    move(client, staff, SHEET, "DUI", "receipt", "10", "sheets")
    doc = move(client, staff, SHEET, "DUI", "transfer", "4", "sheet", to_warehouse="MIL")
    assert [(e["warehouse"], e["on_hand_change"]) for e in doc["entries"]] == [("DUI", "-4"), ("MIL", "4")]
    assert level(client, SHEET, "DUI")["on_hand"] == "6" and level(client, SHEET, "MIL")["on_hand"] == "4"
    move(client, staff, SHEET, "DUI", "transfer", "7", "sheets", to_warehouse="MIL", expect=409)
    assert level(client, SHEET, "DUI")["on_hand"] == "6" and level(client, SHEET, "MIL")["on_hand"] == "4"
    assert_ledger_adds_up(db)


def test_idempotency_key_replays_and_refuses_another_body(
    client: TestClient, staff: dict[str, str], stocked: None
) -> None:
    body = {"sku": BAR, "warehouse": "RTM", "kind": "receipt", "quantity": {"value": "100", "unit": "kg"}}
    headers = {**staff, "Idempotency-Key": "delivery-4711"}
    first = client.post(MOVEMENTS, json=body, headers=headers)
    again = client.post(MOVEMENTS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert level(client, BAR, "RTM")["on_hand"] == "100"
    other = client.post(MOVEMENTS, json={**body, "quantity": {"value": "200", "unit": "kg"}}, headers=headers)
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["detail"]
    assert level(client, BAR, "RTM")["on_hand"] == "100"


def _customer(client: TestClient, staff: dict[str, str], tokens: Any, home: str | None = None) -> dict[str, str]:
    account = client.post("/api/v1/accounts", json={"name": "Buyer", "home_warehouse": home}, headers=staff).json()
    headers: dict[str, str] = tokens.make(Role.CUSTOMER, "Buyer", account_id=account["id"])
    return headers


def _quote(
    client: TestClient, customer: dict[str, str], sku: str, value: str, unit: str, reserve: bool = True
) -> dict[str, Any]:
    r = client.post(
        "/api/v1/quotes",
        json={"lines": [{"sku": sku, "quantity": {"value": value, "unit": unit}}], "reserve": reserve},
        headers=customer,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_reserve_holds_home_warehouse_first_then_the_others(
    client: TestClient, staff: dict[str, str], stocked: None, tokens: Any, db: Database
) -> None:
    move(client, staff, SHEET, "DUI", "receipt", "5", "sheets")
    move(client, staff, SHEET, "MIL", "receipt", "3", "sheets")
    move(client, staff, SHEET, "RTM", "receipt", "4", "sheets")
    customer = _customer(client, staff, tokens, home="MIL")
    line = _quote(client, customer, SHEET, "10", "sheets")["lines"][0]
    assert line["held"] == {"value": "10", "unit": "piece"}
    assert [(h["warehouse"], h["quantity"]) for h in line["holds"]] == [("MIL", "3"), ("DUI", "5"), ("RTM", "2")]
    assert client.get(f"/api/v1/products/{SHEET}/stock").json()["total"] == {
        "on_hand": "12",
        "reserved": "10",
        "available": "2",
    }
    other = _customer(client, staff, tokens)  # the first customer may not hold the same product twice at once
    partial = _quote(client, other, SHEET, "5", "sheets")["lines"][0]
    assert partial["held"]["value"] == "2" and partial["availability"]["status"] == "partial"
    assert_ledger_adds_up(db)


def test_accept_ship_and_cancel(
    client: TestClient, staff: dict[str, str], stocked: None, tokens: Any, db: Database
) -> None:
    move(client, staff, SHEET, "DUI", "receipt", "6", "sheets")
    customer = _customer(client, staff, tokens)
    held = _quote(client, customer, SHEET, "4", "sheets")
    unheld = _quote(client, customer, SHEET, "2", "sheets", reserve=False)
    r = client.post(f"/api/v1/quotes/{held['id']}/accept", headers=customer)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "accepted" and order["allocations"][0]["quantity"] == "4"
    again = client.post(f"/api/v1/quotes/{held['id']}/accept", headers=customer)
    assert again.status_code == 200 and again.json()["id"] == order["id"]
    second = client.post(f"/api/v1/quotes/{unheld['id']}/accept", headers=customer).json()
    assert level(client, SHEET, "DUI") == {"code": "DUI", "on_hand": "6", "reserved": "6", "available": "0"}
    shipped = client.post(f"/api/v1/orders/{order['id']}/ship", headers=staff)
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    assert level(client, SHEET, "DUI")["on_hand"] == "2" and level(client, SHEET, "DUI")["reserved"] == "2"
    assert client.post(f"/api/v1/orders/{order['id']}/ship", headers=staff).status_code == 409
    assert client.post(f"/api/v1/orders/{second['id']}/cancel", headers=customer).json()["status"] == "cancelled"
    assert level(client, SHEET, "DUI")["reserved"] == "0"
    r = client.post(f"/api/v1/orders/{second['id']}/ship", headers=staff)
    assert r.status_code == 409 and "cancelled" in r.json()["detail"]
    assert client.post(f"/api/v1/orders/{order['id']}/ship", headers=customer).status_code == 403
    kinds = [
        e["kind"] for e in client.get(MOVEMENTS, params={"sku": SHEET, "order": "asc"}, headers=staff).json()["items"]
    ]
    assert kinds == ["receipt", "hold", "hold", "ship", "release"]
    assert_ledger_adds_up(db)


def test_accept_is_all_or_nothing_and_says_what_is_short(
    client: TestClient, staff: dict[str, str], stocked: None, tokens: Any, db: Database
) -> None:
    move(client, staff, SHEET, "DUI", "receipt", "3", "sheets")
    move(client, staff, BAR, "DUI", "receipt", "100", "kg")
    customer = _customer(client, staff, tokens)
    r = client.post(
        "/api/v1/quotes",
        headers=customer,
        json={
            "lines": [
                {"sku": BAR, "quantity": {"value": "50", "unit": "kg"}},
                {"sku": SHEET, "quantity": {"value": "5", "unit": "sheets"}},
            ]
        },
    )
    quote = r.json()
    r = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=customer)
    assert r.status_code == 409, r.text
    assert r.json()["short"] == [{"line": 2, "sku": SHEET, "needed": "5", "available": "3", "unit": "piece"}]
    assert level(client, BAR, "DUI")["reserved"] == "0" and level(client, SHEET, "DUI")["reserved"] == "0"
    assert client.get("/api/v1/orders", headers=customer).json()["items"] == []
    assert_ledger_adds_up(db)


def test_accept_with_idempotency_key_never_makes_two_orders(
    client: TestClient, staff: dict[str, str], stocked: None, tokens: Any
) -> None:
    move(client, staff, SHEET, "DUI", "receipt", "3", "sheets")
    customer = _customer(client, staff, tokens)
    quote = _quote(client, customer, SHEET, "1", "sheet", reserve=False)
    headers = {**customer, "Idempotency-Key": "order-1"}
    first = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=headers)
    second = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=headers)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert len(client.get("/api/v1/orders", headers=staff).json()["items"]) == 1


def test_expired_holds_give_their_stock_back(
    client: TestClient, staff: dict[str, str], stocked: None, tokens: Any, db: Database
) -> None:
    move(client, staff, SHEET, "DUI", "receipt", "5", "sheets")
    customer = _customer(client, staff, tokens)
    quote = _quote(client, customer, SHEET, "5", "sheets")
    assert level(client, SHEET, "DUI")["reserved"] == "5"
    later = datetime.now(UTC) + timedelta(days=2)
    expired_before = sample("steelyard_holds_expired_total") or 0.0
    assert sweep(db, later) == 1
    assert level(client, SHEET, "DUI")["reserved"] == "0"
    assert sweep(db, later) == 0  # a second sweep finds nothing: released once, never twice
    assert sample("steelyard_holds_expired_total") == expired_before + 1  # /metrics counts it once too
    r = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=customer)
    assert r.status_code == 201  # still valid by the clock, so it takes the stock again at acceptance
    assert_ledger_adds_up(db)


def test_holds_that_lapsed_while_the_server_was_down_are_released_at_start(
    client: TestClient, staff: dict[str, str], stocked: None, tokens: Any, db: Database, settings: Any
) -> None:
    from sqlalchemy import update

    from steelyard.app import create_app
    from steelyard.inventory.tables import holds

    move(client, staff, SHEET, "DUI", "receipt", "5", "sheets")
    _quote(client, _customer(client, staff, tokens), SHEET, "2", "sheets")
    with db.write() as conn:
        conn.execute(update(holds).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    restarted = create_app(settings.model_copy(update={"hold_sweep_seconds": 0.05}))
    with TestClient(restarted):  # no request is made: the start-up sweep alone must give the stock back
        import time

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and level(client, SHEET, "DUI")["reserved"] != "0":
            time.sleep(0.05)
    assert level(client, SHEET, "DUI")["reserved"] == "0"
    assert_ledger_adds_up(db)


BAD: list[tuple[str, dict[str, Any], int, str]] = [
    (
        "unknown-sku",
        {"sku": "NOPE", "warehouse": "DUI", "kind": "receipt", "quantity": {"value": "1", "unit": "kg"}},
        422,
        "sku",
    ),
    (
        "unknown-warehouse",
        {"sku": BAR, "warehouse": "ZZZ", "kind": "receipt", "quantity": {"value": "1", "unit": "kg"}},
        422,
        "warehouse",
    ),
    (
        "unit-the-product-cannot-take",
        {"sku": BAR, "warehouse": "DUI", "kind": "receipt", "quantity": {"value": "1", "unit": "m2"}},
        422,
        "quantity.unit",
    ),
    (
        "transfer-to-same",
        {
            "sku": BAR,
            "warehouse": "DUI",
            "kind": "transfer",
            "to_warehouse": "DUI",
            "quantity": {"value": "1", "unit": "kg"},
        },
        422,
        "to_warehouse",
    ),
    (
        "transfer-without-target",
        {"sku": BAR, "warehouse": "DUI", "kind": "transfer", "quantity": {"value": "1", "unit": "kg"}},
        422,
        "to_warehouse",
    ),
    (
        "scrap-more-than-on-hand",
        {"sku": BAR, "warehouse": "DUI", "kind": "scrap", "reason": "x", "quantity": {"value": "101", "unit": "kg"}},
        409,
        "available",
    ),
    (
        "scrap-without-reason",
        {"sku": BAR, "warehouse": "DUI", "kind": "scrap", "quantity": {"value": "1", "unit": "kg"}},
        422,
        "reason",
    ),
    (
        "adjust-without-reason",
        {"sku": BAR, "warehouse": "DUI", "kind": "adjustment", "quantity": {"value": "-1", "unit": "kg"}},
        422,
        "reason",
    ),
    (
        "adjust-below-zero",
        {
            "sku": BAR,
            "warehouse": "DUI",
            "kind": "adjustment",
            "reason": "count",
            "quantity": {"value": "-500", "unit": "kg"},
        },
        409,
        "available",
    ),
    (
        "negative-receipt",
        {"sku": BAR, "warehouse": "DUI", "kind": "receipt", "quantity": {"value": "-5", "unit": "kg"}},
        422,
        "quantity",
    ),
    (
        "half-a-sheet",
        {"sku": SHEET, "warehouse": "DUI", "kind": "receipt", "quantity": {"value": "0.5", "unit": "sheet"}},
        422,
        "whole pieces",
    ),
    (
        "unknown-kind",
        {"sku": BAR, "warehouse": "DUI", "kind": "theft", "quantity": {"value": "1", "unit": "kg"}},
        422,
        "kind",
    ),
    (
        "too-small",
        {"sku": BAR, "warehouse": "DUI", "kind": "receipt", "quantity": {"value": "0.0000001", "unit": "kg"}},
        422,
        "quantity.value",
    ),
]


@pytest.mark.parametrize(("case", "body", "status", "names"), BAD, ids=[b[0] for b in BAD])
def test_bad_movements_are_clear_4xx_and_change_nothing(
    client: TestClient,
    staff: dict[str, str],
    stocked: None,
    db: Database,
    case: str,
    body: dict[str, Any],
    status: int,
    names: str,
) -> None:
    move(client, staff, BAR, "DUI", "receipt", "100", "kg")
    before = client.get(MOVEMENTS, params={"sku": BAR}, headers=staff).json()
    r = client.post(MOVEMENTS, json=body, headers=staff)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert names in problem["detail"] or any(names in e["field"] for e in problem.get("errors", [])), problem
    assert client.get(MOVEMENTS, params={"sku": BAR}, headers=staff).json() == before
    assert_ledger_adds_up(db)


def test_movements_need_staff(client: TestClient, customer: dict[str, str], stocked: None) -> None:
    body = {"sku": BAR, "warehouse": "DUI", "kind": "receipt", "quantity": {"value": "1", "unit": "kg"}}
    assert client.post(MOVEMENTS, json=body).status_code == 401
    assert client.post(MOVEMENTS, json=body, headers=customer).status_code == 403
    assert client.get(MOVEMENTS, params={"sku": BAR}, headers=customer).status_code == 403
