"""Webhook delivery rate: how many deliveries a second one `steelyard serve` sends to one fast receiver.

The figure behind "queue-backed webhooks" in docs/deployment.md ("Past one machine"). A receiver process answers
204 at once; one webhook asks for `stock.changed`; a backlog of N such events is committed in one transaction
(straight into the outbox, as N stock movements would leave them); the rate is N over the time from that commit to
the last delivery recorded as delivered. The load average is printed before and after: on the shared 2-core machine
a 1-minute figure near or over 2 means the rate is low.

    python bench/webhook_bench.py [--events 2000] [--workers 1] [--database-url postgresql://…/test_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers import UNLIMITED, free_port, start, stop, wait_ready  # noqa: E402
from steelyard.access.model import Role  # noqa: E402
from steelyard.access.service import create_token  # noqa: E402
from steelyard.db import Database, make_engine  # noqa: E402
from steelyard.events import outbox  # noqa: E402
from steelyard.migrate import migrate  # noqa: E402
from steelyard.webhooks.tables import webhook_deliveries  # noqa: E402

RECEIVER = """
import uvicorn

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})

uvicorn.run(app, host="127.0.0.1", port=int(__import__("sys").argv[1]), log_level="warning", access_log=False)
"""


def delivered(db: Database) -> int:
    with db.read() as conn:
        query = select(func.count()).select_from(webhook_deliveries).where(webhook_deliveries.c.status == "delivered")
        return int(conn.execute(query).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="steelyard-webhook-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    if args.database_url and "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("refusing a database whose name does not contain 'bench' (it is wiped)")
    if args.database_url:
        migrate(url, "base")
    migrate(url, "head")
    db = Database(make_engine(url, pool_size=2, max_overflow=0))
    with db.write() as conn:
        admin = {"Authorization": f"Bearer {create_token(conn, role=Role.ADMIN, name='bench')}"}
    port = free_port()
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(port)], start_new_session=True)
    env = {**UNLIMITED, "STEELYARD_WEBHOOK_ALLOW_NETWORKS": "127.0.0.1/32", "STEELYARD_FILES_DIR": str(folder)}
    server, base = start(url, workers=args.workers, env=env)
    try:
        wait_ready(server, base)
        secret = "bench-secret-0123456789"
        hook = {"url": f"http://127.0.0.1:{port}/hook", "events": ["stock.changed"], "secret": secret}
        assert httpx.post(f"{base}/api/v1/webhooks", json=hook, headers=admin).status_code == 201
        load_before = os.getloadavg()
        payloads = [
            (f"BENCH-{i}", json.dumps({"sku": f"BENCH-{i}", "warehouse": "DUI", "on_hand": "1", "reserved": "0"}))
            for i in range(args.events)
        ]
        with db.write() as conn:
            outbox.append_many(conn, type_="stock.changed", payloads=payloads)
        started = time.monotonic()
        while (done := delivered(db)) < args.events:
            if time.monotonic() - started > 900:
                raise SystemExit(f"only {done} of {args.events} delivered in 900 s")
            time.sleep(0.1)
        seconds = time.monotonic() - started
        load_after = os.getloadavg()
    finally:
        stop(server)
        stop(receiver)
        db.dispose()
    kind = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(
        f"{args.events} deliveries in {seconds:.1f} s = {args.events / seconds:.0f} deliveries/s "
        f"({kind}, {args.workers} worker(s)); load average before {load_before[0]:.2f}, after {load_after[0]:.2f}"
    )


if __name__ == "__main__":
    main()
