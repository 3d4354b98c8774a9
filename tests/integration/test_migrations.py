"""Migrations walk up, down and up again, and leave exactly the schema the code's tables describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from steelyard.db import make_engine
from steelyard.migrate import current_revision, migrate
from steelyard.schema import UNMANAGED, UNMANAGED_PREFIXES, metadata


def _tables(url: str) -> set[str]:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"} - UNMANAGED
        return {n for n in names if not n.startswith(UNMANAGED_PREFIXES)}
    finally:
        engine.dispose()


def _managed(name: str | None, type_: str, parent_names: object) -> bool:
    return type_ != "table" or (name not in UNMANAGED and not str(name).startswith(UNMANAGED_PREFIXES))


def _drift(url: str) -> list[object]:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": _managed})
            return list(compare_metadata(ctx, metadata))
    finally:
        engine.dispose()


def test_up_down_up(db_url: str) -> None:
    assert _tables(db_url) == set(metadata.tables)
    assert _drift(db_url) == []
    migrate(db_url, "base")
    assert _tables(db_url) == set()
    assert current_revision(db_url) is None
    migrate(db_url, "head")
    assert _tables(db_url) == set(metadata.tables)
    assert _drift(db_url) == []
