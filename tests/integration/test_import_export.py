"""Import and export over HTTP: the identity round trip in every format, dry runs, all-or-nothing, upserts,
stocktakes booked in the ledger, customer price lists, CSV injection and the upload limit."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from import_helpers import PRICES_CSV, PRODUCTS_CSV, STOCK_CSV, export, snapshot, upload
from openpyxl import load_workbook
from sqlalchemy import select
from stock_helpers import assert_ledger_adds_up, level

from steelyard.access.service import create_account, get_account
from steelyard.app import create_app
from steelyard.config import Settings
from steelyard.db import Database, make_engine
from steelyard.demo import generate
from steelyard.events.tables import events
from steelyard.inventory.seed import load
from steelyard.inventory.tables import stock_movements
from steelyard.io.cells import Numbers
from steelyard.io.files import export_chunks
from steelyard.io.model import Kind
from steelyard.migrate import migrate


@pytest.fixture
def demo(db: Database, client: TestClient, staff: dict[str, str]) -> list[str]:
    """A demo catalogue of 120 products with stock in three warehouses, an account with a price list, and a beam
    made from its profile with its own cutting settings."""
    catalogue = generate(products=120, seed=11)
    with db.write() as conn:
        load(conn, warehouses=catalogue.warehouses, items=catalogue.products)
        create_account(
            conn,
            name="Acme",
            currency="EUR",
            discount_percent=Decimal("2.5"),
            price_list={"steel": Decimal("7"), "aluminium": Decimal("4.25")},
        )
    beam = {
        "sku": "ST-S355JR-IPE200-12000",
        "name": "Beam IPE 200 S355JR 12 m",
        "family": "steel",
        "grade": "S355JR",
        "form": "beam",
        "profile": "IPE 200",
        "density_kg_m3": "7850",
        "dimensions_mm": {"length": "12000"},
        "stock_unit": "m",
        "cutting": {"kerf_mm": "4", "rotation": False},
        "price": {
            "currency": "EUR",
            "tiers": [{"min_quantity": {"value": "0", "unit": "m"}, "unit_price": "31.50", "per": "m"}],
        },
    }
    r = client.post("/api/v1/products", json=beam, headers=staff)
    assert r.status_code == 201, r.text
    return [w["code"] for w in catalogue.warehouses]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "csv-comma"])
@pytest.mark.parametrize("kind", ["products", "prices", "stock"])
def test_export_then_import_changes_nothing(
    client: TestClient, staff: dict[str, str], demo: list[str], kind: str, fmt: str
) -> None:
    options = {"decimal": "comma"} if fmt == "csv-comma" else {}
    file_format = fmt.split("-")[0]
    before = snapshot(client, staff)
    body = export(client, staff, kind, file_format, **options)
    r = upload(client, staff, kind, body, f"{kind}.{file_format}", **options)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["rows"] > 100 and report["unchanged"] == report["rows"]
    assert (report["created"], report["updated"], report["applied"], report["errors"]) == (0, 0, True, [])
    assert snapshot(client, staff) == before


def test_import_into_an_empty_catalogue_then_export_gives_the_same_file(
    client: TestClient, staff: dict[str, str], warehouses: list[str], tmp_path: Path
) -> None:
    """The files of a demo catalogue (on a scratch SQLite database) build the same catalogue on the test database."""
    scratch = f"sqlite:///{tmp_path / 'source.db'}"
    migrate(scratch, "head")
    source = Database(make_engine(scratch, pool_size=1, max_overflow=0))
    catalogue = generate(products=120, seed=11)
    assert sorted(w["code"] for w in catalogue.warehouses) == warehouses
    items = list(catalogue.products)
    with source.write() as conn:
        load(conn, warehouses=catalogue.warehouses, items=items)
    files = {kind: b"".join(export_chunks(source, Kind(kind), "csv", Numbers())) for kind in ("products", "stock")}
    source.dispose()
    first = upload(client, staff, "products", files["products"]).json()
    assert (first["created"], first["updated"], first["unchanged"]) == (120, 0, 0)
    stock = upload(client, staff, "stock", files["stock"]).json()
    assert stock["created"] == stock["rows"] > 100
    assert export(client, staff, "products") == files["products"]
    assert export(client, staff, "stock") == files["stock"]
    hits = client.get("/api/v1/search", params={"q": items[0]["name"]}).json()
    assert hits["hits"][0]["sku"] == items[0]["sku"]  # the search index follows the import


def test_dry_run_reports_and_changes_nothing_then_apply_upserts_by_sku(
    client: TestClient, staff: dict[str, str]
) -> None:
    dry = upload(client, staff, "products", PRODUCTS_CSV, dry_run=True).json()
    assert (dry["dry_run"], dry["applied"], dry["created"]) == (True, False, 2)
    assert client.get("/api/v1/products/AL-SH-2").status_code == 404
    applied = upload(client, staff, "products", PRODUCTS_CSV).json()
    assert (applied["created"], applied["updated"], applied["applied"]) == (2, 0, True)
    bar = client.get("/api/v1/products/ST-RB-20").json()
    assert bar["min_order"] == {"value": "6", "unit": "m"} and bar["attributes"] == {"standard": "EN 10060"}
    assert bar["price"]["tiers"][1] == {"min_quantity": {"value": "60", "unit": "m"}, "unit_price": "3.90", "per": "m"}
    again = upload(client, staff, "products", PRODUCTS_CSV).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    renamed = PRODUCTS_CSV.replace("Steel round bar S235JR 20 mm", "Round bar S235JR 20 mm bright")
    changed = upload(client, staff, "products", renamed).json()
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 1)
    assert client.get("/api/v1/products/ST-RB-20").json()["name"] == "Round bar S235JR 20 mm bright"


def test_columns_left_out_keep_their_values(client: TestClient, staff: dict[str, str]) -> None:
    upload(client, staff, "products", PRODUCTS_CSV)
    lines = [row.split(",") for row in PRODUCTS_CSV.splitlines()]
    slim = "\n".join(",".join(cells[:6] + cells[6:10] + cells[10:11] + cells[13:15]) for cells in lines)
    r = upload(client, staff, "products", slim).json()
    assert r["unchanged"] == 2, r
    bar = client.get("/api/v1/products/ST-RB-20").json()
    assert bar["description"] == "Hot rolled" and bar["attributes"] == {"standard": "EN 10060"}


def test_one_bad_row_applies_nothing_and_every_bad_row_is_reported(client: TestClient, staff: dict[str, str]) -> None:
    rows = PRODUCTS_CSV.splitlines()
    good = [rows[1].replace("AL-SH-2", f"AL-SH-2-{n}") for n in range(1200)]  # more than two batches
    bad_early = rows[2].replace("7850", "-3")
    bad_late = rows[2].replace("ST-RB-20", "ST-RB-21").replace("0 m: 4.10/m", "0 m: 4.10 per m")
    body = "\n".join([rows[0], bad_early, *good, bad_late]) + "\n"
    r = upload(client, staff, "products", body)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"] == "/problems/import-rejected" and problem["rows"] == 1202
    assert [(e["line"], e["column"]) for e in problem["errors"]] == [(2, "density_kg_m3"), (1203, "tiers")]
    assert "positive number of kg/m3" in problem["errors"][0]["message"]
    assert client.get("/api/v1/products?limit=1").json()["items"] == []


def test_stocktake_books_the_differences_as_adjustments(
    client: TestClient, staff: dict[str, str], warehouses: list[str], db: Database
) -> None:
    upload(client, staff, "products", PRODUCTS_CSV)
    first = upload(client, staff, "stock", STOCK_CSV).json()
    assert (first["created"], first["updated"]) == (2, 0)
    counted = "sku,warehouse,on_hand,unit,reason\nAL-SH-2,DUI,1.1,t,year-end count\nST-RB-20,RTM,300,m,\n"
    second = upload(client, staff, "stock", counted).json()
    assert (second["updated"], second["unchanged"]) == (1, 1)
    assert level(client, "AL-SH-2", "DUI")["on_hand"] == "1100"
    with db.read() as conn:
        rows = list(conn.execute(select(stock_movements).order_by(stock_movements.c.id)))
    assert [(r.kind, r.on_hand_change, r.reason) for r in rows[-1:]] == [
        ("adjustment", Decimal("-100"), "year-end count")
    ]
    assert rows[-1].actor == "Sam Staff" and rows[-1].reference.startswith("I")
    assert_ledger_adds_up(db)
    ledger = client.get("/api/v1/stock/movements", params={"sku": "AL-SH-2"}, headers=staff).json()["items"]
    assert ledger[0]["reason"] == "year-end count" and ledger[0]["on_hand_after"] == "1100"


def test_a_count_below_what_is_reserved_is_refused(
    client: TestClient, staff: dict[str, str], customer: dict[str, str], warehouses: list[str]
) -> None:
    upload(client, staff, "products", PRODUCTS_CSV)
    upload(client, staff, "stock", STOCK_CSV)
    quote = {"lines": [{"sku": "ST-RB-20", "quantity": {"value": "120", "unit": "m"}}], "reserve": True}
    assert client.post("/api/v1/quotes", json=quote, headers=customer).status_code == 201
    r = upload(client, staff, "stock", "sku,warehouse,on_hand\nST-RB-20,RTM,100\n")
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "line": 2,
            "column": "on_hand",
            "message": "counted 100 m, but 120 m is reserved for quotes and orders; ship or release those first",
        }
    ]
    assert level(client, "ST-RB-20", "RTM")["on_hand"] == "300"


def test_prices_replace_tiers_and_price_lists_and_announce_price_changes(
    client: TestClient, staff: dict[str, str], db: Database
) -> None:
    upload(client, staff, "products", PRODUCTS_CSV)
    with db.write() as conn:
        account = create_account(conn, name="Acme", currency="EUR")
    with db.read() as conn:
        before = conn.execute(select(events.c.id).order_by(events.c.id.desc())).scalars().first() or 0
    body = (
        PRICES_CSV.replace("AL-SH-2,EUR,500,kg,5.80", "AL-SH-2,EUR,1,t,5.70")
        + f",,,,,,{account},steel,7.5\n,,,,,,{account},*,2\n"
    )
    r = upload(client, staff, "prices", body).json()
    assert (r["rows"], r["updated"], r["unchanged"]) == (6, 4, 2), r
    sheet = client.get("/api/v1/products/AL-SH-2").json()["price"]["tiers"]
    assert sheet[1] == {"min_quantity": {"value": "1", "unit": "t"}, "unit_price": "5.70", "per": "kg"}
    with db.read() as conn:
        terms = get_account(conn, account)
        types = [r.type for r in conn.execute(select(events.c.type, events.c.sku).where(events.c.id > before))]
    assert terms["price_list"] == {"steel": "7.5"} and Decimal(terms["discount_percent"]) == 2
    assert types == ["product.changed", "price.changed"]
    assert upload(client, staff, "prices", body).json()["unchanged"] == 6


def test_cells_that_would_run_as_formulas_are_escaped_and_read_back_as_they_were(
    client: TestClient, staff: dict[str, str]
) -> None:
    risky = (
        PRODUCTS_CSV.replace("Hot rolled", '"=HYPERLINK(""http://x"",""y"")"')
        .replace("EN 10060", "@SUM(1+1)")
        .replace("Aluminium sheet 6061-T6 2 x 1250 x 2500 mm", "+44 sheet; 'quoted'")
    )
    assert upload(client, staff, "products", risky).json()["created"] == 2
    served = client.get("/api/v1/products/ST-RB-20").json()
    assert served["description"] == '=HYPERLINK("http://x","y")' and served["attributes"]["standard"] == "@SUM(1+1)"
    text = export(client, staff, "products").decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert '\'=HYPERLINK("http://x","y")' in cells and "'@SUM(1+1)" in cells and "'+44 sheet; 'quoted'" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert upload(client, staff, "products", text.encode()).json()["unchanged"] == 2
    book = load_workbook(io.BytesIO(export(client, staff, "products", "xlsx")), read_only=True)
    values = [v for row in book.worksheets[0].iter_rows(values_only=True) for v in row]
    assert '=HYPERLINK("http://x","y")' in values  # a text cell, not a formula: nothing runs when opened
    assert (
        upload(client, staff, "products", export(client, staff, "products", "xlsx"), "p.xlsx").json()["unchanged"] == 2
    )


def test_an_upload_past_the_limit_is_413_and_changes_nothing(settings: Settings, staff: dict[str, str]) -> None:
    small = settings.model_copy(update={"import_max_bytes": 2000})
    with TestClient(create_app(small)) as client:
        big = PRODUCTS_CSV + "\n" * 4000
        r = upload(client, staff, "products", big)
        assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
        assert "at most 2000 bytes" in r.json()["detail"]
        assert upload(client, staff, "products", PRODUCTS_CSV).status_code == 200


def test_imports_and_exports_are_for_staff(client: TestClient, customer: dict[str, str]) -> None:
    assert upload(client, {}, "products", PRODUCTS_CSV).status_code == 401
    assert upload(client, customer, "products", PRODUCTS_CSV).status_code == 403
    assert client.get("/api/v1/exports/products", headers=customer).status_code == 403
