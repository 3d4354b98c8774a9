"""Accounts managed by staff; tokens are hashed; roles are enforced."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from steelyard.access.model import Role
from steelyard.access.tables import tokens as tokens_table
from steelyard.db import Database


def test_staff_manages_accounts_and_a_customer_reads_only_its_own(
    client: TestClient, staff: dict[str, str], warehouses: list[str], tokens: object
) -> None:
    r = client.post(
        "/api/v1/accounts",
        json={
            "name": "Bauer Metallbau",
            "currency": "EUR",
            "tax_rate": "0.19",
            "discount_percent": "5",
            "price_list": {"stainless": "8"},
            "home_warehouse": "DUI",
        },
        headers=staff,
    )
    assert r.status_code == 201, r.text
    account = r.json()
    assert account["tax_rate"] == "0.19" and account["price_list"] == {"stainless": "8"}
    assert account["home_warehouse"] == "DUI"
    r = client.patch(
        f"/api/v1/accounts/{account['id']}", json={"home_warehouse": "MIL", "tax_rate": None}, headers=staff
    )
    assert r.json()["home_warehouse"] == "MIL" and r.json()["tax_rate"] is None
    customer = tokens.make(Role.CUSTOMER, "Bauer", account_id=account["id"])  # type: ignore[attr-defined]
    me = client.get("/api/v1/accounts/me", headers=customer).json()
    assert me["id"] == account["id"]
    assert client.get(f"/api/v1/accounts/{account['id']}", headers=customer).status_code == 403
    assert client.get("/api/v1/accounts/me", headers=staff).status_code == 403


def test_tokens_are_stored_only_as_hashes(db: Database, staff: dict[str, str]) -> None:
    token = staff["Authorization"].removeprefix("Bearer ")
    with db.read() as conn:
        stored = [r.token_hash for r in conn.execute(select(tokens_table.c.token_hash))]
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


def test_admin_is_also_staff(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post("/api/v1/warehouses", json={"code": "X1", "name": "x"}, headers=admin)
    assert r.status_code == 201


def test_accounts_page_with_cursor(client: TestClient, staff: dict[str, str]) -> None:
    for i in range(7):
        assert client.post("/api/v1/accounts", json={"name": f"A{i}"}, headers=staff).status_code == 201
    first = client.get("/api/v1/accounts", params={"limit": 4}, headers=staff).json()
    second = client.get("/api/v1/accounts", params={"limit": 4, "cursor": first["next_cursor"]}, headers=staff).json()
    names = [a["name"] for a in first["items"] + second["items"]]
    assert names == [f"A{i}" for i in range(7)] and second["next_cursor"] is None
