"""Import and export use cases, shared by the command line, the API and the staff page.

An import reads the file once, as a stream, in batches: every row is checked (against the database too: does the
SKU exist, is the count below what is reserved) and, when applying, written in the same pass inside ONE
transaction. One bad row anywhere and the transaction is rolled back at the end: nothing is applied, and the
report lists every bad row. A dry run does the same checks on a read connection and writes nothing.

Memory stays flat: one batch of `BATCH` rows is held at a time, the keys already seen (to refuse a SKU twice) are on
disk (`io.seen`), the report lists the first `model.MAX_LISTED` bad rows and counts the rest, and the caches the
checks use (physics, search terms) have fixed sizes. docs/import.md says what each costs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from sqlalchemy import Connection

from steelyard.db import Database
from steelyard.io import lots, prices, products, stock
from steelyard.io.cells import Numbers
from steelyard.io.formats import Cell, FileProblem, Table
from steelyard.io.model import ImportRejected, Kind, Outcome, Report, RowError
from steelyard.io.seen import FirstLines
from steelyard.io.table import HeaderRejected, Row
from steelyard.ops import metrics

BATCH = 500
Progress = Callable[[int, int], None]


class Planned(Protocol):
    outcome: Outcome
    rows: int


class Importer(Protocol):
    seen: FirstLines  # the file's keys so far, on disk (closed when the import ends)

    def check(self, conn: Connection, rows: list[Row], *, last: bool = False) -> tuple[list[Any], list[RowError]]: ...

    def write(self, conn: Connection, checked: list[Any]) -> list[RowError]: ...


@dataclass(frozen=True, slots=True)
class Limits:
    """How large an upload may be, and how far an XLSX workbook may unpack."""

    max_bytes: int
    max_expanded: int


def importer(kind: Kind, header: list[str], numbers: Numbers, actor: str) -> Importer:
    """The importer of `kind` for a file with this header; HeaderRejected names every column problem."""
    if kind is Kind.PRODUCTS:
        return products.ProductsImport(products.columns(header), numbers)
    if kind is Kind.PRICES:
        return prices.PricesImport(prices.columns(header), numbers)
    if kind is Kind.LOTS:
        return lots.LotsImport(lots.columns(header), numbers, actor=actor)
    return stock.StockImport(stock.columns(header), numbers, actor=actor)


def _batches(rows: Iterator[tuple[int, list[str | None]]]) -> Iterator[list[Row]]:
    while batch := [Row(line, cells) for line, cells in islice(rows, BATCH)]:
        yield batch


def run_import(
    db: Database,
    *,
    kind: Kind,
    read: Callable[[], Table],
    numbers: Numbers,
    dry_run: bool,
    actor: str = "import",
    progress: Progress | None = None,
) -> Report:
    """Check (and unless `dry_run`, apply) a file; ImportRejected, with the report, when any row is bad."""
    report = Report(kind=kind.value, dry_run=dry_run)
    try:
        report = _checked_and_applied(db, report, kind=kind, read=read, numbers=numbers, actor=actor, progress=progress)
    except ImportRejected:
        metrics.IMPORT_RUNS.labels(kind.value, "rejected").inc()
        raise
    metrics.IMPORT_RUNS.labels(kind.value, "dry_run" if dry_run else "applied").inc()
    return report


def _checked_and_applied(
    db: Database,
    report: Report,
    *,
    kind: Kind,
    read: Callable[[], Table],
    numbers: Numbers,
    actor: str,
    progress: Progress | None,
) -> Report:
    dry_run = report.dry_run
    try:
        table = read()
        work = importer(kind, table.header, numbers, actor)
        try:
            with db.read() if dry_run else db.write() as conn:
                for rows in _batches(table.rows):
                    report.rows += len(rows)
                    _step(conn, work, rows, report, dry_run, last=False)
                    if progress is not None:
                        progress(*table.progress())
                _step(conn, work, [], report, dry_run, last=True)
                if report.bad:
                    raise ImportRejected(report)  # inside the unit of work: the transaction rolls back
        finally:
            work.seen.close()
    except HeaderRejected as exc:
        report.add(exc.errors)
        raise ImportRejected(report) from None
    except FileProblem as exc:
        report.add([RowError(exc.line, None, exc.message)])
        raise ImportRejected(report) from None
    report.applied = not dry_run
    return report


def _step(conn: Connection, work: Importer, rows: list[Row], report: Report, dry_run: bool, *, last: bool) -> None:
    checked, errors = work.check(conn, rows, last=last)
    report.add(errors)
    for item in checked:
        report.count(item.outcome, item.rows)
    if not dry_run and not report.bad:
        report.add(work.write(conn, checked))


# ---- export -------------------------------------------------------------------------------------------------


def export_table(conn: Connection, kind: Kind, numbers: Numbers) -> tuple[list[str], Iterator[list[Cell]]]:
    """The header and rows of an export, read lazily on `conn` (keep it open while the rows are consumed)."""
    if kind is Kind.PRODUCTS:
        keys = products.attribute_keys(conn)
        return products.export_header(keys), products.export_rows(conn, keys, numbers)
    if kind is Kind.PRICES:
        return list(prices.HEADER), prices.export_rows(conn, numbers)
    if kind is Kind.LOTS:
        return list(lots.HEADER), lots.export_rows(conn, numbers)
    return list(stock.HEADER), stock.export_rows(conn, numbers)
