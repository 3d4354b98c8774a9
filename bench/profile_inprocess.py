"""Profile one request path in process with py-spy: the app behind Starlette's TestClient, one thread, no server.

    python bench/profile_inprocess.py --db-url sqlite:////tmp/x.db --only estimate --requests 600 [--out DIR]

The seeded database is copied first (SQLite), so the writes of a run never reach it. The requests are the
scenario's own (bench/harness/scenarios.py), drawn from 300 products of the catalogue; the first pass over them
warms the caches and is not profiled. Prints (and with --out writes DIR/inprocess-<db>-<scenario>.txt) the
milliseconds per request and the top functions by own time and by cumulative time. Unlike py-spy under wrk,
this is indifferent to the machine's load: it measures the share of CPU each function takes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness.runner import make_tokens, venv_bin
from harness.scenarios import SCENARIOS, Catalogue
from harness.servers import LOAD_TEST_ENV
from profile_paths import summarise


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db-url", required=True)
    p.add_argument("--only", default="estimate,quote_1,search")
    p.add_argument("--requests", type=int, default=600)
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    url = args.db_url
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    work = Path(tempfile.mkdtemp(prefix="steelyard-inprocess-"))
    if kind == "sqlite":
        source = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{work}/run.db{suffix}")
        url = f"sqlite:///{work}/run.db"
    os.environ.update({**LOAD_TEST_ENV, "STEELYARD_DATABASE_URL": url, "STEELYARD_HOLD_LIMITS": "off"})
    tokens = make_tokens(url)

    from fastapi.testclient import TestClient

    from steelyard.app import create_app

    try:
        with TestClient(create_app()) as client:
            products = client.get("/api/v1/products", params={"limit": 100}).json()["items"]
            warehouses = tuple(w["code"] for w in client.get("/api/v1/warehouses").json()["items"])
            cat = Catalogue(size=0, products=tuple(products), warehouses=warehouses, hot=())
            for scenario in SCENARIOS:
                if scenario.name not in args.only.split(",") or scenario.calls is None:
                    continue
                calls = scenario.calls(cat)
                headers = {"Content-Type": "application/json"}
                if scenario.auth != "none":
                    headers["Authorization"] = f"Bearer {tokens[scenario.auth]}"

                def drive(n: int, calls: list = calls, headers: dict[str, str] = headers) -> None:  # type: ignore[type-arg]
                    for i in range(n):
                        c = calls[i % len(calls)]
                        r = client.request(c.method, c.path, content=c.body, headers=headers)
                        assert r.status_code < 400, (r.status_code, r.text[:300])

                drive(len(calls))
                raw = work / f"{scenario.name}.raw"
                spy = subprocess.Popen(
                    [venv_bin("py-spy"), "record", "--pid", str(os.getpid()), "--format", "raw", "--rate", "250",
                     "--function", "-o", str(raw)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                time.sleep(1.0)  # py-spy attaches
                started, cpu = time.perf_counter(), time.process_time()
                drive(args.requests)
                per = 1000 * (time.perf_counter() - started) / args.requests
                cpu_per = 1000 * (time.process_time() - cpu) / args.requests
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
                head = (
                    f"{kind} {scenario.name} in process (TestClient, one process, py-spy 250 Hz, idle threads out): "
                    f"{args.requests} requests, {per:.2f} ms each (wall, sampled, on a shared machine), "
                    f"{cpu_per:.2f} ms CPU each (the whole process, test client included)\n"
                )
                text = head + summarise(raw, args.top, drop=("profile_inprocess.py",))
                print(text)
                if args.out is not None:
                    args.out.mkdir(parents=True, exist_ok=True)
                    (args.out / f"inprocess-{kind}-{scenario.name}.txt").write_text(text + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
