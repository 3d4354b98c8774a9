"""A quote's order charges and freight estimate, end to end through POST /api/v1/estimates and /api/v1/quotes.

Hand calculations (reference bar ST-C45-RB-50: round bar 50 mm, 6000 mm stock lengths, C45 at 7850 kg/m3, 1.60 EUR/kg
below 500 kg). Mass per metre = pi/4 x 0.050^2 m2 x 7850 kg/m3 = 15.41337 kg/m (the handbook figure for a 50 mm round
bar is 15.4 kg/m, e.g. EN 10060 tables).
"""

from __future__ import annotations

from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient

E = "/api/v1/estimates"
Q = "/api/v1/quotes"
BAR = "ST-C45-RB-50"
RULES = {
    "parcel-de": {"kind": "parcel", "countries": ["DE", "AT"], "max_weight_kg": "31.5", "max_length_mm": "1600",
                  "base": "6.90", "per_kg": "0.35"},
    "pallet": {"kind": "pallet", "max_weight_kg": "1000", "max_length_mm": "2400", "base": "55", "per_kg": "0.08"},
    "long-goods": {"kind": "truck", "max_weight_kg": "24000", "base": "180", "per_kg": "0.04"},
}  # fmt: skip


@pytest.fixture
def rules(client: TestClient, staff: dict[str, str]) -> None:
    post_reference(client, staff)
    for name, rule in RULES.items():
        assert client.put(f"/api/v1/freight-rules/{name}", json=rule, headers=staff).status_code == 200
    r = client.put("/api/v1/order-charges/global/minimum_order", json={"threshold": "100"}, headers=staff)
    assert r.status_code == 200
    r = client.put(
        "/api/v1/order-charges/global/small_quantity", json={"threshold": "500", "amount": "15"}, headers=staff
    )
    assert r.status_code == 200


def _kg(value: str) -> dict[str, Any]:
    return {"sku": BAR, "quantity": {"value": value, "unit": "kg"}}


def test_a_small_order_of_whole_bars_meets_both_charges_and_the_truck(client: TestClient, rules: None) -> None:
    r = client.post(E, json={"lines": [_kg("10")]})
    assert r.status_code == 200, r.text
    est = r.json()
    assert est["lines"][0]["subtotal"] == "16.00"  # 10 kg x 1.60
    charges = {c["kind"]: c for c in est["charges"]}
    # minimum order 100.00: 100 - 16 = 84.00 added and 84.00 more goods avoid it
    assert (charges["minimum_order"]["amount"], charges["minimum_order"]["short_by"]) == ("84.00", "84.00")
    # small quantity under 500.00: 15.00, and 500 - 16 = 484.00 more goods avoid it
    assert (charges["small_quantity"]["amount"], charges["small_quantity"]["short_by"]) == ("15.00", "484.00")
    freight = est["freight"]
    # 10 kg in 6000 mm bars: too long for parcel (1600) and pallet (2400): truck 180 + 0.04 x 10 = 180.40
    assert (freight["rule"], freight["kind"], freight["amount"]) == ("long-goods", "truck", "180.40")
    assert (freight["weight_kg"], freight["longest_mm"], freight["country"]) == ("10", "6000", "DE")
    # cut to at most 1600 mm it would go by parcel: 6.90 + 0.35 x 10 = 10.40
    assert any("at most 1600 mm" in a and "EUR 10.40 instead of EUR 180.40" in a for a in freight["advice"])
    # subtotal 16 + 84 + 15 + 180.40 = 295.40; tax 20 % = 59.08; total 354.48
    assert (est["subtotal"], est["tax"], est["total"]) == ("295.40", "59.08", "354.48")


def test_cut_pieces_under_the_parcel_length_go_by_parcel(client: TestClient, rules: None) -> None:
    line = {"sku": BAR, "quantity": {"value": "2", "unit": "piece"}, "cut": {"length_mm": "1000"}}
    est = client.post(E, json={"lines": [line]}).json()
    # 2 x 1.000 m x 15.41337 kg/m = 30.827 kg (to the gram) <= 31.5: parcel 6.90 + 0.35 x 30.827 = 17.68945 -> 17.69
    assert est["lines"][0]["weight_kg"] == "30.827"
    assert (est["freight"]["rule"], est["freight"]["amount"], est["freight"]["longest_mm"]) == (
        "parcel-de",
        "17.69",
        "1000",
    )
    assert len(est["freight"]["advice"]) == 1  # nothing cheaper to advise


def test_the_country_chooses_the_rules_and_a_bad_country_is_a_clear_422(client: TestClient, rules: None) -> None:
    line = {"sku": BAR, "quantity": {"value": "2", "unit": "piece"}, "cut": {"length_mm": "1000"}}
    est = client.post(E, json={"lines": [line], "delivery_country": "FR"}).json()
    assert est["freight"]["rule"] == "pallet"  # parcel-de serves DE and AT; 55 + 0.08 x 30.827 = 57.47
    assert est["freight"]["amount"] == "57.47" and est["freight"]["country"] == "FR"
    for bad in ("XX", "EU", "de", "DEU", 7):
        r = client.post(E, json={"lines": [line], "delivery_country": bad})
        assert r.status_code == 422, (bad, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["field"] == "delivery_country"


def test_an_accounts_own_minimum_replaces_the_global_one(
    client: TestClient, rules: None, staff: dict[str, str], tokens: Any
) -> None:
    from steelyard.access.model import Role
    from steelyard.access.service import create_account

    with tokens.db.write() as conn:
        account = create_account(conn, name="Regular Buyer GmbH", currency="EUR")
    headers = tokens.make(Role.CUSTOMER, "Regular Buyer", account_id=account)
    r = client.put(f"/api/v1/order-charges/{account}/minimum_order", json={"threshold": "20"}, headers=staff)
    assert r.status_code == 200
    r = client.put(
        f"/api/v1/order-charges/{account}/small_quantity", json={"threshold": "0", "amount": "0"}, headers=staff
    )
    est = client.post(E, json={"lines": [_kg("10")]}, headers=headers).json()
    # its own minimum 20.00: 20 - 16 = 4.00; its small-quantity threshold 0 exempts it
    assert [(c["kind"], c["amount"], c["scope"]) for c in est["charges"]] == [("minimum_order", "4.00", "account")]


def test_a_stored_quote_keeps_its_charges_and_freight(client: TestClient, rules: None, staff: dict[str, str]) -> None:
    r = client.post(Q, json={"lines": [_kg("10")]})
    assert r.status_code == 201, r.text
    quote = r.json()
    client.put("/api/v1/freight-rules/long-goods", json={**RULES["long-goods"], "base": "250"}, headers=staff)
    client.delete("/api/v1/order-charges/global/small_quantity", headers=staff)
    again = client.get(f"{Q}/{quote['id']}").json()
    assert again["charges"] == quote["charges"] and again["freight"] == quote["freight"]
    assert again["total"] == quote["total"] == "354.48"
    now = client.post(E, json={"lines": [_kg("10")]}).json()
    assert now["freight"]["amount"] == "250.40" and len(now["charges"]) == 1


def test_no_rules_no_charges_and_no_freight(client: TestClient, staff: dict[str, str]) -> None:
    post_reference(client, staff)
    est = client.post(E, json={"lines": [_kg("10")]}).json()
    assert est["charges"] == [] and est["freight"] is None and est["subtotal"] == "16.00"


def test_the_demo_rules_seed_once_and_price_a_demo_quote(client: TestClient, staff: dict[str, str], db: Any) -> None:
    from steelyard.charges.demo import DEMO_FREIGHT, seed_rules

    with db.write() as conn:
        assert seed_rules(conn) == len(DEMO_FREIGHT) + 2
    with db.write() as conn:
        assert seed_rules(conn) == 0  # staff's rules (or the demo's) are never overwritten
    assert len(client.get("/api/v1/freight-rules", headers=staff).json()["items"]) == len(DEMO_FREIGHT)
    post_reference(client, staff)
    est = client.post(E, json={"lines": [_kg("10")], "delivery_country": "AT"}).json()
    # 10 kg of 6000 mm bars to AT: long-goods-eu 320 + 0.06 x 10 = 320.60; cut, parcel-eu 14.50 + 6.00 = 20.50
    assert est["freight"]["rule"] == "long-goods-eu" and est["freight"]["amount"] == "320.60"
    assert "EUR 20.50 instead of EUR 320.60" in est["freight"]["advice"][1]
    # goods 16.00: minimum 50 adds 34.00; small quantity under 250 adds 15.00
    assert [c["amount"] for c in est["charges"]] == ["34.00", "15.00"]
