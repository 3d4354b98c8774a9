"""Search at 100,000 products: latency of a realistic query mix in-process, and HTTP throughput against the bare
FastAPI baseline, on SQLite and on PostgreSQL. Standalone:

    .venv/bin/python bench/search_bench.py --db sqlite                 # builds /tmp/steelyard-search-bench/100k.db once
    .venv/bin/python bench/search_bench.py --db postgresql://postgres@127.0.0.1:5432/search_bench
    .venv/bin/python bench/search_bench.py --db sqlite --products 20000 --http-seconds 10 --workers 2

1. Seed the demo catalogue (skipped when the database already holds that many products), then ANALYZE.
2. Draw a query mix from the seeded catalogue: grade + form + size, family + form + size with trade spellings,
   typos, family + form only, words, filters only, stock filters, browsing and sorts, SKU prefixes.
3. Latency: run every query of the mix in-process with the page cache off (`p50`/`p99` of the whole search:
   reading the query, the facet counts and the page with live stock), per kind and overall.
4. Throughput: `steelyard serve`-equivalent uvicorn with N workers and the bare baseline app, each driven by wrk
   (1 s warm-up, then the measured period) cycling through the mix drawn with Zipf weights (a few searches often,
   most rarely); search with the page cache on and off.

The numbers are printed as one JSON document (and a table). To plug it into `make bench`, have the harness run
`python bench/search_bench.py --db <url> --json-only` for each database after its own scenarios and store the JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness.servers import LOAD_TEST_ENV
from sqlalchemy import text

from steelyard.db import Database, is_sqlite, make_engine
from steelyard.demo import generate
from steelyard.inventory.seed import load
from steelyard.migrate import migrate
from steelyard.search import service
from steelyard.search.cache import SearchCache, SearchConfig

ROOT = Path(__file__).resolve().parents[1]
Query = tuple[str, dict[str, Any]]  # (kind, request parameters)
TYPOS = {"aluminium": "alumnium", "stainless": "stainles", "steel": "stel", "copper": "coper", "brass": "bras"}
SPELLINGS = {"aluminium": ["aluminum", "alu", "aluminium"], "stainless": ["ss", "inox", "stainless steel"]}
FORM_WORDS = {"round_bar": "round bar", "flat_bar": "flat bar", "hex_bar": "hex", "square_tube": "box section"}


def prepare(url: str, products: int) -> None:
    migrate(url, "head")
    db = Database(make_engine(url))
    with db.read() as conn:
        have = conn.execute(text("SELECT count(*) FROM search_documents")).scalar_one()
    if have < products:
        if have:
            raise SystemExit(f"{url} holds {have} products, fewer than {products}: start from an empty database")
        started = time.perf_counter()
        catalogue = generate(products)
        with db.write() as conn:
            load(conn, warehouses=catalogue.warehouses, items=catalogue.products)
        print(f"seeded {products} products in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    db.dispose()


def _size(form: str, dims: dict[str, str]) -> str:
    if form in ("sheet", "plate", "coil", "foil", "strip"):
        return dims["thickness"] + random.choice(["mm", " mm", ""])
    if form in ("round_bar", "wire"):
        return dims["diameter"]
    if form in ("tube", "pipe"):
        return f"{dims['outer_diameter']} x {dims['wall']}"
    if form == "flat_bar":
        return f"{dims['width']}x{dims['thickness']}"
    if form in ("square_tube", "angle"):
        return f"{dims['width']}x{dims['width']}x{dims.get('wall', dims.get('thickness'))}"
    return dims.get("width", dims.get("height", ""))


def query_mix(url: str, count: int, seed: int = 7) -> list[Query]:
    """`count` requests drawn from the catalogue, in a fixed order (the same for every backend)."""
    random.seed(seed)
    db = Database(make_engine(url))
    with db.read() as conn:
        rows = list(conn.execute(text("SELECT sku, family, form, grade, dimensions FROM search_documents")))
    db.dispose()
    rows.sort(key=lambda r: r.sku)
    kinds = [
        ("grade_form_size", 30),
        ("family_form_size", 25),
        ("typo", 10),
        ("family_form", 10),
        ("words", 5),
        ("filters", 5),
        ("stock", 5),
        ("browse", 5),
        ("sku", 5),
    ]
    mix: list[Query] = []
    for kind in random.choices([k for k, _ in kinds], [w for _, w in kinds], k=count):
        r = random.choice(rows)
        dims = r.dimensions if isinstance(r.dimensions, dict) else json.loads(r.dimensions)
        form = FORM_WORDS.get(r.form, r.form.replace("_", " "))
        family = random.choice(SPELLINGS.get(r.family, [r.family]))
        size = _size(r.form, dims) if dims else ""
        if kind == "grade_form_size":
            mix.append((kind, {"q": f"{r.grade} {form} {size}".strip()}))
        elif kind == "family_form_size":
            mix.append((kind, {"q": f"{family} {form} {size}".strip()}))
        elif kind == "typo":
            mix.append((kind, {"q": f"{TYPOS.get(r.family, r.family[:-1])} {form} {size}".strip()}))
        elif kind == "family_form":
            mix.append((kind, {"q": f"{family} {form}", "sort": random.choice(["relevance", "price"])}))
        elif kind == "words":
            mix.append(
                (
                    kind,
                    {
                        "q": random.choice(
                            [
                                "polished stainless",
                                "brushed aluminium",
                                "black steel tube",
                                "pickled plate",
                                "bright drawn round bar",
                                "cut to length",
                            ]
                        )
                    },
                )
            )
        elif kind == "filters":
            mix.append(
                (
                    kind,
                    {
                        "family": r.family,
                        "form": r.form,
                        **({"thickness_min": "1", "thickness_max": "5"} if "thickness" in dims else {}),
                    },
                )
            )
        elif kind == "stock":
            mix.append(
                (
                    kind,
                    {
                        "q": f"{family} {form}",
                        "in_stock": "true",
                        **({"warehouse": random.choice(["RTM", "DUI", "MIL"])} if random.random() < 0.5 else {}),
                    },
                )
            )
        elif kind == "browse":
            mix.append((kind, random.choice([{}, {"sort": "name"}, {"q": "steel"}, {"q": "sheet"}])))
        else:
            mix.append((kind, {"q": r.sku.rsplit("-", 1)[0]}))
    return mix


def _request(params: dict[str, Any]) -> service.SearchRequest:
    ranges: dict[str, Any] = {}
    if "thickness_min" in params:
        from decimal import Decimal

        ranges["thickness"] = (Decimal(params["thickness_min"]), Decimal(params["thickness_max"]))
    return service.SearchRequest(
        q=params.get("q", ""),
        families=(params["family"],) if "family" in params else (),
        forms=(params["form"],) if "form" in params else (),
        ranges=ranges,
        in_stock=True if params.get("in_stock") else None,
        warehouse=params.get("warehouse"),
        sort=params.get("sort"),
        limit=20,
    )


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def latency(url: str, mix: list[Query]) -> dict[str, Any]:
    db = Database(make_engine(url))
    cache = SearchCache(SearchConfig(page_entries=0))
    for _, params in mix[:50]:  # warm: connections, the reader, SQLite's page cache
        with db.read() as conn:
            service.search(conn, request=_request(params), cache=cache)
    times: dict[str, list[float]] = defaultdict(list)
    for kind, params in mix:
        started = time.perf_counter()
        with db.read() as conn:
            service.search(conn, request=_request(params), cache=cache)
        times[kind].append((time.perf_counter() - started) * 1000)
    db.dispose()
    every = [t for ts in times.values() for t in ts]
    out = {"all": {"n": len(every), "p50_ms": _pct(every, 50), "p99_ms": _pct(every, 99), "max_ms": max(every)}}
    for kind, ts in sorted(times.items()):
        out[kind] = {"n": len(ts), "p50_ms": _pct(ts, 50), "p99_ms": _pct(ts, 99), "max_ms": max(ts)}
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _server(args: list[str], env: dict[str, str], port: int) -> Iterator[None]:
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.1)
        else:
            raise SystemExit("the server did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=20)


LUA = """
local paths = {%s}
local i = 0
request = function() i = i %% #paths + 1; return wrk.format("GET", paths[i]) end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%f %%f %%f %%d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def wrk(port: int, paths: list[str], seconds: int, connections: int) -> dict[str, float]:
    script = LUA % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    base = ["wrk", "-t2", f"-c{connections}", "-s", f.name, f"http://127.0.0.1:{port}"]
    subprocess.run([*base[:3], "-d1s", *base[3:]], capture_output=True, check=True)  # warm-up
    out = subprocess.run([*base[:3], f"-d{seconds}s", *base[3:]], capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, duration, p50, p99, errors = line.split()[1:]
    return {"rps": int(requests) / float(duration), "p50_ms": float(p50), "p99_ms": float(p99), "errors": int(errors)}


def throughput(url: str, mix: list[Query], workers: int, seconds: int, connections: int) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    uvicorn = str(Path(sys.executable).with_name("uvicorn"))
    common = ["--workers", str(workers), "--log-level", "warning", "--no-access-log", "--host", "127.0.0.1"]
    out: dict[str, Any] = {"workers": workers, "connections": connections, "seconds": seconds}
    port = _free_port()
    baseline = [uvicorn, "baseline_app:create_app", "--factory", "--app-dir", "bench", "--port", str(port), *common]
    with _server(baseline, dict(os.environ), port):
        out["baseline"] = wrk(port, ["/baseline"], seconds, connections)
    distinct = ["/api/v1/search?" + urlencode(params, doseq=True) for _, params in mix]
    # what buyers send: a few searches very often, most rarely (Zipf, s = 1) - the page cache's realistic diet
    random.seed(11)
    weights = [1 / rank for rank in range(1, len(distinct) + 1)]
    paths = random.choices(distinct, weights, k=20 * len(distinct))
    out["requests_distinct_share"] = len(set(paths)) / len(paths)
    for label, entries in (("search_cached", "2048"), ("search_uncached", "0")):
        port = _free_port()
        env = {**os.environ, **LOAD_TEST_ENV, "STEELYARD_DATABASE_URL": url, "STEELYARD_SEARCH_CACHE_ENTRIES": entries}
        app = [uvicorn, "steelyard.app:create_app", "--factory", "--port", str(port), *common]
        with _server(app, env, port):
            out[label] = wrk(port, paths, seconds, connections)
            out[label]["ratio_to_baseline"] = out[label]["rps"] / out["baseline"]["rps"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", help="sqlite (a file in --dir) or a postgresql:// URL")
    parser.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "steelyard-search-bench"))
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--http-seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args()
    url = args.db
    if url == "sqlite":
        Path(args.dir).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(args.dir) / f'{args.products // 1000}k.db'}"
    prepare(url, args.products)
    mix = query_mix(url, args.queries)
    result = {
        "database": "sqlite" if is_sqlite(url) else "postgresql",
        "products": args.products,
        "load_average": os.getloadavg(),
        "latency": latency(url, mix),
        "throughput": throughput(url, mix, args.workers, args.http_seconds, args.connections),
    }
    print(json.dumps(result, indent=2))
    if not args.json_only:
        print(f"\n{'kind':18} {'n':>5} {'p50 ms':>8} {'p99 ms':>8}", file=sys.stderr)
        for kind, figures in result["latency"].items():
            print(f"{kind:18} {figures['n']:5} {figures['p50_ms']:8.2f} {figures['p99_ms']:8.2f}", file=sys.stderr)
        for label, figures in result["throughput"].items():
            if isinstance(figures, dict):
                print(f"{label:18} {json.dumps(figures)}", file=sys.stderr)


if __name__ == "__main__":
    main()
