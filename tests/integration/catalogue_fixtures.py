"""Reference products for integration tests, posted through the API like any client would."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def tiers(unit: str, *steps: tuple[str, str], per: str | None = None) -> dict[str, Any]:
    return {
        "currency": "EUR",
        "tiers": [
            {"min_quantity": {"value": v, "unit": unit}, "unit_price": price, "per": per or unit} for v, price in steps
        ],
    }


REFERENCE: list[dict[str, Any]] = [
    {
        "sku": "ST-S235-PL-10",
        "name": "Steel plate S235JR 10 x 1500 x 3000 mm",
        "family": "steel",
        "grade": "S235JR",
        "form": "plate",
        "density_kg_m3": "7850",
        "dimensions_mm": {"thickness": "10", "width": "1500", "length": "3000"},
        "stock_unit": "kg",
        "price": tiers("kg", ("0", "1.20"), ("1000", "1.05")),
    },
    {
        "sku": "AL-6061-SH-2",
        "name": "Aluminium sheet 6061-T6 2 x 1250 x 2500 mm",
        "family": "aluminium",
        "grade": "6061-T6",
        "form": "sheet",
        "density_kg_m3": "2700",
        "dimensions_mm": {"thickness": "2", "width": "1250", "length": "2500"},
        "stock_unit": "piece",
        "piece_name": "sheet",
        "cut_fee": "4.00",
        "price": tiers("piece", ("0", "95.00"), ("10", "88.00")),
    },
    {
        "sku": "ST-C45-RB-50",
        "name": "Steel round bar C45 50 mm x 6000 mm",
        "family": "steel",
        "grade": "C45",
        "form": "round_bar",
        "density_kg_m3": "7850",
        "dimensions_mm": {"diameter": "50", "length": "6000"},
        "stock_unit": "kg",
        "cut_fee": "3.50",
        "price": tiers("kg", ("0", "1.60"), ("500", "1.45"), ("2000", "1.30")),
    },
    {
        "sku": "CH-ACID-H2SO4",
        "name": "Sulfuric acid 98% in 200 L drums",
        "family": "chemical",
        "grade": "Sulfuric acid 98%",
        "form": "liquid",
        "density_kg_m3": "1840",
        "stock_unit": "L",
        "piece_name": "drum",
        "piece_content": {"value": "200", "unit": "L"},
        "price": tiers("L", ("0", "0.42")),
    },
    {
        "sku": "PL-HDPE-GR",
        "name": "HDPE granules PE300",
        "family": "plastic",
        "grade": "HDPE",
        "form": "granules",
        "density_kg_m3": "950",
        "stock_unit": "kg",
        "piece_name": "bag",
        "increment": {"value": "25", "unit": "kg"},
        "min_order": {"value": "100", "unit": "kg"},
        "price": tiers("kg", ("0", "1.90"), ("1", "1.70"), per="kg"),
    },
]
# The last product's second tier is in t: fix its unit so tiers read 0 kg, 1 t.
REFERENCE[-1]["price"]["tiers"][1]["min_quantity"]["unit"] = "t"


def post_reference(client: TestClient, staff: dict[str, str]) -> None:
    for body in REFERENCE:
        r = client.post("/api/v1/products", json=body, headers=staff)
        assert r.status_code == 201, r.text
