"""Staff's order-charge and freight rules over the API: write, read, replace, delete, and every bad input a 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from steelyard.access.service import create_account
from steelyard.charges.tables import freight_rules, order_charges
from steelyard.db import Database

C = "/api/v1/order-charges"
F = "/api/v1/freight-rules"
PARCEL = {
    "kind": "parcel",
    "countries": ["DE", "AT"],
    "max_weight_kg": "31.5",
    "max_length_mm": "1600",
    "base": "6.90",
    "per_kg": "0.35",
}


def _count(db: Database, table: Any) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_staff_set_replace_and_delete_order_charges(
    client: TestClient, staff: dict[str, str], customer: dict[str, str], db: Database
) -> None:
    with db.write() as conn:
        account = create_account(conn, name="Exempt Ltd", currency="EUR")
    r = client.put(f"{C}/global/minimum_order", json={"threshold": "100.00"}, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "scope": "global",
        "kind": "minimum_order",
        "account_id": None,
        "threshold": "100",
        "amount": None,
        "currency": "EUR",
    }
    r = client.put(f"{C}/global/small_quantity", json={"threshold": "150", "amount": "15"}, headers=staff)
    assert r.status_code == 200, r.text
    r = client.put(f"{C}/global/minimum_order", json={"threshold": "80"}, headers=staff)  # replaces
    kinds = [(i["scope"], i["kind"], i["threshold"]) for i in client.get(C, headers=staff).json()["items"]]
    assert kinds == [("global", "minimum_order", "80"), ("global", "small_quantity", "150")]
    r = client.put(f"{C}/{account}/small_quantity", json={"threshold": "0", "amount": "0"}, headers=staff)
    assert r.status_code == 200 and r.json()["account_id"] == account
    assert len(client.get(C, headers=staff).json()["items"]) == 3
    assert client.delete(f"{C}/global/minimum_order", headers=staff).status_code == 204
    assert client.delete(f"{C}/global/minimum_order", headers=staff).status_code == 404
    assert client.get(C, headers=customer).status_code == 403
    assert client.get(C).status_code == 401


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("global/minimum_order", {"threshold": "-1"}, "threshold"),
        ("global/minimum_order", {"threshold": "1e12"}, "threshold"),
        ("global/minimum_order", {"threshold": "99999999999999999999"}, "threshold"),
        ("global/minimum_order", {"threshold": "10", "amount": "5"}, "amount"),
        ("global/small_quantity", {"threshold": "10"}, "amount"),
        ("global/small_quantity", {"threshold": "10", "amount": "-5"}, "amount"),
        ("global/minimum_order", {"threshold": "10", "currency": "XYZ"}, "currency"),
        ("global/minimum_order", {"threshold": "10", "currency": "eur"}, "currency"),
        ("global/minimum_order", {"threshold": "10", "extra": 1}, "extra"),
        ("global/minimum_order", {}, "threshold"),
    ],
)
def test_bad_order_charges_are_a_clear_422_and_change_nothing(
    client: TestClient, staff: dict[str, str], db: Database, path: str, body: dict[str, Any], field: str
) -> None:
    r = client.put(f"{C}/{path}", json=body, headers=staff)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert any(e["field"].endswith(field) for e in r.json()["errors"]), r.json()
    assert _count(db, order_charges) == 0


def test_bad_scopes_and_kinds(client: TestClient, staff: dict[str, str], db: Database) -> None:
    assert client.put(f"{C}/global/big_order", json={"threshold": "1"}, headers=staff).status_code == 422
    assert client.put(f"{C}/everyone/minimum_order", json={"threshold": "1"}, headers=staff).status_code == 422
    r = client.put(f"{C}/999999/minimum_order", json={"threshold": "1"}, headers=staff)
    assert r.status_code == 404 and "999999" in r.json()["detail"]
    r = client.put(f"{C}/9999999999/minimum_order", json={"threshold": "1"}, headers=staff)  # past INTEGER
    assert r.status_code == 404
    assert _count(db, order_charges) == 0


def test_staff_set_replace_and_delete_freight_rules(client: TestClient, staff: dict[str, str]) -> None:
    r = client.put(f"{F}/parcel-de", json=PARCEL, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json() == {"name": "parcel-de", **PARCEL, "base": "6.9", "countries": ["AT", "DE"], "currency": "EUR"}
    truck = {"kind": "truck", "base": "180", "per_kg": "0.04"}
    assert client.put(f"{F}/long-goods", json=truck, headers=staff).status_code == 200
    got = client.get(F, headers=staff).json()["items"]
    assert [(i["name"], i["max_length_mm"], i["countries"]) for i in got] == [
        ("long-goods", None, []),
        ("parcel-de", "1600", ["AT", "DE"]),
    ]
    r = client.put(f"{F}/parcel-de", json={**PARCEL, "base": "7.50"}, headers=staff)
    assert r.json()["base"] == "7.5"
    assert client.delete(f"{F}/parcel-de", headers=staff).status_code == 204
    assert client.delete(f"{F}/parcel-de", headers=staff).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"countries": ["XX"]}, "countries[0]"),
        ({"countries": ["de"]}, "countries[0]"),
        ({"countries": ["EU"]}, "countries[0]"),
        ({"kind": "ship"}, "kind"),
        ({"base": "-1"}, "base"),
        ({"per_kg": "-0.01"}, "per_kg"),
        ({"max_weight_kg": "0"}, "max_weight_kg"),
        ({"max_weight_kg": "-31.5"}, "max_weight_kg"),
        ({"max_length_mm": "1e7"}, "max_length_mm"),
        ({"base": "1e300"}, "base"),
        ({"currency": "ABC"}, "currency"),
    ],
)
def test_bad_freight_rules_are_a_clear_422_and_change_nothing(
    client: TestClient, staff: dict[str, str], db: Database, change: dict[str, Any], field: str
) -> None:
    r = client.put(f"{F}/parcel-de", json={**PARCEL, **change}, headers=staff)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert any(e["field"].endswith(field) or e["field"] == field for e in r.json()["errors"]), r.json()
    assert _count(db, freight_rules) == 0


def test_bad_rule_names(client: TestClient, staff: dict[str, str]) -> None:
    assert client.put(f"{F}/-x", json=PARCEL, headers=staff).status_code == 422
    assert client.put(f"{F}/{'a' * 65}", json=PARCEL, headers=staff).status_code == 422
