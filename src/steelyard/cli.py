"""The `steelyard` command: serve, migrate, seed, token."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated

import typer

from steelyard.config import get_settings

app = typer.Typer(help="Steelyard: the back end for raw-materials suppliers.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve the API, the docs (/docs) and the pages."""
    import os
    import secrets

    import uvicorn

    from steelyard.ops import metrics
    from steelyard.ops.logs import logging_config

    # Every worker must sign the /staff session the same way: share one secret when none is configured.
    os.environ.setdefault("STEELYARD_SESSION_SECRET", secrets.token_urlsafe(32))
    settings = get_settings()
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
    from steelyard.catalog.seed import load, product_count
    from steelyard.db import Database, make_engine
    from steelyard.demo import generate

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
        elapsed = time.perf_counter() - started
        typer.echo(
            f"seeded {report.products} products, {report.warehouses} warehouses, "
            f"{report.stock_rows} stock levels in {elapsed:.1f} s ({report.products / elapsed:.0f} products/s)"
        )
    finally:
        db.dispose()


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
) -> None:
    """Create a bearer token and print it as the last line (it is stored only as a hash)."""
    from steelyard.access.model import Role
    from steelyard.access.service import create_account, create_token, get_account
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
            token = create_token(conn, role=Role(role.value), name=name, account_id=account_id)
    except SteelyardError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    typer.echo(token)


if __name__ == "__main__":
    app()
