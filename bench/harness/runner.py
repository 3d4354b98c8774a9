"""The run: the plan (which databases, sizes and worker counts), seeding, servers, scenarios, and the outputs."""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from harness import report, servers, wrk
from harness.scenarios import BASELINE, FLOORS, SCENARIOS, Catalogue, Scenario, build_catalogue, floor_catalogue
from steelyard.db import make_engine, normalise_url
from steelyard.migrate import migrate

BENCH = Path(__file__).resolve().parents[1]
ROOT = BENCH.parent
RESULTS = BENCH / "results"
SCRATCH = RESULTS / "tmp"
DOCS = ROOT / "docs"
DOC = DOCS / "benchmarks.md"
CHART = DOCS / "benchmarks-latency.png"
UNAVAILABLE = (404, 405, 501)
MIN_REQUESTS = 200
"""Fewer answered requests than this in a measured period make its p99 a guess; the table says so."""
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test_bench"

Row = dict[str, Any]


@dataclass(frozen=True)
class Config:
    """One server configuration: a database, a catalogue size and a worker count."""

    db: str
    size: int
    workers: int


@dataclass(frozen=True)
class Plan:
    mode: str
    configs: tuple[Config, ...]
    duration_s: int
    warmup_s: int
    sse_clients: int
    sse_duration_s: int
    budget_s: int
    connections: int = 64
    threads: int = 2
    timeout_s: int = 10
    only: tuple[str, ...] = ()

    @property
    def workers(self) -> tuple[int, ...]:
        return tuple(sorted({c.workers for c in self.configs}))

    def databases(self) -> list[tuple[str, int, list[int], bool]]:
        """(db, size, worker counts, is the largest size of that db), each seeded once, in plan order."""
        out: dict[tuple[str, int], list[int]] = {}
        for c in self.configs:
            out.setdefault((c.db, c.size), []).append(c.workers)
        largest = {db: max(size for d, size in out if d == db) for db, _ in out}
        return [(db, size, workers, size == largest[db]) for (db, size), workers in out.items()]

    def matrix(self) -> str:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        parts = [
            f"{names.get(db, db)} {report._size(size)} x {'+'.join(str(w) for w in workers)}w"
            for db, size, workers, _ in self.databases()
        ]
        parts.append(f"baseline x {'+'.join(str(w) for w in self.workers)}w")
        if self.only:
            parts.append("scenarios: " + ", ".join(self.only))
        return ", ".join(parts)


def configs(db: str, sizes: tuple[int, ...], workers: tuple[int, ...]) -> tuple[Config, ...]:
    return tuple(Config(db, n, w) for n in sizes for w in workers)


PLANS = {
    # 5 configurations x 8 request scenarios x (1 s warm-up + 5 s + probe) ~ 4.5 min, plus seeding 100k products
    # into SQLite and PostgreSQL (1.5-4 min, the seed indexes for search), 2 baselines and 2 SSE runs: see README.
    "full": Plan(
        mode="full",
        configs=(
            *configs("sqlite", (1_000, 10_000), (2,)),
            *configs("sqlite", (100_000,), (1, 2)),
            Config("postgresql", 100_000, 2),
        ),
        duration_s=5,
        warmup_s=1,
        sse_clients=1000,
        sse_duration_s=5,
        budget_s=720,  # 9 request scenarios (the estimate since issue 16) and two 1,000-client SSE runs
    ),
    # Under 2 min: the 2-worker server on a 1k catalogue, SQLite and PostgreSQL, 1 s warm-up + 2 s per scenario.
    "quick": Plan(
        mode="quick",
        configs=(Config("sqlite", 1_000, 2), Config("postgresql", 1_000, 2)),
        duration_s=2,
        warmup_s=1,
        sse_clients=200,
        sse_duration_s=3,
        budget_s=120,
    ),
}


def venv_bin(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


def raise_fd_limit() -> None:
    """1,000 SSE clients need more than the usual 1,024 descriptors; children inherit the raised soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


@dataclass
class Database:
    """One seeded catalogue: its URL (the pristine copy for SQLite), its tokens and, once a server has answered,
    the catalogue sample the scenarios draw from."""

    kind: str
    size: int
    url: str
    tokens: dict[str, str] = field(default_factory=dict)
    catalogue: Catalogue | None = None
    path: Path | None = None


def machine() -> dict[str, Any]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "memory_gib": mem_kib / 1024 / 1024,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "wrk": wrk.version(),
        "sqlite": sqlite3.sqlite_version,
    }


def commit() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        return sha + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def make_tokens(url: str) -> dict[str, str]:
    """A staff token and a customer token (with a new account), as `steelyard token create` makes them, made in
    this process to spare two interpreter starts per database."""
    from steelyard.access.model import Role
    from steelyard.access.service import create_account, create_token
    from steelyard.db import Database

    db = Database(make_engine(url, pool_size=1, max_overflow=0))
    try:
        with db.write() as conn:
            account = create_account(conn, name="bench-customer", currency="EUR")
            return {
                "staff": create_token(conn, role=Role.STAFF, name="bench-staff"),
                "customer": create_token(conn, role=Role.CUSTOMER, name="bench-customer", account_id=account),
            }
    finally:
        db.dispose()


class Runner:
    def __init__(self, plan: Plan, *, pg_url: str, workdir: Path) -> None:
        self.plan = plan
        self.pg_url = pg_url
        self.workdir = workdir
        self.rows: list[Row] = []
        self.started = time.perf_counter()
        self.setup_failures: list[str] = []
        self.pg_version: str | None = None
        self._interfaces: dict[Path, bool] = {}

    # --- plumbing ---------------------------------------------------------------------------------------------

    def log(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.1f} s] {message}", file=sys.stderr, flush=True)

    def wanted(self, scenario: Scenario) -> bool:
        return self.wanted_name(scenario.name)

    def wanted_name(self, name: str) -> bool:
        return not self.plan.only or name in self.plan.only

    @staticmethod
    def row(scenario: Scenario | str, kind: str, db: str, products: int, workers: int, title: str = "") -> Row:
        name = scenario if isinstance(scenario, str) else scenario.name
        if isinstance(scenario, Scenario):
            title = scenario.title
        return {
            "scenario": name,
            "title": title,
            "kind": kind,
            "db": db,
            "products": products,
            "workers": workers,
            "status": "ok",
            "note": "",
        }

    # --- databases --------------------------------------------------------------------------------------------

    def prepare_sqlite(self, size: int) -> Database:
        path = self.workdir / f"sqlite-{size}.db"
        db = Database("sqlite", size, f"sqlite:///{path}", path=path)
        migrate(db.url, "head")
        self.seed(db)
        return db

    def prepare_pg(self, size: int) -> Database:
        url = self.pg_url
        name = make_url(normalise_url(url)).database or ""
        if "bench" not in name:
            raise RuntimeError(f"refusing to wipe PostgreSQL database '{name}': its name must contain 'bench'")
        admin = create_engine(make_url(normalise_url(url)).set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                self.pg_version = str(conn.execute(text("SHOW server_version")).scalar_one()).split(" ")[0]
                if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        finally:
            engine.dispose()
        db = Database("postgresql", size, url)
        migrate(url, "head")
        self.seed(db)
        # After a bulk load PostgreSQL has no statistics until autovacuum's next pass; a running server would have
        # them, so measure that steady state rather than the first minute's plans.
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        finally:
            engine.dispose()
        return db

    def seed(self, db: Database) -> None:
        row = self.row("seed", "seed", db.kind, db.size, 0, "Catalogue seed (steelyard seed --demo)")
        env = {**os.environ, "STEELYARD_DATABASE_URL": db.url}
        cmd = [venv_bin("steelyard"), "seed", "--demo", "--products", str(db.size)]
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=env, cwd=self.workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        with servers.RssSampler(proc.pid, interval_s=0.2) as rss:
            out, err = proc.communicate(timeout=900)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"steelyard seed exited {proc.returncode}: {err.strip()[-800:]}")
        match = re.search(r"\(([\d.]+) products/s\)", out)
        row.update(
            seconds=seconds,
            products_per_s=db.size / seconds,
            loader_products_per_s=float(match.group(1)) if match else None,
            rss_total_mb=rss.peak.total_mb,
            note=out.strip().splitlines()[-1] if out.strip() else "",
        )
        self.rows.append(row)
        self.log(f"seeded {db.kind} with {db.size} products in {seconds:.1f} s ({db.size / seconds:.0f} products/s)")
        db.tokens.update(make_tokens(db.url))

    # --- servers ----------------------------------------------------------------------------------------------

    def steelyard_cmd(self, port: int, workers: int) -> list[str]:
        return [
            venv_bin("steelyard"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ]

    def baseline_cmd(self, port: int, workers: int, app: str = "baseline_app") -> list[str]:
        return [
            venv_bin("uvicorn"),
            f"{app}:create_app",
            "--factory",
            "--app-dir",
            str(BENCH),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ]

    def cold_start_row(self, name: str, db: str, size: int, workers: int, server: servers.Server) -> Row:
        row = self.row(name, "cold_start", db, size, workers, "Cold start, spawn to first 200 on /readyz")
        sampler = servers.RssSampler(server.proc.pid)
        sampler.sample()
        row.update(
            seconds=server.cold_start_s, rss_worker_mb=sampler.peak.worker_mb, rss_total_mb=sampler.peak.total_mb
        )
        return row

    def run_baseline(self, workers: int) -> None:
        port = servers.free_port()
        name = f"baseline-{workers}w"
        try:
            server = servers.start(
                name, self.baseline_cmd(port, workers), port=port, env=dict(os.environ), cwd=self.workdir
            )
        except RuntimeError as exc:
            self.setup_failures.append(f"baseline with {workers} workers: {exc}")
            row = self.row(BASELINE, "http", "none", 0, workers)
            row.update(status="failed", note=str(exc)[:300])
            self.rows.append(row)
            return
        try:
            self.rows.append(self.cold_start_row("baseline_cold_start", "none", 0, workers, server))
            empty = Catalogue(size=0, products=(), warehouses=(), hot=())
            self.rows.append(self.run_http(BASELINE, server, empty, {}, "none", 0, workers))
        finally:
            server.stop()

    def run_floors(self, workers: int) -> None:
        """The floor app (bench/floor_app.py): the routes of the goals' scenarios with their real signatures and
        no work, served as the baseline is. Only the scenarios this run measures."""
        wanted = [floor for name, floor in FLOORS.items() if self.wanted_name(name)]
        if not wanted:
            return
        port = servers.free_port()
        name = f"floor-{workers}w"
        try:
            server = servers.start(
                name, self.baseline_cmd(port, workers, "floor_app"), port=port, env=dict(os.environ), cwd=self.workdir
            )
        except RuntimeError as exc:
            self.setup_failures.append(f"floor with {workers} workers: {exc}")
            return
        try:
            catalogue = floor_catalogue()
            for floor in wanted:
                self.rows.append(self.run_http(floor, server, catalogue, {}, "none", 0, workers))
        finally:
            server.stop()

    def run_config(self, db: Database, workers: int, index: int, *, largest: bool) -> None:
        url = db.url
        copy: Path | None = None
        if db.kind == "sqlite" and db.path is not None:
            # Each configuration starts from the pristine seeded file, untouched by the previous one's writes.
            copy = self.workdir / f"run-{db.size}-{workers}w.db"
            for suffix in ("", "-wal"):
                if Path(f"{db.path}{suffix}").exists():
                    shutil.copyfile(f"{db.path}{suffix}", f"{copy}{suffix}")
            url = f"sqlite:///{copy}"
        port = servers.free_port()
        name = f"steelyard-{db.kind}-{db.size}-{workers}w"
        # One bench customer reserves over and over: the per-account hold limits would refuse it (docs/security.md).
        env = {**os.environ, **servers.LOAD_TEST_ENV, "STEELYARD_DATABASE_URL": url, "STEELYARD_HOLD_LIMITS": "off"}
        try:
            server = servers.start(name, self.steelyard_cmd(port, workers), port=port, env=env, cwd=self.workdir)
        except RuntimeError as exc:
            self.setup_failures.append(f"{name}: {exc}")
            row = self.row("cold_start", "cold_start", db.kind, db.size, workers)
            row.update(status="failed", note=str(exc)[:300])
            self.rows.append(row)
            return
        self.log(f"{name} ready in {server.cold_start_s:.2f} s")
        try:
            self.rows.append(self.cold_start_row("cold_start", db.kind, db.size, workers, server))
            if db.catalogue is None:
                db.catalogue = build_catalogue(server.base_url, url, db.size)
                self.log(f"catalogue sample: {len(db.catalogue.products)} products, hot {db.catalogue.hot_sku}")
            # A different hot product per configuration, so one run's holds do not change the next one's
            # (PostgreSQL configurations share one database).
            catalogue = replace(db.catalogue, hot_index=index)
            for scenario in SCENARIOS:
                if scenario.kind not in ("http", "sse") or not self.wanted(scenario):
                    continue
                if (scenario.workers and workers not in scenario.workers) or (scenario.largest_only and not largest):
                    continue
                if scenario.kind == "http":
                    row = self.run_http(scenario, server, catalogue, db.tokens, db.kind, db.size, workers)
                else:
                    row = self.run_sse(scenario, server, catalogue, db.tokens, db.kind, db.size, workers, url)
                self.rows.append(row)
                if not server.alive():
                    self.setup_failures.append(f"{name} died during {scenario.name}: {server.log_tail()}")
                    break
        finally:
            server.stop()
            if copy is not None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{copy}{suffix}").unlink(missing_ok=True)

    # --- scenarios --------------------------------------------------------------------------------------------

    @staticmethod
    def _auth(scenario: Scenario, tokens: dict[str, str]) -> dict[str, str]:
        if scenario.auth == "none":
            return {}
        return {"Authorization": f"Bearer {tokens[scenario.auth]}"}

    def run_http(
        self,
        scenario: Scenario,
        server: servers.Server,
        cat: Catalogue,
        tokens: dict[str, str],
        db: str,
        size: int,
        workers: int,
    ) -> Row:
        row = self.row(scenario, "http", db, size, workers)
        label = f"{db} {report._size(size)} {workers}w {scenario.name}"
        if scenario.needs_seed and not cat.products:
            row.update(status="unavailable", note="the catalogue is empty")
            return row
        assert scenario.calls is not None
        calls = scenario.calls(cat)
        headers = self._auth(scenario, tokens)
        first = calls[0]
        probe_headers = {**headers, **({"Content-Type": "application/json"} if first.body else {})}
        try:
            r = httpx.request(
                first.method, server.base_url + first.path, content=first.body, headers=probe_headers, timeout=30
            )
        except httpx.HTTPError as exc:
            row.update(status="failed", note=f"probe: {exc}")
            self.log(f"{label}: probe failed: {exc}")
            return row
        if r.status_code in UNAVAILABLE:
            row.update(status="unavailable", note=f"{scenario.method} {scenario.path} answers {r.status_code}")
            self.log(f"{label}: not available in this build ({r.status_code})")
            return row
        if r.status_code >= 400:
            detail = r.text[:300]
            row.update(status="failed", note=f"probe answered {r.status_code}: {detail}")
            self.log(f"{label}: probe answered {r.status_code}: {detail}")
            return row
        script = wrk.render_script(calls, headers)
        p = self.plan
        try:
            wrk.run(
                server.base_url,
                script,
                duration_s=p.warmup_s,
                connections=p.connections,
                threads=p.threads,
                timeout_s=p.timeout_s,
            )
            with servers.RssSampler(server.proc.pid) as rss:
                res = wrk.run(
                    server.base_url,
                    script,
                    duration_s=p.duration_s,
                    connections=p.connections,
                    threads=p.threads,
                    timeout_s=p.timeout_s,
                )
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
            row.update(status="failed", note=str(exc)[:300])
            self.log(f"{label}: wrk failed: {exc}")
            return row
        row.update(
            rps=res.rps,
            p50_ms=res.p50_ms,
            p90_ms=res.p90_ms,
            p99_ms=res.p99_ms,
            max_ms=res.max_ms,
            mean_ms=res.mean_ms,
            requests=res.requests,
            duration_s=res.duration_s,
            errors=res.errors,
            error_rate=res.error_rate,
            distinct_requests=len(calls),
            rss_worker_mb=rss.peak.worker_mb,
            rss_total_mb=rss.peak.total_mb,
        )
        if scenario.name.startswith("reserve_"):
            row["oversold"] = self.oversold(server, cat, scenario)
        if res.requests < MIN_REQUESTS:
            # wrk counts only the requests answered within the period: a stall shows as few requests, not errors.
            row["note"] = f"only {res.requests} requests answered in {res.duration_s:.0f} s: percentiles are rough"
        self.log(
            f"{label}: {res.rps:,.0f} req/s, p50 {res.p50_ms:.1f} ms, p99 {res.p99_ms:.1f} ms, "
            f"errors {res.error_count}, RSS/worker {rss.peak.worker_mb:.0f} MB"
        )
        return row

    @staticmethod
    def oversold(server: servers.Server, cat: Catalogue, scenario: Scenario) -> int | None:
        """After a reservation rush: how many of the touched stock levels hold more than they have (must be 0)."""
        skus = [cat.hot_sku] if scenario.name == "reserve_hot" else [str(p["sku"]) for p in cat.products[:50]]
        over = 0
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            for sku in skus:
                r = client.get(f"/api/v1/products/{quote(sku, safe='')}/stock")
                if r.status_code != 200:
                    return None
                for level in r.json()["warehouses"]:
                    if Decimal(level["reserved"]) > Decimal(level["on_hand"]) or Decimal(level["available"]) < 0:
                        over += 1
        return over

    def speaks_interface(self, plugin: Path) -> bool:
        """Whether the plugin's --help offers the harness's interface (a standalone script may not)."""
        if plugin not in self._interfaces:
            try:
                out = subprocess.run(
                    [sys.executable, str(plugin), "--help"], capture_output=True, text=True, timeout=60, cwd=BENCH
                )
                self._interfaces[plugin] = "--base-url" in out.stdout
            except (OSError, subprocess.TimeoutExpired):
                self._interfaces[plugin] = False
        return self._interfaces[plugin]

    def run_sse(
        self,
        scenario: Scenario,
        server: servers.Server,
        cat: Catalogue,
        tokens: dict[str, str],
        db: str,
        size: int,
        workers: int,
        url: str = "",
    ) -> Row:
        """Runs the events engineer's `bench/<plugin>` (interface in bench/README.md) as a separate process."""
        row = self.row(scenario, "sse", db, size, workers)
        label = f"{db} {report._size(size)} {workers}w {scenario.name}"
        assert scenario.plugin is not None
        plugin = BENCH / scenario.plugin
        if not plugin.exists():
            row.update(status="unavailable", note=f"bench/{scenario.plugin} is not in this build")
            self.log(f"{label}: not available in this build (no bench/{scenario.plugin})")
            return row
        if not self.speaks_interface(plugin):
            row.update(
                status="unavailable",
                note=f"bench/{scenario.plugin} does not take the harness's options yet (--base-url, --clients, "
                "--duration, --token, --skus, --warehouse: see bench/README.md)",
            )
            self.log(f"{label}: not available in this build (bench/{scenario.plugin} lacks --base-url)")
            return row
        try:
            with httpx.stream("GET", server.base_url + scenario.path, timeout=10) as r:
                status = r.status_code
        except httpx.HTTPError as exc:
            row.update(status="failed", note=f"probe: {exc}")
            return row
        if status in UNAVAILABLE:
            row.update(status="unavailable", note=f"GET {scenario.path} answers {status}")
            self.log(f"{label}: not available in this build ({status})")
            return row
        p = self.plan
        cmd = [
            sys.executable,
            str(plugin),
            "--base-url",
            server.base_url,
            "--clients",
            str(p.sse_clients),
            "--duration",
            str(p.sse_duration_s),
            "--token",
            tokens.get("staff", ""),
            "--skus",
            ",".join(str(x["sku"]) for x in cat.products[:20]),
            "--warehouse",
            cat.warehouses[0] if cat.warehouses else "",
            *(["--database-url", url] if url else []),
        ]
        try:
            with servers.RssSampler(server.proc.pid) as rss:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=p.sse_duration_s + 120, cwd=BENCH)
        except subprocess.TimeoutExpired:
            row.update(status="failed", note=f"bench/{scenario.plugin} did not finish in time")
            return row
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        if proc.returncode != 0 or not lines:
            last = (proc.stderr.strip().splitlines() or [""])[-1][:200]
            row.update(status="failed", note=f"bench/{scenario.plugin} exited {proc.returncode}: {last}")
            self.log(f"{label}: {row['note']}")
            return row
        try:
            data = json.loads(lines[-1])
        except json.JSONDecodeError:
            row.update(status="failed", note=f"bench/{scenario.plugin} printed no JSON: {lines[-1][:200]}")
            return row
        if data.get("available") is False:
            row.update(status="unavailable", note=str(data.get("reason", "")))
            return row
        # Judged on commit -> receipt, as issue 16 states the goal, when the plugin could time it; the figures from
        # the POST's start (its own round trip included) stay in the row's `sse` and in the note.
        timed_from_commit = data.get("commit_p99_ms") is not None
        row.update(
            rps=data.get("events_per_s"),
            p50_ms=data.get("commit_p50_ms") if timed_from_commit else data.get("p50_ms"),
            p99_ms=data.get("commit_p99_ms") if timed_from_commit else data.get("p99_ms"),
            rss_worker_mb=rss.peak.worker_mb,
            rss_total_mb=rss.peak.total_mb,
            sse=data,
            note=f"{data.get('clients', p.sse_clients)} clients, {data.get('received', '?')}/"
            f"{data.get('expected', '?')} events received; req/s = events delivered per second; "
            + (
                f"p50/p99 from the event's commit; from the POST's start {data.get('p50_ms')} / {data.get('p99_ms')} ms"
                if timed_from_commit
                else "p50/p99 from the POST's start"
            ),
        )
        self.log(f"{label}: p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms")
        return row

    # --- the whole run ----------------------------------------------------------------------------------------

    def execute(self) -> dict[str, Any]:
        p = self.plan
        started_at = datetime.now(UTC)
        load_before = list(os.getloadavg())
        self.log(f"{p.mode} run: {p.matrix()}")
        for workers in p.workers:
            self.run_baseline(workers)
            self.run_floors(workers)
        for kind, size, worker_counts, largest in p.databases():
            try:
                db = self.prepare_sqlite(size) if kind == "sqlite" else self.prepare_pg(size)
            except Exception as exc:  # report it, go on with the rest of the matrix
                self.setup_failures.append(f"{kind} with {size} products: {exc}")
                self.log(f"{kind} {size}: setup failed: {exc}")
                row = self.row("seed", "seed", kind, size, 0, "Catalogue seed (steelyard seed --demo)")
                row.update(status="failed", note=str(exc)[:300])
                self.rows.append(row)
                continue
            for index, workers in enumerate(worker_counts):
                self.run_config(db, workers, index, largest=largest)
            if db.path is not None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db.path}{suffix}").unlink(missing_ok=True)
        report.add_ratios(self.rows)
        wall = time.perf_counter() - self.started
        mach = machine()
        mach["postgresql"] = f"PostgreSQL {self.pg_version}" if self.pg_version else None
        notes = []
        if wall > p.budget_s:
            notes.append(f"over its {p.budget_s} s budget")
        if self.setup_failures:
            notes.append("setup failures: " + " | ".join(f[:200] for f in self.setup_failures))
        return {
            "version": 1,
            "mode": p.mode,
            "meta": {
                "date": started_at.strftime("%Y-%m-%d %H:%M UTC"),
                "stamp": started_at.strftime("%Y%m%dT%H%M%SZ"),
                "commit": commit(),
                "machine": mach,
                "wall_s": wall,
                "budget_s": p.budget_s,
                "load_before": load_before,
                "load_after": list(os.getloadavg()),
                "notes": "; ".join(notes),
                "settings": {
                    "threads": p.threads,
                    "connections": p.connections,
                    "duration_s": p.duration_s,
                    "warmup_s": p.warmup_s,
                    "timeout_s": p.timeout_s,
                    "sse_clients": p.sse_clients,
                    "sse_duration_s": p.sse_duration_s,
                    "server_cmd": "steelyard serve --workers N --log-level warning",
                    "baseline_cmd": "uvicorn baseline_app:create_app --factory --workers N --log-level warning "
                    "--no-access-log",
                    "matrix": p.matrix(),
                    "pg_url": self.pg_url if any(c.db == "postgresql" for c in p.configs) else None,
                },
            },
            "rows": self.rows,
        }


DOC_HEADER = """\
# Benchmarks

How fast Steelyard is and how its cost grows with the catalogue, measured by `make bench` (about 10 minutes)
and `make bench-quick` (under 2 minutes); see [bench/README.md](../bench/README.md) for the harness, the
scenarios and how to read and compare the figures. Speed is measured here, never in timed tests.

Each section below is one full run, newest last: the date, machine, commit and settings, then requests per
second, p50 and p99 latency, the ratio to the bare-FastAPI baseline measured in the same run with the same
number of workers, and the server's peak resident memory. "Not available in this build" means the endpoint
answered 404/405/501 when the run probed it: no figure is made up for it. The raw figures of every run are in
`bench/results/`, and `make bench-compare` prints the change between the last two.

Figures taken on the shared 2-core development machine while other work runs are noisy: trust the ratios
to the baseline (measured minutes apart on the same machine) more than the absolute numbers.

![p50 and p99 latency against catalogue size, latest full run](benchmarks-latency.png)
"""


def write_outputs(doc: dict[str, Any]) -> list[Path]:
    """Full runs: bench/results/<stamp>-full.json and latest.json, a section appended to docs/benchmarks.md and
    the chart in docs/. Other runs (quick, or a subset) go to bench/results/tmp/, which git ignores."""
    stamp = doc["meta"]["stamp"]
    mode = doc["mode"]
    written: list[Path] = []
    if mode == "full":
        RESULTS.mkdir(parents=True, exist_ok=True)
        json_path = RESULTS / f"{stamp}-{mode}.json"
        latest = RESULTS / "latest.json"
        chart_path = CHART
    else:
        SCRATCH.mkdir(parents=True, exist_ok=True)
        json_path = SCRATCH / f"{stamp}-{mode}.json"
        latest = SCRATCH / f"latest-{mode}.json"
        chart_path = SCRATCH / f"{stamp}-{mode}.png"
    text_json = json.dumps(doc, indent=1, sort_keys=True, default=str) + "\n"
    json_path.write_text(text_json)
    latest.write_text(text_json)
    written += [json_path, latest]
    try:
        report.chart(doc, chart_path)
        written.append(chart_path)
    except Exception as exc:  # a chart is not worth losing the figures over
        print(f"chart not drawn: {exc}", file=sys.stderr)
    section = report.markdown(doc, json_path=str(json_path.relative_to(ROOT)), chart_path=None)
    if mode == "full":
        DOCS.mkdir(exist_ok=True)
        existing = DOC.read_text() if DOC.exists() else DOC_HEADER
        DOC.write_text(existing.rstrip("\n") + "\n\n" + section)
        written.append(DOC)
    else:
        md = SCRATCH / f"{stamp}-{mode}.md"
        md.write_text(section)
        written.append(md)
    print(section)
    return written


def result_files() -> list[Path]:
    """Every stored run, oldest first (the stamp in the name orders them)."""
    files = [p for d in (RESULTS, SCRATCH) if d.exists() for p in d.glob("*T*Z-*.json")]
    return sorted(files, key=lambda p: p.name)


def last_two() -> tuple[Path, Path] | None:
    """The newest run and the run before it of the same mode."""
    files = result_files()
    if not files:
        return None
    newest = files[-1]
    mode = newest.stem.split("-", 1)[1]
    earlier = [p for p in files[:-1] if p.stem.split("-", 1)[1] == mode]
    return (earlier[-1], newest) if earlier else None


def run(plan: Plan, *, pg_url: str, keep: bool = False) -> int:
    wrk.wrk_path()
    raise_fd_limit()
    workdir = Path(tempfile.mkdtemp(prefix="steelyard-bench-"))
    runner = Runner(plan, pg_url=pg_url, workdir=workdir)
    try:
        doc = runner.execute()
    finally:
        if keep:
            print(f"kept the work folder {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    written = write_outputs(doc)
    wall = doc["meta"]["wall_s"]
    print(f"\n{plan.mode} run took {wall:.0f} s (budget {plan.budget_s} s); wrote:", file=sys.stderr)
    for path in written:
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", file=sys.stderr)
    failed = [r for r in doc["rows"] if r["status"] == "failed"]
    for r in failed:
        print(f"FAILED {r['scenario']} {r['db']} {r['products']} {r['workers']}w: {r['note']}", file=sys.stderr)
    return 1 if failed or runner.setup_failures else 0
