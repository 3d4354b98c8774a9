"""Cut lists through the API: the issue's three cases, the plan's shape, weights, holds, settings and the 422s."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from stock_helpers import move

from conftest import sheet_body

Q = "/api/v1/quotes"
BAR = "ST-S235-FB-40X10-1000"
SHEET = "AL-5754-SH-2-1250X2500"
PIECES_0 = {"value": "0", "unit": "piece"}


def part(length: str, count: int, width: str | None = None) -> dict[str, Any]:
    return {"length_mm": length, "count": count} | ({} if width is None else {"width_mm": width})


def bar_body(**overrides: Any) -> dict[str, Any]:
    """A steel flat bar 40 x 10 mm in 1000 mm lengths, stocked by the bar: 3.14 kg a metre (0.04 x 0.01 x 7850)."""
    body: dict[str, Any] = {
        "sku": BAR,
        "name": "Steel flat bar S235 40 x 10 mm x 1000 mm",
        "family": "steel",
        "grade": "S235",
        "form": "flat_bar",
        "density_kg_m3": "7850",
        "dimensions_mm": {"width": "40", "thickness": "10", "length": "1000"},
        "stock_unit": "piece",
        "piece_name": "bar",
        "cut_fee": "2.00",
        "price": {"currency": "EUR", "tiers": [{"min_quantity": PIECES_0, "unit_price": "4.00", "per": "piece"}]},
    }
    body.update(overrides)
    return body


@pytest.fixture
def products(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> None:
    for body in (
        bar_body(),
        sheet_body(sku=SHEET, name="Aluminium sheet 5754 2 x 1250 x 2500 mm", stock_unit="piece", cut_fee="5.00"),
    ):
        r = client.post("/api/v1/products", json=body, headers=staff)
        assert r.status_code == 201, r.text
    move(client, staff, BAR, "DUI", "receipt", "30", "piece")
    move(client, staff, SHEET, "DUI", "receipt", "5", "piece")


def line_of(client: TestClient, line: dict[str, Any], headers: dict[str, str] | None = None, **body: Any) -> Any:
    r = client.post(Q, json={"lines": [line], **body}, headers=headers or {})
    assert r.status_code == 201, r.text
    return r.json()["lines"][0]


def test_ten_parts_of_600_mm_from_1000_mm_bars_take_ten_bars(client: TestClient, products: None) -> None:
    line = line_of(client, {"sku": BAR, "cuts": [{"length_mm": "600", "count": 10}]})
    assert line["stock_quantity"] == {"value": "10", "unit": "piece"}
    assert line["quantity"] == {"value": "10", "unit": "piece"}
    plan = line["cut_plan"]
    assert plan["stock_pieces"] == 10 and plan["lower_bound"] == 10
    [layout] = plan["layouts"]
    assert layout["count"] == 10 and layout["stock"]["length_mm"] == "1000"
    assert layout["parts"] == [{"length_mm": "600", "width_mm": None, "x_mm": "8", "y_mm": None, "rotated": False}]
    assert layout["offcuts"] == [{"length_mm": "389", "width_mm": None, "x_mm": "611", "y_mm": None, "kept": False}]
    assert plan["utilisation"] == "0.6" and plan["kerf_loss"] == {"value": "60", "unit": "mm"}
    # parts: 6 m x 3.14 kg/m; stock: 10 m. Goods: 10 bars at 4.00; fees: 10 cuts at 2.00
    assert (line["weight_kg"], line["stock_weight_kg"]) == ("18.84", "31.4")
    assert line["subtotal"] == "60.00"
    assert "cut from 10 bars of 1000 mm" in line["adjustments"][0]


def test_the_same_with_the_one_size_shorthand(client: TestClient, products: None) -> None:
    line = line_of(client, {"sku": BAR, "quantity": {"value": "10", "unit": "pieces"}, "cut": {"length_mm": "600"}})
    assert line["stock_quantity"] == {"value": "10", "unit": "piece"} and line["cut_plan"]["stock_pieces"] == 10


def test_two_parts_of_1500_x_1000_take_two_sheets(client: TestClient, products: None) -> None:
    line = line_of(client, {"sku": SHEET, "cuts": [{"length_mm": "1500", "width_mm": "1000", "count": 2}]})
    assert line["stock_quantity"] == {"value": "2", "unit": "piece"}
    [layout] = line["cut_plan"]["layouts"]
    assert layout["count"] == 2 and layout["stock"] == {"length_mm": "2500", "width_mm": "1250", "lot_id": None}
    # 2 parts of 1.5 m2 x 5.4 kg/m2 (2 mm x 2700 kg/m3) = 16.2 kg; 2 sheets of 3.125 m2 = 33.75 kg
    assert (line["weight_kg"], line["stock_weight_kg"]) == ("16.2", "33.75")


def test_a_part_longer_than_the_sheet_is_wide_fits_turned_round(client: TestClient, products: None) -> None:
    line = line_of(client, {"sku": SHEET, "cuts": [{"length_mm": "1000", "width_mm": "2000", "count": 1}]})
    assert line["stock_quantity"] == {"value": "1", "unit": "piece"}
    [part] = line["cut_plan"]["layouts"][0]["parts"]
    assert part["rotated"] is True and (part["length_mm"], part["width_mm"]) == ("1000", "2000")


def test_several_sizes_on_one_line(client: TestClient, products: None) -> None:
    cuts = [{"length_mm": "450", "count": 4}, {"length_mm": "300", "count": 2}, {"length_mm": "120", "count": 3}]
    line = line_of(client, {"sku": BAR, "cuts": cuts})
    # a bar holds 995 mm of part + kerf after the 5 mm trim and its kerf: 453 + 453 twice, and
    # 303 + 303 + 123 + 123 + 123 = 975 on the third: 3 bars, the L1 bound (2787 / 995 = 2.8)
    assert line["quantity"] == {"value": "9", "unit": "piece"}
    plan = line["cut_plan"]
    assert plan["stock_pieces"] == plan["lower_bound"] == 3
    placed = sorted(p["length_mm"] for lay in plan["layouts"] for p in lay["parts"] for _ in range(lay["count"]))
    assert placed == sorted(["450"] * 4 + ["300"] * 2 + ["120"] * 3)


def test_a_reserving_quote_holds_the_whole_bars_the_plan_takes(
    client: TestClient, products: None, customer: dict[str, str]
) -> None:
    line = line_of(client, {"sku": BAR, "cuts": [{"length_mm": "600", "count": 10}]}, customer, reserve=True)
    assert line["held"] == {"value": "10", "unit": "piece"}
    stock = client.get(f"/api/v1/products/{BAR}/stock").json()
    assert Decimal(stock["total"]["reserved"]) == 10


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        (
            {"sku": SHEET, "cuts": [part("500", 1, "500"), part("3000", 1, "1300")]},
            "lines[0].cuts[1]",
            "3000 x 1300 mm fits no stock piece (2500 x 1250 mm), turned or not",
        ),
        ({"sku": BAR, "cuts": [{"length_mm": "1200", "count": 1}]}, "lines[0].cuts[0]", "longer than any stock piece"),
        ({"sku": BAR, "cuts": [part("100", 1, "20")]}, "lines[0].cuts[0].width_mm", "length only"),
        (
            {"sku": BAR, "quantity": {"value": "1", "unit": "piece"}, "cuts": [{"length_mm": "100", "count": 1}]},
            "lines[0]",
            "not both",
        ),
        ({"sku": BAR, "cuts": [{"length_mm": "100", "count": 0}]}, "lines[0].cuts[0].count", ""),
        ({"sku": BAR, "cuts": [{"length_mm": "100", "count": 100000}]}, "lines[0].cuts[0].count", ""),
    ],
)
def test_a_cut_list_that_cannot_be_cut_is_a_422_naming_the_part(
    client: TestClient, products: None, line: dict[str, Any], field: str, words: str
) -> None:
    r = client.post(Q, json={"lines": [line]})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert any(e["field"].startswith(field) and words in e["message"] for e in problem["errors"]), problem


def test_cutting_settings_default_per_form_and_can_forbid_rotation(
    client: TestClient, products: None, staff: dict[str, str]
) -> None:
    product = client.get(f"/api/v1/products/{SHEET}").json()
    assert product["cutting"] == {"kerf_mm": "0", "trim_mm": "0", "rotation": True, "min_remnant_mm": "300"}
    r = client.patch(f"/api/v1/products/{SHEET}", json={"cutting": {"rotation": False}}, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["cutting"]["rotation"] is False
    r = client.post(Q, json={"lines": [{"sku": SHEET, "cuts": [part("1000", 1, "2000")]}]})
    assert r.status_code == 422 and "may not be turned" in r.text
    r = client.patch(f"/api/v1/products/{BAR}", json={"cutting": {"kerf_mm": "-1"}}, headers=staff)
    assert r.status_code == 422 and "cutting.kerf_mm" in r.text
