"""Never oversold, with real multi-worker servers and real parallel HTTP clients, on SQLite and PostgreSQL.

Each test starts `steelyard serve --workers 2`, stocks 50 sheets in five lots (heats) over two warehouses, and sends
200 clients after them at once; neither a lot nor a level is ever oversold, and the lots add up to the levels.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from decimal import Decimal
from typing import Any

import httpx
import psutil
import pytest
from sqlalchemy import func, select
from stock_helpers import assert_ledger_adds_up

from servers import UNLIMITED, running_server
from steelyard.access.model import Role
from steelyard.access.service import create_account, create_token
from steelyard.db import Database, make_engine
from steelyard.inventory.tables import lots, stock_levels
from steelyard.quotes.tables import orders

pytestmark = pytest.mark.slow
CLIENTS = 200
STOCK = 50
SKU = "AL-5083-PL-10X1500X3000"
# Ten clients share each account and race for the same plate: the per-account hold limits (one hold per product
# and account, three reserving quotes at once) would refuse most of them before the race this test is about.
NO_HOLD_LIMITS = {"STEELYARD_HOLD_LIMITS": "off"}


def _prepare(db_url: str) -> tuple[Database, dict[str, str], list[dict[str, str]]]:
    db = Database(make_engine(db_url, pool_size=2, max_overflow=2))
    with db.write() as conn:
        staff = create_token(conn, role=Role.STAFF, name="Sam")
        customers = []
        for i in range(20):  # twenty buyers, ten clients each
            account = create_account(conn, name=f"Buyer {i}", currency="EUR")
            customers.append(create_token(conn, role=Role.CUSTOMER, name=f"Buyer {i}", account_id=account))
    return db, {"Authorization": f"Bearer {staff}"}, [{"Authorization": f"Bearer {c}"} for c in customers]


def _stock_the_plate(base: str, staff: dict[str, str]) -> None:
    with httpx.Client(base_url=base, headers=staff, timeout=30) as http:
        for code in ("DUI", "RTM"):
            assert http.post("/api/v1/warehouses", json={"code": code, "name": code}).status_code == 201
        r = http.post(
            "/api/v1/products",
            json={
                "sku": SKU,
                "name": "Aluminium plate 5083 10 x 1500 x 3000 mm",
                "family": "aluminium",
                "grade": "5083",
                "form": "plate",
                "density_kg_m3": "2660",
                "dimensions_mm": {"thickness": "10", "width": "1500", "length": "3000"},
                "stock_unit": "piece",
                "piece_name": "plate",
                "price": {
                    "currency": "EUR",
                    "tiers": [
                        {"min_quantity": {"value": "0", "unit": "piece"}, "unit_price": "610.00", "per": "piece"}
                    ],
                },
            },
        )
        assert r.status_code == 201, r.text
        # Five lots over the two warehouses (three heats in DUI, two in RTM): every lot and every level is raced for.
        for code, plates, heat in (
            ("DUI", "10", "D1"),
            ("DUI", "12", "D2"),
            ("DUI", "8", "D3"),
            ("RTM", "15", "R1"),
            ("RTM", "5", "R2"),
        ):
            r = http.post(
                "/api/v1/stock/movements",
                json={
                    "sku": SKU,
                    "warehouse": code,
                    "kind": "receipt",
                    "quantity": {"value": plates, "unit": "plates"},
                    "lot": {"heat": heat, "certificate_type": "3.1"},
                },
            )
            assert r.status_code == 201, r.text


async def _post(http: httpx.AsyncClient, url: str, *, tries: int, **kwargs: Any) -> httpx.Response:
    """POST, retrying the same request (same Idempotency-Key) when the connection breaks or a worker is gone."""
    for attempt in range(tries):
        try:
            r = await http.post(url, **kwargs)
            if r.status_code < 500 or attempt == tries - 1:
                return r
        except httpx.TransportError:
            if attempt == tries - 1:
                raise
        await asyncio.sleep(0.2)
    raise AssertionError("unreachable")


async def _buyer(
    http: httpx.AsyncClient, i: int, customer: dict[str, str], *, reserve: bool, tries: int
) -> tuple[int, str | None]:
    line = {"sku": SKU, "quantity": {"value": "1", "unit": "plate"}}
    r = await _post(http, "/api/v1/quotes", tries=tries, json={"lines": [line], "reserve": reserve}, headers=customer)
    assert r.status_code == 201, r.text
    quote = r.json()
    r = await _post(
        http, f"/api/v1/quotes/{quote['id']}/accept", tries=tries, headers={**customer, "Idempotency-Key": f"buyer-{i}"}
    )
    assert r.status_code in (200, 201, 409), r.text
    return r.status_code, r.json().get("id") if r.status_code in (200, 201) else None


async def _rush(
    base: str, customers: list[dict[str, str]], *, reserve: bool, tries: int = 1, during: Any = None
) -> list[tuple[int, str | None]]:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        tasks = [
            asyncio.create_task(_buyer(http, i, customers[i % len(customers)], reserve=reserve, tries=tries))
            for i in range(CLIENTS)
        ]
        if during is not None:
            await during(tasks)
        return await asyncio.gather(*tasks)


def _check(db: Database, results: list[tuple[int, str | None]]) -> None:
    sold = [order_id for status, order_id in results if status in (200, 201)]
    assert len(sold) == STOCK, f"{len(sold)} orders for {STOCK} plates"
    assert len(set(sold)) == STOCK
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(orders)).scalar_one() == STOCK
        levels = conn.execute(select(stock_levels.c.on_hand, stock_levels.c.reserved)).all()
    assert sum(lv.on_hand for lv in levels) == Decimal(STOCK)
    assert sum(lv.reserved for lv in levels) == Decimal(STOCK)
    assert all(Decimal(0) <= lv.reserved <= lv.on_hand for lv in levels)
    with db.read() as conn:
        stock = conn.execute(select(lots.c.on_hand, lots.c.reserved)).all()
    assert len(stock) == 5 and all(lot.reserved == lot.on_hand for lot in stock)  # every lot sold out, none over
    assert_ledger_adds_up(db)  # also: each lot is the sum of its ledger rows, each level the sum of its lots


def test_200_buyers_with_holds_race_for_50_plates_on_two_workers(db_url: str) -> None:
    db, staff, customers = _prepare(db_url)
    with running_server(db_url, workers=2, env={**UNLIMITED, **NO_HOLD_LIMITS}) as (base, _):
        _stock_the_plate(base, staff)
        results = asyncio.run(_rush(base, customers, reserve=True))
    assert sorted({status for status, _ in results}) == [201, 409]
    _check(db, results)
    db.dispose()


def _workers(supervisor: int) -> set[int]:
    """uvicorn's live worker processes (multiprocessing also starts a resource tracker, which is not one)."""
    found = set()
    for child in psutil.Process(supervisor).children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(child.cmdline()):
                found.add(child.pid)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            continue  # a killed worker not yet reaped by its supervisor
    return found


def _replaced(supervisor: int, killed: int, seconds: float = 120) -> set[int]:
    """The worker set once the supervisor has started a new worker in place of the killed one. Generous: uvicorn's
    supervisor pings each worker in turn and waits up to STEELYARD_WORKER_HEALTHCHECK_SECONDS (60) for a busy one's
    answer before it reaches the dead one, then the new worker starts (a CI run missed 20 s)."""
    deadline = time.monotonic() + seconds
    while True:
        workers = _workers(supervisor)
        if (killed not in workers and len(workers) == 2) or time.monotonic() > deadline:
            return workers
        time.sleep(0.1)


def test_a_worker_killed_mid_rush_loses_nothing_and_counts_nothing_twice(db_url: str) -> None:
    db, staff, customers = _prepare(db_url)
    with running_server(db_url, workers=2, env=UNLIMITED) as (base, supervisor):
        _stock_the_plate(base, staff)
        workers_before = _workers(supervisor)
        assert len(workers_before) == 2

        finished_at_kill: list[int] = []

        async def kill_one_worker(tasks: list[asyncio.Task[Any]]) -> None:
            await asyncio.sleep(0.3)  # let the rush get going
            finished_at_kill.append(sum(t.done() for t in tasks))
            os.kill(min(workers_before), signal.SIGKILL)

        results = asyncio.run(_rush(base, customers, reserve=False, tries=30, during=kill_one_worker))
        workers_after = _replaced(supervisor, min(workers_before))
    assert finished_at_kill[0] < CLIENTS  # the kill really came in the middle of the rush
    assert min(workers_before) not in workers_after and len(workers_after) == 2  # gone, and replaced
    _check(db, results)
    db.dispose()
