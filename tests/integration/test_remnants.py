"""Remnant lots (offcuts of their own size): never promised to a plain line, found by search's `remnant` filter and
counted by its live `remnant` facet."""

from __future__ import annotations

from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from stock_helpers import move

SHEET = "AL-6061-SH-2"  # stocked in sheets: thickness 2, width 1250, length 2500
BAR = "ST-C45-RB-50"
OFFCUT = {"heat": "R-1", "dimensions_mm": {"thickness": "2", "width": "600", "length": "900"}}


@pytest.fixture
def stocked(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> int:
    post_reference(client, staff)
    move(client, staff, SHEET, "DUI", "receipt", "2", "sheet", lot={"heat": "F-1"})
    move(client, staff, BAR, "DUI", "receipt", "100", "kg")
    return int(move(client, staff, SHEET, "DUI", "receipt", "1", "sheet", lot=OFFCUT)["lot_id"])


def _line(client: TestClient, headers: dict[str, str], sheets: str, reserve: bool = False) -> dict[str, Any]:
    body = {"lines": [{"sku": SHEET, "quantity": {"value": sheets, "unit": "sheet"}}], "reserve": reserve}
    r = client.post("/api/v1/quotes", json=body, headers=headers)
    assert r.status_code == 201, r.text
    line: dict[str, Any] = r.json()["lines"][0]
    return line


def test_a_plain_line_is_not_promised_remnant_stock(client: TestClient, customer: dict[str, str], stocked: int) -> None:
    stock = client.get(f"/api/v1/products/{SHEET}/stock").json()
    assert stock["total"]["available"] == "3", stock  # the stock is there...
    line = _line(client, customer, "3")
    # ...but an ordinary line can take only the two whole sheets: the 600 x 900 offcut is no 1250 x 2500 sheet.
    assert (line["availability"]["status"], line["availability"]["available"]) == ("partial", "2")
    assert line["availability"]["warehouses"] == [{"code": "DUI", "available": "2"}]
    held = _line(client, customer, "3", reserve=True)
    assert held["held"]["value"] == "2" and {h["heat"] for h in held["holds"]} == {"F-1"}
    assert _line(client, customer, "1")["availability"]["status"] == "backorder"  # the offcut is still free


def _search(client: TestClient, **params: Any) -> dict[str, Any]:
    r = client.get("/api/v1/search", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_search_filters_and_counts_remnants_live(client: TestClient, staff: dict[str, str], stocked: int) -> None:
    found = _search(client, remnant="true")
    assert [h["sku"] for h in found["hits"]] == [SHEET]
    everything = _search(client)
    assert everything["facets"]["remnant"] == {"true": 1, "false": everything["total"] - 1}
    assert SHEET not in [h["sku"] for h in _search(client, remnant="false", limit=100)["hits"]]
    assert _search(client, q="aluminium")["facets"]["remnant"]["true"] == 1
    assert _search(client, q="round bar")["facets"]["remnant"]["true"] == 0
    assert _search(client, remnant="true", warehouse="MIL")["total"] == 0  # the offcut is in Duisburg
    # The offcut is scrapped: the same searches (a cached page, for the unfiltered one) say so at once.
    move(client, staff, SHEET, "DUI", "scrap", "1", "sheet", lot_id=stocked, reason="corroded")
    assert _search(client, remnant="true")["total"] == 0
    assert _search(client)["facets"]["remnant"]["true"] == 0


def test_the_remnant_facet_reads_the_remnant_index_not_every_lot() -> None:
    """Every search answers the live remnant facet. Written `WHERE l.remnant`, SQLite scanned all lots for it (a bare
    column is not indexable there): search at 100,000 products fell from 503 to 93 req/s in `make bench`, and 19.6
    ms a search in process against 2.3 ms with the index."""
    from sqlalchemy import create_engine

    import steelyard.app  # noqa: F401  (every table on the metadata)
    from steelyard.db import metadata
    from steelyard.search.sql import REMNANT_PRODUCTS

    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.connect() as conn:
        plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + REMNANT_PRODUCTS))
    engine.dispose()
    assert "USING INDEX ix_lots_remnant_product_id" in plan, plan
    assert "SCAN l" not in plan, plan
