"""Browser tests: a real `steelyard serve` (two workers) on a migrated, seeded SQLite file, and Debian's Chromium
driven by the `playwright` package. Nothing is downloaded: Chromium is /usr/bin/chromium (`apt-get install chromium`;
`.ci/run` installs it), never `playwright install`. A missing browser fails the run; it does not skip."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import BAR, GRANULES, SHEET, Site
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from servers import UNLIMITED, running_server
from steelyard.access.model import Role
from steelyard.access.service import create_account, create_token
from steelyard.db import Database, make_engine
from steelyard.demo import generate
from steelyard.inventory.seed import load
from steelyard.migrate import migrate

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("STEELYARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """A migrated SQLite file: the 2000-product demo catalogue in three warehouses, a staff and a customer token."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'steelyard-web.db'}"
    migrate(url, "head")
    db = Database(make_engine(url, pool_size=1, max_overflow=0))
    try:
        with db.write() as conn:
            catalogue = generate(products=2000, seed=42)
            load(conn, warehouses=catalogue.warehouses, items=catalogue.products)
            staff = create_token(conn, role=Role.STAFF, name="Sam Staff")
            account = create_account(conn, name="Acme Fabrication", currency="EUR")
            customer = create_token(conn, role=Role.CUSTOMER, name="Acme buyer", account_id=account)
    finally:
        db.dispose()
    return url, staff, customer


@pytest.fixture(scope="session")
def site(database: tuple[str, str, str]) -> Iterator[Site]:
    """`steelyard serve --workers 2` on the database (events cross processes through the outbox)."""
    url, staff, customer = database
    # Plain http on 127.0.0.1, as `make run` serves: the staff cookie is not marked Secure there.
    # One browser on 127.0.0.1 plays every visitor of the session (each page opens its event stream, each keystroke
    # in the estimator prices a quote): the per-client limits, tested on their own, are off here.
    secret = {
        **UNLIMITED,
        "STEELYARD_SESSION_SECRET": "browser-tests-session-secret-0123456789",
        "STEELYARD_SESSION_HTTPS_ONLY": "false",
    }
    with running_server(url, workers=2, env=secret) as (base, _):
        served = Site(base=base, staff_token=staff, customer_token=customer)
        _add_test_products(served)
        yield served


def _add_test_products(site: Site) -> None:
    sheet = {
        "sku": SHEET,
        "name": "Aluminium sheet 6061-T6 2 x 1250 x 2500 mm (web test)",
        "family": "aluminium",
        "grade": "6061-T6",
        "form": "sheet",
        "density_kg_m3": "2700",
        "dimensions_mm": {"thickness": "2", "width": "1250", "length": "2500"},
        "stock_unit": "kg",
        "piece_name": "sheet",
        "price": {
            "currency": "EUR",
            "tiers": [
                {"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "4.00", "per": "kg"},
                {"min_quantity": {"value": "500", "unit": "kg"}, "unit_price": "3.60", "per": "kg"},
            ],
        },
        "lead_time_days": 3,
        "attributes": {"standard": "EN 485-2", "certificate": "EN 10204 3.1"},
    }
    granules = {
        "sku": GRANULES,
        "name": "HDPE granules, 25 kg bag (web test)",
        "family": "plastic",
        "grade": "HDPE",
        "form": "granules",
        "density_kg_m3": "950",
        "stock_unit": "kg",
        "piece_name": "bag",
        "min_order": {"value": "25", "unit": "kg"},
        "increment": {"value": "25", "unit": "kg"},
        "price": {
            "currency": "EUR",
            "tiers": [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "1.90", "per": "kg"}],
        },
    }
    bar = {
        "sku": BAR,
        "name": "Steel flat bar S235 40 x 10 mm x 1000 mm (web test)",
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
        for body in (sheet, granules, bar):
            response = client.post("/api/v1/products", json=body)
            assert response.status_code == 201, response.text
    site.receive(SHEET, "MIL", "300", "kg")
    site.receive(SHEET, "RTM", "40", "kg")
    site.receive(GRANULES, "DUI", "1000", "kg")
    site.receive(BAR, "DUI", "30", "piece")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: apt-get install chromium (the browser tests never skip)")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, site: Site) -> Iterator[Page]:
    """A fresh browser context (no cookies) at desktop size; page errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=site.base)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
