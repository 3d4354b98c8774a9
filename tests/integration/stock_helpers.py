"""Helpers for stock tests: post movements, read levels, and check that the ledger adds up to the levels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from steelyard.db import Database
from steelyard.inventory.tables import lots, stock_levels, stock_movements

MOVEMENTS = "/api/v1/stock/movements"


def move(
    client: TestClient,
    staff: dict[str, str],
    sku: str,
    warehouse: str,
    kind: str,
    value: str,
    unit: str,
    expect: int = 201,
    **extra: Any,
) -> dict[str, Any]:
    body = {"sku": sku, "warehouse": warehouse, "kind": kind, "quantity": {"value": value, "unit": unit}, **extra}
    r = client.post(MOVEMENTS, json=body, headers=staff)
    assert r.status_code == expect, r.text
    return dict(r.json())


def level(client: TestClient, sku: str, warehouse: str) -> dict[str, str]:
    stock = client.get(f"/api/v1/products/{sku}/stock").json()
    return next(w for w in stock["warehouses"] if w["code"] == warehouse)


def assert_ledger_adds_up(db: Database) -> None:
    """For every level: the sum of its ledger changes is the level, and no ledger row shows a forbidden level."""
    with db.read() as conn:
        sums = {
            (r.product_id, r.warehouse_id): (Decimal(r.on_hand), Decimal(r.reserved))
            for r in conn.execute(
                select(
                    stock_movements.c.product_id,
                    stock_movements.c.warehouse_id,
                    func.sum(stock_movements.c.on_hand_change).label("on_hand"),
                    func.sum(stock_movements.c.reserved_change).label("reserved"),
                ).group_by(stock_movements.c.product_id, stock_movements.c.warehouse_id)
            )
        }
        levels = {(r.product_id, r.warehouse_id): (r.on_hand, r.reserved) for r in conn.execute(select(stock_levels))}
        bad = conn.execute(
            select(func.count())
            .select_from(stock_movements)
            .where(
                (stock_movements.c.on_hand_after < 0)
                | (stock_movements.c.reserved_after < 0)
                | (stock_movements.c.reserved_after > stock_movements.c.on_hand_after)
            )
        ).scalar_one()
    assert bad == 0
    for key, (on_hand, reserved) in levels.items():
        assert sums.get(key, (Decimal(0), Decimal(0))) == (on_hand, reserved), key
    assert_lots_add_up(db)


def assert_lots_add_up(db: Database) -> None:
    """Every lot is the sum of the ledger rows naming it, and every level is the sum of its lots."""
    with db.read() as conn:
        per_lot = {
            r.lot_id: (Decimal(r.on_hand), Decimal(r.reserved))
            for r in conn.execute(
                select(
                    stock_movements.c.lot_id,
                    func.sum(stock_movements.c.on_hand_change).label("on_hand"),
                    func.sum(stock_movements.c.reserved_change).label("reserved"),
                ).group_by(stock_movements.c.lot_id)
            )
        }
        all_lots = list(conn.execute(select(lots)))
        levels = {(r.product_id, r.warehouse_id): (r.on_hand, r.reserved) for r in conn.execute(select(stock_levels))}
    per_level: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
    for lot in all_lots:
        assert Decimal(0) <= lot.reserved <= lot.on_hand, lot
        assert per_lot.get(lot.id, (Decimal(0), Decimal(0))) == (lot.on_hand, lot.reserved), lot
        on_hand, reserved = per_level.get((lot.product_id, lot.warehouse_id), (Decimal(0), Decimal(0)))
        per_level[(lot.product_id, lot.warehouse_id)] = (on_hand + lot.on_hand, reserved + lot.reserved)
    for key, level_now in levels.items():
        assert per_level.get(key, (Decimal(0), Decimal(0))) == level_now, key
