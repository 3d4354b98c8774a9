"""Products by designation over HTTP: the server fills a section's dimensions and radii; quotes weigh them right."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from conftest import sheet_body

PRODUCTS = "/api/v1/products"
QUOTES = "/api/v1/quotes"


def _steel(sku: str, form: str, profile: str | None, dims: dict[str, str], **kw: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "sku": sku,
        "name": f"Steel {profile or form} S235JR",
        "family": "steel",
        "grade": "S235JR",
        "form": form,
        "density_kg_m3": "7850",
        "dimensions_mm": dims,
        "piece_name": None,
        "attributes": {},
    }
    body = sheet_body(**{**fields, **kw})
    if profile is not None:
        body["profile"] = profile
    return body


def test_a_beam_by_designation_gets_every_dimension_and_weighs_what_the_table_says(
    client: TestClient, staff: dict[str, str]
) -> None:
    r = client.post(PRODUCTS, json=_steel("ST-HEA100", "beam", "HE 100 A", {"length": "12000"}), headers=staff)
    assert r.status_code == 201, r.text
    product = client.get(f"{PRODUCTS}/ST-HEA100").json()
    assert product["profile"] == "HEA 100"
    assert product["dimensions_mm"] == {
        "height": "96",
        "width": "100",
        "thickness": "8",
        "wall": "5",
        "root_radius": "12",
        "length": "12000",
    }
    assert product["attributes"]["standard"] == "EN 10365"
    assert abs(Decimal(product["physics"]["mass_per_m_kg"]) - Decimal("16.7")) < Decimal("0.05")  # EN 10365: 16.7
    assert product["physics"]["corner_rule"] is None
    # the case: 3 beams of HEA 100 x 12 m are about 601 kg (3 x 12 x 16.7), not 565 kg
    line = client.post(QUOTES, json={"lines": [{"sku": "ST-HEA100", "quantity": {"value": "3", "unit": "beam"}}]})
    assert line.status_code == 201, line.text
    weight = Decimal(line.json()["lines"][0]["weight_kg"])
    assert abs(weight - Decimal("601.2")) < Decimal("2")


def test_hollow_sections_channels_and_angles_by_designation(client: TestClient, staff: dict[str, str]) -> None:
    cases = [
        ("ST-RHS", "rectangular_tube", "RHS 60x40x3", "4.25"),  # EN 10219-2 table
        ("ST-SHS", "square_tube", "SHS 40x40x3 EN 10219", "3.30"),
        ("ST-CHS", "tube", "CHS 60.3x3.2", "4.51"),  # EN 10210-2 / EN 10220
        ("ST-UPN", "channel", "UPN 100", "10.6"),
        ("ST-L", "angle", "L 50x50x5", "3.77"),  # EN 10056-1
        ("ST-T", "tee", "T50x50x6", "4.44"),  # EN 10055 table 1: A 5.66 cm2, G 4.44 kg/m
    ]
    for sku, form, profile, published in cases:
        r = client.post(PRODUCTS, json=_steel(sku, form, profile, {"length": "6000"}, stock_unit="m"), headers=staff)
        assert r.status_code == 201, (profile, r.text)
        mass = Decimal(r.json()["physics"]["mass_per_m_kg"])
        assert abs(mass - Decimal(published)) <= Decimal(published) * Decimal("0.007"), (profile, mass)


def test_a_section_by_hand_states_its_corner_rule(client: TestClient, staff: dict[str, str]) -> None:
    body = _steel("ST-SQ", "square_tube", None, {"width": "40", "wall": "3", "length": "6000"})
    r = client.post(PRODUCTS, json=body, headers=staff)
    assert r.status_code == 201, r.text
    assert "EN 10219-2" in r.json()["physics"]["corner_rule"]
    assert r.json()["physics"]["mass_per_m_kg"].startswith("3.30")


def test_a_wrong_designation_or_form_is_a_422_that_says_why(client: TestClient, staff: dict[str, str]) -> None:
    r = client.post(PRODUCTS, json=_steel("ST-X1", "beam", "IPE 210", {}), headers=staff)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "profile"
    assert "IPE 200" in r.json()["detail"]
    r = client.post(PRODUCTS, json=_steel("ST-X2", "angle", "IPE 200", {}), headers=staff)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "form"
    r = client.post(PRODUCTS, json=_steel("ST-X3", "beam", "IPE 200", {"height": "210"}), headers=staff)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "dimensions_mm.height"
    assert client.get(f"{PRODUCTS}/ST-X1").status_code == 404


def test_piece_content_makes_bags_orderable_and_a_coil_without_it_says_what_it_needs(
    client: TestClient, staff: dict[str, str]
) -> None:
    bag = sheet_body(
        sku="PL-HDPE-GR-BAG",
        name="HDPE granules, 25 kg bags",
        family="plastic",
        grade="HDPE",
        form="granules",
        density_kg_m3="950",
        dimensions_mm={},
        piece_name="bag",
        piece_content={"value": "25", "unit": "kg"},
    )
    assert client.post(PRODUCTS, json=bag, headers=staff).status_code == 201
    r = client.post(QUOTES, json={"lines": [{"sku": "PL-HDPE-GR-BAG", "quantity": {"value": "3", "unit": "bags"}}]})
    assert r.status_code == 201, r.text
    assert Decimal(r.json()["lines"][0]["weight_kg"]) == 75
    coil = _steel("ST-COIL", "coil", None, {"thickness": "2", "width": "1250"}, piece_name="coil")
    assert client.post(PRODUCTS, json=coil, headers=staff).status_code == 201
    r = client.post(QUOTES, json={"lines": [{"sku": "ST-COIL", "quantity": {"value": "3", "unit": "coils"}}]})
    assert r.status_code == 422
    assert "piece_content" in r.json()["detail"]
