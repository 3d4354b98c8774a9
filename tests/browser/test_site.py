"""What holds for every page: under 100 KB, nothing from another origin, labelled and legible, fits a phone."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from browser_support import GRANULES, SHEET, Site
from playwright.sync_api import Browser, Page, expect

PAGE_BUDGET = 100_000  # bytes of HTML + CSS + JavaScript, before images
PAGES = ["/", "/?q=alumnium+sheet", "/?q=steel", f"/products/{SHEET}", f"/products/{GRANULES}", "/staff"]

# For each element with text of its own: its colour against the first opaque background behind it.
CONTRAST = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] === 1) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.checkVisibility() || el.closest("[hidden]")) continue;
    const style = getComputedStyle(el);
    const a = lum(rgb(style.color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < need) low.push(`${el.tagName}.${el.className} "${text}" ${ratio.toFixed(2)}`);
  }
  return low;
}"""

UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter((el) => el.type !== "hidden")
  .filter((el) => !(el.labels && el.labels.length))
  .filter((el) => !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
  .map((el) => el.id || el.name)"""


def page_weight(client: httpx.Client, path: str) -> tuple[int, int]:
    """Bytes of the page's HTML and of the CSS and JavaScript it links (same origin only)."""
    html = client.get(path)
    assert html.status_code == 200, (path, html.status_code)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html.text)
    assert assets, f"{path} links no stylesheet or script"
    size = 0
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        size += len(response.content)
    return len(html.content), size


def test_every_page_is_under_100_kb_before_images(site: Site) -> None:
    with httpx.Client(base_url=site.base, headers={"Accept-Encoding": "identity"}) as client:
        sizes = {path: page_weight(client, path) for path in PAGES}
        # The signed-in staff page, with a ledger and the orders to ship.
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff").text).group(1)  # type: ignore[union-attr]
        client.post("/staff/session", data={"token": site.staff_token, "csrf": csrf})
        sizes[f"/staff?sku={GRANULES}"] = page_weight(client, f"/staff?sku={GRANULES}")
    print("\npage weights (HTML + CSS/JS bytes):")
    for path, (html, assets) in sizes.items():
        print(f"  {path:40} {html:>7} + {assets:>6} = {html + assets:>7}")
    heavy = {path: html + assets for path, (html, assets) in sizes.items() if html + assets >= PAGE_BUDGET}
    assert not heavy, f"over {PAGE_BUDGET} bytes: {heavy}"


def test_nothing_is_fetched_from_another_origin(page: Page, site: Site) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/")
    page.locator("#q").press_sequentially("alumi", delay=30)
    expect(page.locator("#suggestions")).to_be_visible()
    page.goto(f"/products/{SHEET}")
    page.get_by_label("Quantity").fill("1 t")
    expect(page.locator("#est-result [data-out=total]")).to_be_visible()
    page.goto("/staff")
    assert any("/api/v1/search/suggest" in url for url in requests)
    assert any("/api/v1/events" in url for url in requests)
    foreign = [url for url in requests if not url.startswith(site.base) and not url.startswith("data:")]
    assert not foreign, foreign


@pytest.mark.parametrize("path", ["/?q=alumnium+sheet", f"/products/{SHEET}", "/staff", "/products/NOPE"])
def test_inputs_are_labelled_and_text_has_contrast(page: Page, path: str) -> None:
    page.goto(path)
    if path.startswith("/products/W"):
        page.get_by_label("Quantity").fill("-1")  # the error message's colours count too
        expect(page.locator("#est-error")).to_be_visible()
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate(CONTRAST) == []
    assert page.locator("main h1").count() == 1
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_keyboard_reaches_the_search_with_a_visible_focus(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    expect(page.locator("#q")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_pages_fit_a_phone_screen(browser: Browser, site: Site, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=site.base, is_mobile=True)
    page = context.new_page()
    try:
        for path in ["/?q=alumnium+sheet", f"/products/{SHEET}", "/staff"]:
            page.goto(path)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        page.goto("/?q=alumnium+sheet")
        expect(page.locator("#filters > summary")).to_be_visible()  # filters fold away on a small screen
        expect(page.locator("#filters input[name=grade]").first).to_be_hidden()
        page.goto(f"/products/{SHEET}")
        page.get_by_label("Quantity").fill("250 lb")
        expect(page.locator("#est-result [data-out=total]")).to_have_text("544.31 EUR")
        page.evaluate("document.getElementById('est-title').scrollIntoView()")
        page.screenshot(path=str(screenshots / "phone-product.png"))
    finally:
        context.close()
