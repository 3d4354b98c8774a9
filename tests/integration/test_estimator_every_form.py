"""The estimator answers in every unit each demo product can be sold in, for every form, and refuses the rest."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from steelyard.db import Database
from steelyard.demo import generate
from steelyard.inventory.seed import load
from steelyard.units import UNITS, Physics, convert_for
from steelyard.units.quantity import Quantity


def test_every_form_quotes_in_every_unit_it_sells_in(client: TestClient, db: Database) -> None:
    catalogue = generate(products=2000, seed=1)
    items = list(catalogue.products)
    with db.write() as conn:
        load(conn, warehouses=catalogue.warehouses, items=items)
    one_per_form = {p["form"]: p for p in reversed(items)}
    assert len(one_per_form) >= 20
    quoted = 0
    for form, body in sorted(one_per_form.items()):
        product = client.get(f"/api/v1/products/{body['sku']}").json()
        physics = Physics(
            form,
            Decimal(product["density_kg_m3"]),
            {k: Decimal(v) for k, v in product["dimensions_mm"].items()},
            product["piece_name"],
            product["stock_unit"],
            None
            if product["piece_content"] is None
            else Quantity(Decimal(product["piece_content"]["value"]), product["piece_content"]["unit"]),
        )
        for unit in UNITS:
            r = client.post(
                "/api/v1/quotes", json={"lines": [{"sku": body["sku"], "quantity": {"value": "7", "unit": unit}}]}
            )
            if unit not in product["units"]:
                assert r.status_code == 422, (form, unit, r.text)
                assert set(r.json()["allowed_units"]) == set(product["units"]), (form, unit)
                continue
            assert r.status_code == 201, (form, unit, r.text)
            line = r.json()["lines"][0]
            exact = convert_for(physics, Quantity(Decimal(7), unit), product["stock_unit"])
            stock = Decimal(line["stock_quantity"]["value"])
            # Order rules may only raise the quantity (minimums, increments, whole pieces), never lower it.
            assert stock >= exact.quantize(Decimal("0.000001"), "ROUND_DOWN"), (form, unit)
            if not line["adjustments"]:
                assert stock == exact.quantize(Decimal("0.000001"), "ROUND_UP"), (form, unit)
            assert Decimal(line["subtotal"]) >= 0 and line["tier"]["per"] in product["units"]
            quoted += 1
    assert quoted > 150
