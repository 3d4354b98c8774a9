"""Alembic driven from code: `steelyard migrate` and the tests use this, not alembic.ini."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from steelyard.db import is_sqlite, make_engine

# The migrations ship inside the package, so an installed wheel can migrate (not only a checkout).
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# PostgreSQL advisory lock key of `steelyard migrate`: any fixed 64-bit number; this one is the ASCII of "SteelYrd".
MIGRATION_LOCK = 0x5374_6565_6C59_7264


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def current_revision(url: str) -> str | None:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


@contextmanager
def one_at_a_time(url: str) -> Iterator[None]:
    """On PostgreSQL, a session advisory lock around a migration: nodes that start together (deployment.md's systemd
    unit migrates in ExecStartPre on every node) migrate one after the other, and the later ones find the schema
    current and do nothing. SQLite is one file on one machine, migrated by the one `steelyard migrate` before serving.
    """
    if is_sqlite(url):
        yield
        return
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
            conn.commit()  # a session lock outlives the transaction; do not sit idle inside one
            try:
                yield
            finally:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
                conn.commit()
    finally:
        engine.dispose()


def migrate(url: str, to: str = "head") -> str:
    """Upgrade to `to`, or downgrade when `to` is older than the database (or 'base'). Returns what was done.
    Several at once on one PostgreSQL database run one after the other (`one_at_a_time`)."""
    with one_at_a_time(url):
        return _migrate(url, to)


def _migrate(url: str, to: str) -> str:
    cfg = alembic_config(url)
    script = ScriptDirectory.from_config(cfg)
    current = current_revision(url)
    if to == "base":
        command.downgrade(cfg, "base")
        return "downgraded to base"
    try:
        target = script.get_revision(to)
    except CommandError:
        target = None
    if target is None:
        raise ValueError(f"unknown revision {to!r}; see steelyard/migrations/versions for the revision ids")
    if current is not None and current != target.revision:
        ancestors = {rev.revision for rev in script.iterate_revisions(current, "base")}
        if target.revision in ancestors:
            command.downgrade(cfg, target.revision)
            return f"downgraded to {target.revision}"
    command.upgrade(cfg, target.revision)
    return f"upgraded to {target.revision}"
