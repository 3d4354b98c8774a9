"""The estimator over HTTP: published reference weights, tiers, rules, cutting, discounts, tax and currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient

Q = "/api/v1/quotes"


@pytest.fixture
def catalogue(client: TestClient, staff: dict[str, str]) -> None:
    post_reference(client, staff)


def quote(
    client: TestClient, sku: str, value: str, unit: str, headers: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    line: dict[str, Any] = {"sku": sku, "quantity": {"value": value, "unit": unit}}
    if "cut" in extra:
        line["cut"] = extra.pop("cut")
    r = client.post(Q, json={"lines": [line], **extra}, headers=headers or {})
    assert r.status_code == 201, r.text
    return dict(r.json())


# (sku, quantity, unit, expected weight_kg or stock quantity, which)
REFERENCE_VALUES = [
    ("ST-S235-PL-10", "1", "m2", "78.5", "weight_kg"),  # steel plate 10 mm = 78.5 kg/m2
    ("AL-6061-SH-2", "1", "sheet", "16.875", "weight_kg"),  # 6061 sheet 2 x 1250 x 2500 = 16.875 kg
    ("AL-6061-SH-2", "3", "sheets", "50.625", "weight_kg"),
    ("ST-C45-RB-50", "1", "m", "15.413", "weight_kg"),  # round bar 50 mm = 15.41 kg/m
    ("ST-C45-RB-50", "1000000", "lb", "453592.37", "stock"),  # 1 lb = 0.45359237 kg exactly
    ("CH-ACID-H2SO4", "1000", "gal", "3785.411784", "stock"),  # 1 US gal = 3.785411784 L exactly
    ("CH-ACID-H2SO4", "100", "imp_gal", "454.609", "stock"),  # 1 imp gal = 4.54609 L
    ("CH-ACID-H2SO4", "1", "drum", "200", "stock"),
    ("CH-ACID-H2SO4", "1", "L", "1.84", "weight_kg"),
    ("ST-C45-RB-50", "12", "ft", "56.376", "weight_kg"),  # 3.6576 m x 15.41344 kg/m = 56.3758
    ("ST-S235-PL-10", "1", "t", "1000", "stock"),
    ("ST-S235-PL-10", "1", "short_ton", "907.18474", "stock"),
    ("ST-S235-PL-10", "1", "long_ton", "1016.046909", "stock"),  # 1016.0469088 rounded up to the 6-place stock scale
]


@pytest.mark.parametrize(("sku", "value", "unit", "expected", "which"), REFERENCE_VALUES)
def test_published_reference_values(
    client: TestClient, catalogue: None, sku: str, value: str, unit: str, expected: str, which: str
) -> None:
    line = quote(client, sku, value, unit)["lines"][0]
    got = line["weight_kg"] if which == "weight_kg" else line["stock_quantity"]["value"]
    assert Decimal(got) == Decimal(expected), line


def test_round_bar_weight_per_metre_to_two_places(client: TestClient, catalogue: None) -> None:
    line = quote(client, "ST-C45-RB-50", "1", "m")["lines"][0]
    assert Decimal(line["weight_kg"]).quantize(Decimal("0.01")) == Decimal("15.41")


def test_tiers_apply_by_quantity_in_the_tier_unit(client: TestClient, catalogue: None) -> None:
    small = quote(client, "ST-C45-RB-50", "100", "kg")["lines"][0]
    assert small["tier"]["index"] == 0 and small["unit_price"] == "1.6000" and small["subtotal"] == "160.00"
    mid = quote(client, "ST-C45-RB-50", "1200", "lb")["lines"][0]  # 544.3 kg >= 500 kg
    assert mid["tier"]["index"] == 1
    big = quote(client, "ST-C45-RB-50", "2.5", "t")["lines"][0]
    assert big["tier"]["index"] == 2 and big["subtotal"] == "3250.00"


def test_increment_and_minimum_round_up_and_say_so(client: TestClient, catalogue: None) -> None:
    line = quote(client, "PL-HDPE-GR", "60", "kg")["lines"][0]
    assert line["quantity"] == {"value": "100", "unit": "kg"}  # raised to the 100 kg minimum
    line = quote(client, "PL-HDPE-GR", "110", "kg")["lines"][0]
    assert line["quantity"] == {"value": "125", "unit": "kg"}
    assert any("25 kg" in note for note in line["adjustments"])
    assert line["subtotal"] == "237.50"


def test_discrete_products_round_up_to_whole_pieces(client: TestClient, catalogue: None) -> None:
    line = quote(client, "AL-6061-SH-2", "40", "kg")["lines"][0]  # 2.37 sheets
    assert line["stock_quantity"] == {"value": "3", "unit": "piece"}
    assert line["subtotal"] == "285.00"
    assert line["adjustments"]


def test_cut_to_size_prices_the_stock_taken_plus_a_fee_per_cut(client: TestClient, catalogue: None) -> None:
    line = quote(client, "ST-C45-RB-50", "4", "pieces", cut={"length_mm": "500"})["lines"][0]
    # 4 x 500 mm come from one 6 m bar: 6 m x 15.41343 kg/m (pi/4 x 0.05^2 m2 x 7850 kg/m3) = 92.48058 kg
    # at 1.60 = 147.969, plus 4 cuts at 3.50; the parts weigh 2 m x 15.41343 = 30.827 kg
    assert line["fees"] == [{"kind": "cutting", "count": "4", "unit_amount": "3.5000", "amount": "14.00"}]
    assert line["subtotal"] == "161.97"
    assert line["weight_kg"] == "30.827" and line["stock_weight_kg"] == "92.481"
    assert line["cut_plan"]["stock_pieces"] == 1


def test_tax_discount_and_currency_from_the_account(
    client: TestClient, catalogue: None, staff: dict[str, str], tokens: Any
) -> None:
    from steelyard.access.model import Role

    assert (
        client.put("/api/v1/currencies/USD", json={"rate": "1.08", "minor_units": 2}, headers=staff).status_code == 200
    )
    account = client.post(
        "/api/v1/accounts",
        json={
            "name": "Ohio Tool",
            "currency": "USD",
            "tax_rate": "0.07",
            "discount_percent": "5",
            "price_list": {"steel": "10"},
        },
        headers=staff,
    ).json()
    customer = tokens.make(Role.CUSTOMER, "Ohio Tool", account_id=account["id"])
    q = quote(client, "ST-C45-RB-50", "100", "kg", headers=customer)
    line = q["lines"][0]
    # 100 kg x 1.60 EUR x 0.90 (steel price list) x 1.08 USD/EUR = 155.52 USD
    assert q["currency"] == "USD" and line["discount_percent"] == "10" and line["subtotal"] == "155.52"
    assert q["tax_rate"] == "0.07" and q["tax"] == "10.89" and q["total"] == "166.41"
    anonymous = quote(client, "ST-C45-RB-50", "100", "kg")
    assert anonymous["currency"] == "EUR" and anonymous["tax_rate"] == "0.2" and anonymous["total"] == "192.00"


def test_availability_reads_live_stock(
    client: TestClient, catalogue: None, staff: dict[str, str], warehouses: list[str]
) -> None:
    r = client.post(
        "/api/v1/stock/movements",
        json={"sku": "ST-C45-RB-50", "warehouse": "DUI", "kind": "receipt", "quantity": {"value": "300", "unit": "kg"}},
        headers=staff,
    )
    assert r.status_code == 201, r.text
    assert quote(client, "ST-C45-RB-50", "200", "kg")["lines"][0]["availability"]["status"] == "in_stock"
    partial = quote(client, "ST-C45-RB-50", "400", "kg")["lines"][0]["availability"]
    assert partial["status"] == "partial" and partial["warehouses"] == [{"code": "DUI", "available": "300"}]
    assert quote(client, "AL-6061-SH-2", "1", "sheet")["lines"][0]["availability"]["status"] == "backorder"


def test_quotes_are_stored_and_a_customer_sees_only_its_own(
    client: TestClient, catalogue: None, tokens: Any, staff: dict[str, str]
) -> None:
    from steelyard.access.model import Role

    alice, bob = tokens.make(Role.CUSTOMER, "Alice"), tokens.make(Role.CUSTOMER, "Bob")
    mine = quote(client, "ST-C45-RB-50", "10", "kg", headers=alice)
    assert client.get(f"{Q}/{mine['id']}", headers=alice).json()["total"] == mine["total"]
    assert client.get(f"{Q}/{mine['id']}", headers=bob).status_code == 404
    assert client.get(f"{Q}/{mine['id']}").status_code == 404
    assert client.get(f"{Q}/{mine['id']}", headers=staff).status_code == 200
    quote(client, "ST-C45-RB-50", "20", "kg", headers=bob)
    assert [q["id"] for q in client.get(Q, headers=alice).json()["items"]] == [mine["id"]]
    assert len(client.get(Q, headers=staff).json()["items"]) == 2
    anonymous = quote(client, "ST-C45-RB-50", "5", "kg")
    assert client.get(f"{Q}/{anonymous['id']}").status_code == 200


def test_twenty_line_quote_adds_up(client: TestClient, catalogue: None) -> None:
    lines = [{"sku": "ST-C45-RB-50", "quantity": {"value": str(10 + i), "unit": "kg"}} for i in range(20)]
    q = client.post(Q, json={"lines": lines}).json()
    assert len(q["lines"]) == 20
    assert Decimal(q["subtotal"]) == sum(Decimal(line["subtotal"]) for line in q["lines"])
    assert Decimal(q["total"]) == Decimal(q["subtotal"]) + Decimal(q["tax"])


def _line(sku: str, value: Any, unit: str, **extra: Any) -> dict[str, Any]:
    return {"lines": [{"sku": sku, "quantity": {"value": value, "unit": unit}, **extra}]}


BAD_QUOTES: list[tuple[str, Any, int, str]] = [
    ("unknown-unit", _line("ST-C45-RB-50", "10", "furlong"), 422, "lines[0].quantity.unit"),
    ("negative", _line("ST-C45-RB-50", "-10", "kg"), 422, "lines[0].quantity"),
    ("zero", _line("ST-C45-RB-50", "0", "kg"), 422, "lines[0].quantity"),
    ("forty-digits", _line("ST-C45-RB-50", "9" * 40, "kg"), 422, "lines[0].quantity"),
    ("nan", _line("ST-C45-RB-50", "NaN", "kg"), 422, "lines[0].quantity.value"),
    ("infinity", _line("ST-C45-RB-50", "Infinity", "kg"), 422, "lines[0].quantity.value"),
    ("exponent-overflow", _line("ST-C45-RB-50", "1e400", "kg"), 422, "lines[0].quantity"),
    ("float", _line("ST-C45-RB-50", 10.5, "kg"), 422, "lines[0].quantity.value"),
    ("wrong-kind-area-of-granules", _line("PL-HDPE-GR", "2", "m2"), 422, "lines[0].quantity.unit"),
    ("wrong-kind-length-of-acid", _line("CH-ACID-H2SO4", "2", "m"), 422, "lines[0].quantity.unit"),
    ("area-of-round-bar", _line("ST-C45-RB-50", "2", "ft2"), 422, "lines[0].quantity.unit"),
    ("unknown-sku", _line("NOPE", "1", "kg"), 422, "lines[0].sku"),
    ("no-lines", {"lines": []}, 422, "lines"),
    ("unknown-currency", {**_line("ST-C45-RB-50", "1", "kg"), "currency": "XYZ"}, 422, "currency"),
    ("cut-in-kg", _line("ST-C45-RB-50", "10", "kg", cut={"length_mm": "500"}), 422, "lines[0]"),
    ("cut-longer-than-bar", _line("ST-C45-RB-50", "1", "piece", cut={"length_mm": "7000"}), 422, "lines[0].cut"),
    (
        "cut-width-on-bar",
        _line("ST-C45-RB-50", "1", "piece", cut={"length_mm": "500", "width_mm": "20"}),
        422,
        "cut.width_mm",
    ),
    ("cut-of-acid", _line("CH-ACID-H2SO4", "1", "drum", cut={"length_mm": "500"}), 422, "lines[0]"),
    ("reserve-anonymous", {**_line("ST-C45-RB-50", "1", "kg"), "reserve": True}, 401, "customer"),
    ("unknown-field", {**_line("ST-C45-RB-50", "1", "kg"), "discount": "50"}, 422, "discount"),
]


@pytest.mark.parametrize(("case", "body", "status", "names"), BAD_QUOTES, ids=[c[0] for c in BAD_QUOTES])
def test_bad_quote_input_is_a_clear_4xx_and_stores_nothing(
    client: TestClient, catalogue: None, staff: dict[str, str], case: str, body: Any, status: int, names: str
) -> None:
    r = client.post(Q, json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert names in problem["detail"] or any(names in e["field"] for e in problem.get("errors", [])), problem
    assert client.get(Q, headers=staff).json()["items"] == []


def test_wrong_kind_lists_the_units_the_product_sells_in(client: TestClient, catalogue: None) -> None:
    problem = client.post(Q, json=_line("PL-HDPE-GR", "2", "m2")).json()
    assert "kg" in problem["detail"] and "L" in problem["detail"]
    assert "kg" in problem["allowed_units"] and "m2" not in problem["allowed_units"]
