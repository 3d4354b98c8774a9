"""What a run leaves behind: the Markdown tables, the targets, the latency chart, and the comparison of two runs.

Pure functions over the run's JSON document (see `bench/README.md` for its shape), so they can be tested and
re-run on an old result file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Row = dict[str, Any]

TARGET_WORKERS = 2
TARGET_DB = "sqlite"
TARGET_SIZE = 100_000
TARGET_SEARCH_P99_MS = 25.0
TARGET_RSS_MB = 300.0
TARGET_HOT_RPS = 1000.0
TARGET_SSE_P99_MS = 50.0


@dataclass(frozen=True)
class Goal:
    """One row of issue 16's table: a share of the baseline's req/s and a p99 bound (a factor of the baseline's
    p99, or absolute milliseconds), judged on every database's largest 2-worker configuration."""

    scenario: str
    rps_share: float | None = None
    p99_factor: float | None = None
    p99_ms: float | None = None
    rps_abs: float | None = None
    databases: tuple[str, ...] = ("sqlite", "postgresql")


GOALS = (
    Goal("product_read", rps_share=0.5, p99_factor=3.0),
    Goal("estimate", rps_share=0.5, p99_factor=3.0),
    Goal("quote_1", rps_share=0.2, p99_factor=10.0),
    Goal("search", rps_share=0.33, p99_ms=TARGET_SEARCH_P99_MS),
    Goal("reserve_hot", rps_abs=TARGET_HOT_RPS, databases=("postgresql",)),
    Goal("sse_fanout", p99_ms=TARGET_SSE_P99_MS),
)


def key(row: Row) -> tuple[str, str, int, int]:
    return (str(row["scenario"]), str(row["db"]), int(row.get("products") or 0), int(row.get("workers") or 0))


def _num(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def _ratio(value: Any) -> str:
    return "—" if value is None else f"{value:.2f}x"


def _size(n: Any) -> str:
    if not n:
        return "—"
    n = int(n)
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def baselines(rows: list[Row]) -> dict[int, Row]:
    return {int(r["workers"]): r for r in rows if r["scenario"] == "baseline" and r["status"] == "ok"}


def add_ratios(rows: list[Row]) -> None:
    """Each figure against the baseline measured in the same run with the same number of workers."""
    base = baselines(rows)
    cold = {int(r["workers"]): r for r in rows if r["scenario"] == "baseline_cold_start" and r["status"] == "ok"}
    for row in rows:
        if row["status"] != "ok":
            continue
        b = base.get(int(row.get("workers") or 0))
        if row["kind"] == "http" and b is not None:  # an SSE row's req/s counts events, not requests
            if row.get("rps") is not None and b["rps"]:
                row["ratio_rps"] = row["rps"] / b["rps"]
            if row.get("p99_ms") is not None and b["p99_ms"]:
                row["ratio_p99"] = row["p99_ms"] / b["p99_ms"]
        c = cold.get(int(row.get("workers") or 0))
        if row["kind"] == "cold_start" and c is not None and c["seconds"]:
            row["ratio_cold_start"] = row["seconds"] / c["seconds"]


def _note(row: Row) -> str:
    if row["status"] == "unavailable":
        return "not available in this build: " + str(row.get("note", ""))
    if row["status"] != "ok":
        return f"{row['status']}: {row.get('note', '')}"
    parts = []
    if row.get("error_rate"):
        parts.append(f"{row['error_rate'] * 100:.1f}% errors/non-2xx")
    if row.get("note"):
        parts.append(str(row["note"]))
    return "; ".join(parts)


def requests_table(rows: list[Row]) -> str:
    head = (
        "| scenario | db | products | workers | req/s | p50 ms | p99 ms | req/s ÷ baseline | p99 ÷ baseline "
        "| RSS/worker MB | RSS total MB | note |\n"
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n"
    )
    body = []
    for r in rows:
        if r["kind"] not in ("http", "sse"):
            continue
        body.append(
            f"| {r['scenario']} | {r['db']} | {_size(r.get('products'))} | {r['workers']} | {_num(r.get('rps'), 0)} "
            f"| {_num(r.get('p50_ms'))} | {_num(r.get('p99_ms'))} | {_ratio(r.get('ratio_rps'))} "
            f"| {_ratio(r.get('ratio_p99'))} | {_num(r.get('rss_worker_mb'), 0)} | {_num(r.get('rss_total_mb'), 0)} "
            f"| {_escape(_note(r))} |"
        )
    return head + "\n".join(body) + "\n"


def start_table(rows: list[Row]) -> str:
    head = (
        "| server | db | products | workers | cold start s | ÷ baseline | RSS/worker MB at ready |\n"
        "|---|---|--:|--:|--:|--:|--:|\n"
    )
    body = []
    for r in rows:
        if r["kind"] != "cold_start":
            continue
        server = "baseline" if r["scenario"] == "baseline_cold_start" else "steelyard"
        if r["status"] != "ok":
            body.append(f"| {server} | {r['db']} | {_size(r.get('products'))} | {r['workers']} | — | — | — |")
            continue
        body.append(
            f"| {server} | {r['db']} | {_size(r.get('products'))} | {r['workers']} | {r['seconds']:.2f} "
            f"| {_ratio(r.get('ratio_cold_start'))} | {_num(r.get('rss_worker_mb'), 0)} |"
        )
    return head + "\n".join(body) + "\n"


def seed_table(rows: list[Row]) -> str:
    head = (
        "| db | products | products/s (loader) | products/s (wall) | wall s | peak RSS MB | note |\n"
        "|---|--:|--:|--:|--:|--:|---|\n"
    )
    body = []
    for r in rows:
        if r["kind"] != "seed":
            continue
        if r["status"] != "ok":
            body.append(f"| {r['db']} | {_size(r.get('products'))} | — | — | — | — | {_escape(_note(r))} |")
            continue
        body.append(
            f"| {r['db']} | {_size(r.get('products'))} | {_num(r.get('loader_products_per_s'), 0)} "
            f"| {_num(r.get('products_per_s'), 0)} | {r['seconds']:.1f} | {_num(r.get('rss_total_mb'), 0)} "
            f"| {_escape(_note(r))} |"
        )
    return head + "\n".join(body) + "\n"


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    verdict: str


def _pct(miss: float) -> str:
    return f"{miss * 100:.0f}%"


def _judged(rows: list[Row], db: str, size: int | None) -> tuple[int, dict[str, Row]]:
    sizes = [int(r["products"]) for r in rows if r["db"] == db and r["kind"] in ("http", "sse") and r["products"]]
    if size is None:
        size = max(sizes, default=0)
    mine = {
        r["scenario"]: r
        for r in rows
        if r["db"] == db and r.get("products") == size and r.get("workers") == TARGET_WORKERS
    }
    return size, mine


def floors(rows: list[Row], workers: int = TARGET_WORKERS) -> dict[str, Row]:
    """The floor rows (bench/floor_app.py: the scenario's route, its signature and answer, no work) by the scenario
    they are the floor of."""
    return {
        str(r["scenario"]).removesuffix("_floor"): r
        for r in rows
        if str(r["scenario"]).endswith("_floor") and r["status"] == "ok" and r.get("workers") == workers
    }


_UNREACHABLE_P99 = "no implementation on this stack meets it"


def _over_floor(verdict: str, floor_share: float | None, goal_share: float) -> str:
    if floor_share is None or floor_share >= goal_share:
        return verdict
    return f"{verdict}; above the floor ({floor_share:.0%}): no implementation on this stack reaches it"


def _goal(goal: Goal, r: Row | None, base: Row | None, floor: Row | None = None) -> list[Target]:
    out: list[Target] = []
    missing = "not measured: " + _note(r) if r is not None else "not measured"
    ok = r is not None and r["status"] == "ok"
    if goal.rps_share is not None:
        name = f"{goal.scenario} req/s ≥ {goal.rps_share:.0%} of the baseline's"
        if not ok or base is None or r is None or not r.get("rps"):
            out.append(Target(name, "—", missing))
        else:
            share = r["rps"] / base["rps"]
            verdict = "met" if share >= goal.rps_share else f"missed: needs {goal.rps_share / share:.1f}x the req/s"
            measured = f"{r['rps']:,.0f} req/s = {share:.0%} of {base['rps']:,.0f}"
            floor_share = None
            if floor is not None and floor.get("rps"):
                floor_share = floor["rps"] / base["rps"]
                measured += f"; floor {floor['rps']:,.0f} req/s = {floor_share:.0%}"
            if verdict != "met":
                verdict = _over_floor(verdict, floor_share, goal.rps_share)
            out.append(Target(name, measured, verdict))
    if goal.rps_abs is not None:
        name = f"{goal.scenario} ≥ {goal.rps_abs:,.0f} req/s, nothing oversold"
        if not ok or r is None or not r.get("rps"):
            out.append(Target(name, "—", missing))
        else:
            oversold = r.get("oversold")
            sold = "oversold not checked" if oversold is None else f"oversold {oversold}"
            met = r["rps"] >= goal.rps_abs and oversold in (None, 0, "0")
            verdict = "met" if met else f"missed: needs {goal.rps_abs / r['rps']:.1f}x the req/s"
            if oversold not in (None, 0, "0"):
                verdict = "missed: OVERSOLD"
            out.append(Target(name, f"{r['rps']:,.0f} req/s; {sold}", verdict))
    if goal.p99_factor is not None:
        name = f"{goal.scenario} p99 ≤ {goal.p99_factor:.0f}x the baseline's"
        if not ok or base is None or r is None or not r.get("p99_ms"):
            out.append(Target(name, "—", missing))
        else:
            factor = r["p99_ms"] / base["p99_ms"]
            verdict = "met" if factor <= goal.p99_factor else f"missed: {factor:.1f}x"
            measured = f"{r['p99_ms']:.1f} ms = {factor:.1f}x {base['p99_ms']:.1f}"
            if floor is not None and floor.get("p99_ms"):
                measured += f"; floor {floor['p99_ms']:.1f} ms = {floor['p99_ms'] / base['p99_ms']:.1f}x"
            out.append(Target(name, measured, verdict))
    if goal.p99_ms is not None:
        name = f"{goal.scenario} p99 < {goal.p99_ms:.0f} ms"
        if not ok or r is None or r.get("p99_ms") is None:
            out.append(Target(name, "—", missing))
        else:
            p99 = r["p99_ms"]
            verdict = "met" if p99 < goal.p99_ms else f"missed: {p99 / goal.p99_ms:.1f}x the limit"
            measured = f"{p99:.1f} ms"
            for label, other in (("floor", floor), ("baseline", base if r["kind"] == "http" else None)):
                if other is not None and other.get("p99_ms"):
                    measured += f"; {label} {other['p99_ms']:.1f} ms"
                    if verdict != "met" and other["p99_ms"] >= goal.p99_ms and "no implementation" not in verdict:
                        verdict += (
                            f"; the {label}'s own p99 is over the limit: no implementation on this stack meets it"
                        )
            out.append(Target(name, measured, verdict))
    return out


def targets(rows: list[Row], *, db: str = TARGET_DB, size: int | None = None) -> tuple[str, list[Target]]:
    """Issue 16's goals, judged on the 2-worker server of `db` at its largest size measured (100k in a full run).
    Returns the configuration judged and one verdict per goal: met, missed by how much, or not measured."""
    size, mine = _judged(rows, db, size)
    config = f"{db}, {_size(size)} products, {TARGET_WORKERS} workers"
    base = baselines(rows).get(TARGET_WORKERS)
    floor = floors(rows)
    out: list[Target] = []
    for goal in GOALS:
        if db in goal.databases:
            out += _goal(goal, mine.get(goal.scenario), base, floor.get(goal.scenario))

    name = f"RSS < {TARGET_RSS_MB:.0f} MB per worker"
    rss = [r for r in mine.values() if r["status"] == "ok" and r.get("rss_worker_mb")]
    if not rss:
        out.append(Target(name, "—", "not measured"))
    else:
        top = max(rss, key=lambda r: r["rss_worker_mb"])
        peak = top["rss_worker_mb"]
        verdict = (
            "met"
            if peak < TARGET_RSS_MB
            else f"missed by {peak - TARGET_RSS_MB:.0f} MB ({_pct(peak / TARGET_RSS_MB - 1)})"
        )
        out.append(Target(name, f"peak {peak:.0f} MB ({top['scenario']})", verdict))
    return config, out


def targets_table(rows: list[Row]) -> str:
    dbs = [db for db in ("sqlite", "postgresql") if any(r["db"] == db and r["kind"] == "http" for r in rows)]
    lines = [
        "Issue 16's goals, each on the 2-worker server at the largest catalogue of each database, against the "
        "baseline measured in this run. The floor is the same route with its real signature and answer and no "
        "work (bench/floor_app.py), measured in this run: a goal above it is out of reach on this stack.\n",
        "| judged on | goal | measured | verdict |",
        "|---|---|---|---|",
    ]
    for db in dbs or [TARGET_DB]:
        config, found = targets(rows, db=db)
        lines += [
            f"| {_escape(config)} | {_escape(t.name)} | {_escape(t.measured)} | {_escape(t.verdict)} |" for t in found
        ]
    return "\n".join(lines) + "\n"


def _loads(values: Any) -> str:
    return "—" if not values else " / ".join(f"{v:.2f}" for v in values)


def markdown(doc: dict[str, Any], *, json_path: str, chart_path: str | None) -> str:
    meta = doc["meta"]
    rows: list[Row] = doc["rows"]
    m = meta["machine"]
    s = meta["settings"]
    lines = [
        f"## {meta['date']} · {doc['mode']} run · commit {meta['commit']}",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']:.1f} GiB; {m['os']}; Python {m['python']}; "
        f"{m['wrk']}; SQLite {m['sqlite']}" + (f"; {m['postgresql']}." if m.get("postgresql") else "."),
        f"- Load: wrk, {s['threads']} threads, {s['connections']} connections, {s['warmup_s']} s warm-up then "
        f"{s['duration_s']} s per scenario, time-out {s['timeout_s']} s; SSE: {s['sse_clients']} clients, "
        f"1 s warm-up then {s['sse_duration_s']} s of receipts (10 a second).",
        f"- Servers: `{s['server_cmd']}` and, as the baseline, `{s['baseline_cmd']}` (same uvicorn settings), on "
        f"127.0.0.1; load generator and server share the {m['cores']} cores.",
        f"- Matrix: {s['matrix']}.",
        f"- Run time {meta['wall_s']:.0f} s. Raw figures: `{json_path}`.",
    ]
    if meta.get("load_before") is not None:
        lines.append(
            f"- Load average (1, 5, 15 min) before the run {_loads(meta['load_before'])}, after it "
            f"{_loads(meta.get('load_after'))}: on {m['cores']} cores, a 1-minute figure near or over the core count "
            "means other work shared the machine and the absolute figures are low."
        )
    if meta.get("notes"):
        lines.append(f"- Notes: {meta['notes']}")
    lines += [
        "",
        "### Requests",
        "",
        requests_table(rows),
        "### Cold start",
        "",
        start_table(rows),
        "### Seed (import) rate",
        "",
        seed_table(rows),
        "### Targets",
        "",
        targets_table(rows),
    ]
    if chart_path:
        lines += [f"![Latency against catalogue size]({chart_path})", ""]
    return "\n".join(lines)


def chart(doc: dict[str, Any], path: Path) -> None:
    """p50 and p99 latency against catalogue size, one line per scenario (SQLite: solid 2 workers, dashed 1),
    PostgreSQL as square markers, the baseline as a grey line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows: list[Row] = [r for r in doc["rows"] if r["status"] == "ok" and r["kind"] in ("http", "sse")]
    scenarios = sorted({r["scenario"] for r in rows if r["scenario"] != "baseline"})
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), sharey=True)
    colours = plt.get_cmap("tab10")
    for ax, metric, label in zip(axes, ("p50_ms", "p99_ms"), ("p50", "p99"), strict=True):
        for i, scenario in enumerate(scenarios):
            colour = colours(i % 10)
            for db, workers, style in (("sqlite", 2, "-"), ("sqlite", 1, "--")):
                pts = sorted(
                    (r["products"], r[metric])
                    for r in rows
                    if r["scenario"] == scenario and r["db"] == db and r["workers"] == workers
                )
                if pts:
                    ax.plot(
                        [p[0] for p in pts],
                        [p[1] for p in pts],
                        style,
                        marker="o",
                        color=colour,
                        label=f"{scenario} (SQLite, {workers}w)",
                    )
            pg = [
                (r["products"], r[metric], r["workers"])
                for r in rows
                if r["scenario"] == scenario and r["db"] == "postgresql"
            ]
            for n, value, workers in pg:
                ax.plot(
                    [n],
                    [value],
                    "s",
                    color=colour,
                    markersize=8,
                    markerfacecolor="none",
                    label=f"{scenario} (PostgreSQL, {workers}w)",
                )
        for r in rows:
            if r["scenario"] == "baseline":
                ax.axhline(
                    r[metric],
                    color="grey",
                    linestyle=":" if r["workers"] == 1 else "-",
                    linewidth=1,
                    label=f"baseline ({r['workers']}w)",
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("products in the catalogue")
        ax.set_title(f"{label} latency")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("ms (log scale)")
    handles, labels = axes[1].get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    fig.legend(unique.values(), unique.keys(), loc="center right", fontsize=7)
    meta = doc["meta"]
    fig.suptitle(f"Steelyard latency vs catalogue size — {meta['date']}, commit {meta['commit']} ({doc['mode']} run)")
    fig.tight_layout(rect=(0, 0, 0.78, 0.95))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _change(old: float | None, new: float | None, unit: str, *, higher_is_better: bool) -> str:
    if old is None or new is None:
        return "—"
    pattern = "{:,.0f}" if unit in ("req/s", "products/s") else "{:.1f}"

    def fmt(value: float) -> str:
        return pattern.format(value)

    if not old:
        return f"{fmt(old)} → {fmt(new)} {unit}"
    delta = (new - old) / old
    better = delta > 0 if higher_is_better else delta < 0
    flag = "" if abs(delta) < 0.05 else (" better" if better else " WORSE")
    return f"{fmt(old)} → {fmt(new)} {unit} ({delta:+.0%}{flag})"


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One line per measured row present in either run: the change of req/s, p50, p99 and RSS (or of the cold
    start and seed rate), and the rows that appeared, disappeared or changed availability."""
    before = {key(r): r for r in old["rows"]}
    after = {key(r): r for r in new["rows"]}
    lines = [
        f"{old['meta']['date']} ({old['mode']}, {old['meta']['commit']})  →  "
        f"{new['meta']['date']} ({new['mode']}, {new['meta']['commit']})"
    ]
    for k in sorted(set(before) | set(after)):
        label = f"{k[0]:<20} {k[1]:<10} {_size(k[2]):>5} {f'{k[3]}w' if k[3] else '':>2}"
        a, b = before.get(k), after.get(k)
        if a is None and b is not None:
            lines.append(f"{label}  new in this run ({b['status']})")
            continue
        if b is None and a is not None:
            lines.append(f"{label}  not measured in this run (was {a['status']})")
            continue
        assert a is not None and b is not None
        if a["status"] != "ok" or b["status"] != "ok":
            if a["status"] != b["status"]:
                lines.append(f"{label}  {a['status']} → {b['status']}")
            continue
        if b["kind"] == "cold_start":
            lines.append(f"{label}  cold start {_change(a['seconds'], b['seconds'], 's', higher_is_better=False)}")
        elif b["kind"] == "seed":
            change = _change(a["products_per_s"], b["products_per_s"], "products/s", higher_is_better=True)
            lines.append(f"{label}  seed {change}")
        else:
            parts = [
                _change(a.get("rps"), b.get("rps"), "req/s", higher_is_better=True),
                "p50 " + _change(a.get("p50_ms"), b.get("p50_ms"), "ms", higher_is_better=False),
                "p99 " + _change(a.get("p99_ms"), b.get("p99_ms"), "ms", higher_is_better=False),
                "RSS/worker " + _change(a.get("rss_worker_mb"), b.get("rss_worker_mb"), "MB", higher_is_better=False),
            ]
            if a.get("ratio_rps") is not None and b.get("ratio_rps") is not None:
                # The share of the baseline (measured in the same run) is steadier than req/s on a busy machine.
                parts.append(f"req/s ÷ baseline {a['ratio_rps']:.2f} → {b['ratio_rps']:.2f}")
            lines.append(f"{label}  " + "; ".join(parts))
    return lines
