"""Mill certificates: upload a lot's PDF and EN 10168 data, refusals that change nothing, the certificates of an
order for its customer only, and the S3-compatible file store against a real S3 HTTP endpoint (moto's server)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from stock_helpers import assert_ledger_adds_up, move

from certificate_helpers import PNG, tiny_pdf
from servers import free_port
from steelyard.access.model import Role
from steelyard.access.service import create_token
from steelyard.app import create_app
from steelyard.config import Settings
from steelyard.db import Database

BAR = "ST-C45-RB-50"  # stocked in kg
PDF = {"Content-Type": "application/pdf"}
MAX_BYTES = 4096


@pytest.fixture
def files(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
def settings(db_url: str, files: Path) -> Settings:
    return Settings(
        database_url=db_url,
        db_pool_size=5,
        db_max_overflow=5,
        rate_limits="off",
        requests_per_client=0,
        files_dir=str(files),
        certificate_max_bytes=MAX_BYTES,
    )


@pytest.fixture
def lot_id(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> int:
    post_reference(client, staff)
    lot = {"heat": "H2611-0457", "mill": "Saarstahl", "certificate_type": "3.1", "origin": "DE"}
    return int(move(client, staff, BAR, "DUI", "receipt", "500", "kg", lot=lot)["lot_id"])


def _put(client: TestClient, headers: dict[str, str], lot: int, data: bytes) -> Any:
    return client.put(f"/api/v1/lots/{lot}/certificate", content=data, headers={**headers, **PDF})


def _lot(client: TestClient, lot: int) -> dict[str, Any]:
    items = client.get(f"/api/v1/products/{BAR}/lots", params={"include_empty": "true"}).json()["items"]
    found: dict[str, Any] = next(i for i in items if i["id"] == lot)
    return found


def test_a_pdf_is_kept_read_back_and_inherited_by_a_transfer(
    client: TestClient, staff: dict[str, str], lot_id: int, files: Path, db: Database
) -> None:
    transfer = move(client, staff, BAR, "DUI", "transfer", "100", "kg", to_warehouse="MIL")
    moved = transfer["entries"][1]["lot_id"]
    pdf = tiny_pdf()
    r = _put(client, staff, lot_id, pdf)
    assert r.status_code == 200, r.text
    assert r.json()["certificate"] == {"url": f"/api/v1/lots/{lot_id}/certificate", "size": len(pdf), "data": False}
    again = _put(client, staff, lot_id, pdf)  # the same file again: the same answer, one file kept
    assert again.json() == r.json()
    assert [p.name for p in files.rglob("*.pdf")] == [f"{hashlib.sha256(pdf).hexdigest()}.pdf"]
    got = client.get(f"/api/v1/lots/{lot_id}/certificate", headers=staff)
    assert got.status_code == 200 and got.content == pdf
    assert got.headers["content-type"] == "application/pdf"
    assert 'filename="certificate-lot-' in got.headers["content-disposition"]
    # The lot in Milan came from this one: the heat's certificate is its certificate too.
    assert _lot(client, moved)["certificate"]["url"] == f"/api/v1/lots/{moved}/certificate"
    assert client.get(f"/api/v1/lots/{moved}/certificate", headers=staff).content == pdf
    assert_ledger_adds_up(db)


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (PNG, 422, "not a PDF"),
        (b"", 422, "empty"),
        (tiny_pdf()[:-40], 422, "%%EOF"),  # cut short in transit
        (b"Hello %PDF-1.4 but a text file" + b"\n%%EOF", 422, None),  # header hidden past byte 0 is tolerated...
        (tiny_pdf(padding=MAX_BYTES), 413, str(MAX_BYTES)),
    ],
)
def test_bad_uploads_are_refused_and_change_nothing(
    client: TestClient, staff: dict[str, str], lot_id: int, files: Path, body: bytes, status: int, says: str | None
) -> None:
    r = _put(client, staff, lot_id, body)
    if says is None:  # ...within the first 1024 bytes (ISO 32000), as readers do: this one passes the check
        assert r.status_code == 200
        return
    assert r.status_code == status, r.text
    assert says in r.json()["detail"] or says in r.text
    assert _lot(client, lot_id)["certificate"] is None
    assert not list(files.rglob("*.pdf"))


def test_uploads_are_for_staff_and_existing_lots(
    client: TestClient, staff: dict[str, str], customer: dict[str, str], lot_id: int, files: Path
) -> None:
    assert _put(client, customer, lot_id, tiny_pdf()).status_code == 403
    assert _put(client, {}, lot_id, tiny_pdf()).status_code == 401
    missing = _put(client, staff, 999_999, tiny_pdf())
    assert missing.status_code == 404 and "999999" in missing.json()["detail"]
    assert client.get(f"/api/v1/lots/{lot_id}/certificate", headers=staff).status_code == 404  # none yet
    assert client.get(f"/api/v1/lots/{lot_id}/certificate", headers=customer).status_code == 403
    assert not list(files.rglob("*.pdf"))


# A 3.1 certificate of a C45 round bar: values inside EN 10083-2 for C45 (C 0.42-0.50 %, Mn 0.50-0.80 %).
EN10168 = {
    "A": {"A01": "Saarstahl AG, Völklingen", "A02": "3.1", "A03": "2611-0457-01", "A07": "PO-4711"},
    "B": {"B01": "Round bar EN 10060", "B02": "C45", "B07": "H2611-0457", "B08": 12, "B09": "50", "B13": "500.4"},
    "C": {
        "C70": "cast",
        "composition": {"C": "0.45", "Si": "0.25", "Mn": "0.65", "P": "0.012", "S": "0.021", "Cr": "0.15"},
        "tensile": [{"C11": "390", "C12": "680", "C13": "18.5"}],
        "impact": [{"C40": "Charpy V", "C41": "20", "C42": ["45", "48", "51"], "C43": "48"}],
    },
    "Z": {"Z01": "We confirm the products comply with the order.", "Z02": "2026-11-12"},
}


def test_en10168_data_is_validated_and_kept(client: TestClient, staff: dict[str, str], lot_id: int) -> None:
    url = f"/api/v1/lots/{lot_id}/certificate-data"
    assert client.get(url, headers=staff).status_code == 404
    r = client.put(url, json=EN10168, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["certificate"] == {"url": None, "size": None, "data": True}
    assert client.get(url, headers=staff).json() == EN10168
    schema = client.get("/api/v1/schemas/en10168").json()
    assert set(schema["properties"]) == {"A", "B", "C", "D", "Z"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"C": {"composition": {"C": 0.45}}}, "data.C.composition.C"),  # a float: decimals travel as text
        ({"C": {"composition": {"Xx": "1"}}}, "data.C.composition"),  # no such element
        ({"C": {"composition": {"C": "101"}}}, "data.C.composition.C"),
        ({"C": {"composition": {"Fe": "98", "Mn": "3"}}}, "data.C.composition"),  # 101 % in all
        ({"C": {"tensile": [{"C11": "-5"}]}}, "data.C.tensile[0].C11"),
        ({"A": {"A02": "4.1"}}, "data.A.A02"),  # not an EN 10204 type
        ({"A": {"X1": "?"}}, "data.A"),
        ({"B": {"B07": "H-OTHER"}}, "data.B.B07"),  # another heat's certificate
        ({"Z": {"Z02": "12.11.2026"}}, "data.Z.Z02"),
        ({"E": {}}, "data"),
    ],
)
def test_bad_en10168_data_names_the_field_and_changes_nothing(
    client: TestClient, staff: dict[str, str], lot_id: int, change: dict[str, Any], field: str
) -> None:
    r = client.put(f"/api/v1/lots/{lot_id}/certificate-data", json=change, headers=staff)
    assert r.status_code == 422, r.text
    assert field in [e["field"] for e in r.json()["errors"]], r.json()
    assert _lot(client, lot_id)["certificate"] is None


def _order(client: TestClient, customer: dict[str, str], staff: dict[str, str], kg: str) -> str:
    body = {"lines": [{"sku": BAR, "quantity": {"value": kg, "unit": "kg"}}]}
    quote = client.post("/api/v1/quotes", json=body, headers=customer).json()
    order = client.post(f"/api/v1/quotes/{quote['id']}/accept", headers=customer)
    assert order.status_code == 201, order.text
    return str(order.json()["id"])


def test_an_order_lists_its_heats_and_only_its_customer_downloads_them(
    client: TestClient, staff: dict[str, str], customer: dict[str, str], tokens: Any, lot_id: int
) -> None:
    untraced = move(client, staff, BAR, "DUI", "receipt", "300", "kg")["lot_id"]  # newer: FIFO takes it second
    pdf = tiny_pdf("Heat H2611-0457")
    assert _put(client, staff, lot_id, pdf).status_code == 200
    assert client.put(f"/api/v1/lots/{lot_id}/certificate-data", json=EN10168, headers=staff).status_code == 200
    order = _order(client, customer, staff, "600")  # 500 kg of the heat, 100 kg untraced
    assert client.post(f"/api/v1/orders/{order}/ship", headers=staff).status_code == 200
    r = client.get(f"/api/v1/orders/{order}/certificates", headers=customer)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(i["lot_id"], i["heat"], i["certificate_type"]) for i in items] == [
        (lot_id, "H2611-0457", "3.1"),
        (untraced, None, None),
    ]
    assert items[0]["url"] == f"/api/v1/orders/{order}/certificates/{lot_id}" and items[1]["url"] is None
    assert items[0]["data"]["C"]["composition"]["C"] == "0.45"
    got = client.get(items[0]["url"], headers=customer)
    assert got.status_code == 200 and got.content == pdf
    assert client.get(f"/api/v1/orders/{order}/certificates/{untraced}", headers=customer).status_code == 404
    other = tokens.make(Role.CUSTOMER, "Other Metalworks")
    for url in (f"/api/v1/orders/{order}/certificates", items[0]["url"]):
        refused = client.get(url, headers=other)
        assert refused.status_code == 404 and "no order" in refused.json()["detail"]
    assert client.get(items[0]["url"], headers=staff).content == pdf
    bundle = client.get(f"/api/v1/orders/{order}/certificates.zip", headers=customer)
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:  # only the lot with a PDF on file
        assert archive.namelist() == [f"certificate-lot-{lot_id}-H2611-0457.pdf"]
        assert archive.read(archive.namelist()[0]) == pdf
    assert client.get(f"/api/v1/orders/{order}/certificates.zip", headers=other).status_code == 404
    # A lot the order was not served from is not the order's to give, even if it has a certificate.
    foreign = move(client, staff, BAR, "MIL", "receipt", "5", "kg", lot={"heat": "X-1"})["lot_id"]
    assert _put(client, staff, foreign, tiny_pdf("X-1")).status_code == 200
    assert client.get(f"/api/v1/orders/{order}/certificates/{foreign}", headers=customer).status_code == 404


def test_a_cancelled_order_names_no_lots(
    client: TestClient, staff: dict[str, str], customer: dict[str, str], lot_id: int
) -> None:
    order = _order(client, customer, staff, "10")
    assert client.post(f"/api/v1/orders/{order}/cancel", headers=customer).status_code == 200
    assert client.get(f"/api/v1/orders/{order}/certificates", headers=customer).json() == {"items": []}
    assert client.get(f"/api/v1/orders/{order}/certificates.zip", headers=customer).status_code == 404


# -- the S3-compatible store --------------------------------------------------------------------------------------


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's S3 as a real HTTP server on a free loopback port: boto3 talks to it as to any S3 service."""
    from moto.server import ThreadedMotoServer

    for name, value in {
        "AWS_ACCESS_KEY_ID": "steelyard-test",
        "AWS_SECRET_ACCESS_KEY": "steelyard-test-secret",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_the_s3_store_keeps_certificates_in_a_bucket(settings: Settings, s3_endpoint: str, files: Path) -> None:
    import boto3

    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-central-1")
    s3.create_bucket(Bucket="certificates", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    configured = settings.model_copy(
        update={
            "files_s3_bucket": "certificates",
            "files_s3_endpoint_url": s3_endpoint,
            "files_s3_region": "eu-central-1",
        }
    )
    with TestClient(create_app(configured)) as client:
        db: Database = client.app.state.db  # type: ignore[attr-defined]
        with db.write() as conn:
            staff = {"Authorization": f"Bearer {create_token(conn, role=Role.STAFF, name='Sam Staff')}"}
        for code in ("DUI", "MIL"):
            client.post("/api/v1/warehouses", json={"code": code, "name": code}, headers=staff)
        post_reference(client, staff)
        lot = move(client, staff, BAR, "DUI", "receipt", "5", "kg", lot={"heat": "S3-1"})["lot_id"]
        pdf = tiny_pdf("S3-1")
        assert _put(client, staff, lot, pdf).status_code == 200
        assert _put(client, staff, lot, PNG).status_code == 422
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="certificates")["Contents"]]
        assert keys == [f"certificates/lot-{lot}/{hashlib.sha256(pdf).hexdigest()}.pdf"]
        stored = s3.get_object(Bucket="certificates", Key=keys[0])
        assert stored["Body"].read() == pdf and stored["ContentType"] == "application/pdf"
        assert client.get(f"/api/v1/lots/{lot}/certificate", headers=staff).content == pdf
        # Gone from the bucket behind the service's back: a clear 404, not a 500.
        s3.delete_object(Bucket="certificates", Key=keys[0])
        assert client.get(f"/api/v1/lots/{lot}/certificate", headers=staff).status_code == 404
    assert not files.exists()  # nothing went to the folder


# -- the staff page's upload --------------------------------------------------------------------------------------


def test_the_staff_page_uploads_only_for_a_signed_in_form(settings: Settings, files: Path) -> None:
    with TestClient(create_app(settings), base_url="https://testserver") as page:  # the cookie is Secure
        db: Database = page.app.state.db  # type: ignore[attr-defined]
        with db.write() as conn:
            token = create_token(conn, role=Role.STAFF, name="Sam Staff")
        api = {"Authorization": f"Bearer {token}"}
        page.post("/api/v1/warehouses", json={"code": "DUI", "name": "Duisburg"}, headers=api)
        post_reference(page, api)
        lot = move(page, api, BAR, "DUI", "receipt", "5", "kg", lot={"heat": "P-1"})["lot_id"]
        upload = {"file": ("c.pdf", tiny_pdf(), "application/pdf")}
        url = f"/staff/lots/{lot}/certificate"
        assert page.post(url, data={"csrf": "x"}, files=upload).status_code == 401  # nobody signed in
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.get("/staff").text)
        assert csrf is not None
        signed = page.post("/staff/session", data={"csrf": csrf.group(1), "token": token}, follow_redirects=False)
        assert signed.status_code == 303
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.get(f"/staff?sku={BAR}").text)
        assert csrf is not None
        assert page.post(url, data={"csrf": "forged"}, files=upload).status_code == 401
        assert not list(files.rglob("*.pdf"))
        bad = page.post(
            url, data={"csrf": csrf.group(1), "sku": BAR}, files={"file": ("c.pdf", PNG, "application/pdf")}
        )
        assert "is not a PDF file" in bad.text and f'data-lot="{lot}"' in bad.text
        assert not list(files.rglob("*.pdf"))
        done = page.post(url, data={"csrf": csrf.group(1), "sku": BAR}, files=upload)
        assert f"Certificate of lot {lot} (heat P-1) uploaded" in done.text
        assert page.get(url).content == tiny_pdf()
