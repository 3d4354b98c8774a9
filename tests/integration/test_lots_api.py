"""Lots over HTTP: receipts with heats, the lots list, FIFO holds, transfers that keep the heat, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from stock_helpers import MOVEMENTS, assert_ledger_adds_up, level, move

from steelyard.access.model import Role
from steelyard.db import Database

BAR = "ST-C45-RB-50"  # stocked in kg
SHEET = "AL-6061-SH-2"  # stocked in sheets: thickness 2, width 1250, length 2500


@pytest.fixture
def stocked(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> None:
    post_reference(client, staff)


def _lots(client: TestClient, sku: str, **params: Any) -> list[dict[str, Any]]:
    r = client.get(f"/api/v1/products/{sku}/lots", params=params)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def _reserve(client: TestClient, customer: dict[str, str], sku: str, value: str, unit: str) -> dict[str, Any]:
    body = {"lines": [{"sku": sku, "quantity": {"value": value, "unit": unit}}], "reserve": True}
    r = client.post("/api/v1/quotes", json=body, headers=customer)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_a_receipt_creates_a_lot_with_its_heat_and_another_adds_to_it(
    client: TestClient, staff: dict[str, str], stocked: None, db: Database
) -> None:
    lot = {"heat": "H2611-0457", "mill": "Saarstahl", "certificate_type": "3.1", "origin": "DE"}
    first = move(client, staff, BAR, "DUI", "receipt", "500", "kg", lot=lot)
    assert first["lot_id"] and first["entries"][0]["lot_id"] == first["lot_id"]
    assert first["entries"][0]["heat"] == "H2611-0457"
    more = move(client, staff, BAR, "DUI", "receipt", "1000", "lb", lot_id=first["lot_id"])
    assert more["lot_id"] == first["lot_id"]
    (listed,) = _lots(client, BAR)
    assert {k: listed[k] for k in ("id", "heat", "mill", "certificate_type", "origin", "warehouse", "remnant")} == {
        "id": first["lot_id"],
        "heat": "H2611-0457",
        "mill": "Saarstahl",
        "certificate_type": "3.1",
        "origin": "DE",
        "warehouse": "DUI",
        "remnant": False,
    }
    assert (listed["on_hand"], listed["reserved"], listed["available"]) == ("953.59237", "0", "953.59237")
    assert listed["received_at"] and listed["dimensions_mm"] is None and listed["certificate"] is None
    untraced = move(client, staff, BAR, "DUI", "receipt", "10", "kg")  # no lot given: a new, untraced lot
    assert untraced["lot_id"] != first["lot_id"] and untraced["entries"][0]["heat"] is None
    assert level(client, BAR, "DUI")["on_hand"] == "963.59237"  # the level is the sum of its lots
    ledger = client.get(MOVEMENTS, params={"sku": BAR}, headers=staff).json()["items"]
    assert all(e["lot_id"] for e in ledger)
    assert_ledger_adds_up(db)


def test_a_remnant_lot_keeps_its_own_size(client: TestClient, staff: dict[str, str], stocked: None) -> None:
    lot = {"heat": "R-1", "dimensions_mm": {"thickness": "2", "width": "600", "length": "900"}}
    move(client, staff, SHEET, "DUI", "receipt", "1", "sheet", lot=lot)
    move(client, staff, SHEET, "DUI", "receipt", "4", "sheets", lot={"heat": "F-1"})
    (remnant,) = _lots(client, SHEET, remnant="true")
    assert remnant["remnant"] is True
    assert remnant["dimensions_mm"] == {"thickness": "2", "width": "600", "length": "900"}
    assert [x["heat"] for x in _lots(client, SHEET, remnant="false")] == ["F-1"]
    assert [x["heat"] for x in _lots(client, SHEET)] == ["R-1", "F-1"]


@pytest.mark.parametrize(
    ("extra", "kind", "field"),
    [
        ({"lot": {"heat": "X"}, "lot_id": 1}, "receipt", "lot_id"),
        ({"lot": {"heat": "X"}}, "adjustment", "lot"),
        ({"lot": {"heat": "X", "certificate_type": "3.3"}}, "receipt", "lot.certificate_type"),
        ({"lot": {"heat": "X", "origin": "Germany"}}, "receipt", "lot.origin"),
        ({"lot": {"heat": ""}}, "receipt", "lot.heat"),
        ({"lot": {"heat": "X", "dimensions_mm": {"diameter": "40"}}}, "receipt", "lot.dimensions_mm.diameter"),
        ({"lot": {"heat": "X", "dimensions_mm": {"length": "0"}}}, "receipt", "lot.dimensions_mm.length"),
        ({"lot_id": 999999}, "receipt", "lot_id"),
        ({"lot_id": 999999}, "scrap", "lot_id"),
    ],
)
def test_bad_lot_input_is_a_422_naming_the_field_and_changes_nothing(
    client: TestClient, staff: dict[str, str], stocked: None, extra: dict[str, Any], kind: str, field: str
) -> None:
    move(client, staff, SHEET, "DUI", "receipt", "3", "sheets")
    body = {"sku": SHEET, "warehouse": "DUI", "kind": kind, "quantity": {"value": "1", "unit": "sheet"}, **extra}
    if kind != "receipt":
        body["reason"] = "count"
    r = client.post(MOVEMENTS, json=body, headers=staff)
    assert r.status_code == 422, r.text
    assert any(field in e["field"] for e in r.json()["errors"]), r.json()
    assert len(_lots(client, SHEET)) == 1 and level(client, SHEET, "DUI")["on_hand"] == "3"


def test_a_lot_of_another_warehouse_is_refused(client: TestClient, staff: dict[str, str], stocked: None) -> None:
    mil = move(client, staff, SHEET, "MIL", "receipt", "3", "sheets", lot={"heat": "M"})
    r = client.post(
        MOVEMENTS,
        json={
            "sku": SHEET,
            "warehouse": "DUI",
            "kind": "receipt",
            "quantity": {"value": "1", "unit": "sheet"},
            "lot_id": mil["lot_id"],
        },
        headers=staff,
    )
    assert r.status_code == 422 and "lot_id" in r.json()["detail"]


def test_holds_and_orders_take_the_oldest_lot_first_and_shipping_empties_it(
    client: TestClient, staff: dict[str, str], stocked: None, tokens: Any, db: Database
) -> None:
    old = move(client, staff, SHEET, "DUI", "receipt", "3", "sheets", lot={"heat": "OLD"})["lot_id"]
    new = move(client, staff, SHEET, "DUI", "receipt", "5", "sheets", lot={"heat": "NEW"})["lot_id"]
    customer = tokens.make(Role.CUSTOMER, "Buyer")
    quote = _reserve(client, customer, SHEET, "4", "sheets")
    assert [(h["lot_id"], h["heat"], h["quantity"]) for h in quote["lines"][0]["holds"]] == [
        (old, "OLD", "3"),
        (new, "NEW", "1"),
    ]
    order = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=customer).json()
    assert [(a["lot_id"], a["heat"], a["quantity"]) for a in order["allocations"]] == [
        (old, "OLD", "3"),
        (new, "NEW", "1"),
    ]
    assert client.post(f"/api/v1/orders/{order['id']}/ship", headers=staff).status_code == 200
    lots = {x["id"]: x for x in _lots(client, SHEET, include_empty="true")}
    assert (lots[old]["on_hand"], lots[new]["on_hand"], lots[new]["reserved"]) == ("0", "4", "0")
    assert [x["id"] for x in _lots(client, SHEET)] == [new]  # an empty lot leaves the list by default
    ship_rows = [
        e for e in client.get(MOVEMENTS, params={"sku": SHEET}, headers=staff).json()["items"] if e["kind"] == "ship"
    ]
    assert sorted((e["heat"], e["on_hand_change"]) for e in ship_rows) == [("NEW", "-1"), ("OLD", "-3")]
    assert_ledger_adds_up(db)


def test_transfer_keeps_the_heat_and_certificate_and_scrap_takes_oldest_first(
    client: TestClient, staff: dict[str, str], stocked: None, db: Database
) -> None:
    a = move(client, staff, BAR, "DUI", "receipt", "40", "kg", lot={"heat": "A", "certificate_type": "3.2"})["lot_id"]
    move(client, staff, BAR, "DUI", "receipt", "60", "kg", lot={"heat": "B", "certificate_type": "2.2"})
    doc = move(client, staff, BAR, "DUI", "transfer", "50", "kg", to_warehouse="RTM")
    assert [(e["warehouse"], e["heat"], e["on_hand_change"]) for e in doc["entries"]] == [
        ("DUI", "A", "-40"),
        ("RTM", "A", "40"),
        ("DUI", "B", "-10"),
        ("RTM", "B", "10"),
    ]
    rtm = _lots(client, BAR, warehouse="RTM")
    assert [(x["heat"], x["certificate_type"], x["on_hand"]) for x in rtm] == [("A", "3.2", "40"), ("B", "2.2", "10")]
    assert rtm[0]["source_lot_id"] == a
    again = move(client, staff, BAR, "RTM", "transfer", "5", "kg", to_warehouse="DUI")  # back: joins a lot of A
    assert again["entries"][1]["heat"] == "A"
    move(client, staff, BAR, "DUI", "scrap", "60", "kg", reason="too much", expect=409)  # 55 there
    move(client, staff, BAR, "DUI", "scrap", "52", "kg", reason="flood")
    left = [(x["heat"], x["on_hand"]) for x in _lots(client, BAR, warehouse="DUI")]
    # The returned A keeps A's received date, so it is older than B and goes first: 5 of A, then 47 of B.
    assert left == [("B", "3")]
    assert_ledger_adds_up(db)


def test_lots_of_an_unknown_product_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/products/NOPE/lots").status_code == 404
