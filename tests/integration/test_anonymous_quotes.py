"""Anonymous quotes expire after an hour and the sweeper deletes them (issue 19: they were stored for ever)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from catalogue_fixtures import REFERENCE, post_reference
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from steelyard.app import create_app
from steelyard.config import Settings
from steelyard.db import Database
from steelyard.quotes.expiry import sweep_anonymous
from steelyard.quotes.tables import quotes

LINE = {"lines": [{"sku": "ST-C45-RB-50", "quantity": {"value": "10", "unit": "kg"}}]}


def _quote(client: TestClient, headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = client.post("/api/v1/quotes", json=LINE, headers=headers or {})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(quotes)).scalar_one())


def test_anonymous_quotes_live_an_hour_and_are_then_deleted_but_customer_quotes_stay(
    client: TestClient, staff: dict[str, str], customer: dict[str, str], db: Database
) -> None:
    post_reference(client, staff)
    anonymous = _quote(client)
    mine = _quote(client, customer)
    made = datetime.fromisoformat(anonymous["created_at"])
    assert datetime.fromisoformat(anonymous["valid_until"]) - made == timedelta(minutes=60)
    assert datetime.fromisoformat(mine["valid_until"]) - datetime.fromisoformat(mine["created_at"]) == timedelta(days=1)
    assert sweep_anonymous(db, made + timedelta(minutes=59)) == 0  # still valid: kept
    assert client.get(f"/api/v1/quotes/{anonymous['id']}").status_code == 200
    assert sweep_anonymous(db, made + timedelta(minutes=61)) == 1
    assert client.get(f"/api/v1/quotes/{anonymous['id']}").status_code == 404
    assert client.get(f"/api/v1/quotes/{mine['id']}", headers=customer).status_code == 200
    assert sweep_anonymous(db, made + timedelta(days=2)) == 0  # a customer's quote is history, never swept
    assert _count(db) == 1


def test_the_running_sweeper_deletes_them_with_no_request_needed(
    client: TestClient, staff: dict[str, str], db: Database, settings: Settings
) -> None:
    post_reference(client, staff)
    for _ in range(3):
        _quote(client)
    with db.write() as conn:
        conn.execute(update(quotes).values(valid_until=datetime.now(UTC) - timedelta(seconds=1)))
    fresh = _quote(client)
    with TestClient(create_app(settings.model_copy(update={"hold_sweep_seconds": 0.05}))):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _count(db) > 1:
            time.sleep(0.05)
    assert _count(db) == 1 and client.get(f"/api/v1/quotes/{fresh['id']}").status_code == 200


def test_the_reported_burst_of_big_anonymous_quotes_is_cut_by_the_rate_and_purged_within_the_hour(
    client: TestClient, staff: dict[str, str], warehouses: list[str], db: Database, settings: Settings
) -> None:
    """Issue 19.4: 50 anonymous quotes of 200 lines in 2 s grew the database by 11 MB, for ever. Now a client's
    quotes are counted by the `quotes` rate (10 here; a day, so no window boundary falls inside the test) and every
    one that got through is gone an hour later: nothing of the burst is left."""
    post_reference(client, staff)
    kg = [p["sku"] for p in REFERENCE if p["stock_unit"] == "kg"]
    body = {"lines": [{"sku": kg[i % len(kg)], "quantity": {"value": "10", "unit": "kg"}} for i in range(200)]}
    started = datetime.now(UTC)
    with TestClient(create_app(settings.model_copy(update={"rate_limits": "quotes=10/day"}))) as burst:
        answers = [burst.post("/api/v1/quotes", json=body).status_code for _ in range(50)]
    assert answers == [201] * 10 + [429] * 40
    assert _count(db) == 10
    assert sweep_anonymous(db, started + timedelta(minutes=59)) == 0  # each lives its hour
    assert sweep_anonymous(db, datetime.now(UTC) + timedelta(minutes=61)) == 10
    assert _count(db) == 0
