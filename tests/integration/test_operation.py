"""Health, readiness, the OpenAPI document and the problem format of the framework's own errors."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readiness_fails_with_a_problem_when_the_database_is_gone(client: TestClient) -> None:
    from steelyard.db import Database, make_engine

    client.app.state.db = Database(make_engine("postgresql://nobody@127.0.0.1:1/none"))  # type: ignore[attr-defined]
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")


def test_openapi_is_3_1_and_names_models_and_problems(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    schemas = doc["components"]["schemas"]
    assert {"ProductIn", "ProductOut", "Problem", "StockOut", "AccountOut", "WarehouseOut"} <= set(schemas)
    post = doc["paths"]["/api/v1/products"]["post"]
    assert {"201", "401", "403", "409", "422"} <= set(post["responses"])
    assert "application/problem+json" in post["responses"]["422"]["content"]
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            for code, response in op["responses"].items():
                assert "content" not in response or response["content"], (path, method, code)
    assert client.get("/docs").status_code == 200


def test_a_pooled_connection_forgets_its_write_transaction(db_url: str) -> None:
    import pytest

    from steelyard.db import Database, after_commit, make_engine

    db = Database(make_engine(db_url, pool_size=1, max_overflow=0))  # one connection: read() gets the same one
    ran: list[str] = []
    with db.write() as conn:
        after_commit(conn, lambda: ran.append("committed"))
    assert ran == ["committed"]
    with db.read() as conn, pytest.raises(RuntimeError, match=r"Database\.write"):
        after_commit(conn, lambda: ran.append("never"))
    db.dispose()
