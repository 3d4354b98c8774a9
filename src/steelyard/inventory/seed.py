"""Load a catalogue (the demo one, or any iterable of product bodies) in batches inside one unit of work."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import Connection, func, insert, select

from steelyard.catalog import repository as repo
from steelyard.catalog.rules import normalise
from steelyard.catalog.schemas import ProductIn, WarehouseIn
from steelyard.catalog.service import product_from_fields
from steelyard.catalog.tables import products, stock_levels
from steelyard.inventory.tables import lots, stock_movements
from steelyard.search import indexer as search_index

BATCH = 1000


@dataclass(frozen=True, slots=True)
class SeedReport:
    products: int
    warehouses: int
    stock_rows: int


def product_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(products)).scalar_one())


def _batches(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def load(
    conn: Connection, *, warehouses: list[dict[str, Any]], items: Iterable[dict[str, Any]], actor: str = "seed"
) -> SeedReport:
    """Insert warehouses (those missing) and products with their `stock` {code: quantity}; validated like the API."""
    existing = repo.warehouse_ids(conn)
    new_warehouses = 0
    for w in warehouses:
        body = WarehouseIn.model_validate(w)
        if body.code not in existing:
            repo.insert_warehouse(conn, code=body.code, name=body.name, address=body.address)
            new_warehouses += 1
    codes = repo.warehouse_ids(conn)
    count = stock_rows = 0
    now = datetime.now(UTC)
    for batch in _batches(items, BATCH):
        stock = {item["sku"]: item.get("stock", {}) for item in batch}
        bodies = [ProductIn.model_validate({k: v for k, v in item.items() if k != "stock"}) for item in batch]
        repo.insert_products(conn, [normalise(product_from_fields(b.sku, b)) for b in bodies])
        ids = repo.product_ids(conn, list(stock))
        search_index.reindex(conn, ids.values())
        rows = [
            {"product_id": ids[sku], "warehouse_id": codes[code], "on_hand": Decimal(qty), "reserved": Decimal(0)}
            for sku, levels in stock.items()
            for code, qty in levels.items()
            if Decimal(qty) > 0
        ]
        if rows:
            conn.execute(insert(stock_levels), rows)
            # Each opening level is one untraced lot (no heat recorded), received now.
            conn.execute(insert(lots), [{**r, "received_at": now, "remnant": False} for r in rows])
            lot_ids = {
                (lot.product_id, lot.warehouse_id): lot.id
                for lot in conn.execute(
                    select(lots.c.id, lots.c.product_id, lots.c.warehouse_id).where(
                        lots.c.product_id.in_(list(ids.values()))
                    )
                )
            }
            # Opening stock is booked as receipts, so the ledger adds up to the levels from the first day.
            conn.execute(
                insert(stock_movements),
                [
                    {
                        "product_id": r["product_id"],
                        "warehouse_id": r["warehouse_id"],
                        "lot_id": lot_ids[(r["product_id"], r["warehouse_id"])],
                        "kind": "receipt",
                        "on_hand_change": r["on_hand"],
                        "reserved_change": Decimal(0),
                        "on_hand_after": r["on_hand"],
                        "reserved_after": Decimal(0),
                        "quantity": None,
                        "reason": "opening stock",
                        "actor": actor,
                        "reference": "seed",
                    }
                    for r in rows
                ],
            )
        count += len(batch)
        stock_rows += len(rows)
    return SeedReport(products=count, warehouses=new_warehouses, stock_rows=stock_rows)
