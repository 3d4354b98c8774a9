"""An import's file and an export's output, the same for the command line, the API and the staff page."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from sqlalchemy import Connection

from steelyard.db import Database
from steelyard.errors import FieldProblem, InvalidInput
from steelyard.io.cells import Numbers
from steelyard.io.formats import CHUNK, FileProblem, Format, csv_chunks, format_of, read_table, write_xlsx
from steelyard.io.model import Kind, Report
from steelyard.io.service import Limits, Progress, export_table, run_import


def import_file(
    db: Database,
    source: IO[bytes],
    *,
    name: str,
    size: int,
    kind: Kind,
    fmt: str | None,
    comma: bool,
    dry_run: bool,
    actor: str,
    limits: Limits,
    progress: Progress | None = None,
) -> Report:
    """Import the file `source` (binary, seekable, `size` bytes; CSV or XLSX by `fmt` or by `name`'s extension).

    ImportRejected (422) with every bad row; InvalidInput for a format this does not read.
    """
    try:
        chosen = format_of(name, fmt)
    except FileProblem as exc:
        raise InvalidInput.from_problems([FieldProblem("format", exc.message)]) from None
    return run_import(
        db,
        kind=kind,
        read=lambda: read_table(source, chosen, size=size, max_expanded=limits.max_expanded),
        numbers=Numbers(comma=comma),
        dry_run=dry_run,
        actor=actor,
        progress=progress,
    )


@contextmanager
def snapshot(db: Database) -> Iterator[Connection]:
    """A read connection whose every statement sees the same moment, so an export is consistent across its pages.

    SQLite's read transaction (WAL) is such a snapshot from its first read on; PostgreSQL needs REPEATABLE READ.
    """
    with db.read() as conn:
        if not db.sqlite:
            conn.execution_options(isolation_level="REPEATABLE READ")
        yield conn


def export_chunks(db: Database, kind: Kind, fmt: Format, numbers: Numbers) -> Iterator[bytes]:
    """The export of `kind` as the bytes of a CSV or XLSX file, produced as they are read (~64 KiB at a time).

    An XLSX workbook is a zip archive written at the end, so it is built in a temporary file first (openpyxl's
    write-only mode keeps memory flat) and then streamed.
    """
    if fmt == "csv":
        with snapshot(db) as conn:
            header, rows = export_table(conn, kind, numbers)
            yield from csv_chunks(header, rows, numbers)
        return
    with tempfile.TemporaryFile() as spool:
        with snapshot(db) as conn:
            header, rows = export_table(conn, kind, numbers)
            write_xlsx(header, rows, spool, sheet=kind.value)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
