"""Steelyard's benchmarks: `make bench`, `make bench-quick`, `make bench-compare` (see bench/README.md).

python bench/run.py full                      # ~10 min: 1k/10k/100k products, SQLite and PostgreSQL
python bench/run.py quick                     # < 2 min: 1k products
python bench/run.py quick --only product_read,quote_1 --sizes 10000
python bench/run.py cutting [--write]         # ~1.5 min: the cutting planner (bench/cutting_bench.py)
python bench/run.py compare [OLD.json NEW.json]
python bench/run.py report RESULT.json [--chart out.png]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import report, runner
from harness.scenarios import SCENARIOS


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x.replace("_", "").replace("k", "000")) for x in text.split(",") if x)


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["cutting"]:  # its own options: see bench/cutting_bench.py --help
        import cutting_bench

        return cutting_bench.main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for mode in ("full", "quick"):
        p = sub.add_parser(mode, help=f"the {mode} benchmark")
        p.add_argument(
            "--pg-url",
            default=os.environ.get("BENCH_PG_URL", runner.DEFAULT_PG_URL),
            help="PostgreSQL database the run may wipe (its name must contain 'bench')",
        )
        p.add_argument("--sizes", type=_ints, help="SQLite catalogue sizes, e.g. 1k,10k (makes it a custom run)")
        p.add_argument("--workers", type=_ints, help="worker counts, e.g. 1,2 (makes it a custom run)")
        p.add_argument("--pg-sizes", type=_ints, help="PostgreSQL sizes; 0 for none (makes it a custom run)")
        p.add_argument("--duration", type=int, help="seconds per scenario (makes it a custom run)")
        p.add_argument("--only", help="comma-separated scenarios: " + ", ".join(s.name for s in SCENARIOS))
        p.add_argument("--keep", action="store_true", help="keep the work folder (databases, server logs)")
    sub.add_parser("cutting", help="the cutting planner's quality and speed (bench/cutting_bench.py --help)")
    c = sub.add_parser("compare", help="the change between the last two runs of the same mode, or two files")
    c.add_argument("files", nargs="*", type=Path)
    r = sub.add_parser("report", help="print the Markdown of a result file (and draw its chart)")
    r.add_argument("file", type=Path)
    r.add_argument("--chart", type=Path)
    args = parser.parse_args(argv)

    if args.command == "compare":
        if len(args.files) == 2:
            old_path, new_path = args.files
        elif not args.files:
            pair = runner.last_two()
            if pair is None:
                files = runner.result_files()
                newest = files[-1].name if files else "none"
                print(f"newest run: {newest}; no earlier run of the same mode to compare it with yet")
                return 0
            old_path, new_path = pair
        else:
            parser.error("give two result files, or none for the last two runs")
        print(f"{old_path} → {new_path}")
        print("\n".join(report.compare(json.loads(old_path.read_text()), json.loads(new_path.read_text()))))
        return 0
    if args.command == "report":
        doc = json.loads(args.file.read_text())
        if args.chart:
            report.chart(doc, args.chart)
        print(report.markdown(doc, json_path=str(args.file), chart_path=str(args.chart) if args.chart else None))
        return 0

    plan = runner.PLANS[args.command]
    custom = False
    if args.sizes or args.workers or args.pg_sizes is not None:
        # Sizes and workers given replace the plan's matrix: every SQLite size (and PostgreSQL size) x every count.
        sqlite = args.sizes or tuple(sorted({c.size for c in plan.configs if c.db == "sqlite"}))
        pg = (
            tuple(n for n in args.pg_sizes if n)
            if args.pg_sizes is not None
            else tuple(sorted({c.size for c in plan.configs if c.db == "postgresql"}))
        )
        workers = args.workers or plan.workers
        matrix = runner.configs("sqlite", sqlite, workers) + runner.configs("postgresql", pg, workers)
        plan, custom = replace(plan, configs=matrix), True
    if args.duration:
        plan, custom = replace(plan, duration_s=args.duration), True
    if args.only:
        names = tuple(x.strip() for x in args.only.split(",") if x.strip())
        unknown = set(names) - {s.name for s in SCENARIOS}
        if unknown:
            parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
        plan, custom = replace(plan, only=names), True
    if custom:
        plan = replace(plan, mode=f"{plan.mode}-custom")
    return runner.run(plan, pg_url=args.pg_url, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
