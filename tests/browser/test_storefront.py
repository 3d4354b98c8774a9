"""`/`: search with type-ahead, facets as filters, hits with live stock badges and "from" prices."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from browser_support import GRANULES, Site
from playwright.sync_api import Page, expect


def test_a_search_with_a_typo_finds_aluminium_and_the_url_keeps_it(page: Page, screenshots: Path) -> None:
    page.goto("/")
    page.fill("#q", "alumnium sheet")
    page.press("#q", "Enter")

    expect(page).to_have_url(re.compile(r"/\?q=alumnium\+sheet"))
    expect(page.locator("#results-title")).to_contain_text("for \u201calumnium sheet\u201d")
    expect(page.locator("#corrections")).to_contain_text("aluminium sheet")
    expect(page.locator("#corrections")).to_contain_text("alumnium")
    hits = page.locator("#hits > li")
    expect(hits.first).to_be_visible()
    assert hits.count() == 20, "a full first page of aluminium sheets"
    for name in hits.locator("h3").all_inner_texts():
        assert name.startswith("Aluminium sheet"), name
    for price in hits.locator(".price").all_inner_texts():
        assert re.fullmatch(r"from \d+\.\d{2} EUR / \w+", price), price
    for badge in hits.locator(".badge").all_inner_texts():
        assert re.fullmatch(r"In stock: [\d.]+ \w+|Out of stock", badge), badge
    expect(page.locator("a[rel=next]")).to_be_visible()

    page.locator("#q").blur()
    page.screenshot(path=str(screenshots / "storefront.png"))

    page.reload()  # the URL holds the search: a reload (or a shared link) shows the same answer
    expect(page.locator("#q")).to_have_value("alumnium sheet")
    expect(page.locator("#results-title")).to_contain_text("for \u201calumnium sheet\u201d")


def test_type_ahead_is_operable_with_the_keyboard(page: Page) -> None:
    page.goto("/")
    box = page.locator("#q")
    box.press_sequentially("alumi", delay=30)
    options = page.locator("#suggestions [role=option]")
    expect(page.locator("#suggestions")).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(options.first).to_have_text(re.compile("^aluminium"))

    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    box.press("ArrowUp")  # wraps to the last option
    expect(options.last).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(page.locator("#suggestions")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press("ArrowDown")  # opens the list again on the first option
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/\?q=aluminium$"))
    expect(page.locator("#results-title")).to_contain_text("for \u201caluminium\u201d")

    # A product suggestion opens its page.
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially("ss 316 tu", delay=30)
    product = page.locator("#suggestions [data-kind=product]").first
    expect(product).to_be_visible()
    while page.locator("#suggestions [aria-selected=true][data-kind=product]").count() == 0:
        box.press("ArrowDown")
    sku = page.locator("#suggestions [aria-selected=true] .kind").inner_text()
    box.press("Enter")
    expect(page).to_have_url(re.compile(f"/products/{re.escape(sku)}$"))
    expect(page.locator("h1")).to_contain_text("316")


def test_facets_filter_and_the_url_holds_them(page: Page) -> None:
    page.goto("/?q=alumnium+sheet")
    total = int(page.locator("#results-title").inner_text().split()[0])
    grade = page.locator("#filters input[name=grade][value='5083']")
    grade.check()  # applies at once
    expect(page).to_have_url(re.compile(r"grade=5083"))
    expect(page.locator("#filters input[name=grade][value='5083']")).to_be_checked()
    narrowed = int(page.locator("#results-title").inner_text().split()[0])
    assert 0 < narrowed < total
    for meta in page.locator("#hits .meta").all_inner_texts():
        assert "5083" in meta, meta

    page.locator("#in_stock").check()
    expect(page).to_have_url(re.compile(r"in_stock=1"))
    for badge in page.locator("#hits .badge").all_inner_texts():
        assert badge.startswith("In stock"), badge

    page.select_option("#sort", "price")
    expect(page).to_have_url(re.compile(r"sort=price"))
    prices = [Decimal(p.split()[1]) for p in page.locator("#hits .price").all_inner_texts()]
    assert prices == sorted(prices)

    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/\?q=alumnium\+sheet&sort=price$"))
    expect(page.locator("#results-title")).to_contain_text(f"{total} products")


def test_a_stock_badge_changes_live_without_a_reload(page: Page, site: Site) -> None:
    page.goto(f"/?q={GRANULES}")
    badge = page.locator(f".badge[data-sku='{GRANULES}']")
    before = Decimal(badge.get_attribute("data-available") or "")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.evaluate("window.sameDocument = true")

    site.receive(GRANULES, "MIL", "50", "kg")

    expect(badge).to_have_text(f"In stock: {before + 50} kg", timeout=1000)
    assert page.evaluate("window.sameDocument === true"), "the page was reloaded"


def test_an_unknown_product_gets_a_friendly_page(page: Page) -> None:
    response = page.goto("/products/NO-SUCH-SKU")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("No product NO-SUCH-SKU")
    expect(page.get_by_label("Search the catalogue instead")).to_have_value("NO-SUCH-SKU")


def test_a_bad_filter_is_explained_on_the_page(page: Page) -> None:
    response = page.goto("/?family=unobtainium")
    assert response is not None and response.status == 422
    expect(page.locator(".message.error")).to_contain_text("unknown family 'unobtainium'")
