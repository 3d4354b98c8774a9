"""The catalogue over HTTP: create, read, update, archive, list with cursors, warehouses, stock."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from conftest import sheet_body

PRODUCTS = "/api/v1/products"


def test_staff_creates_a_sheet_and_anyone_reads_it_with_units_physics_and_stock(
    client: TestClient, staff: dict[str, str], warehouses: list[str]
) -> None:
    r = client.post(PRODUCTS, json=sheet_body(stock_unit="KGS"), headers=staff)
    assert r.status_code == 201, r.text
    assert r.json()["stock_unit"] == "kg"  # aliases are stored canonically
    product = client.get(f"{PRODUCTS}/AL-6061-SH-2-1250X2500").json()
    assert product["density_kg_m3"] == "2700"
    assert product["dimensions_mm"] == {"thickness": "2", "width": "1250", "length": "2500"}
    assert {"kg", "t", "lb", "m2", "piece", "m3", "L"} <= set(product["units"])
    assert product["physics"]["mass_per_piece_kg"] == "16.875"
    assert product["physics"]["mass_per_m2_kg"] == "5.4"
    assert product["availability"]["total"] == {"on_hand": "0", "reserved": "0", "available": "0"}
    assert [w["code"] for w in product["availability"]["warehouses"]] == warehouses
    tiers = product["price"]["tiers"]
    assert [t["unit_price"] for t in tiers] == ["6.20", "5.80", "5.40"]
    assert tiers[2]["min_quantity"] == {"value": "2", "unit": "t"}
    assert client.get(f"{PRODUCTS}/al-6061-sh-2-1250x2500").status_code == 422  # SKUs are upper case


def test_sku_pattern_rejects_lower_case(client: TestClient, staff: dict[str, str]) -> None:
    r = client.post(PRODUCTS, json=sheet_body(sku="al-1"), headers=staff)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "sku"


def _create(client: TestClient, staff: dict[str, str], sku: str, **kw: Any) -> dict[str, Any]:
    r = client.post(PRODUCTS, json=sheet_body(sku=sku, **kw), headers=staff)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_patch_changes_only_what_is_sent_and_revalidates_the_whole(client: TestClient, staff: dict[str, str]) -> None:
    _create(client, staff, "AL-1")
    r = client.patch(
        f"{PRODUCTS}/AL-1", json={"dimensions_mm": {"thickness": "3", "width": "1250", "length": "2500"}}, headers=staff
    )
    assert r.status_code == 200, r.text
    assert r.json()["physics"]["mass_per_piece_kg"] == "25.3125"
    assert r.json()["name"] == sheet_body()["name"]
    r = client.patch(f"{PRODUCTS}/AL-1", json={"form": "round_bar"}, headers=staff)
    assert r.status_code == 422  # a round bar needs a diameter, not a sheet's dimensions
    assert client.get(f"{PRODUCTS}/AL-1").json()["form"] == "sheet"


def test_archive_keeps_the_product_readable_but_inactive(client: TestClient, staff: dict[str, str]) -> None:
    _create(client, staff, "AL-2")
    r = client.delete(f"{PRODUCTS}/AL-2", headers=staff)
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.get(f"{PRODUCTS}/AL-2").json()["active"] is False
    listed = client.get(PRODUCTS, params={"active": "true"}).json()["items"]
    assert "AL-2" not in [p["sku"] for p in listed]
    r = client.patch(f"{PRODUCTS}/AL-2", json={"active": True}, headers=staff)
    assert r.json()["active"] is True


def test_cursor_pagination_walks_every_product_once_in_sku_order(client: TestClient, staff: dict[str, str]) -> None:
    skus = [f"P-{i:03d}" for i in range(23)]
    for sku in reversed(skus):
        _create(client, staff, sku)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 5}
        if cursor:
            params["cursor"] = cursor
        page = client.get(PRODUCTS, params=params).json()
        seen += [p["sku"] for p in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == skus
    assert pages == 5


def test_filters_by_family_and_form(client: TestClient, staff: dict[str, str]) -> None:
    _create(client, staff, "AL-3")
    _create(client, staff, "ST-1", family="steel", grade="S235JR", density_kg_m3="7850")
    items = client.get(PRODUCTS, params={"family": "steel"}).json()["items"]
    assert [p["sku"] for p in items] == ["ST-1"]
    assert client.get(PRODUCTS, params={"form": "tube"}).json()["items"] == []


def test_warehouses_create_list_get_and_duplicate(client: TestClient, staff: dict[str, str]) -> None:
    r = client.post(
        "/api/v1/warehouses", json={"code": "RTM", "name": "Rotterdam", "address": "Waalhaven 1"}, headers=staff
    )
    assert r.status_code == 201
    assert client.get("/api/v1/warehouses/RTM").json()["address"] == "Waalhaven 1"
    assert client.post("/api/v1/warehouses", json={"code": "RTM", "name": "x"}, headers=staff).status_code == 409
    assert [w["code"] for w in client.get("/api/v1/warehouses").json()["items"]] == ["RTM"]


def test_stock_endpoint_answers_the_spec_shape(
    client: TestClient, staff: dict[str, str], warehouses: list[str]
) -> None:
    _create(client, staff, "AL-4")
    stock = client.get(f"{PRODUCTS}/AL-4/stock").json()
    assert stock["sku"] == "AL-4" and stock["unit"] == "kg"
    assert set(stock["total"]) == {"on_hand", "reserved", "available"}
    assert [w["code"] for w in stock["warehouses"]] == warehouses


def test_tube_and_bulk_products_are_accepted_with_their_own_units(client: TestClient, staff: dict[str, str]) -> None:
    tube = sheet_body(
        sku="SS-316L-TU-25.4X1.65",
        family="stainless",
        grade="316L",
        form="tube",
        density_kg_m3="7980",
        dimensions_mm={"outer_diameter": "25.4", "wall": "1.65", "length": "6000"},
        stock_unit="m",
        piece_name="tube",
        price={
            "currency": "EUR",
            "tiers": [{"min_quantity": {"value": "0", "unit": "m"}, "unit_price": "9.90", "per": "m"}],
        },
    )
    r = client.post(PRODUCTS, json=tube, headers=staff)
    assert r.status_code == 201, r.text
    assert "ft" in r.json()["units"] and "m2" not in r.json()["units"]
    gravel = sheet_body(
        sku="BULK-GRAVEL-4-16",
        family="bulk",
        grade="Gravel 4/16",
        form="bulk",
        density_kg_m3="1680",
        dimensions_mm={},
        stock_unit="t",
        piece_name=None,
        price={
            "currency": "EUR",
            "tiers": [{"min_quantity": {"value": "0", "unit": "t"}, "unit_price": "38", "per": "t"}],
        },
    )
    r = client.post(PRODUCTS, json=gravel, headers=staff)
    assert r.status_code == 201, r.text
    assert "m3" in r.json()["units"] and "m" not in r.json()["units"]
