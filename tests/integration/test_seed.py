"""The demo catalogue loads through the same validation as the API, is deterministic, and its stock is booked."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from stock_helpers import assert_ledger_adds_up

from steelyard.catalog.tables import products
from steelyard.db import Database
from steelyard.demo import generate
from steelyard.inventory.seed import load, product_count


def test_demo_seed_loads_products_warehouses_and_booked_stock(client: TestClient, db: Database) -> None:
    catalogue = generate(products=300, seed=7)
    items = list(catalogue.products)
    with db.write() as conn:
        report = load(conn, warehouses=catalogue.warehouses, items=items)
    assert report.products == 300 and report.warehouses == 3 and report.stock_rows > 0
    with db.read() as conn:
        assert product_count(conn) == 300
        families = {r[0] for r in conn.execute(select(products.c.family).distinct())}
        forms = conn.execute(select(func.count(products.c.form.distinct()))).scalar_one()
    assert {"steel", "stainless", "aluminium", "plastic", "chemical"} <= families and forms >= 10
    assert_ledger_adds_up(db)
    body = next(p for p in items if p["form"] == "sheet")
    dims = {k: Decimal(v) for k, v in body["dimensions_mm"].items()}
    expected = dims["thickness"] * dims["width"] * dims["length"] * Decimal(body["density_kg_m3"]) / Decimal(10**9)
    served = client.get(f"/api/v1/products/{body['sku']}").json()
    assert Decimal(served["physics"]["mass_per_piece_kg"]) == expected
    stock = client.get(f"/api/v1/products/{body['sku']}/stock").json()
    assert {w["code"]: Decimal(w["on_hand"]) for w in stock["warehouses"]} == {
        code: Decimal(q) for code, q in body["stock"].items()
    }


def test_same_seed_same_catalogue() -> None:
    first = [p["sku"] + p["price"]["tiers"][0]["unit_price"] for p in generate(products=200, seed=3).products]
    again = [p["sku"] + p["price"]["tiers"][0]["unit_price"] for p in generate(products=200, seed=3).products]
    assert first == again
