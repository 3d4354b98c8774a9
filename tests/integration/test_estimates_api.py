"""POST /api/v1/estimates: a quote's price, stored nowhere; and tiers on a product's total over a quote's lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from steelyard.db import Database, metadata

E = "/api/v1/estimates"
Q = "/api/v1/quotes"
BAR = "ST-C45-RB-50"  # tiers per kg: from 0 at 1.60, from 500 kg at 1.45, from 2000 kg at 1.30


@pytest.fixture
def catalogue(client: TestClient, staff: dict[str, str]) -> None:
    post_reference(client, staff)


def _lines(*quantities: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"sku": sku, "quantity": {"value": v, "unit": u}} for sku, v, u in quantities]


def _row_counts(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in metadata.sorted_tables}


def test_an_estimate_prices_like_a_quote_and_stores_nothing(
    client: TestClient, catalogue: None, db: Database, warehouses: list[str]
) -> None:
    from steelyard.catalog.tables import products
    from steelyard.catalog.tables import warehouses as wh
    from steelyard.inventory.tables import stock_levels

    with db.write() as conn:
        pid = conn.execute(select(products.c.id).where(products.c.sku == BAR)).scalar_one()
        wid = conn.execute(select(wh.c.id).where(wh.c.code == "DUI")).scalar_one()
        conn.execute(
            insert(stock_levels).values(product_id=pid, warehouse_id=wid, on_hand=Decimal(300), reserved=Decimal(0))
        )
    body = {"lines": _lines((BAR, "400", "kg"), ("AL-6061-SH-2", "3", "sheets"))}
    before = _row_counts(db)
    r = client.post(E, json=body)
    assert r.status_code == 200, r.text
    assert _row_counts(db) == before  # nothing written, in any table (quotes, holds, ledger, outbox ...)
    estimate = r.json()
    for absent in ("id", "valid_until", "status", "reserve", "created_at"):
        assert absent not in estimate
    assert all("held" not in line and "holds" not in line for line in estimate["lines"])
    stored = client.post(Q, json=body).json()
    keep = ("currency", "subtotal", "tax_rate", "tax", "total", "account_id")
    assert {k: estimate[k] for k in keep} == {k: stored[k] for k in keep}
    for line, quoted in zip(estimate["lines"], stored["lines"], strict=True):
        assert line == {k: v for k, v in quoted.items() if k not in ("held", "holds")}
    # 400 kg x 1.60 = 640.00; 3 sheets x 95.00 = 285.00 (published by the fixtures' tiers); tax 20 %
    assert estimate["subtotal"] == "925.00" and estimate["total"] == "1110.00"
    assert estimate["lines"][0]["availability"] == {
        "status": "partial",
        "available": "300",
        "unit": "kg",
        "warehouses": [{"code": "DUI", "available": "300"}],
        "lead_time_days": estimate["lines"][0]["availability"]["lead_time_days"],
        "reason": None,
    }


def test_an_estimate_refuses_reserve_and_bad_lines_with_a_clear_422(client: TestClient, catalogue: None) -> None:
    r = client.post(E, json={"lines": _lines((BAR, "1", "kg")), "reserve": True})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    r = client.post(E, json={"lines": _lines(("NO-SUCH", "1", "kg"))})
    assert r.status_code == 422 and "NO-SUCH" in r.json()["detail"]
    r = client.post(E, json={"lines": _lines((BAR, "1", "m2"))})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("lines[0].quantity")


def test_tiers_apply_to_a_products_total_over_the_lines(client: TestClient, catalogue: None) -> None:
    # 300 kg + 300 kg = 600 kg reaches the 500 kg tier (1.45): each line 300 x 1.45 = 435.00, not 480.00.
    split = client.post(E, json={"lines": _lines((BAR, "300", "kg"), (BAR, "300", "kg"))}).json()
    whole = client.post(E, json={"lines": _lines((BAR, "600", "kg"))}).json()
    for line in split["lines"]:
        assert line["tier"]["index"] == 1 and line["unit_price"] == "1.4500" and line["subtotal"] == "435.00"
        assert line["tier"]["basis"] == {"value": "600", "unit": "kg"} and line["tier"]["lines"] == [1, 2]
    assert split["subtotal"] == whole["subtotal"] == "870.00"
    assert whole["lines"][0]["tier"]["basis"] == {"value": "600", "unit": "kg"}
    assert whole["lines"][0]["tier"]["lines"] == [1]


def test_a_shared_tier_adds_lines_in_any_unit_and_leaves_other_products_alone(
    client: TestClient, catalogue: None
) -> None:
    # 1000 lb (453.59237 kg exactly) + 1 m of a 50 mm bar (hand: 7850 kg/m3 x pi x 0.025^2 m2 = 15.41343895 kg)
    # = 469.00580895 kg, shown to the stock scale: under the 500 kg tier.
    under = client.post(E, json={"lines": _lines((BAR, "1000", "lb"), (BAR, "1", "m"))}).json()
    assert [line["tier"]["index"] for line in under["lines"]] == [0, 0]
    assert Decimal(under["lines"][0]["tier"]["basis"]["value"]) == Decimal("469.005809")
    # A cut line is priced on the stock its plan takes: 4 pieces of 500 mm come from one whole 6 m bar
    # (6 x 15.41343895 = 92.4806337 kg), so with it the total is 561.48644265 kg: over 500 kg, the next tier.
    cut = _lines((BAR, "1000", "lb"), (BAR, "1", "m"), (BAR, "4", "pieces"))
    cut[2]["cut"] = {"length_mm": "500"}
    over = client.post(E, json={"lines": cut}).json()["lines"]
    assert {line["tier"]["index"] for line in over} == {1} and over[2]["tier"]["lines"] == [1, 2, 3]
    assert over[0]["tier"]["basis"] == {"value": "561.486443", "unit": "kg"}
    mixed = client.post(
        E, json={"lines": _lines((BAR, "300", "kg"), ("AL-6061-SH-2", "1", "sheet"), (BAR, "300", "kg"))}
    )
    lines = mixed.json()["lines"]
    assert lines[0]["tier"]["lines"] == [1, 3] and lines[1]["tier"]["lines"] == [2]
    assert lines[1]["tier"]["index"] == 0


def test_a_stored_quote_prices_tiers_on_the_total_too(client: TestClient, catalogue: None) -> None:
    q = client.post(Q, json={"lines": _lines((BAR, "300", "kg"), (BAR, "300", "kg"))})
    assert q.status_code == 201
    again = client.get(f"{Q}/{q.json()['id']}").json()
    assert [line["tier"]["basis"]["value"] for line in again["lines"]] == ["600", "600"]
    assert again["subtotal"] == "870.00"
