"""A stock movement is posted one way (inventory.movements.post_movement_once), by the API and the staff page alike.

Both used to wire the idempotency scope, the fingerprint and the answer by hand (issue 18 item 7); they must stay one:
an Idempotency-Key used on the staff page is replayed by the API, never booked a second time.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from stock_helpers import MOVEMENTS

from conftest import sheet_body
from steelyard.access.service import resolve_token
from steelyard.db import Database
from steelyard.inventory.tables import stock_movements
from steelyard.web import views
from steelyard.web.views import movement_body


def test_a_key_used_on_the_staff_page_is_replayed_by_the_api(
    client: TestClient, db: Database, staff: dict[str, str], warehouses: list[str]
) -> None:
    assert client.post("/api/v1/products", json=sheet_body(), headers=staff).status_code == 201
    with db.read() as conn:
        principal = resolve_token(conn, staff["Authorization"].removeprefix("Bearer "))
    assert principal is not None
    fields = {"sku": "AL-6061-SH-2-1250X2500", "kind": "receipt", "warehouse": "DUI", "quantity": "150 kg"}
    on_page = views.post_movement(db, principal, movement_body(fields), "same-key")
    body = movement_body(fields).model_dump(mode="json", exclude_none=True)
    by_api = client.post(MOVEMENTS, json=body, headers={**staff, "Idempotency-Key": "same-key"})
    assert by_api.status_code == 201, by_api.text
    assert by_api.json() == on_page
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(stock_movements)).scalar_one() == 1
