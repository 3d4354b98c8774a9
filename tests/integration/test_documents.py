"""Quote and delivery-note documents: the PDF is rendered (pdftoppm) and read back (pdftotext, Debian poppler-utils),
the HTML is read as text; customers see only their own."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from stock_helpers import move

from steelyard.access.model import Role

BAR = "ST-C45-RB-50"
SHEET = "AL-6061-SH-2"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    # Fails rather than skips without poppler: .ci/run installs it (apt-get install poppler-utils).
    assert shutil.which("pdftotext") and shutil.which("pdftoppm"), "install Debian's poppler-utils"
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    # Render every page: a PDF a viewer cannot draw fails here, not at the buyer's.
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
    done = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(done.stdout.split())  # words as read, whatever the layout's spacing


@pytest.fixture
def setup(client: TestClient, staff: dict[str, str], warehouses: list[str], tokens: Any) -> dict[str, Any]:
    post_reference(client, staff)
    move(client, staff, BAR, "DUI", "receipt", "500", "kg", lot={"heat": "H-4711", "certificate_type": "3.1"})
    move(client, staff, SHEET, "DUI", "receipt", "20", "piece")
    rules = {"kind": "truck", "base": "180", "per_kg": "0.04"}
    assert client.put("/api/v1/freight-rules/long-goods", json=rules, headers=staff).status_code == 200
    r = client.put(
        "/api/v1/order-charges/global/small_quantity", json={"threshold": "500", "amount": "15"}, headers=staff
    )
    assert r.status_code == 200
    buyer = tokens.make(Role.CUSTOMER, "Müller Stahlbau GmbH")
    other = tokens.make(Role.CUSTOMER, "Someone Else Ltd")
    lines = [
        {"sku": BAR, "quantity": {"value": "20", "unit": "kg"}},
        {"sku": SHEET, "cuts": [{"length_mm": "1000", "width_mm": "600", "count": 3}]},
    ]
    r = client.post("/api/v1/quotes", json={"lines": lines, "reserve": True}, headers=buyer)
    assert r.status_code == 201, r.text
    return {"quote": r.json(), "buyer": buyer, "other": other}


def test_the_quote_pdf_reads_as_the_quote(client: TestClient, setup: dict[str, Any], tmp_path: Path) -> None:
    quote = setup["quote"]
    r = client.get(f"/api/v1/quotes/{quote['id']}.pdf", headers=setup["buyer"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    text = pdf_text(r.content, tmp_path)
    assert text.startswith("Steelyard Metals Quotation") and quote["id"] in text  # company header (settings)
    assert "Müller Stahlbau GmbH" in text and "Valid until" in text
    for line in quote["lines"]:
        assert line["sku"] in text and f"EUR {line['subtotal']}" in text
    assert "Cut plan, line 2" in text  # the sheet's cut list, drawn
    charge = quote["charges"][0]
    assert f"Small-quantity charge EUR {charge['amount']}" in text and charge["note"] in text
    assert f"EUR {quote['freight']['amount']}" in text and "long-goods" in text
    assert f"Total EUR {quote['total']}" in text and "Terms" in text


def test_the_quote_html_is_printable_and_escaped(client: TestClient, setup: dict[str, Any]) -> None:
    quote = setup["quote"]
    r = client.get(f"/api/v1/quotes/{quote['id']}.html", headers=setup["buyer"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "@media print" in r.text and "<svg" in r.text and f"EUR {quote['total']}" in r.text
    assert "Müller Stahlbau GmbH" in r.text
    # A page like the others: a policy with no script at all and no framing; its one style block allowed by hash.
    policy = dict(part.strip().split(" ", 1) for part in r.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'" and "script-src" not in policy and policy["frame-ancestors"] == "'none'"
    style = re.search(r"<style>(.*?)</style>", r.text, re.S)
    assert style is not None and r.text.count("<style") == 1 and "<script" not in r.text
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert policy["style-src"] == f"'sha256-{digest}'"  # the block as served matches the hash the policy allows
    assert r.headers["referrer-policy"] == "same-origin" and r.headers["x-content-type-options"] == "nosniff"


def test_customers_see_only_their_own_documents(
    client: TestClient, setup: dict[str, Any], staff: dict[str, str]
) -> None:
    quote = setup["quote"]
    for path in (f"/api/v1/quotes/{quote['id']}.pdf", f"/api/v1/quotes/{quote['id']}.html"):
        assert client.get(path, headers=setup["other"]).status_code == 404
        assert client.get(path).status_code == 404  # not anonymous: its customer's
        assert client.get(path, headers=staff).status_code == 200
    assert client.get("/api/v1/quotes/QNOSUCH.pdf", headers=staff).status_code == 404
    r = client.get("/api/v1/quotes/q-bad.pdf", headers=staff)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    order = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=setup["buyer"]).json()
    assert client.get(f"/api/v1/orders/{order['id']}.pdf").status_code == 401
    assert client.get(f"/api/v1/orders/{order['id']}.pdf", headers=setup["other"]).status_code == 404
    assert client.get(f"/api/v1/orders/{order['id']}.html", headers=setup["other"]).status_code == 404


def test_the_delivery_note_names_the_heats_it_ships(
    client: TestClient, setup: dict[str, Any], staff: dict[str, str], tmp_path: Path
) -> None:
    quote = setup["quote"]
    order = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=setup["buyer"]).json()
    assert client.post(f"/api/v1/orders/{order['id']}/ship", headers=staff).status_code == 200
    r = client.get(f"/api/v1/orders/{order['id']}.pdf", headers=setup["buyer"])
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content, tmp_path)
    assert "Delivery note" in text and order["id"] in text and "shipped" in text
    assert "heat H-4711, EN 10204 3.1: 20 kg" in text  # the bar's lot
    assert "EUR" not in text  # a delivery note shows no prices
    assert "Total weight" in text


def test_the_documents_are_declared_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    pdf = paths["/api/v1/quotes/{quote_id}.pdf"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"] and {"404", "422"} <= set(pdf)
    note = paths["/api/v1/orders/{order_id}.pdf"]["get"]["responses"]
    assert "application/pdf" in note["200"]["content"] and {"401", "404", "422"} <= set(note)
    assert "text/html" in paths["/api/v1/orders/{order_id}.html"]["get"]["responses"]["200"]["content"]
