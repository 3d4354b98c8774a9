"""Quantities sent as text through the API: read by the account's locale, else Accept-Language; never misread."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient

E = "/api/v1/estimates"
Q = "/api/v1/quotes"
BAR = "ST-C45-RB-50"  # kg tiers: 1.60, from 500 kg 1.45, from 2000 kg 1.30
SHEET = "AL-6061-SH-2"  # 6061 sheet 2 x 1250 x 2500, 16.875 kg a sheet


@pytest.fixture
def catalogue(client: TestClient, staff: dict[str, str]) -> None:
    post_reference(client, staff)


def _ask(client: TestClient, quantity: Any, sku: str = BAR, path: str = E, **headers: str) -> Any:
    return client.post(path, json={"lines": [{"sku": sku, "quantity": quantity}]}, headers=headers)


def test_a_text_quantity_is_read_by_accept_language(client: TestClient, catalogue: None) -> None:
    us = _ask(client, "1,500 lb", **{"Accept-Language": "en-US,en;q=0.9"})
    assert us.status_code == 200, us.text
    line = us.json()["lines"][0]
    assert line["requested"] == {"value": "1500", "unit": "lb", "text": "1,500 lb"}
    assert line["stock_quantity"] == {"value": "680.388555", "unit": "kg"}  # 1500 x 0.45359237 kg exactly
    de = _ask(client, "1,500 lb", **{"Accept-Language": "de-DE"}).json()["lines"][0]
    assert de["requested"] == {"value": "1.5", "unit": "lb", "text": "1,500 lb"}
    assert de["stock_quantity"] == {"value": "0.680389", "unit": "kg"}  # 0.680388555 rounded up to the stock scale


def test_an_ambiguous_text_is_a_422_with_both_readings_and_stores_nothing(
    client: TestClient, catalogue: None, staff: dict[str, str]
) -> None:
    for path in (E, Q):
        r = _ask(client, "1,500 lb", path=path)
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        assert {(x["value"], x["unit"]) for x in problem["readings"]} == {("1500", "lb"), ("1.5", "lb")}
        assert "1500 lb" in problem["detail"] and "1.5 lb" in problem["detail"]
        assert problem["errors"][0]["field"] == "lines[0].quantity"
    assert client.get(Q, headers=staff).json()["items"] == []


def test_a_customer_accounts_locale_wins_over_accept_language(
    client: TestClient, catalogue: None, staff: dict[str, str], tokens: Any
) -> None:
    from steelyard.access.model import Role

    account = client.post("/api/v1/accounts", json={"name": "Stahl GmbH", "locale": "de-DE"}, headers=staff)
    assert account.status_code == 201, account.text
    assert account.json()["locale"] == "de-DE"
    buyer = tokens.make(Role.CUSTOMER, "Stahl buyer", account_id=account.json()["id"])
    r = _ask(client, "1.500 kg", **buyer, **{"Accept-Language": "en-US"})
    assert r.json()["lines"][0]["requested"]["value"] == "1500"
    assert r.json()["lines"][0]["tier"]["index"] == 1  # 1500 kg reaches the 500 kg tier
    bad = client.patch(f"/api/v1/accounts/{account.json()['id']}", json={"locale": "xx-QQ"}, headers=staff)
    assert bad.status_code == 422 and "locale" in bad.json()["detail"]


@pytest.mark.parametrize(
    ("quantity", "sku", "value", "unit"),
    [
        ("1 1/2 in", BAR, "1.5", "in"),
        ("3 sheets", SHEET, "3", "piece"),
        ("3 lengths", BAR, "3", "piece"),
        ("12'", BAR, "12", "ft"),
        ({"text": "2,5", "unit": "t"}, BAR, "2.5", "t"),  # the page: the typed text and the picker's unit
        ({"text": "250 lb", "unit": "kg"}, BAR, "250", "lb"),  # a unit in the text wins over the picker
        ("2 cwt", BAR, "2", "cwt"),
        ("1 long cwt", BAR, "1", "long_cwt"),
        ("2 yd", BAR, "2", "yd"),
    ],
)
def test_texts_the_trade_types(
    client: TestClient, catalogue: None, quantity: Any, sku: str, value: str, unit: str
) -> None:
    r = _ask(client, quantity, sku=sku)
    assert r.status_code == 200, r.text
    requested = r.json()["lines"][0]["requested"]
    assert (requested["value"], requested["unit"]) == (value, unit)


def test_new_units_convert_by_their_legal_definitions(client: TestClient, catalogue: None) -> None:
    # 2 cwt = 200 lb = 90.718474 kg; 1 long cwt = 112 lb = 50.80234544 kg; 2 yd of a 50 mm bar = 1.8288 m
    # x 15.41343895 kg/m (7850 x pi x 0.025^2) = 28.188 kg
    assert _ask(client, "2 cwt").json()["lines"][0]["stock_quantity"]["value"] == "90.718474"
    assert _ask(client, "1 long_cwt").json()["lines"][0]["stock_quantity"]["value"] == "50.802346"  # rounded up
    assert _ask(client, "2 yd").json()["lines"][0]["weight_kg"] == "28.188"


@pytest.mark.parametrize(
    ("quantity", "says"),
    [
        ("1/0 in", "divides by zero"),
        ("1e999 kg", "exponent"),
        ("--5 kg", "must start with a number"),
        ("1,2,3 kg", "separators"),
        ("1\u0000 kg", ""),  # refused by the request guard or the reader: a 422 either way
        ("\u0661\u0662 kg", "digits other than 0-9"),
        ("9" * 30 + " kg", "too large"),
        ("x" * 300, ""),
        ("12", "needs a unit"),
    ],
)
def test_hostile_texts_are_a_clear_422(client: TestClient, catalogue: None, quantity: str, says: str) -> None:
    r = _ask(client, quantity)
    assert r.status_code == 422, r.text
    assert says in r.json()["detail"]


def test_value_and_unit_still_work_and_say_no_text(client: TestClient, catalogue: None) -> None:
    line = _ask(client, {"value": "2.5", "unit": "t"}).json()["lines"][0]
    assert line["requested"] == {"value": "2.5", "unit": "t", "text": None}
    assert Decimal(line["subtotal"]) == Decimal("3250.00")
