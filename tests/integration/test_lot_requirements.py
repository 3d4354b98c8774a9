"""Quote lines that require a certificate or a single heat: availability says why not, holds and orders obey."""

from __future__ import annotations

from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from stock_helpers import assert_ledger_adds_up, move

from steelyard.access.model import Role
from steelyard.db import Database

BAR = "ST-C45-RB-50"  # stocked in kg


@pytest.fixture
def heats(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> dict[str, int]:
    """Three heats of the bar in DUI, oldest first: A 40 kg with 2.2, B 30 kg with 3.1, C 50 kg with 3.2."""
    post_reference(client, staff)
    found = {}
    for heat, kg, cert in (("A", "40", "2.2"), ("B", "30", "3.1"), ("C", "50", "3.2")):
        lot = {"heat": heat, "certificate_type": cert}
        found[heat] = move(client, staff, BAR, "DUI", "receipt", kg, "kg", lot=lot)["lot_id"]
    return found


def _line(kg: str, **requirements: Any) -> dict[str, Any]:
    line: dict[str, Any] = {"sku": BAR, "quantity": {"value": kg, "unit": "kg"}}
    if requirements:
        line["requirements"] = requirements
    return line


def _quote(client: TestClient, line: dict[str, Any], headers: dict[str, str] | None = None, **extra: Any) -> Any:
    r = client.post("/api/v1/quotes", json={"lines": [line], **extra}, headers=headers or {})
    assert r.status_code == 201, r.text
    return r.json()["lines"][0]


def test_certificate_requirement_counts_only_lots_with_that_certificate_or_better(
    client: TestClient, heats: dict[str, int]
) -> None:
    fine = _quote(client, _line("70", certificate="3.1"))
    assert fine["availability"]["status"] == "in_stock" and fine["availability"]["available"] == "80"
    assert fine["availability"]["reason"] is None
    assert fine["requirements"] == {"certificate": "3.1", "single_heat": False}
    short = _quote(client, _line("100", certificate="3.1"))["availability"]
    assert (short["status"], short["available"]) == ("partial", "80")
    assert short["reason"] == (
        "100 kg needed: 80 kg of the 120 kg stock available has an EN 10204 3.1 certificate or better"
    )
    none = _quote(client, _line("10", certificate="3.2", single_heat=True))["availability"]
    assert none["status"] == "in_stock" and none["available"] == "50"  # heat C alone
    plain = _quote(client, _line("100"))
    assert plain["availability"]["available"] == "120" and plain["requirements"] is None


def test_single_heat_says_the_most_one_heat_has(client: TestClient, heats: dict[str, int]) -> None:
    line = _quote(client, _line("60", single_heat=True))["availability"]
    assert (line["status"], line["available"]) == ("partial", "50")
    assert line["reason"] == "60 kg needed: the most any one heat has is 50 kg"


def test_a_reserving_line_holds_only_fitting_lots_oldest_first(
    client: TestClient, heats: dict[str, int], tokens: Any, db: Database
) -> None:
    customer = tokens.make(Role.CUSTOMER, "Buyer")
    line = _quote(client, _line("60", certificate="3.1"), customer, reserve=True)
    assert [(h["heat"], h["quantity"]) for h in line["holds"]] == [("B", "30"), ("C", "30")]
    other = tokens.make(Role.CUSTOMER, "Other buyer")  # one open hold per product and account
    one_heat = _quote(client, _line("15", single_heat=True), other, reserve=True)
    assert [(h["heat"], h["quantity"]) for h in one_heat["holds"]] == [("A", "15")]  # the oldest heat that covers it
    assert_ledger_adds_up(db)


def test_accepting_a_line_no_lot_can_serve_is_a_409_saying_why_and_takes_nothing(
    client: TestClient, heats: dict[str, int], tokens: Any, staff: dict[str, str], db: Database
) -> None:
    customer = tokens.make(Role.CUSTOMER, "Buyer")
    r = client.post("/api/v1/quotes", json={"lines": [_line("90", certificate="3.1")]}, headers=customer)
    quote = r.json()
    r = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=customer)
    assert r.status_code == 409, r.text
    assert r.json()["short"][0]["available"] == "80"
    assert "EN 10204 3.1 certificate or better" in r.json()["detail"]
    stock = client.get(f"/api/v1/products/{BAR}/stock").json()["total"]
    assert stock["reserved"] == "0"
    assert_ledger_adds_up(db)


def test_a_single_heat_line_completes_from_the_heat_it_holds(
    client: TestClient, heats: dict[str, int], tokens: Any, staff: dict[str, str], db: Database
) -> None:
    customer = tokens.make(Role.CUSTOMER, "Buyer")
    body = {"lines": [_line("60", single_heat=True)], "reserve": True}
    quote = client.post("/api/v1/quotes", json=body, headers=customer).json()
    assert [(h["heat"], h["quantity"]) for h in quote["lines"][0]["holds"]] == [("C", "50")]  # no heat has 60
    move(client, staff, BAR, "DUI", "receipt", "20", "kg", lot_id=heats["C"])  # more of heat C arrives
    order = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=customer)
    assert order.status_code == 201, order.text
    # The missing 10 kg come from heat C too, although the older heat A could cover them on its own.
    assert [(a["heat"], a["quantity"]) for a in order.json()["allocations"]] == [("C", "50"), ("C", "10")]
    assert_ledger_adds_up(db)
