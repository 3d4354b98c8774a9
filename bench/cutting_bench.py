"""Quality and speed of the cutting planner (`make bench-cutting`, also part of `make bench`).

python bench/cutting_bench.py --instances DIR  # the BPPLIB sample (bench/data/bpplib_sample.tsv) + generated jobs
python bench/cutting_bench.py --write          # ... and writes the section of docs/benchmarks.md
python bench/cutting_bench.py --instances DIR --bounds Bounds.txt   # every BPPLIB file under DIR (the full sets)

The BPPLIB files are not in the repository (CC BY-NC-ND 4.0): unpack them outside it and give the folder with
`--instances` or `STEELYARD_BPPLIB_DIR` (docs/benchmarks.md says how); without them the 1D section is skipped.

1D: the planner's stock count on public BPPLIB instances (Delorme, Iori and Martello 2018) against their known
optimum; first-fit decreasing beside it as the textbook baseline. 2D: generated sheet jobs against the area
lower bound. Speed: the wall time of whole plans of up to 50 parts (`plan_cuts`, as a quote line calls it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from steelyard.cutting import PartSpec, StockPiece, default_settings, linear, plan_cuts

BENCH = Path(__file__).resolve().parent
SAMPLE = BENCH / "data" / "bpplib_sample.tsv"
DOC = BENCH.parent / "docs" / "benchmarks.md"
RESULTS = BENCH / "results"
BEGIN = "<!-- cutting-bench:begin -->"
END = "<!-- cutting-bench:end -->"


def read_bounds(path: Path) -> dict[str, int]:
    """instance -> optimum (lower bound = best known), from optimum.tsv or BPPLib.jl's Bounds.txt."""
    out = {}
    for line in path.read_text().splitlines():
        fields = line.split()
        if len(fields) == 3 and not line.startswith("#") and fields[1] == fields[2]:
            out[fields[0]] = int(fields[2])
    return out


def read_instance(path: Path) -> tuple[int, list[int]]:
    numbers = [int(float(x)) for x in path.read_text().split()]
    count, capacity, lengths = numbers[0], numbers[1], numbers[2:]
    assert len(lengths) == count, path
    return capacity, lengths


def bpplib(instances: Path | None, bounds: dict[str, int], budget_s: float | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if instances is None:
        return rows
    for path in sorted(instances.rglob("*.txt")):
        name = path.stem
        if name not in bounds:
            continue
        capacity, lengths = read_instance(path)
        started = time.perf_counter()
        budget = linear.budget_for(len(lengths)) if budget_s is None else budget_s
        bins = linear.pack(lengths, capacity, budget_s=budget)
        seconds = time.perf_counter() - started
        assert sorted(x for b in bins for x in b) == sorted(lengths) and all(sum(b) <= capacity for b in bins)
        rows.append(
            {
                "set": _set_of(path, name),
                "instance": name,
                "items": len(lengths),
                "optimum": bounds[name],
                "planner": len(bins),
                "ffd": len(linear.first_fit_decreasing(lengths, capacity)),
                "seconds": seconds,
            }
        )
    return rows


def _set_of(path: Path, name: str) -> str:
    if name.startswith("Falkenauer_u"):
        return "Falkenauer U"
    if name.startswith("Falkenauer_t"):
        return "Falkenauer T"
    if name.startswith("HARD"):
        return "Scholl 3"
    return "Scholl 2" if re.match(r"N\dW\dB\dR\d", name) else "Scholl 1"


def sheet_jobs(jobs: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for n in range(jobs):
        form = "sheet" if n % 2 else "plate"
        settings = default_settings(form)
        assert settings is not None
        rotation = n % 3 != 0
        settings = type(settings)(settings.kerf_mm, settings.trim_mm, rotation, settings.min_remnant_mm)
        sizes = rng.randint(1, 8)
        parts = [
            PartSpec(Decimal(rng.randint(50, 1200)), rng.randint(1, 8), Decimal(rng.randint(50, 1200)))
            for _ in range(sizes)
        ]
        while sum(p.count for p in parts) > 50:
            parts.pop()
        stock = [StockPiece(Decimal(2500), Decimal(1250))]
        started = time.perf_counter()
        plan = plan_cuts(parts, stock, settings, flat=True)
        seconds = time.perf_counter() - started
        plain_area = sum(p.length_mm * (p.width_mm or 0) * p.count for p in parts)
        rows.append(
            {
                "parts": sum(p.count for p in parts),
                "sheets": plan.stock_pieces,
                "bound": plan.lower_bound,
                "plain_bound": int(-(-plain_area // (2500 * 1250))),
                "rotation": rotation,
                "kerf_mm": str(settings.kerf_mm),
                "seconds": seconds,
            }
        )
    return rows


def length_jobs(jobs: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    settings = default_settings("round_bar")
    assert settings is not None
    rows = []
    for _ in range(jobs):
        parts = [PartSpec(Decimal(rng.randint(100, 3000)), rng.randint(1, 10)) for _ in range(rng.randint(1, 10))]
        while sum(p.count for p in parts) > 50:
            parts.pop()
        started = time.perf_counter()
        plan = plan_cuts(parts, [StockPiece(Decimal(6000))], settings, flat=False)
        seconds = time.perf_counter() - started
        rows.append(
            {
                "parts": sum(p.count for p in parts),
                "bars": plan.stock_pieces,
                "bound": plan.lower_bound,
                "seconds": seconds,
            }
        )
    return rows


def _ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.1f}"


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    out = [
        BEGIN,
        f"## Cutting planner · {meta['date']} · commit {meta['commit']}",
        "",
        f"- Instances: {meta['instances']}. Run time {meta['wall_s']:.0f} s on {meta['machine']}; load average"
        f" {meta['load'][0]:.1f} at the start, {meta['load'][1]:.1f} at the end.",
        "- The planner's budget is the production one (`linear.budget_for`: 50 ms plus 0.5 ms a part up to 50 parts,"
        " then 4 ms a part more, at most `linear.MAX_BUDGET_S` = 2 s), in CPU seconds of the planning thread: a busy"
        " machine lengthens the wall times below, not the plans. First-fit decreasing (FFD) is the textbook baseline.",
        "",
        "### One-dimensional: stock count against the known optimum (BPPLIB)",
        "",
        "| set | instances | items | optimum hit | +1 | +2 or more | FFD optimum hit | mean s | max s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    by_set: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in result["bpplib"]:
        by_set[row["set"]].append(row)
    every = result["bpplib"]
    for name, rows in [*sorted(by_set.items()), ("all", every)]:
        if not rows:
            continue
        hit = sum(r["planner"] == r["optimum"] for r in rows)
        one = sum(r["planner"] == r["optimum"] + 1 for r in rows)
        more = sum(r["planner"] > r["optimum"] + 1 for r in rows)
        ffd = sum(r["ffd"] == r["optimum"] for r in rows)
        items = f"{min(r['items'] for r in rows)}-{max(r['items'] for r in rows)}"
        secs = [r["seconds"] for r in rows]
        out.append(
            f"| {name} | {len(rows)} | {items} | {hit} ({100 * hit / len(rows):.1f} %) | {one} | {more} | "
            f"{ffd} ({100 * ffd / len(rows):.1f} %) | {statistics.mean(secs):.3f} | {max(secs):.3f} |"
        )
    sheets = result["sheets"]
    at_bound = sum(r["sheets"] == r["bound"] for r in sheets)
    above = [r["sheets"] - r["bound"] for r in sheets]
    lengths = result["lengths"]
    out += [
        "",
        "### Two-dimensional: sheets against the lower bound (generated jobs)",
        "",
        f"{len(sheets)} jobs of 1-50 parts from 50 to 1200 mm a side on 2500 x 1250 mm sheets, half with the sheet"
        " defaults (no kerf) and half with the plate defaults (3 mm kerf, 10 mm trim), a third with rotation off;"
        " the bound (`guillotine.lower_bound`: the area bound, or a 1D bound on the parts wider than half the sheet,"
        " whichever is higher) counts each part with its kerf.",
        "",
        "| jobs | at the bound | 1 above | 2 or more above | mean bound / sheets | p50 ms | p99 ms | max ms |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|",
        f"| {len(sheets)} | {at_bound} ({100 * at_bound / len(sheets):.1f} %) | {above.count(1)} | "
        f"{sum(a > 1 for a in above)} | {statistics.mean(r['bound'] / r['sheets'] for r in sheets):.3f} | "
        f"{_ms([r['seconds'] for r in sheets], 0.5)} | {_ms([r['seconds'] for r in sheets], 0.99)} | "
        f"{max(r['seconds'] for r in sheets) * 1000:.1f} |",
        "",
        "### Speed: whole plans of up to 50 parts (goal: under 100 ms each)",
        "",
        "| kind | plans | parts | p50 ms | p99 ms | max ms | at the lower bound |",
        "|---|--:|--:|--:|--:|--:|--:|",
        f"| lengths (6 m bars, 3 mm kerf, 5 mm trim) | {len(lengths)} | 1-50 | "
        f"{_ms([r['seconds'] for r in lengths], 0.5)} | {_ms([r['seconds'] for r in lengths], 0.99)} | "
        f"{max(r['seconds'] for r in lengths) * 1000:.1f} | "
        f"{sum(r['bars'] == r['bound'] for r in lengths)} |",
        f"| sheets (as above) | {len(sheets)} | 1-50 | {_ms([r['seconds'] for r in sheets], 0.5)} | "
        f"{_ms([r['seconds'] for r in sheets], 0.99)} | {max(r['seconds'] for r in sheets) * 1000:.1f} | {at_bound} |",
        END,
    ]
    return "\n".join(out)


def write_doc(section: str) -> None:
    text = DOC.read_text()
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/cutting_bench.py", description=__doc__)
    env = os.environ.get("STEELYARD_BPPLIB_DIR")
    parser.add_argument(
        "--instances",
        type=Path,
        default=Path(env) if env else None,
        help="folder of unpacked BPPLIB .txt files, searched deeply (default: $STEELYARD_BPPLIB_DIR)",
    )
    parser.add_argument("--bounds", type=Path, default=SAMPLE, help="instance, lower bound, best known")
    parser.add_argument(
        "--budget",
        type=float,
        help="seconds per BPPLIB instance (default: the production budget, linear.budget_for)",
    )
    parser.add_argument("--jobs", type=int, default=200, help="generated sheet jobs and length jobs, each")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--write", action="store_true", help="write the section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    bounds = read_bounds(args.bounds)
    if args.instances is None:
        print("no BPPLIB folder (--instances or STEELYARD_BPPLIB_DIR): the 1D section is skipped", file=sys.stderr)
    result: dict[str, Any] = {"bpplib": bpplib(args.instances, bounds, args.budget)}
    result["sheets"] = sheet_jobs(args.jobs, args.seed)
    result["lengths"] = length_jobs(args.jobs, args.seed)
    sample = args.bounds.resolve() == SAMPLE.resolve()
    result["meta"] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
        "machine": _machine(),
        "instances": (
            f"the {len(result['bpplib'])} BPPLIB instances listed in bench/data/bpplib_sample.tsv"
            if sample
            else f"{len(result['bpplib'])} BPPLIB instances with bounds in {args.bounds.name}"
        ),
        "budget": "production" if args.budget is None else f"{args.budget:g} s an instance",
        "wall_s": time.perf_counter() - started,
        "load": [load_before, os.getloadavg()[0]],
    }
    section = markdown(result)
    print(section)
    if args.write:
        write_doc(section)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        (RESULTS / f"{stamp}-cutting.json").write_text(json.dumps(result, indent=1))
    rows = result["bpplib"]
    missed = [r for r in rows if r["planner"] > r["optimum"] + 1]
    return 1 if missed else 0


def _commit() -> str:
    import subprocess

    try:
        return subprocess.run(
            ["git", "-C", str(BENCH), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _machine() -> str:
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    sys.exit(main())
