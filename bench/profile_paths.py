"""Profile and measure single request paths against an already seeded database (issue 16's profiling step).

    python bench/profile_paths.py --db-url sqlite:////tmp/x.db --only estimate,quote_1,search --duration 5
    python bench/profile_paths.py --db-url postgresql://postgres@127.0.0.1:5432/test_x_bench --profile bench/profiles

Starts the bare-FastAPI baseline and `steelyard serve` the way bench/run.py does (same settings, same
LOAD_TEST_ENV), drives each scenario with wrk for `--duration` seconds after a 1 s warm-up, and prints req/s, p99
and the ratio to the bare-FastAPI baseline measured just before and just after it (their mean), with the load
average. A SQLite file is copied before
the server starts, so the writes of a run never reach the seeded file. With `--profile DIR`, py-spy samples the
server's workers while wrk runs (a second, profiled pass, so the measured pass is not slowed by the sampler) and
DIR/<db>-<scenario>.txt gets the top frames by own and by total time. Needs py-spy (`pip install py-spy`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import servers, wrk
from harness.runner import BENCH, make_tokens, venv_bin
from harness.scenarios import BASELINE, SCENARIOS, Catalogue, Scenario, build_catalogue


def _loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


IDLE = (
    "Condition.wait (threading.py",
    "Selector.select (selectors.py",
    "_worker (concurrent/futures/thread.py",
    "Event.wait (threading.py",
    "select (selectors.py",
)
"""Leaf frames of a thread that waits (py-spy cannot always tell an idle thread): left out of the summaries."""


def summarise(raw: Path, top: int = 15, drop: tuple[str, ...] = ()) -> str:
    """Top frames by own time (the leaf of each sample) and by total time (on the stack) of a py-spy raw file."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    ours: Counter[str] = Counter()  # own time charged to the innermost frame of Steelyard's code
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if f and not f.startswith(("process ", "thread "))]
        if not frames or any(d in f for f in frames for d in drop) or any(i in frames[-1] for i in IDLE):
            continue  # the load generator's own frames (in process), not the server's
        samples += n
        own[frames[-1]] += n
        mine = [f for f in frames if "steelyard/" in f and "/bin/steelyard" not in f]
        ours[mine[-1] if mine else "(outside Steelyard's code: server, framework, idle)"] += n
        for frame in set(frames):
            total[frame] += n
    out = [f"{samples} samples"]
    for title, counter in (("own time", own), ("total time", total), ("own time of Steelyard's frames", ours)):
        out.append(f"\ntop {top} by {title}:")
        for frame, n in counter.most_common(top):
            out.append(f"{100 * n / max(samples, 1):6.1f} %  {frame}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db-url", required=True)
    p.add_argument("--only", default="estimate,quote_1,search")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--duration", type=int, default=5)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--clients", type=int, default=1000, help="SSE streams (sse_fanout)")
    p.add_argument("--profile", type=Path, help="folder for the py-spy summaries")
    p.add_argument("--raw", type=Path, help="keep py-spy's raw stacks in this folder")
    p.add_argument("--no-baseline", action="store_true")
    args = p.parse_args(argv)
    wanted = [s for s in SCENARIOS if s.name in args.only.split(",")]
    work = Path(tempfile.mkdtemp(prefix="steelyard-profile-"))
    url = args.db_url
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    if kind == "sqlite":
        source = Path(url.removeprefix("sqlite:///"))
        copy = work / "run.db"
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")
        url = f"sqlite:///{copy}"
    print(f"load average before: {_loadavg()}", flush=True)

    def load(server: servers.Server, script: str, seconds: int) -> wrk.WrkResult:
        return wrk.run(server.base_url, script, duration_s=seconds, connections=args.connections, threads=2)

    def drive(
        server: servers.Server, baseline: servers.Server | None, scenario: Scenario, calls: list[wrk.Call],
        headers: dict[str, str],
    ) -> None:  # fmt: skip
        script = wrk.render_script(calls, headers)
        bases: list[float] = []
        if baseline is not None:  # the baseline just before and just after the path: the ratio is to their mean
            load(baseline, base_script, 1)
            bases.append(load(baseline, base_script, args.duration).rps)
        load(server, script, 1)
        res = load(server, script, args.duration)
        if baseline is not None:
            bases.append(load(baseline, base_script, args.duration).rps)
        base = sum(bases) / len(bases) if bases else 0.0
        ratio = f"{res.rps / base:.1%}" if base else "—"
        errors = f" errors {res.error_count}" if res.error_count else ""
        print(
            f"{kind:10} {scenario.name:14} {res.rps:8.0f} req/s  p50 {res.p50_ms:7.1f} ms  p99 {res.p99_ms:7.1f} ms"
            f"  baseline {' / '.join(f'{b:.0f}' for b in bases)} req/s  ÷ baseline {ratio:>6}  load {_loadavg()}"
            f"{errors}",
            flush=True,
        )
        if args.profile is None:
            return
        raw = (args.raw or work) / f"{kind}-{scenario.name}.raw"
        spy = subprocess.Popen(
            [venv_bin("py-spy"), "record", "--pid", str(server.proc.pid), "--subprocesses", "--format", "raw",
             "--rate", "200", "--nonblocking", "--function", "--gil", "--duration", str(args.duration), "-o", str(raw)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        load(server, script, args.duration)
        spy.wait(timeout=60)
        args.profile.mkdir(parents=True, exist_ok=True)
        head = (
            f"{kind} {scenario.name} ({scenario.method} {scenario.path}), {args.workers} workers, py-spy 200 Hz --gil "
            "(only the thread holding the GIL: the CPU spent in Python), idle threads left out\n"
        )
        (args.profile / f"{kind}-{scenario.name}.txt").write_text(head + summarise(raw) + "\n")

    def fan_out(server: servers.Server, scenario: Scenario, cat: Catalogue, tokens: dict[str, str]) -> None:
        """The SSE fan-out the way `make bench` runs it (bench/sse_bench.py in harness mode); with --profile, a
        second pass under py-spy."""
        assert scenario.plugin is not None
        cmd = [sys.executable, str(BENCH / scenario.plugin), "--base-url", server.base_url, "--clients",
               str(args.clients), "--duration", str(args.duration), "--token", tokens["staff"], "--skus",
               ",".join(str(x["sku"]) for x in cat.products[:20]), "--warehouse", cat.warehouses[0],
               "--database-url", url]  # fmt: skip

        def once() -> dict[str, float]:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 120, cwd=BENCH)
            lines = [line for line in out.stdout.splitlines() if line.strip()]
            if out.returncode != 0 or not lines:
                raise RuntimeError(f"{scenario.plugin} failed: {out.stderr[-2000:]}")
            return dict(json.loads(lines[-1]))

        res = once()
        keys = ("received", "expected", "p50_ms", "p99_ms", "commit_p50_ms", "commit_p99_ms", "post_p50_ms",
                "spread_p50_ms", "spread_p99_ms")  # fmt: skip
        print(f"{kind:10} {scenario.name:14} " + "  ".join(f"{k} {res.get(k)}" for k in keys)
              + f"  load {_loadavg()}", flush=True)  # fmt: skip
        if args.profile is None:
            return
        raw = (args.raw or work) / f"{kind}-{scenario.name}.raw"
        spy = subprocess.Popen(
            [venv_bin("py-spy"), "record", "--pid", str(server.proc.pid), "--subprocesses", "--format", "raw",
             "--rate", "200", "--nonblocking", "--function", "--gil", "--duration", str(args.duration + 3), "-o",
             str(raw)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        once()
        spy.wait(timeout=60)
        args.profile.mkdir(parents=True, exist_ok=True)
        head = (
            f"{kind} {scenario.name} (GET {scenario.path}, {args.clients} clients, a receipt every 0.1 s), "
            f"{args.workers} workers, py-spy 200 Hz --gil (only the thread holding the GIL), idle threads left out\n"
        )
        (args.profile / f"{kind}-{scenario.name}.txt").write_text(head + summarise(raw) + "\n")

    assert BASELINE.calls is not None
    base_script = wrk.render_script(BASELINE.calls(Catalogue(0, (), (), ())), {})
    baseline: servers.Server | None = None
    server: servers.Server | None = None
    try:
        if not args.no_baseline:
            port = servers.free_port()
            cmd = [venv_bin("uvicorn"), "baseline_app:create_app", "--factory", "--app-dir", str(BENCH), "--host",
                   "127.0.0.1", "--port", str(port), "--workers", str(args.workers), "--log-level", "warning",
                   "--no-access-log"]  # fmt: skip
            baseline = servers.start("baseline", cmd, port=port, env=dict(os.environ), cwd=work)
        tokens = make_tokens(url)
        port = servers.free_port()
        env = {**os.environ, **servers.LOAD_TEST_ENV, "STEELYARD_DATABASE_URL": url, "STEELYARD_HOLD_LIMITS": "off"}
        cmd = [venv_bin("steelyard"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
               str(args.workers), "--log-level", "warning"]  # fmt: skip
        server = servers.start("steelyard", cmd, port=port, env=env, cwd=work)
        cat = build_catalogue(server.base_url, url, 0)
        for scenario in wanted:
            if scenario.kind == "sse":
                fan_out(server, scenario, cat, tokens)
                continue
            assert scenario.calls is not None
            headers = {} if scenario.auth == "none" else {"Authorization": f"Bearer {tokens[scenario.auth]}"}
            drive(server, baseline, scenario, scenario.calls(cat), headers)
    finally:
        for running in (server, baseline):
            if running is not None:
                running.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {_loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
