"""Issue 12's done condition, end to end through the API: a receipt with heat and certificate, a cut order whose
offcut goes back into stock as a remnant lot, a second cut order planned onto that remnant (named, with its heat,
priced with the remnant rule), shipped, and the customer's certificate download. Also: a 2D remnant used before a
whole sheet, and a line whose certificate requirement the remnant does not meet."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from stock_helpers import assert_ledger_adds_up, move

from certificate_helpers import tiny_pdf
from conftest import sheet_body
from steelyard.access.model import Role
from steelyard.config import Settings
from steelyard.db import Database

BAR = "ST-S235-FB-40X10-3000"
SHEET = "AL-5754-SH-2-1250X2500"
PIECES_0 = {"value": "0", "unit": "piece"}
D = Decimal
HEAT = {"heat": "H-100", "mill": "Dillinger", "certificate_type": "3.1", "origin": "DE"}


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url,
        db_pool_size=5,
        db_max_overflow=5,
        rate_limits="off",
        requests_per_client=0,
        files_dir=str(tmp_path / "files"),
    )


@pytest.fixture
def bar(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> int:
    """A flat bar in 3000 mm lengths at 12.00 a bar, sawn with a 3 mm kerf, offcuts kept from 200 mm; two bars of
    heat H-100 (EN 10204 3.1, its PDF on file)."""
    body = {
        "sku": BAR,
        "name": "Steel flat bar S235 40 x 10 mm x 3000 mm",
        "family": "steel",
        "grade": "S235",
        "form": "flat_bar",
        "density_kg_m3": "7850",
        "dimensions_mm": {"width": "40", "thickness": "10", "length": "3000"},
        "stock_unit": "piece",
        "piece_name": "bar",
        "cut_fee": "2.00",
        "cutting": {"kerf_mm": "3", "trim_mm": "0", "min_remnant_mm": "200"},
        "price": {"currency": "EUR", "tiers": [{"min_quantity": PIECES_0, "unit_price": "12.00", "per": "piece"}]},
    }
    r = client.post("/api/v1/products", json=body, headers=staff)
    assert r.status_code == 201, r.text
    lot = int(move(client, staff, BAR, "DUI", "receipt", "2", "piece", lot=HEAT)["lot_id"])
    pdf = tiny_pdf("Heat H-100")
    r = client.put(f"/api/v1/lots/{lot}/certificate", content=pdf, headers={**staff, "Content-Type": "application/pdf"})
    assert r.status_code == 200, r.text
    return lot


def _quote(client: TestClient, customer: dict[str, str], cuts: list[dict[str, Any]], **line: Any) -> dict[str, Any]:
    body = {"lines": [{"sku": BAR, "cuts": cuts, **line}], "reserve": True}
    r = client.post("/api/v1/quotes", json=body, headers=customer)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _order(client: TestClient, customer: dict[str, str], staff: dict[str, str], quote: dict[str, Any]) -> str:
    r = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=customer)
    assert r.status_code == 201, r.text
    order = str(r.json()["id"])
    r = client.post(f"/api/v1/orders/{order}/ship", headers=staff)
    assert r.status_code == 200, r.text
    return order


def _lots(client: TestClient, sku: str, **params: str) -> list[dict[str, Any]]:
    r = client.get(f"/api/v1/products/{sku}/lots", params={"include_empty": "true", **params})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_a_remnant_is_made_then_planned_priced_shipped_and_certified(
    client: TestClient, db: Database, staff: dict[str, str], customer: dict[str, str], tokens: Any, bar: int
) -> None:
    # 1. Two 1000 mm parts from one 3000 mm bar: 1000 + 3 + 1000 + 3 = 2006 mm, 994 mm left, kept (>= 200 mm).
    first_quote = _quote(client, customer, [{"length_mm": "1000", "count": 2}])
    first = first_quote["lines"][0]
    assert first["remnants"] == [] and first["stock_quantity"] == {"value": "1", "unit": "piece"}
    assert first["cut_plan"]["layouts"][0]["offcuts"][0] | {"x_mm": None} == {
        "length_mm": "994",
        "width_mm": None,
        "x_mm": None,
        "y_mm": None,
        "kept": True,
    }
    _order(client, customer, staff, first_quote)
    (remnant,) = _lots(client, BAR, remnant="true")
    assert (remnant["heat"], remnant["certificate_type"], remnant["mill"]) == ("H-100", "3.1", "Dillinger")
    assert remnant["dimensions_mm"] == {"width": "40", "thickness": "10", "length": "994"}
    assert (remnant["on_hand"], remnant["available"], remnant["source_lot_id"]) == ("1", "1", bar)
    assert remnant["certificate"] is not None and remnant["certificate"]["url"]  # the heat's PDF follows the offcut
    r = client.get("/api/v1/stock/movements", params={"sku": BAR}, headers=staff)
    offcut_rows = [m for m in r.json()["items"] if m["kind"] == "offcut"]
    assert [(m["lot_id"], m["on_hand_change"]) for m in offcut_rows] == [(remnant["id"], "1")], offcut_rows
    # The two 3 mm kerfs are a scrap row of the bar's lot; counted in pieces, it says how much and changes nothing.
    (scrap,) = [m for m in r.json()["items"] if m["kind"] == "scrap"]
    assert (scrap["lot_id"], scrap["on_hand_change"]) == (bar, "0")
    assert "6 mm of kerf, trim and short ends" in scrap["reason"] and "stocked in pieces" in scrap["reason"]
    # 2. Staff set the remnant rule: remnants of this bar at 30 % off.
    r = client.put(f"/api/v1/price-rules/product/{BAR}", json={"remnant_discount_percent": "30"}, headers=staff)
    assert r.status_code == 201 and r.json()["remnant_discount_percent"] == "30", r.text
    # 3. A 900 mm part fits the 994 mm remnant: planned there, not on the whole bar.
    quote = _quote(client, customer, [{"length_mm": "900", "count": 1}])
    line = quote["lines"][0]
    (layout,) = line["cut_plan"]["layouts"]
    assert layout["stock"] == {"length_mm": "994", "width_mm": None, "lot_id": str(remnant["id"])}
    assert line["remnants"] == [
        {
            "lot_id": remnant["id"],
            "heat": "H-100",
            "warehouse": "DUI",
            "pieces": 1,
            "quantity": "1",
            "length_mm": "994",
            "width_mm": None,
        }
    ]
    assert line["stock_quantity"] == {"value": "1", "unit": "piece"}
    assert [(h["lot_id"], h["heat"], h["quantity"]) for h in line["holds"]] == [(remnant["id"], "H-100", "1")]
    assert f"from remnant lot {remnant['id']} (heat H-100)" in " ".join(line["adjustments"])
    # Priced for what it is: 994/3000 of a 12.00 bar = 3.976, 30 % off (1.1928), plus one cut at 2.00.
    assert line["remnant_discount"] == {"percent": "30", "amount": "1.19"}
    assert line["subtotal"] == "4.78"
    assert line["availability"]["status"] == "in_stock"
    order = _order(client, customer, staff, quote)
    shipped = client.get(f"/api/v1/orders/{order}", headers=customer).json()
    assert shipped["lines"][0]["lots"] == [
        {"lot_id": remnant["id"], "heat": "H-100", "warehouse": "DUI", "quantity": "1"}
    ]
    # 994 - 900 - 3 = 91 mm is scrap (below 200 mm): no new remnant, a scrap row of 94 mm (the kerf and the 91 mm
    # short end) on the remnant's lot; the whole bar was never touched.
    r = client.get("/api/v1/stock/movements", params={"sku": BAR}, headers=staff)
    scraps = [(m["lot_id"], m["reason"]) for m in r.json()["items"] if m["kind"] == "scrap"]
    assert [lot for lot, _ in scraps] == [bar, remnant["id"]] or [lot for lot, _ in scraps] == [remnant["id"], bar]
    assert any(lot == remnant["id"] and ": 94 mm of kerf" in reason for lot, reason in scraps), scraps
    assert [lot["id"] for lot in _lots(client, BAR, remnant="true") if lot["on_hand"] != "0"] == []
    assert [(lot["id"], lot["on_hand"]) for lot in _lots(client, BAR, remnant="false")] == [(bar, "1")]
    # 4. The customer downloads the certificate of the heat its remnant came from; another customer gets 404.
    r = client.get(f"/api/v1/orders/{order}/certificates", headers=customer)
    assert r.status_code == 200, r.text
    (item,) = r.json()["items"]
    assert (item["lot_id"], item["heat"], item["certificate_type"]) == (remnant["id"], "H-100", "3.1")
    got = client.get(item["url"], headers=customer)
    assert got.status_code == 200 and got.content == tiny_pdf("Heat H-100")
    other = tokens.make(Role.CUSTOMER, "Other Metalworks")
    assert client.get(item["url"], headers=other).status_code == 404
    assert_ledger_adds_up(db)


def test_a_line_requiring_a_better_certificate_cuts_a_whole_bar_not_the_remnant(
    client: TestClient, staff: dict[str, str], customer: dict[str, str], bar: int
) -> None:
    offcut = {
        "heat": "H-7",
        "certificate_type": "2.2",
        "dimensions_mm": {"width": "40", "thickness": "10", "length": "1500"},
    }
    r7 = int(move(client, staff, BAR, "DUI", "receipt", "1", "piece", lot=offcut)["lot_id"])
    line = _quote(client, customer, [{"length_mm": "1200", "count": 1}], requirements={"certificate": "3.1"})["lines"][
        0
    ]
    assert line["remnants"] == [] and line["cut_plan"]["layouts"][0]["stock"]["lot_id"] is None
    assert [(h["lot_id"], h["heat"]) for h in line["holds"]] == [(bar, "H-100")]
    # Without the requirement the 2.2 remnant is used first (and held by its id).
    r = client.post("/api/v1/estimates", json={"lines": [{"sku": BAR, "cuts": [{"length_mm": "1200", "count": 1}]}]})
    assert r.status_code == 200, r.text
    est = r.json()["lines"][0]
    assert [u["lot_id"] for u in est["remnants"]] == [r7] and est["remnant_discount"] is None


def test_a_sheet_remnant_that_fits_is_cut_before_a_whole_sheet(
    client: TestClient, staff: dict[str, str], customer: dict[str, str], warehouses: list[str]
) -> None:
    r = client.post("/api/v1/products", json=sheet_body(sku=SHEET, stock_unit="piece", cut_fee="5.00"), headers=staff)
    assert r.status_code == 201, r.text
    move(client, staff, SHEET, "DUI", "receipt", "2", "piece", lot={"heat": "S-1"})
    small = {"heat": "S-2", "dimensions_mm": {"thickness": "2", "width": "500", "length": "700"}}
    big = {"heat": "S-3", "dimensions_mm": {"thickness": "2", "width": "800", "length": "900"}}
    too_small = int(move(client, staff, SHEET, "DUI", "receipt", "1", "piece", lot=small)["lot_id"])
    fits = int(move(client, staff, SHEET, "DUI", "receipt", "1", "piece", lot=big)["lot_id"])
    body = {"lines": [{"sku": SHEET, "cuts": [{"length_mm": "600", "width_mm": "600", "count": 1}]}], "reserve": True}
    r = client.post("/api/v1/quotes", json=body, headers=customer)
    assert r.status_code == 201, r.text
    line = r.json()["lines"][0]
    assert [u["lot_id"] for u in line["remnants"]] == [fits] and too_small != fits
    assert line["cut_plan"]["layouts"][0]["stock"] == {"length_mm": "900", "width_mm": "800", "lot_id": str(fits)}
    assert [(h["lot_id"], h["heat"]) for h in line["holds"]] == [(fits, "S-3")]


def test_a_cut_order_of_a_bar_stocked_by_weight_ships_its_parts_and_scraps_the_rest(
    client: TestClient, db: Database, staff: dict[str, str], customer: dict[str, str], warehouses: list[str]
) -> None:
    """Stocked in kg: the bar's 9.42 kg (40 x 10 mm at 7850 kg/m3: 3.14 kg/m, 3000 mm) leaves as 6.28 kg of parts
    and the 994 mm remnant's 3.12116 kg (shipped, then booked back as its own lot), and its two 3 mm kerfs,
    0.01884 kg, are a scrap row: on hand falls by exactly the bar."""
    sku = "ST-S235-FB-40X10-KG"
    body = {
        "sku": sku,
        "name": "Steel flat bar S235 40 x 10 mm in 3000 mm lengths, by weight",
        "family": "steel",
        "grade": "S235",
        "form": "flat_bar",
        "density_kg_m3": "7850",
        "dimensions_mm": {"width": "40", "thickness": "10", "length": "3000"},
        "stock_unit": "kg",
        "cutting": {"kerf_mm": "3", "trim_mm": "0", "min_remnant_mm": "200"},
        "price": {
            "currency": "EUR",
            "tiers": [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "1.50", "per": "kg"}],
        },
    }
    r = client.post("/api/v1/products", json=body, headers=staff)
    assert r.status_code == 201, r.text
    lot = int(move(client, staff, sku, "DUI", "receipt", "18.84", "kg", lot={"heat": "K-7"})["lot_id"])
    body = {"lines": [{"sku": sku, "cuts": [{"length_mm": "1000", "count": 2}]}], "reserve": True}
    r = client.post("/api/v1/quotes", json=body, headers=customer)
    assert r.status_code == 201, r.text
    assert r.json()["lines"][0]["stock_quantity"] == {"value": "9.42", "unit": "kg"}
    _order(client, customer, staff, r.json())
    r = client.get("/api/v1/stock/movements", params={"sku": sku}, headers=staff)
    rows = {m["kind"]: m for m in r.json()["items"] if m["kind"] in ("ship", "scrap", "offcut")}
    assert (rows["ship"]["lot_id"], D(rows["ship"]["on_hand_change"])) == (lot, D("-9.40116"))
    assert (rows["scrap"]["lot_id"], D(rows["scrap"]["on_hand_change"])) == (lot, D("-0.01884"))
    assert D(rows["scrap"]["reserved_change"]) == D("-0.01884") and "6 mm of kerf" in rows["scrap"]["reason"]
    assert D(rows["offcut"]["on_hand_change"]) == D("3.12116") and rows["offcut"]["lot_id"] != lot
    lots = {x["id"]: x for x in _lots(client, sku, remnant="false")}
    assert D(lots[lot]["on_hand"]) == D("9.42")  # 18.84 less exactly one bar
    assert_ledger_adds_up(db)
