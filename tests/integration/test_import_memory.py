"""An import's memory does not grow with the file (issue 14): N and 4N rows retain the same traced memory.

What an import holds is one batch of rows, the caches of fixed size its checks use, and the keys it has seen on
disk (`io.seen`). Whatever grew with the file (a dict of every SKU, every row's error, the events or index work
kept for the commit) would be alive at the last batch, so the Python memory traced at that moment (tracemalloc,
inside the open transaction) is compared for a file of N rows and one of 4N, after a warm-up import so that the
one-time costs (compiled statements, the caches filling) are paid before either. A memory bound, not a timing.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from steelyard import events
from steelyard.db import Database, make_engine
from steelyard.io.files import import_file
from steelyard.io.model import Kind
from steelyard.io.service import Limits

N = 500
# Growth allowed between N and 4N rows. A dict of the SKUs seen retained ~160 bytes a row, the server's set of the
# SKUs whose events a transaction emitted ~100 (~240 and ~150 KB for the extra 3N rows); after gc, what one batch
# holds does not depend on the file's length (measured: within 2 KB).
BOUND_BYTES = 60_000
HEADER = "sku,name,family,grade,form,density_kg_m3,thickness_mm,width_mm,length_mm,stock_unit,currency,tiers\n"
# Caches of fixed size that fill as the rows come: the search terms of a text (`search.text`, 16,384 entries: each
# new SKU's text) and psycopg's (prepared statements, at most 100 a connection, and its query conversions).
BOUNDED_CACHES = ("*/steelyard/search/text.py", "*/psycopg/*")


def products_file(path: Path, prefix: str, rows: int) -> Path:
    """`rows` products of one size (so they share one physics entry), unique SKUs."""
    with path.open("w") as out:
        out.write(HEADER)
        for i in range(rows):
            out.write(
                f"{prefix}-{i:06d},Aluminium sheet 6061-T6 2 x 1250 x 2500 mm,aluminium,6061-T6,sheet,2700,2,1250,"
                "2500,kg,EUR,0 kg: 6.20/kg; 500 kg: 5.80/kg\n"
            )
    return path


def prices_file(path: Path, prefix: str, rows: int) -> Path:
    """Two tiers for each of `rows` products (new prices: every product is updated)."""
    with path.open("w") as out:
        out.write("sku,currency,min_quantity,min_unit,unit_price,per\n")
        for i in range(rows):
            out.write(f"{prefix}-{i:06d},EUR,0,kg,6.10,kg\n{prefix}-{i:06d},EUR,750,kg,5.70,kg\n")
    return path


def retained(db: Database, path: Path, kind: Kind, *, dry_run: bool) -> int:
    """Bytes of Python memory alive at the last batch of the import of `path`, more than before it began."""
    late: list[tracemalloc.Snapshot] = []
    batches = [0]
    expected = -(-sum(1 for _ in path.open()) // 500) - 1  # the last progress call of a file of this length

    def progress(done: int, total: int) -> None:
        batches[0] += 1
        if batches[0] == expected:
            gc.collect()  # what only waits for the cycle collector is not kept
            late.append(tracemalloc.take_snapshot())

    tracemalloc.start(1)
    try:
        gc.collect()
        before = tracemalloc.take_snapshot()
        with path.open("rb") as source:
            report = import_file(
                db,
                source,
                name=path.name,
                size=path.stat().st_size,
                kind=kind,
                fmt=None,
                comma=False,
                dry_run=dry_run,
                actor="test",
                limits=Limits(1 << 30, 1 << 30),
                progress=progress,
            )
    finally:
        tracemalloc.stop()
    assert report.applied is not dry_run and not report.bad
    assert late, "the snapshot at the last batch was not taken"
    keep = [tracemalloc.Filter(False, tracemalloc.__file__), *(tracemalloc.Filter(False, p) for p in BOUNDED_CACHES)]
    size = sum(s.size for s in late[0].filter_traces(keep).statistics("filename"))
    return size - sum(s.size for s in before.filter_traces(keep).statistics("filename"))


def grows(db: Database, tmp_path: Path, kind: Kind, *, dry_run: bool) -> tuple[int, int]:
    """The memory retained by a warm-up, then an N-row and a 4N-row file of `kind`: (N's, 4N's)."""
    make = products_file if kind is Kind.PRODUCTS else prices_file
    sizes = []
    for prefix, rows in (("WARM", N), ("SMALL", N), ("LARGE", 4 * N)):
        sizes.append(retained(db, make(tmp_path / f"{kind}-{prefix}.csv", prefix, rows), kind, dry_run=dry_run))
    return sizes[1], sizes[2]


@pytest.fixture
def quiet_db(db_url: str) -> Iterator[Database]:
    """The database on one connection, with no app running: no event bus reading the outbox in the background
    while a snapshot is taken. A commit listener stands in for a server's document cache."""
    database = Database(make_engine(db_url, pool_size=1, max_overflow=0))
    listener: events.CommitListener = lambda skus: None  # noqa: E731
    events.register_commit_listener(listener)
    yield database
    events.unregister_commit_listener(listener)
    database.dispose()


@pytest.mark.parametrize("dry_run", [False, True], ids=["apply", "dry-run"])
def test_products_and_prices_imports_do_not_grow_with_the_file(
    quiet_db: Database, tmp_path: Path, dry_run: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server's transaction names the SKUs it changed to its caches: past this many it says "every SKU" instead
    # of naming them (10,000 in production, fewer than these files' rows here).
    monkeypatch.setattr(events, "MAX_NAMED_SKUS", 100)
    db = quiet_db
    found = {Kind.PRODUCTS: grows(db, tmp_path, Kind.PRODUCTS, dry_run=dry_run)}
    if not dry_run:  # a dry run of prices checks as the applied one does (and needs the products applied first)
        found[Kind.PRICES] = grows(db, tmp_path, Kind.PRICES, dry_run=dry_run)
    for kind, (small, large) in found.items():
        assert large - small < BOUND_BYTES, (
            f"{kind.value} ({'dry run' if dry_run else 'apply'}): {small:,} bytes retained at {N:,} rows, "
            f"{large:,} at {4 * N:,}: memory grows with the file"
        )
