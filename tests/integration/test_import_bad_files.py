"""A table of bad files: each is answered 422 with a report naming the line, column and reason, and changes nothing."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from import_helpers import PRICES_CSV, PRODUCTS_CSV, STOCK_CSV, snapshot, upload
from openpyxl import Workbook

HEADER, SHEET, BAR = PRODUCTS_CSV.splitlines()


def products(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A small archive whose sheet unpacks to 64 MiB of zeros (about 1000 times its stored size)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 << 20))
    return out.getvalue()


@dataclass(frozen=True)
class Bad:
    name: str
    kind: str
    body: Callable[[], bytes | str]
    expect: list[tuple[int | None, str | None, str]]  # (line, column, part of the message)
    filename: str = "file.csv"
    params: tuple[tuple[str, str], ...] = ()


TABLE = [
    Bad(
        "missing required column",
        "products",
        lambda: PRODUCTS_CSV.replace(",tiers,", ",tiers_x,"),
        [(1, "tiers", "required column"), (1, "tiers_x", "is not a column")],
    ),
    Bad(
        "unknown column",
        "products",
        lambda: products(SHEET, header=HEADER + ",colour"),
        [(1, "colour", "is not a column of this file")],
    ),
    Bad(
        "the same column twice",
        "products",
        lambda: products(header=HEADER.replace("grade", "name")),
        [(1, "name", "appears twice")],
    ),
    Bad(
        "a column with no name",
        "products",
        lambda: products(SHEET, header=HEADER.replace(",grade,", ",,")),
        [(1, "column 4", "has no name")],
    ),
    Bad(
        "duplicate SKU in one file",
        "products",
        lambda: products(SHEET, BAR, SHEET),
        [(4, "sku", "AL-SH-2 is on line 2 already")],
    ),
    Bad(
        "price tiers out of order",
        "products",
        lambda: products(SHEET.replace("500 kg: 5.80/kg", "500 kg: 5.80/kg; 100 kg: 5.50/kg")),
        [(2, "tiers", "price.tiers[2].min_quantity")],
    ),
    Bad(
        "stock unit of the wrong kind",
        "products",
        lambda: products(SHEET.replace(",kg,sheet,", ",ft,sheet,")),
        [(2, "stock_unit", "a sheet cannot be stocked in ft")],
    ),
    Bad(
        "tier unit of the wrong kind",
        "products",
        lambda: products(BAR.replace("60 m: 3.90/m", "60 m2: 3.90/m")),
        [(2, "tiers", "price.tiers[1]")],
    ),
    Bad(
        "unknown unit",
        "products",
        lambda: products(SHEET.replace(",kg,sheet,", ",kgz,sheet,")),
        [(2, "stock_unit", "kgz")],
    ),
    Bad(
        "decimal comma in a point file",
        "products",
        lambda: products(SHEET.replace(",2700,", ',"2,7",')),
        [(2, "density_kg_m3", "write decimals with a point")],
    ),
    Bad(
        "decimal point in a comma file",
        "products",
        lambda: products(SHEET),
        [(2, "tiers", "writes decimals with a comma")],
        params=(("decimal", "comma"),),
    ),
    Bad(
        "negative density",
        "products",
        lambda: products(BAR.replace(",7850,", ",-7850,")),
        [(2, "density_kg_m3", "positive number of kg/m3")],
    ),
    Bad(
        "SKU in lower case",
        "products",
        lambda: products(SHEET.replace("AL-SH-2", "al-sh-2")),
        [(2, "sku", "should match pattern")],
    ),
    Bad(
        "empty required cell",
        "products",
        lambda: products(SHEET.replace(",aluminium,", ",,")),
        [(2, "family", "is required")],
    ),
    Bad(
        "tiers not written as tiers",
        "products",
        lambda: products(BAR.replace("0 m: 4.10/m", "4.10 per m")),
        [(2, "tiers", "is not 'MINIMUM UNIT: PRICE/UNIT'")],
    ),
    Bad("yes or no", "products", lambda: products(BAR.replace(",yes,", ",maybe,")), [(2, "active", "not yes or no")]),
    Bad(
        "whole days",
        "products",
        lambda: products(BAR.replace(",5,yes,", ",five,yes,")),
        [(2, "lead_time_days", "not a whole number")],
    ),
    Bad(
        "missing dimension",
        "products",
        lambda: products(SHEET.replace(",2,1250,", ",,1250,")),
        [(2, "thickness_mm", "needs 'thickness'")],
    ),
    Bad(
        "unknown form",
        "products",
        lambda: products(SHEET.replace(",sheet,2700", ",blob,2700")),
        [(2, "form", "unknown form 'blob'")],
    ),
    Bad(
        "Windows-1252 text",
        "products",
        lambda: products(SHEET.replace("Aluminium", "Alumínium")).encode("cp1252"),
        [(2, None, "not UTF-8")],
    ),
    Bad("UTF-16 text", "products", lambda: PRODUCTS_CSV.encode("utf-16"), [(None, None, "UTF-16")]),
    Bad(
        "more cells than columns",
        "products",
        lambda: products(SHEET + ",extra"),
        [(2, None, "has 20 cells but the header names 19")],
    ),
    Bad("empty file", "products", lambda: b"", [(1, None, "the file is empty")]),
    Bad("XLSX zip bomb", "products", zip_bomb, [(None, None, "zip bomb")], filename="bomb.xlsx"),
    Bad("not an XLSX", "products", lambda: PRODUCTS_CSV, [(None, None, "not an XLSX workbook")], filename="p.xlsx"),
    Bad("damaged XLSX", "products", lambda: xlsx([["sku"]])[:300], [(None, None, "damaged")], filename="d.xlsx"),
    Bad("an XLSX sent as CSV", "products", lambda: xlsx([["sku"]]), [(None, None, "zip archive")]),
    Bad(
        "XLSX with a bad row",
        "products",
        lambda: xlsx([r.split(",") for r in products(SHEET).splitlines()] + [["AL-SH-3", "x"]]),
        [(3, "family", "is required")],
        filename="p.xlsx",
    ),
    Bad(
        "prices: unknown SKU",
        "prices",
        lambda: PRICES_CSV.replace("ST-RB-20", "ST-RB-99"),
        [(4, "sku", "no product with SKU 'ST-RB-99'")],
    ),
    Bad(
        "prices: a SKU's tiers apart",
        "prices",
        lambda: PRICES_CSV + "AL-SH-2,EUR,1,t,5.00,kg,,,\n",
        [(6, "sku", "AL-SH-2 starts on line 2")],
    ),
    Bad(
        "prices: tier out of order",
        "prices",
        lambda: PRICES_CSV.replace("AL-SH-2,EUR,500,kg", "AL-SH-2,EUR,0,t"),
        [(3, "min_quantity", "")],
    ),
    Bad(
        "prices: unknown account",
        "prices",
        lambda: PRICES_CSV + ",,,,,,999,steel,5\n",
        [(6, "account", "no account with id '999'")],
    ),
    Bad("prices: a row that is neither", "prices", lambda: PRICES_CSV + ",EUR,,,,,,,\n", [(6, "sku", "name the sku")]),
    Bad(
        "stock: unknown warehouse",
        "stock",
        lambda: STOCK_CSV.replace("DUI", "XXX"),
        [(2, "warehouse", "no warehouse with code 'XXX'")],
    ),
    Bad(
        "stock: count in a unit of the wrong kind",
        "stock",
        lambda: STOCK_CSV.replace("300,m,", "300,m2,"),
        [(3, "unit", "m2")],
    ),
    Bad(
        "stock: the same level twice",
        "stock",
        lambda: STOCK_CSV + "AL-SH-2,DUI,5,kg,\n",
        [(4, "warehouse", "AL-SH-2 in DUI is on line 2 already")],
    ),
    Bad("stock: negative count", "stock", lambda: STOCK_CSV.replace("1200,kg", "-5,kg"), [(2, "on_hand", "")]),
    Bad("stock: no count", "stock", lambda: STOCK_CSV.replace("1200,kg", ",kg"), [(2, "on_hand", "is required")]),
]


def test_the_table_is_large_enough() -> None:
    assert len(TABLE) >= 25


@pytest.mark.parametrize("bad", TABLE, ids=[b.name for b in TABLE])
def test_a_bad_file_is_reported_and_changes_nothing(
    client: TestClient, staff: dict[str, str], warehouses: list[str], bad: Bad
) -> None:
    assert upload(client, staff, "products", PRODUCTS_CSV).status_code == 200
    assert upload(client, staff, "stock", STOCK_CSV).status_code == 200
    before = snapshot(client, staff)
    for dry_run in (True, False):
        r = upload(client, staff, bad.kind, bad.body(), bad.filename, dry_run=dry_run, **dict(bad.params))
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        errors = r.json()["errors"]
        for line, column, part in bad.expect:
            assert any(e["line"] == line and e["column"] == column and part in e["message"] for e in errors), (
                f"no ({line}, {column}, {part!r}) in {errors}"
            )
    assert snapshot(client, staff) == before
