"""The pricing version: triggers raise it on every change to pricing's reference data, and the rates and the charge
and freight rules a process keeps are used only while it holds, so a price never comes from old figures."""

from __future__ import annotations

from decimal import Decimal

from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from steelyard.charges import quote as charges_quote
from steelyard.currencies import rates
from steelyard.currencies.reference import pricing_version
from steelyard.db import Database, make_engine
from steelyard.migrate import migrate

E = "/api/v1/estimates"
LINE = {"sku": "ST-C45-RB-50", "quantity": {"value": "10", "unit": "kg"}}
TABLES = ("currencies", "order_charges", "freight_rules", "price_rules", "market_indices", "index_values")


def _version(db: Database) -> int:
    with db.read() as conn:
        found = pricing_version(conn)
    assert found is not None
    return found


def test_every_kind_of_change_to_the_reference_data_raises_the_version(
    client: TestClient, db: Database, staff: dict[str, str], admin: dict[str, str]
) -> None:
    changes = [
        lambda: client.put("/api/v1/currencies/USD", json={"rate": "1.08", "minor_units": 2}, headers=admin),
        lambda: client.put("/api/v1/currencies/USD", json={"rate": "1.09", "minor_units": 2}, headers=admin),
        lambda: client.put("/api/v1/order-charges/global/minimum_order", json={"threshold": "100"}, headers=staff),
        lambda: client.delete("/api/v1/order-charges/global/minimum_order", headers=staff),
        lambda: client.put("/api/v1/freight-rules/pallet", json={"kind": "pallet", "base": "55", "per_kg": "0.08"},
                           headers=staff),
        lambda: client.put("/api/v1/indices/LME-CU", json={"unit": "t", "currency": "USD", "period": "day"},
                           headers=staff),
        lambda: client.post("/api/v1/indices/LME-CU/values", json={"date": "2026-11-02", "value": "9720"},
                            headers=staff),
        lambda: client.put("/api/v1/price-rules/family/steel",
                           json={"surcharges": [{"index": "LME-CU", "share": "0.1", "reference": "0"}]}, headers=staff),
    ]  # fmt: skip
    for change in changes:
        before = _version(db)
        r = change()
        assert r.is_success, r.text
        assert _version(db) > before, r.request.url
    # A hand edit, past every service: the triggers see it too.
    before = _version(db)
    with db.write() as conn:
        conn.execute(text("DELETE FROM currencies WHERE code = 'USD'"))
    assert _version(db) > before
    # Changes elsewhere leave it alone.
    before = _version(db)
    post_reference(client, staff)
    assert _version(db) == before


def test_a_hand_edit_in_another_connection_prices_the_very_next_estimate(
    client: TestClient, db: Database, staff: dict[str, str]
) -> None:
    post_reference(client, staff)
    assert client.put("/api/v1/order-charges/global/minimum_order", json={"threshold": "100"}, headers=staff).is_success
    first = client.post(E, json={"lines": [LINE]}).json()
    assert first["charges"][0]["amount"] == "84.00"  # 100 - 10 kg x 1.60
    loads, rate_loads = charges_quote._RULES.loads, rates._EVERY.loads
    again = client.post(E, json={"lines": [LINE]}).json()
    assert again == first and charges_quote._RULES.loads == loads  # nothing changed: the rules were not read again
    # Another process edits the rule behind the services' back (its own engine, plain SQL).
    other = make_engine(str(db.engine.url.render_as_string(hide_password=False)), pool_size=1, max_overflow=0)
    try:
        with other.begin() as conn:
            conn.execute(text("UPDATE order_charges SET threshold = '200' WHERE kind = 'minimum_order'"))
    finally:
        other.dispose()
    moved = client.post(E, json={"lines": [LINE]}).json()
    assert moved["charges"][0]["amount"] == "184.00"
    assert (charges_quote._RULES.loads, rates._EVERY.loads) == (loads + 1, rate_loads + 1)  # read once more each


def test_without_the_version_row_nothing_is_kept(client: TestClient, db: Database, staff: dict[str, str]) -> None:
    post_reference(client, staff)
    with db.write() as conn:
        conn.execute(text("DELETE FROM reference_versions"))
    loads = rates._EVERY.loads
    for _ in range(2):
        assert client.post(E, json={"lines": [LINE]}).status_code == 200
    assert rates._EVERY.loads == loads  # read by statement each time, not kept
    with db.read() as conn:
        assert rates.get_currencies(conn, {"EUR", "XXX"}, version=None)["EUR"].rate == Decimal(1)


def test_the_migration_goes_down_and_up_with_data_and_leaves_its_triggers(db_url: str, backend: str) -> None:
    engine = make_engine(db_url, pool_size=1, max_overflow=0)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO currencies (code, rate, minor_units) VALUES ('USD', '1.08', 2)"))
        migrate(db_url, "20261130_1300")
        assert "reference_versions" not in inspect(engine).get_table_names()
        with engine.begin() as conn:  # no trigger left behind to fail on the missing table
            conn.execute(text("UPDATE currencies SET rate = '1.10' WHERE code = 'USD'"))
        migrate(db_url, "head")
        with engine.begin() as conn:
            assert conn.execute(text("SELECT version FROM reference_versions")).scalar_one() == 1
            conn.execute(text("UPDATE currencies SET rate = '1.11' WHERE code = 'USD'"))
            assert conn.execute(text("SELECT rate FROM currencies WHERE code = 'USD'")).scalar_one() == "1.11"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version FROM reference_versions")).scalar_one() == 2
            if backend == "sqlite":
                names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
                wanted = {f"pricing_version_{t}_{e}" for t in TABLES for e in ("insert", "update", "delete")}
            else:
                query = "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'pricing_version'"
                names, wanted = {r[0] for r in conn.execute(text(query))}, set(TABLES)
            assert wanted <= names  # a later migration that rebuilds one of these tables must make them again
    finally:
        engine.dispose()
