"""An app and HTTP client on the test database, with tokens for each role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from steelyard.access.model import Role
from steelyard.access.service import create_account, create_token
from steelyard.app import create_app
from steelyard.config import Settings
from steelyard.db import Database


@pytest.fixture
def settings(db_url: str) -> Settings:
    # One test client sends many quotes and searches in a row: the per-client limits are tested on their own
    # (test_security_limits.py), with the limits on.
    return Settings(database_url=db_url, db_pool_size=5, db_max_overflow=5, rate_limits="off", requests_per_client=0)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def db(client: TestClient) -> Database:
    database: Database = client.app.state.db  # type: ignore[attr-defined]
    return database


class Tokens:
    def __init__(self, db: Database) -> None:
        self.db = db

    def make(self, role: Role, name: str, account_id: int | None = None) -> dict[str, str]:
        with self.db.write() as conn:
            if role is Role.CUSTOMER and account_id is None:
                account_id = create_account(conn, name=name, currency="EUR")
            token = create_token(conn, role=role, name=name, account_id=account_id)
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(db: Database) -> Tokens:
    return Tokens(db)


@pytest.fixture
def staff(tokens: Tokens) -> dict[str, str]:
    return tokens.make(Role.STAFF, "Sam Staff")


@pytest.fixture
def admin(tokens: Tokens) -> dict[str, str]:
    return tokens.make(Role.ADMIN, "Ada Admin")


@pytest.fixture
def customer(tokens: Tokens) -> dict[str, str]:
    return tokens.make(Role.CUSTOMER, "Acme Fabrication")


def sheet_body(**overrides: Any) -> dict[str, Any]:
    """An aluminium 6061-T6 sheet 2 x 1250 x 2500 mm, stocked in kg, with two tiers."""
    body: dict[str, Any] = {
        "sku": "AL-6061-SH-2-1250X2500",
        "name": "Aluminium sheet 6061-T6 2 x 1250 x 2500 mm",
        "family": "aluminium",
        "grade": "6061-T6",
        "form": "sheet",
        "density_kg_m3": "2700",
        "dimensions_mm": {"thickness": "2", "width": "1250", "length": "2500"},
        "stock_unit": "kg",
        "piece_name": "sheet",
        "price": {
            "currency": "EUR",
            "tiers": [
                {"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "6.20", "per": "kg"},
                {"min_quantity": {"value": "500", "unit": "kg"}, "unit_price": "5.80", "per": "kg"},
                {"min_quantity": {"value": "2", "unit": "t"}, "unit_price": "5.40", "per": "kg"},
            ],
        },
        "lead_time_days": 2,
        "attributes": {"standard": "EN 485-2", "certificate": "EN 10204 3.1"},
    }
    body.update(overrides)
    return body


@pytest.fixture
def warehouses(client: TestClient, staff: dict[str, str]) -> list[str]:
    codes = ["DUI", "MIL", "RTM"]
    for code, name in zip(codes, ["Duisburg", "Milan", "Rotterdam"], strict=True):
        r = client.post("/api/v1/warehouses", json={"code": code, "name": name}, headers=staff)
        assert r.status_code == 201, r.text
    return codes
