"""Alembic driven from code: `steelyard migrate` and the tests use this, not alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from steelyard.db import make_engine

# The migrations ship inside the package, so an installed wheel can migrate (not only a checkout).
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


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


def migrate(url: str, to: str = "head") -> str:
    """Upgrade to `to`, or downgrade when `to` is older than the database (or 'base'). Returns what was done."""
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
