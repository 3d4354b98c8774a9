"""The product page follows the market: staff post a new LME copper value and the brass rod estimate on an open
page changes within 2 s (price.changed over SSE re-asks the estimate), showing the surcharge and its figure.

Hand calculation (docs/market.md, worked example 1; 1 EUR = 1.08 USD): 100 kg of CW617N at a 2.10 EUR/kg base is
210.00 EUR; copper 9720 USD/t x 0.58 / 1.08 = 5.22 EUR/kg -> 522.00; zinc 2916 x 0.39 / 1.08 = 1.053 -> 105.30;
subtotal 837.30 EUR. Copper at 10800 USD/t: 10800 x 0.58 / 1.08 = 5.80 EUR/kg -> 580.00; subtotal 895.30 EUR.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from browser_support import Site
from playwright.sync_api import Page, expect

ROD = "BR-CW617N-RB-20-WEB"


def _set_up_the_market(site: Site) -> None:
    today = datetime.now(UTC).date()
    with site.api(site.staff_token) as client:
        assert client.put("/api/v1/currencies/USD", json={"rate": "1.08", "minor_units": 2}).is_success
        index = {"unit": "t", "currency": "USD", "period": "day"}
        for name in ("LME-CU", "LME-ZN"):
            assert client.put(f"/api/v1/indices/{name}", json=index).is_success
        for name, value in (("LME-CU", "9720"), ("LME-ZN", "2916")):
            body = {"date": (today - timedelta(days=1)).isoformat(), "value": value}
            assert client.post(f"/api/v1/indices/{name}/values", json=body).is_success
        rod = {
            "sku": ROD,
            "name": "Brass round bar CW617N 20 mm x 3000 mm (web test)",
            "family": "brass",
            "grade": "CW617N-WEB",
            "form": "round_bar",
            "density_kg_m3": "8470",
            "dimensions_mm": {"diameter": "20", "length": "3000"},
            "stock_unit": "kg",
            "price": {
                "currency": "EUR",
                "tiers": [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "2.10", "per": "kg"}],
            },
        }
        assert client.post("/api/v1/products", json=rod).status_code == 201
        rule = {
            "surcharges": [
                {"index": "LME-CU", "share": "0.58", "reference": "0"},
                {"index": "LME-ZN", "share": "0.39", "reference": "0"},
            ]
        }
        assert client.put(f"/api/v1/price-rules/product/{ROD}", json=rule).status_code == 201


def test_a_new_copper_value_moves_the_open_brass_estimate_within_2_s(page: Page, site: Site, screenshots: Path) -> None:
    _set_up_the_market(site)
    page.goto(f"/products/{ROD}")
    expect(page.locator("#live-status")).to_have_text("Live")
    page.get_by_label("Quantity").fill("100 kg")
    result = page.locator("#est-result")
    expect(result.locator("[data-out=subtotal]")).to_have_text("837.30 EUR")
    expect(result.locator("[data-out=base]")).to_have_text("210.00 EUR")
    surcharge = result.locator("[data-out=surcharges]")
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    expect(surcharge).to_contain_text(f"LME-CU 9720 USD/t ({yesterday}): 5.22 EUR/kg \u00d7 100 kg = 522.00 EUR")
    expect(surcharge).to_contain_text("LME-ZN 2916 USD/t")

    with site.api(site.staff_token) as client:
        posted_at = time.monotonic()
        body = {"date": datetime.now(UTC).date().isoformat(), "value": "10800"}
        assert client.post("/api/v1/indices/LME-CU/values", json=body).status_code == 201
    # price.changed -> the page re-asks the estimate; the new figure must be on screen within 2 s of the post
    expect(result.locator("[data-out=subtotal]")).to_have_text("895.30 EUR", timeout=2000)
    took = time.monotonic() - posted_at
    expect(surcharge).to_contain_text("LME-CU 10800 USD/t")
    expect(surcharge).to_contain_text("5.8 EUR/kg \u00d7 100 kg = 580.00 EUR")
    assert took < 2.0
    page.locator("#estimate").screenshot(path=str(screenshots / "product-market-surcharge.png"))
