"""The product page's estimate shows the order charge and the freight its subtotal counts (docs/charges.md).

Hand calculation: 5 kg of the demo sheet at 4.00 EUR/kg = 20.00 EUR of goods. A global minimum order of 100.00 EUR
adds the missing 80.00 EUR; the only carrier rule (truck, DE, 50.00 EUR + 0.10 EUR/kg) ships 5 kg for 50.50 EUR.
Subtotal 20.00 + 80.00 + 50.50 = 150.50 EUR.
"""

from __future__ import annotations

from pathlib import Path

from browser_support import SHEET, Site
from playwright.sync_api import Page, expect

CHARGE = "/api/v1/order-charges/global/minimum_order"
FREIGHT = "/api/v1/freight-rules/web-test-truck"


def test_the_estimate_shows_the_order_charge_and_the_freight_it_adds(page: Page, site: Site, screenshots: Path) -> None:
    with site.api(site.staff_token) as client:
        assert client.put(CHARGE, json={"threshold": "100.00", "currency": "EUR"}).is_success
        truck = {"kind": "truck", "countries": ["DE"], "base": "50.00", "per_kg": "0.10", "currency": "EUR"}
        assert client.put(FREIGHT, json=truck).is_success
    try:
        page.goto(f"/products/{SHEET}")
        page.get_by_label("Quantity").fill("5 kg")
        result = page.locator("#est-result")
        expect(result.locator("[data-out=subtotal]")).to_have_text("150.50 EUR")
        expect(result.locator("[data-row=charges]")).to_be_visible()
        expect(result.locator("[data-out=charges]")).to_contain_text("EUR 80.00 is added")
        expect(result.locator("[data-out=freight]")).to_contain_text("50.50 EUR")
        expect(result.locator("[data-out=freight]")).to_contain_text("web-test-truck")
        # Enough goods and the charge goes, live, as the buyer types: 30 kg = 120.00 EUR, freight 53.00 EUR.
        page.get_by_label("Quantity").fill("30 kg")
        expect(result.locator("[data-out=subtotal]")).to_have_text("173.00 EUR")
        expect(result.locator("[data-row=charges]")).to_be_hidden()
        page.get_by_label("Quantity").fill("5 kg")
        expect(result.locator("[data-out=subtotal]")).to_have_text("150.50 EUR")
        page.screenshot(path=str(screenshots / "product-charges.png"), full_page=True)
    finally:
        with site.api(site.staff_token) as client:  # the other page tests price without charges or freight
            assert client.delete(CHARGE).is_success
            assert client.delete(FREIGHT).is_success
