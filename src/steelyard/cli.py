"""The `steelyard` command: serve, migrate, seed, import, export, token."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from steelyard.config import get_settings
from steelyard.market.cli import indices_app

app = typer.Typer(help="Steelyard: the back end for raw-materials suppliers.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(indices_app, name="indices")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve the API, the docs (/docs) and the pages."""
    import uvicorn

    from steelyard.config import ConfigurationError
    from steelyard.ops import metrics
    from steelyard.ops.logs import logging_config
    from steelyard.ops.server import uvicorn_options

    try:
        settings = get_settings()
        settings.require_shared_secret(workers=workers)
    except (ConfigurationError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    # Before the workers start, so that each of them writes its samples where /metrics reads them all.
    metrics_folder = metrics.prepare_multiprocess(workers)
    if settings.metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(settings.metrics_port, addr=settings.metrics_host, registry=metrics.registry())
    try:
        uvicorn.run(
            "steelyard.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            log_config=logging_config(log_level),
            access_log=False,  # Steelyard writes its own line per request, with the request id and route
            **uvicorn_options(settings),  # deadlines for headers and bodies, keep-alive, concurrency: docs/security.md
        )
    finally:
        metrics.remove_multiprocess(metrics_folder)


@app.command()
def migrate(
    to: Annotated[str, typer.Option(help="revision to move to: 'head', a revision id, or 'base'")] = "head",
) -> None:
    """Upgrade the database schema (or downgrade it, for a rollback, when --to is older)."""
    from steelyard.migrate import migrate as run

    try:
        typer.echo(run(get_settings().database_url, to))
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def backup(
    destination: Annotated[str, typer.Argument(help="the new backup file (SQLite database or pg_dump custom archive)")],
) -> None:
    """Back up the live database while it serves (SQLite online backup, or pg_dump); see docs/deployment.md."""
    from pathlib import Path

    from steelyard.ops.backup import BackupError
    from steelyard.ops.backup import backup as run

    try:
        typer.echo(run(get_settings().database_url, Path(destination)))
    except BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="load the demo catalogue")] = False,
    products: Annotated[int, typer.Option(min=1, help="how many demo products")] = 2000,
    seed_value: Annotated[int, typer.Option("--seed", help="random seed: the same seed gives the same catalogue")] = 42,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="do nothing when products exist already")] = False,
) -> None:
    """Load the demo catalogue: real grades, densities and standard sizes, three warehouses, stock and tiered prices."""
    from steelyard.charges.demo import seed_rules
    from steelyard.db import Database, make_engine
    from steelyard.demo import generate
    from steelyard.inventory.seed import load, product_count
    from steelyard.market.demo import seed_market

    if not demo:
        typer.echo("error: say --demo (the only catalogue seed command knows)", err=True)
        raise typer.Exit(2)
    db = Database(make_engine(get_settings().database_url, pool_size=1, max_overflow=0))
    try:
        with db.read() as conn:
            existing = product_count(conn)
        if existing and if_empty:
            typer.echo(f"catalogue has {existing} products already; not seeding")
            return
        started = time.perf_counter()
        catalogue = generate(products=products, seed=seed_value)
        with db.write() as conn:
            report = load(conn, warehouses=catalogue.warehouses, items=catalogue.products)
            seed_market(conn, today=datetime.now(UTC).date())
            rules = seed_rules(conn)
        elapsed = time.perf_counter() - started
        typer.echo(
            f"seeded {report.products} products, {report.warehouses} warehouses, "
            f"{report.stock_rows} stock levels in {elapsed:.1f} s ({report.products / elapsed:.0f} products/s)"
            + (f"; {rules} demo order-charge and freight rules" if rules else "")
        )
    finally:
        db.dispose()


class KindOption(StrEnum):
    products = "products"
    prices = "prices"
    stock = "stock"
    lots = "lots"


class FormatOption(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class DecimalOption(StrEnum):
    point = "point"
    comma = "comma"


FormatArg = Annotated[
    FormatOption | None, typer.Option("--format", help="csv or xlsx; default: from the file's extension")
]
DecimalArg = Annotated[
    DecimalOption, typer.Option("--decimal", help="decimals written 3.20 (point) or 3,20 (comma; CSV cells then ;)")
]


@app.command("import")
def import_(
    kind: Annotated[KindOption, typer.Argument(help="products, prices, stock or lots (see docs/import.md)")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="the CSV or XLSX file")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check every row and report; change nothing")] = False,
    fmt: FormatArg = None,
    decimal: DecimalArg = DecimalOption.point,
) -> None:
    """Import a file: every row checked first; all of it applied in one transaction, or nothing."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from steelyard.db import Database, make_engine
    from steelyard.errors import SteelyardError
    from steelyard.io.files import import_file
    from steelyard.io.model import ImportRejected, Kind
    from steelyard.io.service import Limits

    settings = get_settings()
    limits = Limits(settings.import_max_bytes, settings.import_max_expanded_bytes)
    db = Database(make_engine(settings.database_url, pool_size=1, max_overflow=0))
    started = time.perf_counter()
    columns = (TextColumn(f"{'checking' if dry_run else 'importing'} {file.name}"), BarColumn(), TaskProgressColumn())
    try:
        with file.open("rb") as source, Progress(*columns, TimeElapsedColumn(), console=_stderr()) as bar:
            task = bar.add_task("import", total=None)
            report = import_file(
                db,
                source,
                name=file.name,
                size=file.stat().st_size,
                kind=Kind(kind.value),
                fmt=fmt.value if fmt else None,
                comma=decimal is DecimalOption.comma,
                dry_run=dry_run,
                actor=f"import {file.name}",
                limits=limits,
                progress=lambda done, total: bar.update(task, completed=done, total=total or None),
            )
    except ImportRejected as exc:
        for error in exc.report.errors:
            typer.echo(str(error), err=True)
        problems = f"{exc.report.bad} problem{'' if exc.report.bad == 1 else 's'}"
        typer.echo(f"{problems} in {exc.report.rows} rows: nothing was applied", err=True)
        raise typer.Exit(1) from None
    except SteelyardError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    elapsed = time.perf_counter() - started
    if not dry_run and not report.created and not report.updated:
        typer.echo(f"{report.summary()}: the file changes nothing ({elapsed:.1f} s)")
    else:
        typer.echo(f"{report.summary()} ({elapsed:.1f} s)")


@app.command("export")
def export(
    kind: Annotated[KindOption, typer.Argument(help="products, prices, stock or lots (see docs/import.md)")],
    file: Annotated[Path | None, typer.Argument(dir_okay=False, help="where to write; default: CSV to stdout")] = None,
    fmt: FormatArg = None,
    decimal: DecimalArg = DecimalOption.point,
) -> None:
    """Export a file that imports back unchanged."""
    import sys

    from steelyard.db import Database, make_engine
    from steelyard.io.cells import Numbers
    from steelyard.io.files import export_chunks
    from steelyard.io.formats import FileProblem, format_of
    from steelyard.io.model import Kind

    try:
        chosen = format_of(file.name if file else None, fmt.value if fmt else None)
    except FileProblem as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    if file is None and chosen == "xlsx":
        typer.echo("error: name a FILE to write an XLSX workbook to", err=True)
        raise typer.Exit(2)
    db = Database(make_engine(get_settings().database_url, pool_size=1, max_overflow=0))
    try:
        chunks = export_chunks(db, Kind(kind.value), chosen, Numbers(comma=decimal is DecimalOption.comma))
        if file is None:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        else:
            with file.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk)
    finally:
        db.dispose()


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True)


class RoleOption(StrEnum):
    admin = "admin"
    staff = "staff"
    customer = "customer"


@token_app.command("create")
def token_create(
    role: Annotated[RoleOption, typer.Option(help="admin, staff or customer")],
    name: Annotated[str, typer.Option(help="the staff user's or the customer's name")],
    account: Annotated[
        int | None, typer.Option(help="customer account id; without it a new account of that name is made")
    ] = None,
    expires_in_days: Annotated[
        float | None, typer.Option(min=0.001, help="the token stops working this many days from now (default: never)")
    ] = None,
) -> None:
    """Create a bearer token and print it as the last line (it is stored only as a hash)."""
    from steelyard.access.model import Role
    from steelyard.access.service import create_account, create_token, get_account, token_id_of
    from steelyard.db import Database, make_engine
    from steelyard.errors import SteelyardError

    settings = get_settings()
    db = Database(make_engine(settings.database_url, pool_size=1, max_overflow=0))
    try:
        with db.write() as conn:
            account_id = account
            if role is RoleOption.customer:
                if account_id is None:
                    account_id = create_account(conn, name=name, currency=settings.default_currency)
                    typer.echo(f"created customer account {account_id} ({name})")
                else:
                    get_account(conn, account_id)
            elif account_id is not None:
                typer.echo("error: --account is only for customer tokens", err=True)
                raise typer.Exit(2)
            expires_at = None if expires_in_days is None else datetime.now(UTC) + timedelta(days=expires_in_days)
            token = create_token(conn, role=Role(role.value), name=name, account_id=account_id, expires_at=expires_at)
            typer.echo(f"token {token_id_of(conn, token)} for {name} ({role.value})" + _until(expires_at))
    except SteelyardError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    typer.echo(token)


def _until(expires_at: datetime | None) -> str:
    return "" if expires_at is None else f", expires {expires_at:%Y-%m-%d %H:%M} UTC"


@token_app.command("list")
def token_list() -> None:
    """List every token: id, role, name, account, and whether it is live, expired or revoked (never the token)."""
    from steelyard.access.service import list_tokens
    from steelyard.db import Database, make_engine

    db = Database(make_engine(get_settings().database_url, pool_size=1, max_overflow=0))
    now = datetime.now(UTC)
    try:
        with db.read() as conn:
            rows = list_tokens(conn, after_id=None, limit=1_000_000)
    finally:
        db.dispose()
    for row in rows:
        if row["revoked_at"] is not None:
            state = f"revoked {row['revoked_at']:%Y-%m-%d %H:%M}"
        elif row["expires_at"] is not None and row["expires_at"] <= now:
            state = f"expired {row['expires_at']:%Y-%m-%d %H:%M}"
        else:
            state = "live" + _until(row["expires_at"])
        account = "" if row["account_id"] is None else f" account {row['account_id']}"
        typer.echo(f"{row['id']}\t{row['role']}\t{row['name']}{account}\t{state}")


@token_app.command("revoke")
def token_revoke(
    token: Annotated[str, typer.Argument(help="the token's id (from `steelyard token list`), or the token itself")],
) -> None:
    """Revoke a token at once: requests with it answer 401 and every /staff sign-in made with it ends."""
    from steelyard.access.service import revoke_token, token_id_of
    from steelyard.db import Database, make_engine
    from steelyard.errors import SteelyardError

    db = Database(make_engine(get_settings().database_url, pool_size=1, max_overflow=0))
    try:
        with db.write() as conn:
            token_id = int(token) if token.isdigit() and len(token) <= 9 else token_id_of(conn, token)
            row = revoke_token(conn, token_id, datetime.now(UTC))
    except SteelyardError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    typer.echo(f"revoked token {row['id']} for {row['name']} ({row['role']})")


if __name__ == "__main__":
    app()
