"""Product documents served from each process's cache stay within the stated staleness bound, with real servers.

The bound (catalog/documents.py, docs/api.md): a change committed through any process shows in every process's
`GET /api/v1/products/{sku}` once that process's event bus has read it from the outbox, i.e. within the outbox poll
(0.02 s with SQLite; NOTIFY with PostgreSQL) plus one pass; and never later than `poll + 1 s`, past which the cache
is bypassed. The test reads from one server while another writes, so the change must cross processes.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from test_events_support import admin_headers, receive, reprice, servers, set_up_catalogue

from conftest import sheet_body
from steelyard.catalog import repository as repo
from steelyard.db import Database

SKU = "DOC-1"


def bound(backend: str) -> float:
    """The stated worst case: the bus's poll interval + 1 s (past it the cache is not used)."""
    return (0.02 if backend == "sqlite" else 1.0) + 1.0


def read_until(base: str, done: object, limit: float) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    while True:
        r = httpx.get(f"{base}/api/v1/products/{SKU}", timeout=10)
        assert r.status_code == 200, r.text
        if done(r.json()):  # type: ignore[operator]
            return r, time.monotonic() - started
        assert time.monotonic() - started <= limit, f"still stale after {limit} s: {r.json()['availability']}"
        time.sleep(0.005)


@pytest.mark.slow
def test_a_change_through_one_server_shows_on_the_other_within_the_bound(db_url: str, backend: str) -> None:
    with servers(db_url, 2) as (writer, reader):
        headers = admin_headers(db_url)
        set_up_catalogue(writer.base, headers, [SKU])
        first = httpx.get(f"{reader.base}/api/v1/products/{SKU}", timeout=10)
        again = httpx.get(f"{reader.base}/api/v1/products/{SKU}", timeout=10)  # from the reader's cache
        assert first.status_code == again.status_code == 200
        assert first.content == again.content and first.headers["etag"] == again.headers["etag"]
        assert first.headers["cache-control"] == "no-cache"

        etag = first.headers["etag"]
        same = httpx.get(f"{reader.base}/api/v1/products/{SKU}", headers={"If-None-Match": etag}, timeout=10)
        assert (same.status_code, same.content, same.headers["etag"]) == (304, b"", etag)

        receive(writer.base, headers, SKU, "10")  # committed when it answers
        r, _ = read_until(reader.base, lambda d: d["availability"]["total"]["on_hand"] == "10", bound(backend))
        assert r.headers["etag"] != etag
        changed = httpx.get(f"{reader.base}/api/v1/products/{SKU}", headers={"If-None-Match": etag}, timeout=10)
        assert changed.status_code == 200 and changed.json()["availability"]["total"]["on_hand"] == "10"

        reprice(writer.base, headers, SKU, "7.35")
        tier = lambda d: d["price"]["tiers"][0]["unit_price"] == "7.35"  # noqa: E731
        read_until(reader.base, tier, bound(backend))


@pytest.mark.slow
def test_the_document_is_the_one_the_database_gives_without_the_cache(db_url: str) -> None:
    """The same bytes with the cache off (STEELYARD_PRODUCT_CACHE_ENTRIES=0) as from the cache."""
    with servers(db_url, 1) as (cached,):
        headers = admin_headers(db_url)
        set_up_catalogue(cached.base, headers, [SKU])
        receive(cached.base, headers, SKU, "3.5")
        read_until(cached.base, lambda d: d["availability"]["total"]["on_hand"] == "3.5", 30)
        from_cache = httpx.get(f"{cached.base}/api/v1/products/{SKU}", timeout=10)
        with servers(db_url, 1, env={"STEELYARD_PRODUCT_CACHE_ENTRIES": "0"}) as (plain,):
            direct = httpx.get(f"{plain.base}/api/v1/products/{SKU}", timeout=10)
        assert direct.content == from_cache.content
        assert direct.headers["etag"] == from_cache.headers["etag"]


def test_a_writer_reads_its_own_write_at_once(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> None:
    """The process that commits forgets the SKU's document before it answers (events.register_commit_listener):
    no waiting for its bus. Twenty receipts, each read back at once, from the cache in between."""
    body = sheet_body()
    assert client.post("/api/v1/products", json=body, headers=staff).status_code == 201
    sku = body["sku"]
    for n in range(1, 21):
        assert client.get(f"/api/v1/products/{sku}").status_code == 200  # cached
        move = {"sku": sku, "warehouse": "DUI", "kind": "receipt", "quantity": {"value": "1", "unit": "kg"}}
        assert client.post("/api/v1/stock/movements", json=move, headers=staff).status_code == 201
        assert client.get(f"/api/v1/products/{sku}").json()["availability"]["total"]["on_hand"] == str(n)
    tiers = [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "9.99", "per": "kg"}]
    patch = {"price": {"currency": "EUR", "tiers": tiers}}
    assert client.patch(f"/api/v1/products/{sku}", json=patch, headers=staff).status_code == 200
    assert client.get(f"/api/v1/products/{sku}").json()["price"]["tiers"] == tiers


def test_a_batch_read_gives_each_product_what_its_own_read_gives(
    client: TestClient, staff: dict[str, str], warehouses: list[str], db: Database
) -> None:
    """`get_products_with_levels` (the batched misses on PostgreSQL) against `get_product_with_levels` (one SKU):
    the same product, and a level for every warehouse, zero where it holds none, in warehouse-code order."""
    skus = []
    for n in range(3):
        body = sheet_body(sku=f"DOC-B{n}")
        assert client.post("/api/v1/products", json=body, headers=staff).status_code == 201
        skus.append(body["sku"])
    move = {"sku": skus[1], "warehouse": warehouses[-1], "kind": "receipt", "quantity": {"value": "7", "unit": "kg"}}
    assert client.post("/api/v1/stock/movements", json=move, headers=staff).status_code == 201
    with db.read() as conn:
        together = repo.get_products_with_levels(conn, [*skus, "NO-SUCH-SKU"])
        one_by_one = {sku: repo.get_product_with_levels(conn, sku) for sku in skus}
    assert set(together) == set(skus)  # a SKU that does not exist is left out
    assert together == one_by_one
    assert [level.code for level in together[skus[0]][1]] == sorted(warehouses)
    assert sum(level.on_hand for level in together[skus[1]][1]) == 7


@pytest.mark.slow
def test_first_reads_in_parallel_give_each_product_its_document(db_url: str) -> None:
    """Many first reads at once (on PostgreSQL they share batched reads, `BatchedReads`): every client gets its own
    product's bytes, the same as a server without the cache gives, and an unknown SKU its 404."""
    skus = [f"DOC-P{n}" for n in range(16)]
    with servers(db_url, 1) as (server,):
        headers = admin_headers(db_url)
        set_up_catalogue(server.base, headers, skus)
        for n, sku in enumerate(skus):
            receive(server.base, headers, sku, str(n + 1))
        with servers(db_url, 1) as (fresh,), ThreadPoolExecutor(max_workers=32) as pool:
            paths = [f"/api/v1/products/{sku}" for sku in skus * 3] + ["/api/v1/products/NO-SUCH"] * 2
            answers = list(pool.map(lambda path: httpx.get(fresh.base + path, timeout=30), paths))
        with servers(db_url, 1, env={"STEELYARD_PRODUCT_CACHE_ENTRIES": "0"}) as (plain,):
            direct = {sku: httpx.get(f"{plain.base}/api/v1/products/{sku}", timeout=30).content for sku in skus}
    for path, answer in zip(paths, answers, strict=True):
        sku = path.rsplit("/", 1)[1]
        if sku == "NO-SUCH":
            assert answer.status_code == 404 and answer.json()["detail"] == "no product with SKU 'NO-SUCH'"
            continue
        assert answer.status_code == 200, answer.text
        assert answer.content == direct[sku]
        assert answer.json()["availability"]["total"]["on_hand"] == str(skus.index(sku) + 1)
