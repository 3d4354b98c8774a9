"""`/staff`: sign in with a token kept in the session cookie, post movements, read the ledger, ship orders."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from browser_support import GRANULES, Site
from playwright.sync_api import Page, expect


def sign_in(page: Page, token: str) -> None:
    page.goto("/staff")
    page.get_by_label("Staff token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_post_a_movement_and_see_it_in_the_ledger(page: Page, site: Site, screenshots: Path) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))

    sign_in(page, "sy_not-a-token")
    expect(page.locator("#signin-error")).to_contain_text("unknown or revoked")
    sign_in(page, site.customer_token)
    expect(page.locator("#signin-error")).to_contain_text("customer token")
    sign_in(page, site.staff_token)
    expect(page.locator("#who")).to_have_text("Sam Staff")
    expect(page).to_have_url(f"{site.base}/staff")

    cookie = next(c for c in page.context.cookies() if c["name"] == "steelyard_staff")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/staff"
    assert "steelyard_staff" not in page.evaluate("document.cookie"), "JavaScript cannot read the session"

    page.get_by_label("SKU", exact=True).fill(GRANULES)
    page.get_by_label("Movement", exact=True).select_option("receipt")
    page.get_by_label("Warehouse", exact=True).select_option("RTM")
    page.get_by_label("Quantity").fill("75 kg")
    page.get_by_label("Reason").fill("delivery note 4711")
    page.get_by_role("button", name="Post movement").click()

    expect(page.locator("#flash")).to_contain_text(f"Receipt of 75 kg of {GRANULES} posted")
    expect(page).to_have_url(re.compile(rf"/staff\?sku={GRANULES}#ledger$"))
    newest = page.locator("#ledger-table tbody tr").first
    expect(newest.locator("td").nth(1)).to_have_text("RTM")
    expect(newest.locator("td").nth(2)).to_have_text("receipt")
    expect(newest.locator("td").nth(3)).to_have_text("+75")
    expect(newest.locator("td").nth(4)).to_have_text("75 kg")
    expect(newest.locator("td").nth(8)).to_have_text("Sam Staff")
    expect(newest.locator("td").nth(9)).to_have_text("delivery note 4711")

    # A transfer books two rows; the API's ledger agrees with the page.
    page.get_by_label("Movement", exact=True).select_option("transfer")
    page.get_by_label("Warehouse", exact=True).select_option("RTM")
    page.get_by_label("To warehouse").select_option("MIL")
    page.get_by_label("Quantity").fill("25 kg")
    page.get_by_label("Reason").fill("")
    page.get_by_role("button", name="Post movement").click()
    expect(page.locator("#flash")).to_contain_text("Transfer of 25 kg")
    rows = page.locator("#ledger-table tbody tr")
    kinds = sorted(rows.nth(i).locator("td").nth(2).inner_text() for i in range(2))
    assert kinds == ["transfer in", "transfer out"], kinds
    with site.api(site.staff_token) as client:
        ledger = client.get("/api/v1/stock/movements", params={"sku": GRANULES, "limit": 3}).json()["items"]
    assert [str(e["id"]) for e in ledger] == [rows.nth(i).get_attribute("data-entry") for i in range(3)], (
        "the page shows the API's ledger, newest first"
    )
    page.screenshot(path=str(screenshots / "staff-ledger.png"), full_page=True)

    # An impossible movement is explained, and what was typed stays in the form.
    page.get_by_label("Movement", exact=True).select_option("adjustment")
    page.get_by_label("Quantity").fill("-3 kg")
    page.get_by_role("button", name="Post movement").click()
    expect(page.locator("#move-error")).to_contain_text("reason")
    expect(page.get_by_label("Quantity")).to_have_value("-3 kg")
    expect(page.get_by_label("Movement", exact=True)).to_have_value("adjustment")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Staff token")).to_be_visible()
    page.goto("/staff")
    expect(page.get_by_label("Staff token")).to_be_visible()
    assert not any(site.staff_token in url for url in urls), "the token must never be in a URL"


def test_staff_ship_an_accepted_order(page: Page, site: Site) -> None:
    with site.api(site.customer_token) as client:
        quote = client.post(
            "/api/v1/quotes",
            json={"lines": [{"sku": GRANULES, "quantity": {"value": "50", "unit": "kg"}}], "reserve": True},
        )
        assert quote.status_code == 201, quote.text
        order = client.post(f"/api/v1/quotes/{quote.json()['id']}/accept")
        assert order.status_code == 201, order.text
    order_id = order.json()["id"]

    sign_in(page, site.staff_token)
    orders = page.locator("#orders")
    expect(orders.get_by_role("row", name=re.compile(order_id))).to_contain_text(f"50 kg {GRANULES}")
    orders.get_by_role("button", name=f"Ship order {order_id}").click()

    expect(page.locator("#flash")).to_have_text(f"Order {order_id} shipped.")
    expect(orders.get_by_role("row", name=re.compile(order_id))).to_have_count(0)
    with site.api(site.staff_token) as client:
        assert client.get(f"/api/v1/orders/{order_id}").json()["status"] == "shipped"


def test_staff_forms_need_the_session_and_its_csrf_token(site: Site) -> None:
    with httpx.Client(base_url=site.base, follow_redirects=False) as client:
        form = client.get("/staff")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        forged = client.post("/staff/session", data={"token": site.staff_token, "csrf": "guess"})
        assert forged.status_code == 403
        assert "Staff sign-in" in client.get("/staff").text, "a forged sign-in signs no one in"
        signed = client.post("/staff/session", data={"token": site.staff_token, "csrf": csrf})
        assert signed.status_code == 303 and signed.headers["location"] == "/staff"
        assert site.staff_token not in signed.headers["location"]
        page = client.get("/staff")
        assert "Signed in as" in page.text and page.headers["cache-control"] == "no-store"
        movement = {"sku": GRANULES, "warehouse": "DUI", "kind": "receipt", "quantity": "1 kg", "csrf": "guess"}
        refused = client.post("/staff/movements", data=movement)
        assert refused.status_code == 401
    with httpx.Client(base_url=site.base) as stranger:  # no session at all
        assert stranger.post("/staff/movements", data=movement).status_code == 401
