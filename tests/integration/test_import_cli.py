"""`steelyard import` and `steelyard export`, run as a user would: exit codes, the report, the round trip."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from fastapi.testclient import TestClient
from import_helpers import PRODUCTS_CSV, upload
from openpyxl import load_workbook
from test_cli import cli

from steelyard.access.service import create_account
from steelyard.db import Database


def test_check_import_and_export_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(PRODUCTS_CSV.replace(",7850,", ",-7850,").replace("ST-RB-20", "st-rb-20"))
    checked = cli(db_url, "import", "products", str(bad), "--dry-run")
    assert checked.returncode == 1
    assert "line 3, column sku: String should match pattern" in checked.stderr
    assert "line 3, column density_kg_m3" not in checked.stderr or "nothing was applied" in checked.stderr
    assert "nothing was applied" in checked.stderr

    good = tmp_path / "products.csv"
    with good.open("w", newline="") as out:  # the same products as a decimal-comma spreadsheet saves them
        writer = csv.writer(out, delimiter=";")
        for row in csv.reader(io.StringIO(PRODUCTS_CSV)):
            writer.writerow([re.sub(r"(\d)\.(\d)", r"\1,\2", cell) for cell in row])
    dry = cli(db_url, "import", "products", str(good), "--dry-run", "--decimal", "comma")
    assert dry.returncode == 0 and "2 would be created" in dry.stdout, dry.stderr
    applied = cli(db_url, "import", "products", str(good), "--decimal", "comma")
    assert applied.returncode == 0 and "2 were created" in applied.stdout, applied.stderr

    exported = cli(db_url, "export", "products")
    assert exported.returncode == 0 and exported.stdout.lstrip("\ufeff").startswith("sku,name,family")
    again = tmp_path / "again.csv"
    again.write_text(exported.stdout)
    same = cli(db_url, "import", "products", str(again))
    assert same.returncode == 0 and "the file changes nothing" in same.stdout and "2 unchanged" in same.stdout

    book = tmp_path / "products.xlsx"
    assert cli(db_url, "export", "products", str(book)).returncode == 0
    rows = list(load_workbook(book, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "sku" and {r[0] for r in rows[1:]} == {"AL-SH-2", "ST-RB-20"}
    assert "2 unchanged" in cli(db_url, "import", "products", str(book)).stdout

    missing = cli(db_url, "import", "products", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2
    wrong = cli(db_url, "import", "products", str(good), "--format", "xlsx")
    assert wrong.returncode == 1 and "not an XLSX workbook" in wrong.stderr


SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-samples"


def test_the_shipped_samples_import_cleanly(client: TestClient, staff: dict[str, str], db: Database) -> None:
    for code in ("DUI", "MIL", "RTM"):
        assert client.post("/api/v1/warehouses", json={"code": code, "name": code}, headers=staff).status_code == 201
    with db.write() as conn:
        assert create_account(conn, name="Sample customer", currency="EUR") == 1
    for kind in ("products", "prices", "stock"):
        r = upload(client, staff, kind, (SAMPLES / f"{kind}.csv").read_bytes(), f"{kind}.csv")
        assert r.status_code == 200 and r.json()["applied"], r.text
    stock = client.get("/api/v1/products/AL-6061T6-SH-2X1250X2500/stock").json()
    assert {w["code"]: w["on_hand"] for w in stock["warehouses"]}[
        "DUI"
    ] == "202.5"  # 12 x (0.002 x 1.25 x 2.5 m3 x 2700 kg/m3 = 16.875 kg)
    r = upload(client, staff, "lots", (SAMPLES / "lots.csv").read_bytes(), "lots.csv")
    assert r.status_code == 200 and r.json()["created"] == 4, r.text
    heats = [lot["heat"] for lot in client.get("/api/v1/products/ST-S235JR-RB-20X6000/lots").json()["items"]]
    assert heats.count("88123") == 2
    again = upload(client, staff, "products", (SAMPLES / "products.xlsx").read_bytes(), "p.xlsx").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 2, 2)  # prices.csv changed two
