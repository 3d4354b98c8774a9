"""200 buyers planning cut lists on the same bars at once never hold more whole bars than exist.

A real `steelyard serve --workers 2` on SQLite or PostgreSQL, 200 parallel HTTP clients, each asking for
3 parts of 2500 mm from 6 m bars: the plan takes 2 whole bars a buyer, 400 in all, for 40 in stock.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from stock_helpers import assert_ledger_adds_up

from servers import UNLIMITED, running_server
from steelyard.access.model import Role
from steelyard.access.service import create_account, create_token
from steelyard.db import Database, make_engine
from steelyard.inventory.tables import stock_levels
from steelyard.quotes.tables import quotes

pytestmark = pytest.mark.slow
CLIENTS = 200
BARS = 40
SKU = "ST-S355-TU-60.3X4-6000"
CUTS = [{"length_mm": "2500", "count": 3}]


def _prepare(db_url: str) -> tuple[Database, dict[str, str], list[dict[str, str]]]:
    db = Database(make_engine(db_url, pool_size=2, max_overflow=2))
    with db.write() as conn:
        staff = create_token(conn, role=Role.STAFF, name="Sam")
        customers = []
        for i in range(20):
            account = create_account(conn, name=f"Fabricator {i}", currency="EUR")
            customers.append(create_token(conn, role=Role.CUSTOMER, name=f"Fabricator {i}", account_id=account))
    return db, {"Authorization": f"Bearer {staff}"}, [{"Authorization": f"Bearer {c}"} for c in customers]


def _stock_the_tube(base: str, staff: dict[str, str]) -> None:
    tier = {"min_quantity": {"value": "0", "unit": "piece"}, "unit_price": "38.00", "per": "piece"}
    body: dict[str, Any] = {
        "sku": SKU,
        "name": "Steel tube S355 60.3 x 4 mm x 6 m",
        "family": "steel",
        "grade": "S355",
        "form": "tube",
        "density_kg_m3": "7850",
        "dimensions_mm": {"outer_diameter": "60.3", "wall": "4", "length": "6000"},
        "stock_unit": "piece",
        "piece_name": "tube",
        "price": {"currency": "EUR", "tiers": [tier]},
    }
    with httpx.Client(base_url=base, headers=staff, timeout=30) as http:
        for code in ("DUI", "RTM"):
            assert http.post("/api/v1/warehouses", json={"code": code, "name": code}).status_code == 201
        assert (r := http.post("/api/v1/products", json=body)).status_code == 201, r.text
        for code, tubes in (("DUI", "25"), ("RTM", "15")):
            movement = {"sku": SKU, "warehouse": code, "kind": "receipt", "quantity": {"value": tubes, "unit": "tubes"}}
            assert (r := http.post("/api/v1/stock/movements", json=movement)).status_code == 201, r.text


async def _buyer(http: httpx.AsyncClient, customer: dict[str, str]) -> dict[str, Any]:
    body = {"lines": [{"sku": SKU, "cuts": CUTS}], "reserve": True}
    r = await http.post("/api/v1/quotes", json=body, headers=customer)
    assert r.status_code == 201, r.text
    line: dict[str, Any] = r.json()["lines"][0]
    return line


async def _rush(base: str, customers: list[dict[str, str]]) -> list[dict[str, Any]]:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        return await asyncio.gather(*(_buyer(http, customers[i % len(customers)]) for i in range(CLIENTS)))


def test_200_buyers_planning_cuts_never_hold_more_whole_bars_than_exist(db_url: str) -> None:
    db, staff, customers = _prepare(db_url)
    # Ten clients share each account: the per-client and per-account hold limits would refuse most of them first.
    env = {**UNLIMITED, "STEELYARD_HOLD_LIMITS": "off"}
    with running_server(db_url, workers=2, env=env) as (base, _):
        _stock_the_tube(base, staff)
        lines = asyncio.run(_rush(base, customers))
    for line in lines:  # every buyer got the same plan: 2 whole tubes for 3 parts
        assert line["stock_quantity"] == {"value": "2", "unit": "piece"}
        assert line["cut_plan"]["stock_pieces"] == 2
    held = [Decimal(line["held"]["value"]) for line in lines if line["held"] is not None]
    assert all(h == h.to_integral_value() for h in held), "a hold of part of a tube"
    assert sum(held) == BARS  # everything that exists is held, and no more
    with db.read() as conn:
        levels = conn.execute(select(stock_levels.c.on_hand, stock_levels.c.reserved)).all()
        stored = [row.lines for row in conn.execute(select(quotes.c.lines))]
    assert sum(lv.on_hand for lv in levels) == BARS
    assert sum(lv.reserved for lv in levels) == BARS
    assert all(Decimal(0) <= lv.reserved <= lv.on_hand for lv in levels)
    assert len(stored) == CLIENTS
    assert_ledger_adds_up(db)
    db.dispose()
