"""`steelyard indices ...`: define market indices and post their values from a shell or a CSV file."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from steelyard.config import get_settings
from steelyard.market.model import Row

indices_app = typer.Typer(help="Market indices (LME copper, alloy surcharges): define, post values, import.")
MAX_ROWS = 100_000


class PeriodOption(StrEnum):
    day = "day"
    month = "month"


@contextmanager
def _database() -> Iterator[object]:
    from steelyard.db import Database, make_engine

    db = Database(make_engine(get_settings().database_url, pool_size=1, max_overflow=0))
    try:
        yield db
    finally:
        db.dispose()


def _fail(detail: str) -> typer.Exit:
    typer.echo(f"error: {detail}", err=True)
    return typer.Exit(2)


@indices_app.command("define")
def define(
    name: Annotated[str, typer.Argument(help="e.g. LME-CU, ALLOY-1.4301")],
    unit: Annotated[str, typer.Option(help="the mass unit a value is per (t, kg, lb)")],
    currency: Annotated[str, typer.Option(help="a currency of the rate table (USD, EUR)")],
    period: Annotated[PeriodOption, typer.Option(help="day or month")],
    description: Annotated[str, typer.Option(help="what the index is")] = "",
) -> None:
    """Define an index, or change its description."""
    from steelyard.db import Database
    from steelyard.errors import SteelyardError
    from steelyard.market import service

    with _database() as db:
        assert isinstance(db, Database)
        try:
            with db.write() as conn:
                index, created = service.put_index(
                    conn, name=name, unit=unit, currency=currency, period=period.value, description=description
                )
        except SteelyardError as exc:
            raise _fail(exc.detail) from None
    typer.echo(f"{'defined' if created else 'updated'} {index.name}: {index.currency}/{index.unit} per {index.period}")


@indices_app.command("post")
def post(
    name: Annotated[str, typer.Argument(help="the index")],
    when: Annotated[str, typer.Argument(metavar="DATE", help="effective date, e.g. 2026-11-30")],
    value: Annotated[str, typer.Argument(help="in the index's currency per its unit, e.g. 9512.50")],
) -> None:
    """Post (or correct) one value; the prices that follow the index change at once."""
    from steelyard.db import Database
    from steelyard.errors import SteelyardError
    from steelyard.market import service

    with _database() as db:
        assert isinstance(db, Database)
        try:
            with db.write() as conn:
                count = service.post_many(
                    conn, [Row(1, name, when, value)], today=datetime.now(UTC).date(), actor="cli"
                )
        except SteelyardError as exc:
            raise _fail(exc.detail.replace("line 1.", "")) from None
    typer.echo(f"posted {count} value of {name}")


@indices_app.command("import")
def import_values(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV: index,date,value")],
) -> None:
    """Post every row of a CSV file (header `index,date,value`): all of it, or nothing with every bad row named."""
    from steelyard.db import Database
    from steelyard.errors import SteelyardError
    from steelyard.market import service

    rows = read_rows(file)
    with _database() as db:
        assert isinstance(db, Database)
        try:
            with db.write() as conn:
                count = service.post_many(conn, rows, today=datetime.now(UTC).date(), actor=f"import {file.name}")
        except SteelyardError as exc:
            for problem in exc.problems:
                typer.echo(f"{problem.field}: {problem.message}", err=True)
            typer.echo(f"{len(exc.problems)} problem(s) in {len(rows)} rows: nothing was posted", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"posted {count} values from {file.name}")


def read_rows(file: Path) -> list[Row]:
    """The rows of an index file; a file that is not such a CSV stops the command with a message."""
    rows: list[Row] = []
    try:
        with file.open(newline="", encoding="utf-8-sig") as source:
            reader = csv.DictReader(source)
            missing = {"index", "date", "value"} - {(h or "").strip().lower() for h in reader.fieldnames or []}
            if missing:
                names = ", ".join(sorted(missing))
                raise _fail(f"{file.name}: the header must name index, date and value (missing {names})")
            for number, record in enumerate(reader, start=1):
                if number > MAX_ROWS:
                    raise _fail(f"{file.name}: more than {MAX_ROWS} rows; split the file")
                cells = {(k or "").strip().lower(): (v or "") for k, v in record.items() if isinstance(v, str)}
                rows.append(Row(number, cells.get("index", ""), cells.get("date", ""), cells.get("value", "")))
    except UnicodeDecodeError:
        raise _fail(f"{file.name} is not UTF-8 text") from None
    return rows
