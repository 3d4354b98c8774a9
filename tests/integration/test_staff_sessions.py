"""Staff sign-ins kept server-side, and tokens that expire and can be revoked (issue 19 item 2, issue 15 item 4).

Repeats the reported attack: a saved copy of the /staff cookie booked a receipt after sign-out. It must not.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from stock_helpers import MOVEMENTS, level

from steelyard.access.model import Role
from steelyard.access.service import create_token
from steelyard.access.tables import staff_sessions
from steelyard.app import create_app
from steelyard.config import Settings
from steelyard.db import Database

COOKIE = "steelyard_staff"
SKU = "ST-S235-PL-10"  # stocked in kg


@pytest.fixture
def https(settings: Settings) -> Iterator[TestClient]:
    """A browser on https://: the cookie is Secure by default, so it only travels over HTTPS."""
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        yield c


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


NAME = "Kim Counter"


def _token(db: Database, **kwargs: Any) -> str:
    with db.write() as conn:
        return create_token(conn, role=Role.STAFF, name=NAME, **kwargs)


def sign_in(client: TestClient, token: str) -> str:
    """Sign in through the form; returns the cookie the browser now holds."""
    r = client.post(
        "/staff/session", data={"csrf": _csrf(client.get("/staff").text), "token": token}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return str(client.cookies[COOKIE])


def signed_in(client: TestClient) -> bool:
    page = client.get("/staff").text
    return "Sign out" in page


def _receipt(client: TestClient, sku: str = "NOPE", key: str = "k1") -> Any:
    fields = {
        "csrf": _csrf(client.get("/staff").text),
        "sku": sku,
        "kind": "receipt",
        "warehouse": "DUI",
        "quantity": "1 kg",
        "idempotency_key": key,
    }
    return client.post("/staff/movements", data=fields, follow_redirects=False)


def test_the_cookie_carries_a_random_id_never_the_token_and_is_secure_by_default(
    https: TestClient, db: Database
) -> None:
    token = _token(db)
    r = https.post(
        "/staff/session", data={"csrf": _csrf(https.get("/staff").text), "token": token}, follow_redirects=False
    )
    set_cookie = r.headers["set-cookie"].lower()
    assert "secure" in set_cookie and "httponly" in set_cookie and "samesite=strict" in set_cookie
    payload = str(https.cookies[COOKIE]).split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert token not in decoded and token[3:] not in str(https.cookies[COOKIE]) and '"sid"' in decoded
    assert signed_in(https)


def test_plain_http_development_can_turn_secure_off(settings: Settings, db: Database) -> None:
    with TestClient(create_app(settings.model_copy(update={"session_https_only": False}))) as plain:
        r = plain.post(
            "/staff/session",
            data={"csrf": _csrf(plain.get("/staff").text), "token": _token(db)},
            follow_redirects=False,
        )
        assert "secure" not in r.headers["set-cookie"].lower() and signed_in(plain)


def test_a_saved_cookie_no_longer_books_a_receipt_after_sign_out(
    https: TestClient,
    client: TestClient,
    staff: dict[str, str],
    warehouses: list[str],
    settings: Settings,
    db: Database,
) -> None:
    """The reported attack: a copy of the cookie saved before sign-out still booked a receipt after it."""
    post_reference(client, staff)
    saved = sign_in(https, _token(db))
    with TestClient(create_app(settings), base_url="https://testserver") as replay:
        replay.cookies.set(COOKIE, saved, domain="testserver.local", path="/staff")
        assert signed_in(replay)  # the copy works while the sign-in lasts: the replay below is a real one
        assert _receipt(replay, SKU, "before").status_code == 303
        assert level(client, SKU, "DUI")["on_hand"] == "1"
        r = https.post("/staff/signout", data={"csrf": _csrf(https.get("/staff").text)}, follow_redirects=False)
        assert r.status_code == 303 and not signed_in(https)
        with db.read() as conn:
            assert conn.execute(select(staff_sessions)).all() == []
        replay.cookies.set(COOKIE, saved, domain="testserver.local", path="/staff")
        assert not signed_in(replay)
        r = _receipt(replay, SKU, "after")
        assert r.status_code == 401 and "Sign in again" in r.text
    assert level(client, SKU, "DUI")["on_hand"] == "1"  # nothing booked after sign-out


def test_a_session_ends_at_its_absolute_end_however_much_it_is_used(https: TestClient, db: Database) -> None:
    sign_in(https, _token(db))
    with db.read() as conn:
        (row,) = conn.execute(select(staff_sessions)).all()
    assert row.expires_at - row.created_at == timedelta(hours=8)
    for _ in range(3):
        assert signed_in(https)
    with db.write() as conn:
        (after,) = conn.execute(select(staff_sessions)).all()
        assert after.expires_at == row.expires_at  # use never moves the end
        conn.execute(update(staff_sessions).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert not signed_in(https)


def test_revoking_a_token_ends_every_session_made_with_it(
    settings: Settings, db: Database, admin: dict[str, str], staff: dict[str, str]
) -> None:
    token = _token(db)
    browsers = [TestClient(create_app(settings), base_url="https://testserver") for _ in range(2)]
    for browser in browsers:
        browser.__enter__()
        sign_in(browser, token)
        assert signed_in(browser)
    listed = browsers[0].get("/api/v1/tokens", headers=admin).json()["items"]
    (mine,) = [t for t in listed if t["name"] == NAME]
    assert mine["role"] == "staff" and mine["revoked_at"] is None and "token_hash" not in mine
    assert browsers[0].post(f"/api/v1/tokens/{mine['id']}/revoke", headers=staff).status_code == 403
    r = browsers[0].post(f"/api/v1/tokens/{mine['id']}/revoke", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    assert all(not signed_in(b) for b in browsers)
    assert browsers[0].post(f"/api/v1/tokens/{mine['id']}/revoke", headers=admin).json() == r.json()  # idempotent
    assert browsers[0].get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert browsers[0].post("/api/v1/tokens/999999/revoke", headers=admin).status_code == 404
    for browser in browsers:
        browser.__exit__(None, None, None)


def test_an_expired_token_neither_calls_the_api_nor_signs_in(
    client: TestClient, https: TestClient, db: Database
) -> None:
    expired = _token(db, expires_at=datetime.now(UTC) - timedelta(minutes=1))
    live = _token(db, expires_at=datetime.now(UTC) + timedelta(days=1))
    assert client.get("/api/v1/orders", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    assert client.get("/api/v1/orders", headers={"Authorization": f"Bearer {live}"}).status_code == 200
    r = https.post(
        "/staff/session", data={"csrf": _csrf(https.get("/staff").text), "token": expired}, follow_redirects=False
    )
    assert r.status_code == 401 and "expired" in r.text
    with db.read() as conn:
        assert conn.execute(select(staff_sessions)).all() == []


def test_movements_through_the_session_still_work(https: TestClient, db: Database) -> None:
    sign_in(https, _token(db))
    r = _receipt(https)  # an unknown SKU: the form answers with the problem, signed in
    assert r.status_code == 422 and "NOPE" in r.text
    assert https.get(MOVEMENTS).status_code == 401  # the cookie never authenticates the API
