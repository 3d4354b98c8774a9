"""The server's bound on one statement (PostgreSQL `statement_timeout`, STEELYARD_DB_STATEMENT_TIMEOUT_MS) and the
migration lock that lets several nodes run `steelyard migrate` at once (issue 15: timeouts; deployment.md)."""

from __future__ import annotations

import threading

import pytest
from catalogue_fixtures import post_reference
from fastapi.testclient import TestClient
from sqlalchemy import text

from steelyard.config import Settings
from steelyard.db import is_sqlite, make_engine
from steelyard.migrate import current_revision, migrate

SKU = "ST-S235-PL-10"


@pytest.fixture
def settings(db_url: str) -> Settings:
    if is_sqlite(db_url):
        pytest.skip("statement_timeout and advisory locks are PostgreSQL's (SQLite: one file, one migrating process)")
    return Settings(
        database_url=db_url, db_pool_size=5, db_max_overflow=5, rate_limits="off", db_statement_timeout_ms=500
    )


def test_a_statement_stuck_on_a_lock_is_cancelled_and_answered_503(
    client: TestClient, staff: dict[str, str], db_url: str
) -> None:
    post_reference(client, staff)
    blocker = make_engine(db_url, pool_size=1, max_overflow=0)
    try:
        with blocker.connect() as conn:  # another session holds the product's row, as a stuck transaction would
            conn.execute(text("SELECT 1 FROM products WHERE sku = :sku FOR UPDATE"), {"sku": SKU})
            r = client.patch(f"/api/v1/products/{SKU}", json={"name": "renamed while locked"}, headers=staff)
            conn.rollback()
    finally:
        blocker.dispose()
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "STEELYARD_DB_STATEMENT_TIMEOUT_MS" in r.json()["detail"]
    assert client.get(f"/api/v1/products/{SKU}").json()["name"] != "renamed while locked"  # nothing was changed


def test_the_service_engine_has_the_bound_and_migrations_do_not(db_url: str, settings: Settings) -> None:
    bound = make_engine(db_url, pool_size=1, max_overflow=0, statement_timeout_ms=settings.db_statement_timeout_ms)
    plain = make_engine(db_url, pool_size=1, max_overflow=0)
    try:
        with bound.connect() as a, plain.connect() as b:
            assert a.execute(text("SHOW statement_timeout")).scalar_one() == "500ms"
            assert b.execute(text("SHOW statement_timeout")).scalar_one() == "0"
    finally:
        bound.dispose()
        plain.dispose()


def test_nodes_that_migrate_at_once_take_turns(db_url: str, settings: Settings) -> None:
    migrate(db_url, "base")
    said: list[str] = []
    failed: list[BaseException] = []

    def node() -> None:
        try:
            said.append(migrate(db_url, "head"))
        except BaseException as exc:  # the test reports any failure of any node
            failed.append(exc)

    nodes = [threading.Thread(target=node) for _ in range(3)]
    for t in nodes:
        t.start()
    for t in nodes:
        t.join(timeout=300)
    assert failed == [] and len(said) == 3
    assert current_revision(db_url) is not None and said[0].startswith("upgraded to")
