"""Prices that follow the market: price rules put surcharges and extras on quote lines, priced from the index values
staff post; a new value moves open estimates (and says so with price.changed) but never a stored quote.

Hand calculations (docs/market.md, worked examples 1 and 2; 1 EUR = 1.08 USD):
- brass CW617N, 100 kg, base 2.10 EUR/kg = 210.00 EUR; LME-CU 9720 USD/t x 0.58 / 1.08 = 5.22 EUR/kg -> 522.00;
  LME-ZN 2916 USD/t x 0.39 / 1.08 = 1.053 EUR/kg -> 105.30; subtotal 837.30 EUR.
- stainless 1.4301, 200 kg, base 3.50 EUR/kg = 700.00; alloy surcharge 2150 EUR/t = 2.15 EUR/kg -> 430.00; finish
  2B 0.10 EUR/kg -> 20.00; 3.1 certificate 25.00 per line; subtotal 1175.00 EUR.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from steelyard.db import Database
from steelyard.events.tables import events

IX = "/api/v1/indices"
R = "/api/v1/price-rules"
E = "/api/v1/estimates"
BRASS = "BR-CW617N-RB-20"
STAINLESS = "SS-1.4301-SH-2"
TODAY = datetime.now(UTC).date()
YESTERDAY = TODAY - timedelta(days=1)


def product(
    sku: str, family: str, grade: str, form: str, density: str, dims: dict[str, str], price: str, **more: Any
) -> dict[str, Any]:
    return {
        "sku": sku,
        "name": f"{family} {grade} {form}",
        "family": family,
        "grade": grade,
        "form": form,
        "density_kg_m3": density,
        "dimensions_mm": dims,
        "stock_unit": "kg",
        "price": {
            "currency": "EUR",
            "tiers": [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": price, "per": "kg"}],
        },
        **more,
    }


@pytest.fixture
def market(client: TestClient, staff: dict[str, str], admin: dict[str, str]) -> None:
    assert client.put("/api/v1/currencies/USD", json={"rate": "1.08", "minor_units": 2}, headers=admin).is_success
    for name, currency, period in (
        ("LME-CU", "USD", "day"),
        ("LME-ZN", "USD", "day"),
        ("ALLOY-1.4301", "EUR", "month"),
    ):
        r = client.put(f"{IX}/{name}", json={"unit": "t", "currency": currency, "period": period}, headers=staff)
        assert r.status_code == 201, r.text
    for name, when, value in (
        ("LME-CU", YESTERDAY, "9720"),
        ("LME-ZN", YESTERDAY, "2916"),
        ("ALLOY-1.4301", TODAY.replace(day=1), "2150"),
    ):
        r = client.post(f"{IX}/{name}/values", json={"date": when.isoformat(), "value": value}, headers=staff)
        assert r.status_code == 201, r.text
    for body in (
        product(BRASS, "brass", "CW617N", "round_bar", "8470", {"diameter": "20", "length": "3000"}, "2.10"),
        product(
            STAINLESS,
            "stainless",
            "1.4301",
            "sheet",
            "7930",
            {"thickness": "2", "width": "1000", "length": "2000"},
            "3.50",
            attributes={"finish": "2B"},
        ),
        product(
            "BR-CW617N-RB-30", "brass", "CW617N", "round_bar", "8470", {"diameter": "30", "length": "3000"}, "2.00"
        ),
    ):
        assert client.post("/api/v1/products", json=body, headers=staff).status_code == 201
    brass = {
        "surcharges": [
            {"index": "LME-CU", "share": "0.58", "reference": "0", "per": "kg", "basis": "order_date"},
            {"index": "LME-ZN", "share": "0.39", "reference": "0"},
        ]
    }
    assert client.put(f"{R}/grade/CW617N", json=brass, headers=staff).status_code == 201
    stainless = {
        "currency": "EUR",
        "surcharges": [{"index": "ALLOY-1.4301", "share": "1", "reference": "0"}],
        "extras": [
            {"kind": "finish", "value": "2B", "amount": "0.10", "per": "kg"},
            {"kind": "certificate", "value": "3.1", "amount": "25"},
        ],
    }
    assert client.put(f"{R}/family/stainless", json=stainless, headers=staff).status_code == 201


def line(sku: str, kg: str, **more: Any) -> dict[str, Any]:
    return {"sku": sku, "quantity": {"value": kg, "unit": "kg"}, **more}


def test_brass_is_priced_from_lme_copper_and_zinc(client: TestClient, market: None) -> None:
    r = client.post(E, json={"lines": [line(BRASS, "100")]})
    assert r.status_code == 200, r.text
    (priced,) = r.json()["lines"]
    assert priced["base"] == "210.00"
    cu, zn = priced["surcharges"]
    assert (cu["index"], cu["value"], cu["date"], cu["basis"]) == (
        "LME-CU",
        "9720",
        YESTERDAY.isoformat(),
        "order_date",
    )
    assert (cu["rate"], cu["amount"], cu["index_currency"], cu["share"]) == ("5.2200", "522.00", "USD", "0.58")
    assert (zn["index"], zn["value"], zn["rate"], zn["amount"]) == ("LME-ZN", "2916", "1.0530", "105.30")
    assert priced["subtotal"] == "837.30"
    assert r.json()["subtotal"] == "837.30"


def test_stainless_carries_its_alloy_surcharge_finish_and_certificate_extras(client: TestClient, market: None) -> None:
    body = {"lines": [line(STAINLESS, "200", requirements={"certificate": "3.1"}), line(STAINLESS, "50")]}
    first, second = client.post(E, json=body).json()["lines"]
    (alloy,) = first["surcharges"]
    assert (alloy["value"], alloy["date"], alloy["amount"]) == ("2150", TODAY.replace(day=1).isoformat(), "430.00")
    assert [(e["kind"], e["amount"]) for e in first["extras"]] == [("finish", "20.00"), ("certificate", "25.00")]
    assert (first["base"], first["subtotal"]) == ("700.00", "1175.00")
    # no certificate asked: no certificate extra; 50 kg: 175.00 + 107.50 + 5.00
    assert [e["kind"] for e in second["extras"]] == ["finish"]
    assert second["subtotal"] == "287.50"


def test_a_new_value_moves_estimates_and_announces_itself_but_a_stored_quote_keeps_its_prices(
    client: TestClient, market: None, staff: dict[str, str], db: Database
) -> None:
    quote = client.post("/api/v1/quotes", json={"lines": [line(BRASS, "100")]}).json()
    assert quote["lines"][0]["subtotal"] == "837.30"
    r = client.post(f"{IX}/LME-CU/values", json={"date": TODAY.isoformat(), "value": "10800"}, headers=staff)
    assert r.status_code == 201
    moved = client.post(E, json={"lines": [line(BRASS, "100")]}).json()["lines"][0]
    # 10800 x 0.58 / 1.08 = 5800 EUR/t -> 580.00
    assert (moved["surcharges"][0]["value"], moved["surcharges"][0]["amount"]) == ("10800", "580.00")
    assert moved["subtotal"] == "895.30"
    kept = client.get(f"/api/v1/quotes/{quote['id']}").json()
    assert kept["lines"][0]["surcharges"] == quote["lines"][0]["surcharges"]  # the figures it was made with
    assert kept["total"] == quote["total"] and kept["status"] == "open"
    with db.read() as conn:
        sent = [
            (e.sku, json.loads(e.data)) for e in conn.execute(select(events).where(events.c.type == "price.changed"))
        ]
    announced = [sku for sku, data in sent if data.get("market", {}).get("index") == "LME-CU"]
    assert sorted(announced) == ["BR-CW617N-RB-20", "BR-CW617N-RB-30"]  # the brass, not the stainless


def test_the_previous_months_average_and_a_missing_value(
    client: TestClient, market: None, staff: dict[str, str]
) -> None:
    last_month_end = TODAY.replace(day=1) - timedelta(days=1)
    # An index of its own, with no values yet: the fixture's LME-CU value is dated yesterday, which on the first day
    # of a month is in the previous month, so "no value last month" could not be asked of LME-CU on that day.
    daily = {"unit": "t", "currency": "USD", "period": "day"}
    assert client.put(f"{IX}/LME-CU-CASH", json=daily, headers=staff).status_code == 201
    rule = {"surcharges": [{"index": "LME-CU-CASH", "share": "0.58", "reference": "0", "basis": "period_average"}]}
    assert client.put(f"{R}/product/{BRASS}", json=rule, headers=staff).status_code == 201
    missing = client.post(E, json={"lines": [line(BRASS, "100")]})
    assert missing.status_code == 409 and missing.headers["content-type"] == "application/problem+json"
    detail = missing.json()["detail"]
    assert "LME-CU-CASH" in detail and "POST /api/v1/indices/LME-CU-CASH/values" in detail
    for day, value in ((3, "9612"), (4, "9828"), (5, "9720")):
        when = last_month_end.replace(day=day).isoformat()
        posted = client.post(f"{IX}/LME-CU-CASH/values", json={"date": when, "value": value}, headers=staff)
        assert posted.is_success
    (cu,) = client.post(E, json={"lines": [line(BRASS, "100")]}).json()["lines"][0]["surcharges"]
    # (9612 + 9828 + 9720) / 3 = 9720 -> 522.00, as on the order date; the product's own rule wins over its grade's
    assert (cu["basis"], cu["value"], cu["count"], cu["amount"]) == ("period_average", "9720", 3, "522.00")
    assert cu["date"] == last_month_end.replace(day=1).isoformat() and cu["until"] == last_month_end.isoformat()
    assert client.delete(f"{R}/product/{BRASS}", headers=staff).status_code == 204
    assert len(client.post(E, json={"lines": [line(BRASS, "100")]}).json()["lines"][0]["surcharges"]) == 2


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"surcharges": [{"index": "LME-NI", "share": "0.1", "reference": "0"}]}, "surcharges[0].index"),
        ({"surcharges": [{"index": "LME-CU", "share": "0", "reference": "0"}]}, "surcharges[0].share"),
        ({"surcharges": [{"index": "LME-CU", "share": "11", "reference": "0"}]}, "surcharges[0].share"),
        ({"surcharges": [{"index": "LME-CU", "share": "0.5", "reference": "-1"}]}, "surcharges[0].reference"),
        (
            {"surcharges": [{"index": "LME-CU", "share": "0.5", "reference": "0", "basis": "weekly"}]},
            "surcharges[0].basis",
        ),
        ({"surcharges": [{"index": "LME-CU", "share": "0.5", "reference": "0", "per": "m"}]}, "surcharges[0].per"),
        ({"surcharges": [{"index": "LME-CU", "share": "0.5", "reference": "0"}] * 2}, "surcharges[1].index"),
        ({"surcharges": [{"index": "LME-CU", "share": "0.5"}]}, "surcharges[0].reference"),
        ({"surcharges": [{"index": "LME-CU", "share": 0.5, "reference": "0"}]}, "surcharges[0].share"),
        ({"extras": [{"kind": "finish", "amount": "1", "per": "m2"}]}, "extras[0].per"),
        ({"extras": [{"kind": "certificate", "value": "4.0", "amount": "1"}]}, "extras[0].value"),
        ({"extras": [{"kind": "paint", "amount": "1"}]}, "extras[0].kind"),
        ({"extras": [{"kind": "finish", "amount": "-1"}]}, "extras[0].amount"),
        ({"extras": [{"kind": "finish", "amount": 0}]}, "extras[0].amount"),
        ({"currency": "XYZ"}, "currency"),
    ],
)
def test_a_bad_rule_is_a_422_naming_its_field_and_changes_nothing(
    client: TestClient, market: None, staff: dict[str, str], rule: dict[str, Any], field: str
) -> None:
    before = client.get(f"{R}/grade/CW617N").json()
    r = client.put(f"{R}/grade/CW617N", json=rule, headers=staff)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in r.json()["errors"]], r.json()
    assert client.get(f"{R}/grade/CW617N").json() == before


def test_who_may_set_rules_and_what_a_missing_one_answers(
    client: TestClient, market: None, customer: dict[str, str], staff: dict[str, str]
) -> None:
    body = {"surcharges": []}
    assert client.put(f"{R}/grade/CW614N", json=body).status_code == 401
    assert client.put(f"{R}/grade/CW614N", json=body, headers=customer).status_code == 403
    assert client.put(f"{R}/product/NO-SUCH-SKU", json=body, headers=staff).status_code == 404
    assert client.get(f"{R}/grade/CW614N").status_code == 404
    assert client.delete(f"{R}/grade/CW614N", headers=staff).status_code == 404
    listed = client.get(R, params={"limit": 1}).json()
    assert [(r["scope"], r["key"]) for r in listed["items"]] == [("family", "stainless")]
    rest = client.get(R, params={"limit": 1, "cursor": listed["next_cursor"]}).json()
    assert [(r["scope"], r["key"]) for r in rest["items"]] == [("grade", "CW617N")] and rest["next_cursor"] is None


def test_a_discount_is_on_the_base_only_and_the_order_keeps_the_quotes_figures(
    client: TestClient, market: None, staff: dict[str, str], tokens: Any, warehouses: list[str]
) -> None:
    from stock_helpers import move

    from steelyard.access.model import Role

    account = client.post(
        "/api/v1/accounts", json={"name": "Brass Works", "currency": "EUR", "discount_percent": "10"}, headers=staff
    ).json()
    customer = tokens.make(Role.CUSTOMER, "Brass Works", account_id=account["id"])
    move(client, staff, BRASS, warehouses[0], "receipt", "500", "kg")
    quote = client.post("/api/v1/quotes", json={"lines": [line(BRASS, "100")]}, headers=customer).json()
    (priced,) = quote["lines"]
    # base 100 x 2.10 x 0.90 = 189.00; the surcharges pass LME through undiscounted: 522.00 + 105.30
    assert (priced["base"], priced["subtotal"]) == ("189.00", "816.30")
    assert [s["amount"] for s in priced["surcharges"]] == ["522.00", "105.30"]
    assert client.post(
        f"{IX}/LME-CU/values", json={"date": TODAY.isoformat(), "value": "10800"}, headers=staff
    ).is_success
    order = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=customer)
    assert order.status_code == 201, order.text
    assert order.json()["subtotal"] == "816.30"  # the quote's price, made with LME-CU 9720, not today's 10800
