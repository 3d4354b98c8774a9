"""`/products/{sku}`: the product's data, live stock per warehouse and the estimator."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from browser_support import BAR, GRANULES, SHEET, Site
from playwright.sync_api import Browser, Page, expect


def _out(page: Page, name: str) -> str:
    return f"#est-result [data-out={name}]"


def test_a_product_opens_from_the_search_with_its_data(page: Page) -> None:
    page.goto("/")
    page.fill("#q", SHEET)
    page.press("#q", "Enter")
    page.get_by_role("link", name="Aluminium sheet 6061-T6 2 x 1250 x 2500 mm (web test)").click()

    expect(page).to_have_url(re.compile(f"/products/{SHEET}$"))
    expect(page.locator("h1")).to_have_text("Aluminium sheet 6061-T6 2 x 1250 x 2500 mm (web test)")
    facts = page.locator("dl.facts")
    for label, value in [
        ("Grade", "6061-T6"),
        ("Form", "Sheet"),
        ("Thickness", "2 mm"),
        ("Width", "1250 mm"),
        ("Length", "2500 mm"),
        ("Density", "2700 kg/m³"),
        ("Weight per m²", "5.4 kg/m²"),
        ("Weight per sheet", "16.875 kg"),
        ("Certificates", "EN 10204 3.1"),
        ("Standard", "EN 485-2"),
    ]:
        expect(facts.locator("div", has=page.locator(f"dt:text-is('{label}')")).locator("dd")).to_have_text(value)
    stock = page.locator("#stock")
    expect(stock.locator("caption")).to_have_text("In kg, per warehouse")
    expect(stock.locator("tr[data-warehouse=RTM] [data-field=available]")).to_have_text("40")
    expect(page.locator("#tiers tr").first).to_have_text("Any quantity4.00 EUR / kg")
    expect(page.locator("#tiers tr").nth(1)).to_have_text("500 kg3.60 EUR / kg")


def test_typing_250_lb_prices_it_as_you_type(page: Page, screenshots: Path) -> None:
    page.goto(f"/products/{SHEET}")
    qty = page.get_by_label("Quantity")
    qty.press_sequentially("250 lb", delay=40)  # each keystroke re-asks; only the newest answer may show

    # 250 lb = 113.3980925 kg; 113.3980925 kg x 4.00 EUR/kg = 453.59; 20 % tax = 90.72; total 544.31 EUR
    expect(page.locator(_out(page, "total"))).to_have_text("544.31 EUR")
    expect(page.locator(_out(page, "subtotal"))).to_have_text("453.59 EUR")
    expect(page.locator(_out(page, "tax"))).to_have_text("90.72 EUR (20%)")
    expect(page.locator(_out(page, "weight"))).to_have_text("113.398 kg")
    expect(page.locator(_out(page, "quantity"))).to_have_text("250 lb")
    expect(page.locator(_out(page, "stock_quantity"))).to_have_text("113.398093 kg")
    expect(page.locator(_out(page, "tier"))).to_have_text("base price: 4.00 EUR / kg")
    expect(page.locator(_out(page, "unit_price"))).to_have_text("4.00 EUR / kg")
    expect(page.locator(_out(page, "availability"))).to_contain_text("In stock")
    expect(page.get_by_label("Unit")).to_have_value("lb")  # the typed unit moved the picker
    expect(page.locator("#estimate")).to_have_attribute("aria-live", "polite")
    expect(page.locator("[data-row=fees]")).to_be_hidden()

    # A larger quantity reaches the next tier and more than is in stock.
    qty.fill("600 kg")
    expect(page.locator(_out(page, "total"))).to_have_text("2592.00 EUR")  # 600 x 3.60 = 2160.00 + 432.00 tax
    expect(page.locator(_out(page, "tier"))).to_have_text("from 500 kg: 3.60 EUR / kg")
    expect(page.locator(_out(page, "availability"))).to_contain_text("Partly in stock")

    # The picker works too: 3 sheets of 16.875 kg = 50.625 kg x 4.00 = 202.50 + 40.50 tax = 243.00
    qty.fill("3")
    page.get_by_label("Unit").select_option("piece")
    expect(page.locator(_out(page, "total"))).to_have_text("243.00 EUR")
    expect(page.locator(_out(page, "quantity"))).to_have_text("3 sheets")

    # Cut to size: fees appear in the breakdown.
    page.get_by_text("Cut to size (optional)").click()
    page.get_by_label("Length (mm)").fill("1000")
    page.get_by_label("Width (mm)").fill("500")
    expect(page.locator(_out(page, "fees"))).to_contain_text("cutting:")
    page.get_by_label("Length (mm)").fill("")
    page.get_by_label("Width (mm)").fill("")

    qty.fill("250 lb")
    expect(page.locator(_out(page, "total"))).to_have_text("544.31 EUR")
    qty.blur()
    page.screenshot(path=str(screenshots / "product-estimate.png"), full_page=True)


def test_impossible_inputs_get_clear_messages(page: Page, site: Site) -> None:
    page.goto(f"/products/{GRANULES}")
    with site.api() as client:
        units = client.get(f"/api/v1/products/{GRANULES}").json()["units"]
    picker = page.get_by_label("Unit")
    offered = picker.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert sorted(offered) == sorted(units) and offered[0] == "kg", "the product's units, its stock unit first"
    assert "m2" not in offered
    assert page.locator("#cut-length").count() == 0, "granules are not cut to size"

    qty = page.get_by_label("Quantity")
    qty.fill("4 m2")  # typed past the picker: the server says which units it can be sold in
    error = page.locator("#est-error")
    expect(error).to_contain_text("cannot be measured in m2")
    expect(error).to_contain_text("it can be sold in kg, g, t, lb")
    expect(qty).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#est-result")).to_be_hidden()

    qty.fill("lots")  # read by the server's one quantity reader, which says what to type
    expect(error).to_contain_text("must start with a number, e.g. '250 lb'")

    qty.fill("-5 kg")
    expect(error).to_contain_text("must be greater than zero")

    qty.fill("10 kg")  # sold in 25 kg bags: rounded up, and the breakdown says so
    expect(page.locator(_out(page, "total"))).to_have_text("57.00 EUR")  # 25 kg x 1.90 = 47.50 + 9.50 tax
    expect(page.locator(_out(page, "adjustments"))).to_contain_text("25")
    expect(error).to_be_hidden()
    expect(qty).not_to_have_attribute("aria-invalid", "true")


def test_stock_changes_on_the_page_within_a_second(page: Page, site: Site) -> None:
    page.goto(f"/products/{SHEET}")
    mil = page.locator("#stock tr[data-warehouse=MIL]")
    before = Decimal(mil.locator("[data-field=on_hand]").inner_text())
    total = Decimal(page.locator("#stock tfoot [data-field=available]").inner_text())
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.evaluate("window.sameDocument = true")

    site.receive(SHEET, "MIL", "25", "kg")

    expect(mil.locator("[data-field=on_hand]")).to_have_text(str(before + 25), timeout=1000)
    expect(mil.locator("[data-field=available]")).to_have_text(str(before + 25), timeout=1000)
    expect(page.locator("#stock tfoot [data-field=available]")).to_have_text(str(total + 25), timeout=1000)

    # A warehouse opened after the page was loaded gets its row.
    with site.api(site.staff_token) as client:
        opened = client.post("/api/v1/warehouses", json={"code": "GDN", "name": "Gdansk"})
        assert opened.status_code == 201, opened.text
    assert page.locator("#stock tr[data-warehouse=GDN]").count() == 0
    site.receive(SHEET, "GDN", "0.5", "t")
    expect(page.locator("#stock tr[data-warehouse=GDN] [data-field=on_hand]")).to_have_text("500", timeout=1000)
    expect(page.locator("#stock tfoot [data-field=on_hand]")).to_have_text(str(total + 525), timeout=1000)
    assert page.evaluate("window.sameDocument === true"), "the page was reloaded"


def test_an_estimate_on_screen_follows_the_stock(page: Page, site: Site) -> None:
    page.goto(f"/products/{GRANULES}")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.get_by_label("Quantity").fill("1000000 kg")
    availability = page.locator(_out(page, "availability"))
    expect(availability).to_contain_text("Partly in stock")
    before = Decimal(re.search(r"([\d.]+) kg available now", availability.inner_text()).group(1))  # type: ignore[union-attr]

    site.receive(GRANULES, "RTM", "100", "kg")

    expect(availability).to_contain_text(f"{before + 100} kg available now")


def _typed_in(browser: Browser, site: Site, locale: str, text: str, read: str) -> str:
    """Type `text` in a browser whose language is `locale`; wait until the page says it read `read`; the total."""
    context = browser.new_context(locale=locale, base_url=site.base)
    try:
        page = context.new_page()
        page.goto(f"/products/{SHEET}")
        page.get_by_label("Quantity").press_sequentially(text, delay=30)
        expect(page.locator(_out(page, "read"))).to_have_text(read)
        expect(page.locator("#estimate")).to_have_attribute("data-state", "ok")
        return page.locator(_out(page, "total")).inner_text()
    finally:
        context.close()


def test_typed_thousands_are_read_by_the_browsers_language(browser: Browser, site: Site) -> None:
    # en-US: "1,500 lb" is 1500 lb = 680.388555 kg (1 lb = 0.45359237 kg), over the 500 kg tier:
    # 680.388555 x 3.60 = 2449.40 + 20 % tax 489.88 = 2939.28 EUR
    assert _typed_in(browser, site, "en-US", "1,500 lb", "1500 lb") == "2939.28 EUR"
    # de-DE writes 1,5 for one and a half: the same keys are 1.5 lb = 0.680388555 kg x 4.00 = 2.72 + 0.54 tax
    assert _typed_in(browser, site, "de-DE", "1,500 lb", "1.5 lb") == "3.26 EUR"
    # and "1.500 lb" is 1500 lb there
    assert _typed_in(browser, site, "de-DE", "1.500 lb", "1500 lb") == "2939.28 EUR"


def test_fractions_and_an_ambiguous_text_on_the_page(page: Page) -> None:
    page.goto(f"/products/{SHEET}")
    qty = page.get_by_label("Quantity")
    qty.fill("1 1/2 sheets")
    expect(page.locator(_out(page, "read"))).to_have_text("1.5 sheets")
    expect(page.get_by_label("Unit")).to_have_value("piece")
    page.set_extra_http_headers({"Accept-Language": "*"})  # no language: "1,500" can be read two ways
    qty.fill("1,500 kg")
    error = page.locator("#est-error")
    expect(error).to_contain_text("ambiguous")
    expect(error).to_contain_text("1500 kg")
    expect(error).to_contain_text("1.5 kg")
    expect(qty).to_have_attribute("aria-invalid", "true")


def test_a_cut_list_draws_its_plan_and_prices_it_live(page: Page, screenshots: Path) -> None:
    """The issue's case on the page: 600 mm parts from 1000 mm bars take a bar each (2 x 600 > 1000).

    Hand calculation (docs/cutting.md's geometry: 5 mm trim + 3 mm kerf, each part then one kerf): a bar holds
    8 + 600 + 3 + 300 = 911 mm but never two 600s or a 600 with two 300s (8 + 603 + 603 > 1000); three 300s fit
    (8 + 303 + 303 + 300 = 914). Goods 4.00 EUR a bar, 2.00 EUR a cut, 20 % tax.
    """
    page.goto(f"/products/{BAR}")
    page.get_by_text("Cut to size (optional)").click()
    page.get_by_label("Length (mm), size 1").press_sequentially("600", delay=30)
    page.get_by_label("Count, size 1").fill("10")
    # 10 bars x 4.00 + 10 cuts x 2.00 = 60.00; tax 12.00
    expect(page.locator(_out(page, "total"))).to_have_text("72.00 EUR")
    expect(page.locator(_out(page, "stock_quantity"))).to_have_text("10 bars")
    plan = page.locator("#cut-plan")
    expect(plan.locator("figcaption")).to_contain_text("10 parts from 10 bars (the fewest possible)")
    drawings = plan.locator("svg.cut-piece")
    expect(drawings).to_have_count(1)
    expect(plan.locator(".cut-count").first).to_have_text("10 \u00d7")
    expect(drawings.first.locator("g.part")).to_have_count(1)
    expect(drawings.first.locator("rect.scrap")).to_have_count(1)  # 389 mm: shorter than the 500 mm kept

    # A second size fills the offcuts: still 10 bars, one more cut each; the drawing follows.
    page.get_by_role("button", name="Add a size").click()
    page.get_by_label("Length (mm), size 2").fill("300")
    page.get_by_label("Count, size 2").fill("10")
    expect(page.locator(_out(page, "total"))).to_have_text("96.00 EUR")  # 40.00 + 20 x 2.00 = 80.00 + 16.00
    expect(drawings.first.locator("g.part")).to_have_count(2)

    # Four more 300s: one bar takes three, one the last: 12 bars, 24 cuts = 48.00 + 48.00 + 19.20 tax.
    page.get_by_label("Count, size 2").fill("14")
    expect(page.locator(_out(page, "total"))).to_have_text("115.20 EUR")
    expect(page.locator(_out(page, "stock_quantity"))).to_have_text("12 bars")
    expect(page.locator(_out(page, "quantity"))).to_have_text("24 parts")
    expect(drawings).to_have_count(3)
    expect(plan.locator(".cut-count")).to_have_text(["10 \u00d7", "1 \u00d7", "1 \u00d7"])
    expect(drawings.nth(1).locator("g.part")).to_have_count(3)
    expect(drawings.nth(1).locator("g.part").first).to_have_attribute("data-size", "300")

    # A part longer than the bar: the server's 422 names it and marks its row.
    page.get_by_label("Length (mm), size 2").fill("1200")
    expect(page.locator("#est-error")).to_contain_text("Size 2: 1200 mm is longer than any stock piece (1000 mm)")
    expect(page.get_by_label("Length (mm), size 2")).to_have_attribute("aria-invalid", "true")
    expect(plan).to_be_hidden()
    page.get_by_label("Length (mm), size 2").fill("300")
    expect(plan).to_be_visible()
    expect(page.locator("#est-error")).to_be_hidden()
    expect(page.locator(_out(page, "total"))).to_have_text("115.20 EUR")
    page.get_by_label("Count, size 2").blur()
    page.screenshot(path=str(screenshots / "product-cut-list.png"), full_page=True)


def test_a_sheet_cut_list_is_drawn_to_scale(page: Page) -> None:
    """The issue's sheet cases: two 1500 x 1000 parts need two 2500 x 1250 sheets; 1000 x 2000 fits turned."""
    page.goto(f"/products/{SHEET}")
    page.get_by_text("Cut to size (optional)").click()
    page.get_by_label("Length (mm), size 1").fill("1500")
    page.get_by_label("Width (mm), size 1").fill("1000")
    page.get_by_label("Count, size 1").fill("2")
    plan = page.locator("#cut-plan")
    expect(plan.locator("figcaption")).to_contain_text("2 parts from 2 sheets")
    expect(plan.locator(".cut-count")).to_have_text(["2 \u00d7"])
    drawing = plan.locator("svg.cut-piece").first
    expect(drawing).to_have_attribute("viewBox", "0 0 2500 1250")
    page.get_by_label("Length (mm), size 1").fill("1000")
    page.get_by_label("Width (mm), size 1").fill("2000")
    page.get_by_label("Count, size 1").fill("1")
    expect(plan.locator("figcaption")).to_contain_text("1 part from 1 sheet")
    part = drawing.locator("g.part")
    expect(part).to_have_attribute("data-size", "1000 \u00d7 2000")
    expect(part.locator("rect")).to_have_attribute("width", "2000")  # turned: its 2000 mm along the sheet


def test_a_cut_list_names_the_remnant_lot_it_is_cut_from(page: Page, site: Site) -> None:
    """A product of its own (the shared bar's stock stays as the other tests expect) with a 700 mm remnant of heat
    RW-7: a 600 mm part is cut from the remnant, and the plan says so beside the drawing."""
    sku = "WEB-ST-FB-REMNANT"
    body = {
        "sku": sku,
        "name": "Steel flat bar S235 40 x 10 mm x 1000 mm (remnant web test)",
        "family": "steel",
        "grade": "S235",
        "form": "flat_bar",
        "density_kg_m3": "7850",
        "dimensions_mm": {"width": "40", "thickness": "10", "length": "1000"},
        "stock_unit": "piece",
        "piece_name": "bar",
        "cut_fee": "2.00",
        "price": {
            "currency": "EUR",
            "tiers": [{"min_quantity": {"value": "0", "unit": "piece"}, "unit_price": "4.00", "per": "piece"}],
        },
    }
    with site.api(site.staff_token) as client:
        assert client.post("/api/v1/products", json=body).status_code == 201
        site.receive(sku, "DUI", "5", "piece")
        remnant = {"heat": "RW-7", "dimensions_mm": {"width": "40", "thickness": "10", "length": "700"}}
        r = client.post(
            "/api/v1/stock/movements",
            json={
                "sku": sku,
                "warehouse": "DUI",
                "kind": "receipt",
                "quantity": {"value": "1", "unit": "piece"},
                "lot": remnant,
            },
        )
        assert r.status_code == 201, r.text
        lot_id = r.json()["lot_id"]
    page.goto(f"/products/{sku}")
    page.get_by_text("Cut to size (optional)").click()
    page.get_by_label("Length (mm), size 1").fill("600")
    page.get_by_label("Count, size 1").fill("2")
    plan = page.locator("#cut-plan")
    expect(plan.locator(".cut-count")).to_have_count(2)
    expect(plan.locator(".cut-remnant")).to_have_text([f"from remnant lot {lot_id} (heat RW-7)"])
    expect(page.locator(_out(page, "adjustments"))).to_contain_text(f"remnant lot {lot_id} (heat RW-7)")
