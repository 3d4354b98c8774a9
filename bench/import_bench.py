"""Import speed and memory: `make bench-import` (also run by `make bench`), or alone:

python bench/import_bench.py [--products 100000] [--scale 10000,50000] [--pg-url postgresql://…/test_bench]
                             [--skip-pg] [--xlsx] [--write]

Writes a products file of the demo catalogue (real grades, sizes and tiered prices) with N rows, then times
`steelyard import products FILE` as a user runs it (a fresh process, into an empty, migrated database) on SQLite
and PostgreSQL, then the same import again (every row unchanged), and the export. Before that, the same first
import of smaller files (`--scale`, each into an empty database) to see whether memory grows with the file.
Reports wall time, the importing process's CPU time (user + system: what a quiet machine's wall time nears, less
sensitive than wall time to other work on a shared machine), rows per second, the peak resident memory of each
process on its own (`wait4`), and the load average. Memory is judged flat when the last step in file size (50k to
100k rows) adds at most FLAT_BYTES_PER_ROW bytes an extra row (or FLAT_NOISE_MB), on the same database; the step from
the smallest file is reported beside it (the bounded caches fill in the first ~20k rows).
`--write` (as `make bench` runs it) replaces its section of docs/benchmarks.md: each figure against issue 14's
goals (100,000 products with prices: SQLite under 60 s, PostgreSQL under 120 s; memory that does not grow with
the file) and the load before and after.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from steelyard.catalog.schemas import ProductIn
from steelyard.catalog.service import product_from_fields
from steelyard.db import make_engine
from steelyard.demo import generate
from steelyard.io.cells import Numbers
from steelyard.io.formats import csv_text, write_xlsx
from steelyard.io.products import export_header, product_cells
from steelyard.migrate import migrate

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- import-bench:begin -->"
END = "<!-- import-bench:end -->"
GOALS_S = {"sqlite": 60.0, "postgresql": 120.0}  # issue 14: 100,000 products with their prices
# "Memory does not grow with the file", judged on the last step in file size (50k to 100k rows): what the larger
# file adds per extra row. The import's bounded caches (physics 4,096 entries, search terms, SQLAlchemy's statement
# cache; docs/import.md) fill within the first ~20,000 rows, so the step from the smallest file shows their fill,
# not growth; it is reported beside. What grew before (a dict of every SKU seen, ~160 bytes a row; a statement per
# batch in SQLite's cache) would add well over 64 bytes a row; RSS readings wobble by about 1 MB.
FLAT_BYTES_PER_ROW = 64
FLAT_NOISE_MB = 2.0
FIRST = "import (all new)"
STEELYARD = str(Path(sys.executable).with_name("steelyard"))


def write_file(path: Path, n: int, seed: int = 42) -> int:
    """The demo catalogue of n products as a products file (CSV or XLSX by the extension); returns its size."""
    keys = sorted({k for item in generate(products=n, seed=seed).products for k in item.get("attributes", {})})
    numbers = Numbers()

    def rows():  # type: ignore[no-untyped-def]
        for item in generate(products=n, seed=seed).products:
            body = ProductIn.model_validate({k: v for k, v in item.items() if k != "stock"})
            yield product_cells(product_from_fields(body.sku, body), keys, numbers)

    if path.suffix == ".xlsx":
        with path.open("wb") as out:
            write_xlsx(export_header(keys), rows(), out, sheet="products")
    else:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(export_header(keys))
            for row in rows():
                writer.writerow([csv_text(c, numbers) for c in row])
    return path.stat().st_size


def fresh(url: str) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate(url, "head")


def timed(args: list[str], url: str) -> dict[str, object]:
    """Run one steelyard command in a fresh process: wall and CPU seconds, its own peak RSS, its last line."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [STEELYARD, *args], env={**os.environ, "STEELYARD_DATABASE_URL": url}, stdout=out, stderr=err, text=True
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        said, errors = out.read(), err.read()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{errors[-3000:]}")
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),  # the process's own CPU: what a quiet machine nears
        "peak_rss_mb": round(usage.ru_maxrss / 1024),  # this process alone (Linux: KiB)
        "load_1min": round(load, 2),
        "said": (said.strip().splitlines() or [""])[-1],
    }


def run(n: int, urls: dict[str, str], fmt: str, scale: list[int]) -> list[dict[str, object]]:
    results = []
    with tempfile.TemporaryDirectory() as work:
        for db, url in urls.items():
            if db == "sqlite":
                url = f"sqlite:///{Path(work) / 'bench.db'}"
            for m in scale:  # smaller files first, each into an empty database: the memory of the same import
                path = Path(work) / f"products-{m}.{fmt}"
                size = path.stat().st_size if path.exists() else write_file(path, m)
                fresh(url)
                results.append(_step(db, url, m, fmt, FIRST, ["import", "products", str(path)], size))
        path = Path(work) / f"products.{fmt}"
        size = write_file(path, n)
        for db, url in urls.items():
            if db == "sqlite":
                url = f"sqlite:///{Path(work) / 'bench.db'}"
            fresh(url)
            for step, args in (
                (FIRST, ["import", "products", str(path)]),
                ("import again (all unchanged)", ["import", "products", str(path)]),
                ("export", ["export", "products", str(Path(work) / f"out.{fmt}")]),
            ):
                results.append(_step(db, url, n, fmt, step, args, size))
    return results


def _step(db: str, url: str, n: int, fmt: str, step: str, args: list[str], size: int) -> dict[str, object]:
    figures = timed(args, url)
    figures.update(db=db, products=n, format=fmt, step=step, file_mb=round(size / 1e6, 1))
    figures["rows_per_s"] = round(n / max(float(figures["wall_s"]), 0.1))  # type: ignore[arg-type]
    print(json.dumps(figures), flush=True)
    return figures


def memory_verdicts(results: list[dict[str, object]]) -> list[str]:
    """Per database: the first import's peak RSS at each file size, and whether the last step in size adds memory
    per extra row ("GROWS") or not ("flat"); see FLAT_BYTES_PER_ROW."""
    lines = []
    for db in dict.fromkeys(str(r["db"]) for r in results):
        firsts = sorted(
            (int(r["products"]), float(r["peak_rss_mb"])) for r in results if r["db"] == db and r["step"] == FIRST
        )  # type: ignore[call-overload, arg-type]
        if len(firsts) < 2:
            continue
        (n0, smallest), (nm, mid), (n1, large) = firsts[0], firsts[-2], firsts[-1]
        allowed = max(FLAT_NOISE_MB, FLAT_BYTES_PER_ROW * (n1 - nm) / 2**20)
        verdict = "flat" if large - mid <= allowed else "GROWS"
        peaks = ", ".join(f"{n:,} rows {mb:.0f} MB" for n, mb in firsts)
        lines.append(
            f"- **{db}**: peak RSS of the first import: {peaks}; {n1:,} against {nm:,} rows: {large - mid:+.0f} MB "
            f"(allowed {allowed:.1f} MB, {FLAT_BYTES_PER_ROW} bytes an extra row): **{verdict}**; {n1:,} against "
            f"{n0:,}: {large - smallest:+.0f} MB (the bounded caches filling)"
        )
    return lines


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
    return done.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def section(
    results: list[dict[str, object]],
    *,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
    wall: float,
    json_name: str,
) -> str:
    """The Markdown of one run: the figures, each first import against its goal, and the load around the run."""
    n = max((int(r["products"]) for r in results), default=0)  # type: ignore[call-overload]
    loads = " / ".join(f"{x:.2f}" for x in load_before), " / ".join(f"{x:.2f}" for x in load_after)
    lines = [
        BEGIN,
        f"### {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {n:,} products · "
        f"{results[0]['format'] if results else 'csv'} · commit {commit()} (written by `make bench`)",
        "",
        f"Load average (1, 5, 15 min) before {loads[0]}, after {loads[1]} on {os.cpu_count()} cores; run time "
        f"{wall:.0f} s; raw figures `bench/results/{json_name}`.",
        "",
        "| db | rows | step | wall s | CPU s (importer) | rows/s | peak RSS MB | load (1 min) | goal | said |",
        "|---|--:|---|--:|--:|--:|--:|--:|---|---|",
    ]
    for r in results:
        goal = ""
        if r["step"] == FIRST and r["db"] in GOALS_S and int(r["products"]) >= 100_000:  # type: ignore[call-overload]
            limit = GOALS_S[str(r["db"])]
            wall_s = float(r["wall_s"])  # type: ignore[arg-type]
            goal = f"≤ {limit:.0f} s: " + ("met" if wall_s <= limit else f"missed by {wall_s - limit:.1f} s")
        lines.append(
            f"| {r['db']} | {int(r['products']):,} | {r['step']} | {r['wall_s']} | {r['cpu_s']} "  # type: ignore[call-overload]
            f"| {int(r['rows_per_s']):,} "  # type: ignore[call-overload]
            f"| {r['peak_rss_mb']} | {r['load_1min']} | {goal} | {str(r['said']).replace('|', '/')} |"
        )
    lines += [
        "",
        f"Memory (peak RSS of each process on its own; flat: the last step in file size adds at most "
        f"{FLAT_BYTES_PER_ROW} bytes an extra row, or {FLAT_NOISE_MB:.0f} MB):",
        "",
        *memory_verdicts(results),
        "",
        END,
    ]
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text()
    if BEGIN in doc:
        doc = doc[: doc.index(BEGIN)] + text + doc[doc.index(END) + len(END) :]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    DOC.write_text(doc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test_bench")
    )
    parser.add_argument("--scale", default="10000,50000", help="smaller files to import first (memory against size)")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--xlsx", action="store_true", help="an XLSX file instead of CSV")
    parser.add_argument("--write", action="store_true", help="replace the import section of docs/benchmarks.md")
    args = parser.parse_args()
    started, load_before = time.perf_counter(), os.getloadavg()
    urls = {"sqlite": "sqlite"} | ({} if args.skip_pg else {"postgresql": args.pg_url})
    if "bench" not in args.pg_url and not args.skip_pg and "test_h" not in args.pg_url:
        parser.error("the PostgreSQL database is wiped: its name must contain 'bench'")
    scale = sorted(int(m) for m in args.scale.split(",") if m.strip() and int(m) < args.products)
    results = run(args.products, urls, "xlsx" if args.xlsx else "csv", scale)
    out = ROOT / "bench" / "results" / f"import-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written {out}")
    text = section(
        results,
        load_before=load_before,
        load_after=os.getloadavg(),
        wall=time.perf_counter() - started,
        json_name=out.name,
    )
    print(text)
    if args.write:
        write_doc(text)
        print(f"written {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
