"""One reservation at a time, in process: its statements, their times, and how long the hot level stays locked.

    .venv/bin/python bench/reserve_profile.py --db-url postgresql://postgres@127.0.0.1:5432/test_bench [-n 40]

Against a seeded catalogue (`steelyard seed --demo`, or the database `make bench` leaves), as `reserve_hot` does:
a new customer holds 1 kg of one product again and again, hold limits off. It prints the statements of one
reserving quote (count, median time), the round trips from the first statement that locks the product's level to
the commit, the wall time the level stays locked, and the Python CPU time of the service call (no HTTP). The time a
hot row stays locked bounds the reservations per second of that row: 1 / (locked time). A summary of a run and of
its profile is in bench/profiles/reserve_hot.md.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, text

from steelyard.access.model import Role
from steelyard.access.service import create_account, create_token, resolve_token
from steelyard.config import Settings
from steelyard.db import Database, make_engine
from steelyard.quotes import service
from steelyard.quotes.schemas import QuoteIn

LOCKING = ("SELECT stock_levels.warehouse_id", "UPDATE stock_levels", "WITH level AS")
"""The first statement of a reservation that locks the product's level: the locked way's `lock_levels`, or the
conditional update (alone, or in the one-statement hold)."""

HOT = text(
    "SELECT p.sku FROM products p JOIN stock_levels s ON s.product_id = p.id WHERE p.stock_unit = 'kg' "
    "AND p.active = TRUE AND coalesce(CAST(p.min_order AS TEXT), 'null') = 'null' "
    "AND coalesce(CAST(p.increment AS TEXT), 'null') = 'null' GROUP BY p.sku "
    "ORDER BY sum(s.on_hand - s.reserved) DESC LIMIT 1"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("-n", type=int, default=40, help="reservations (the first 5 warm up and are not counted)")
    args = parser.parse_args()
    settings = Settings(database_url=args.db_url, hold_limits=False)
    db = Database(make_engine(args.db_url))
    log: list[tuple[str, float, float]] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        conn.info["started"] = time.perf_counter()

    @event.listens_for(db.engine, "after_cursor_execute")
    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        started = conn.info["started"]
        log.append((" ".join(statement.split())[:72], started, time.perf_counter() - started))

    with db.write() as conn:
        sku = conn.execute(HOT).scalar_one()
        account = create_account(conn, name="reserve profile", currency="EUR")
        token = create_token(conn, role=Role.CUSTOMER, name="reserve profile", account_id=account)
    with db.read() as conn:
        principal = resolve_token(conn, token)
    body = QuoteIn.model_validate({"lines": [{"sku": sku, "quantity": {"value": "1", "unit": "kg"}}], "reserve": True})
    per: dict[str, list[float]] = collections.defaultdict(list)
    walls, cpus, locked, in_lock, counts, commits = [], [], [], [], [], []
    for i in range(args.n + 5):
        log.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        with db.write() as conn:
            service.create_quote(
                conn,
                lines=body.line_requests(),
                currency=None,
                reserve=True,
                principal=principal,
                settings=settings,
                now=datetime.now(UTC),
            )
        end = time.perf_counter()
        if i < 5:
            continue
        walls.append(end - wall)
        cpus.append(time.process_time() - cpu)
        counts.append(len(log) + 1)  # and the COMMIT
        lock_at = next((started for s, started, _ in log if s.startswith(LOCKING)), end)
        locked.append(end - lock_at)
        commits.append(end - max(started + took for _, started, took in log))
        in_lock.append(sum(1 for _, started, _ in log if started >= lock_at) + 1)
        for statement, _, took in log:
            per[statement].append(took)
    ms = 1000
    print(f"hot product {sku}, {args.n} reservations, one at a time")
    print(f"statements per reservation: {statistics.median(counts):.0f} (with the COMMIT)")
    print(f"wall per reservation: {ms * statistics.median(walls):.2f} ms median")
    print(f"Python CPU per reservation (service call, no HTTP): {ms * statistics.median(cpus):.2f} ms median")
    print(
        f"level locked: {ms * statistics.median(locked):.2f} ms median, {statistics.median(in_lock):.0f} round trips "
        "from the locking statement to the COMMIT"
    )
    print(f"from the last statement to the end of the COMMIT: {ms * statistics.median(commits):.2f} ms median")
    print(f"{'per req':>7} {'ms p50':>7}  statement")
    for statement, took in sorted(per.items(), key=lambda kv: -sum(kv[1])):
        print(f"{len(took) / args.n:7.1f} {ms * statistics.median(took):7.3f}  {statement}")
    db.dispose()


if __name__ == "__main__":
    main()
