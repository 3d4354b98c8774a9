"""The benchmark harness's pure helpers: wrk's script and output, the ratios, the targets and the comparison.
No timing is asserted here: speed is measured by `make bench`, never in tests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from harness import report, wrk

WRK_STDOUT = """\
Running 5s test @ http://127.0.0.1:8000
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    11.12ms   10.00ms  95.15ms   89.52%
  19285 requests in 5.01s, 4.51MB read
  Non-2xx or 3xx responses: 12
Requests/sec:   3849.30
BENCH_JSON {"requests":19285,"duration_us":5010000,"bytes":4729000,"errors":{"connect":0,"read":1,"write":0,\
"status":12,"timeout":2},"latency_us":{"p50":8123,"p90":20456,"p99":48001,"max":95150,"mean":11120.5}}
"""


def test_parse_reads_the_json_line_that_done_prints() -> None:
    r = wrk.parse(WRK_STDOUT)
    assert r.requests == 19285
    assert r.duration_s == pytest.approx(5.01)
    assert r.rps == pytest.approx(19285 / 5.01)
    assert (r.p50_ms, r.p90_ms, r.p99_ms, r.max_ms) == (8.123, 20.456, 48.001, 95.15)
    assert r.error_count == 15
    assert r.error_rate == pytest.approx(15 / 19285)


def test_parse_refuses_output_without_figures() -> None:
    with pytest.raises(ValueError, match="no BENCH_JSON"):
        wrk.parse("unable to connect to 127.0.0.1:8000 Connection refused\n")


def test_lua_string_escapes_quotes_backslashes_and_non_ascii() -> None:
    assert wrk.lua_string('{"a":"b\\c"}') == '"{\\"a\\":\\"b\\\\c\\"}"'
    assert wrk.lua_string("Ø6\n") == '"\\195\\1526\\010"'


def test_script_prepares_every_call_with_its_headers() -> None:
    script = wrk.render_script(
        [wrk.Call("GET", "/api/v1/products/A-1"), wrk.Call("POST", "/api/v1/quotes", '{"lines":[]}')],
        {"Authorization": "Bearer t0k"},
    )
    assert '{"GET", "/api/v1/products/A-1", nil},' in script
    assert '{"POST", "/api/v1/quotes", "{\\"lines\\":[]}"},' in script
    assert '["Authorization"] = "Bearer t0k"' in script
    assert '["Content-Type"] = "application/json"' in script.split("local body_headers")[1].splitlines()[0]
    assert "Content-Type" not in script.split("local plain_headers")[1].splitlines()[0]
    assert wrk.MARKER in script
    with pytest.raises(ValueError):
        wrk.render_script([])


def _row(
    scenario: str, db: str = "sqlite", products: int = 100_000, workers: int = 2, **figures: Any
) -> dict[str, Any]:
    kind = figures.pop("kind", "http")
    return {
        "scenario": scenario,
        "kind": kind,
        "db": db,
        "products": products,
        "workers": workers,
        "status": figures.pop("status", "ok"),
        "note": figures.pop("note", ""),
        **figures,
    }


def _run(rows: list[dict[str, Any]], date: str = "2026-11-24 22:00 UTC") -> dict[str, Any]:
    return {"mode": "full", "meta": {"date": date, "commit": "abc1234"}, "rows": rows}


def test_ratios_are_against_the_baseline_with_the_same_workers() -> None:
    rows = [
        _row("baseline", "none", 0, 1, rps=4000.0, p99_ms=20.0),
        _row("baseline", "none", 0, 2, rps=6000.0, p99_ms=30.0),
        _row("product_read", workers=1, rps=1000.0, p99_ms=40.0),
        _row("product_read", workers=2, rps=3000.0, p99_ms=90.0),
        _row("quote_1", status="unavailable", note="POST /api/v1/quotes answers 404"),
    ]
    report.add_ratios(rows)
    assert rows[2]["ratio_rps"] == pytest.approx(0.25)
    assert rows[2]["ratio_p99"] == pytest.approx(2.0)
    assert rows[3]["ratio_rps"] == pytest.approx(0.5)
    assert rows[3]["ratio_p99"] == pytest.approx(3.0)
    assert "ratio_rps" not in rows[4]


def test_targets_say_met_missed_by_how_much_or_not_measured() -> None:
    rows = [
        _row("baseline", "none", 0, 2, rps=6000.0, p99_ms=10.0),
        _row("product_read", rps=3300.0, p99_ms=25.0, rss_worker_mb=120.0),
        _row("quote_1", rps=600.0, p99_ms=150.0, rss_worker_mb=330.0),
        _row("search", status="unavailable", note="GET /api/v1/search answers 404"),
        _row("sse_fanout", kind="sse", p99_ms=61.0),
        _row("product_read", products=1000, rps=9999.0, p99_ms=1.0),  # another size: not judged
    ]
    config, found = report.targets(rows)
    assert config == "sqlite, 100k products, 2 workers"
    verdicts = {t.name: t.verdict for t in found}
    assert verdicts["product_read req/s ≥ 50% of the baseline's"] == "met"
    assert verdicts["product_read p99 ≤ 3x the baseline's"] == "met"  # 2.5x
    assert verdicts["quote_1 req/s ≥ 20% of the baseline's"] == "missed: needs 2.0x the req/s"  # 10% against 20%
    assert verdicts["quote_1 p99 ≤ 10x the baseline's"] == "missed: 15.0x"
    assert verdicts["search req/s ≥ 33% of the baseline's"].startswith("not measured: not available in this build")
    assert verdicts["estimate req/s ≥ 50% of the baseline's"] == "not measured"
    assert verdicts["sse_fanout p99 < 50 ms"] == "missed: 1.2x the limit"
    assert not any(name.startswith("reserve_hot") for name in verdicts)  # judged on PostgreSQL only
    assert verdicts["RSS < 300 MB per worker"] == "missed by 30 MB (10%)"


def test_a_goal_above_the_floor_says_no_implementation_on_this_stack_reaches_it() -> None:
    rows = [
        _row("baseline", "none", 0, 2, rps=6000.0, p99_ms=40.0),
        _row("baseline", "none", 0, 1, rps=3000.0, p99_ms=20.0),
        _row("estimate_floor", "none", 0, 2, rps=2400.0, p99_ms=60.0),  # the route with no work: 40 %
        _row("estimate_floor", "none", 0, 1, rps=2900.0, p99_ms=5.0),  # another worker count: not used
        _row("quote_1_floor", "none", 0, 2, rps=3000.0, p99_ms=50.0),  # 50 %: over quote_1's 20 % goal
        _row("search_floor", "none", 0, 2, rps=3000.0, p99_ms=30.0),
        _row("estimate", rps=600.0, p99_ms=200.0),
        _row("quote_1", rps=600.0, p99_ms=200.0),
        _row("search", rps=600.0, p99_ms=200.0),
    ]
    verdicts = {t.name: t for t in report.targets(rows)[1]}
    estimate = verdicts["estimate req/s ≥ 50% of the baseline's"]
    assert estimate.measured == "600 req/s = 10% of 6,000; floor 2,400 req/s = 40%"
    assert estimate.verdict == (
        "missed: needs 5.0x the req/s; above the floor (40%): no implementation on this stack reaches it"
    )
    assert verdicts["estimate p99 ≤ 3x the baseline's"].measured == "200.0 ms = 5.0x 40.0; floor 60.0 ms = 1.5x"
    # the floor is above quote_1's goal: the goal is within reach, the verdict says only by how much it is missed
    assert verdicts["quote_1 req/s ≥ 20% of the baseline's"].verdict == "missed: needs 2.0x the req/s"
    search_p99 = verdicts["search p99 < 25 ms"]
    assert search_p99.measured == "200.0 ms; floor 30.0 ms; baseline 40.0 ms"
    assert search_p99.verdict == (
        "missed: 8.0x the limit; the floor's own p99 is over the limit: no implementation on this stack meets it"
    )
    rows[5]["p99_ms"] = 20.0  # a floor under the limit: the baseline's p99 still is not
    assert verdicts["search p99 < 25 ms"].verdict.startswith("missed: 8.0x the limit;")
    found = {t.name: t for t in report.targets(rows)[1]}["search p99 < 25 ms"]
    assert found.verdict.endswith("the baseline's own p99 is over the limit: no implementation on this stack meets it")
    rows[0]["p99_ms"] = 10.0
    assert {t.name: t for t in report.targets(rows)[1]}["search p99 < 25 ms"].verdict == "missed: 8.0x the limit"


def test_the_hot_reservation_is_judged_on_postgresql_with_what_was_oversold() -> None:
    rows = [
        _row("baseline", "none", 0, 2, rps=6000.0, p99_ms=10.0),
        _row("reserve_hot", "postgresql", rps=1200.0, p99_ms=90.0, oversold=0),
    ]
    _, found = report.targets(rows, db="postgresql")
    hot = next(t for t in found if t.name.startswith("reserve_hot"))
    assert (hot.measured, hot.verdict) == ("1,200 req/s; oversold 0", "met")
    rows[1]["oversold"] = 1
    _, found = report.targets(rows, db="postgresql")
    assert next(t for t in found if t.name.startswith("reserve_hot")).verdict == "missed: OVERSOLD"


def test_compare_reports_changes_and_availability() -> None:
    old = _run(
        [
            _row("product_read", rps=1000.0, p50_ms=10.0, p99_ms=50.0, rss_worker_mb=100.0, ratio_rps=0.2),
            _row("quote_1", status="unavailable"),
            _row("seed", workers=0, kind="seed", products_per_s=3000.0),
        ]
    )
    new = _run(
        [
            _row("product_read", rps=1500.0, p50_ms=10.2, p99_ms=80.0, rss_worker_mb=100.0, ratio_rps=0.25),
            _row("quote_1", rps=500.0, p50_ms=20.0, p99_ms=90.0),
            _row("seed", workers=0, kind="seed", products_per_s=2700.0),
            _row("search", status="unavailable"),
        ],
        date="2026-11-25 09:00 UTC",
    )
    lines = report.compare(old, new)
    text = "\n".join(lines)
    assert lines[0].startswith("2026-11-24 22:00 UTC (full, abc1234)  →  2026-11-25 09:00 UTC")
    read = next(line for line in lines if line.startswith("product_read"))
    assert "1,000 → 1,500 req/s (+50% better)" in read
    assert "p50 10.0 → 10.2 ms (+2%)" in read
    assert "p99 50.0 → 80.0 ms (+60% WORSE)" in read
    assert "req/s ÷ baseline 0.20 → 0.25" in read
    assert "quote_1" in text and "unavailable → ok" in text
    assert "seed 3,000 → 2,700 products/s (-10% WORSE)" in text
    assert "search" in text and "new in this run (unavailable)" in text


def test_import_memory_is_judged_on_the_last_step_in_file_size() -> None:
    import import_bench

    def firsts(db: str, *peaks: tuple[int, float]) -> list[dict[str, object]]:
        return [{"db": db, "products": n, "peak_rss_mb": mb, "step": import_bench.FIRST} for n, mb in peaks]

    # Caches filling between 10k and 50k rows, nothing more from 50k to 100k: flat.
    flat = import_bench.memory_verdicts(firsts("sqlite", (10_000, 119.0), (50_000, 137.0), (100_000, 138.0)))
    assert "+1 MB (allowed 3.1 MB" in flat[0] and "**flat**" in flat[0] and "+19 MB" in flat[0]
    # ~160 bytes a row more, as the dict of every SKU seen cost before: grows.
    grows = import_bench.memory_verdicts(firsts("postgresql", (10_000, 119.0), (50_000, 130.0), (100_000, 138.0)))
    assert "**GROWS**" in grows[0]
