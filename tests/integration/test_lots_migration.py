"""The lots migration with data in the database: levels become one opening lot each, and back, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.script import ScriptDirectory
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from stock_helpers import assert_ledger_adds_up, move

from steelyard.access.model import Role
from steelyard.db import Database, make_engine
from steelyard.migrate import alembic_config, current_revision, migrate

LOTS_REVISION = "20261130_0615"
BAR = "ST-C45-RB-50"
SHEET = "AL-6061-SH-2"


def _before_lots(url: str) -> str:
    down = ScriptDirectory.from_config(alembic_config(url)).get_revision(LOTS_REVISION).down_revision
    assert isinstance(down, str)
    return down


def _rows(url: str, sql: str) -> list[Any]:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)))
    finally:
        engine.dispose()


def _levels(url: str) -> dict[tuple[int, int], tuple[int, int]]:
    return {
        (r[0], r[1]): (int(r[2]), int(r[3]))
        for r in _rows(url, "SELECT product_id, warehouse_id, on_hand, reserved FROM stock_levels")
    }


def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        if not inspect(engine).has_table(table):
            return set()
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


@pytest.fixture
def stocked(client: TestClient, staff: dict[str, str], warehouses: list[str], tokens: Any) -> None:
    """Two lots of the bar in DUI (one with a heat), sheets in MIL with a customer's hold on some."""
    post_reference(client, staff)
    move(client, staff, BAR, "DUI", "receipt", "100", "kg", lot={"heat": "H-1", "certificate_type": "3.1"})
    move(client, staff, BAR, "DUI", "receipt", "50", "kg")
    move(client, staff, BAR, "DUI", "transfer", "30", "kg", to_warehouse="RTM")
    move(client, staff, SHEET, "MIL", "receipt", "7", "sheets")
    customer = tokens.make(Role.CUSTOMER, "Buyer")
    line = {"sku": SHEET, "quantity": {"value": "2", "unit": "sheets"}}
    assert client.post("/api/v1/quotes", json={"lines": [line], "reserve": True}, headers=customer).status_code == 201


def test_levels_become_opening_lots_and_back_with_data(
    client: TestClient, stocked: None, db: Database, db_url: str, staff: dict[str, str]
) -> None:
    levels = _levels(db_url)
    assert len(levels) == 3 and levels[next(iter(levels))] != (0, 0)
    db.engine.dispose()  # the app's pooled connections must not hold the schema while it changes

    migrate(db_url, _before_lots(db_url))
    assert current_revision(db_url) == _before_lots(db_url)
    assert _levels(db_url) == levels  # down: the levels are the sums of their lots, kept
    assert not _rows(db_url, "SELECT 1 FROM alembic_version WHERE version_num = '" + LOTS_REVISION + "'")
    assert _columns(db_url, "lots") == set()
    assert "lot_id" not in _columns(db_url, "stock_movements") and "lot_id" not in _columns(db_url, "holds")
    movements = _rows(db_url, "SELECT count(*) FROM stock_movements")[0][0]
    holds = _rows(db_url, "SELECT count(*) FROM holds")[0][0]
    assert movements >= 5 and holds == 1

    migrate(db_url, "head")
    lots = _rows(db_url, "SELECT id, product_id, warehouse_id, heat, on_hand, reserved, remnant FROM lots")
    assert len(lots) == len(levels)  # one opening lot per level
    by_level = {(r[1], r[2]): r for r in lots}
    for key, (on_hand, reserved) in levels.items():
        lot = by_level[key]
        assert (int(lot[4]), int(lot[5])) == (on_hand, reserved) and lot[3] is None and not lot[6]
    for table in ("stock_movements", "holds"):
        named = _rows(db_url, f"SELECT product_id, warehouse_id, lot_id FROM {table}")
        assert named and all(r[2] == by_level[(r[0], r[1])][0] for r in named)
    assert_ledger_adds_up(db)

    # The upgraded stock works as before: the hold ships out of its opening lot.
    move(client, staff, SHEET, "MIL", "scrap", "5", "sheets", reason="water damage")
    move(client, staff, SHEET, "MIL", "scrap", "1", "sheet", reason="one too many", expect=409)
    assert_ledger_adds_up(db)
    held = next(k for k in levels if levels[k][1] > 0)
    assert _levels(db_url)[held] == (2_000_000, 2_000_000)  # 2 sheets on hand, both held (millionths)
