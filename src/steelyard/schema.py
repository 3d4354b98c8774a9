"""The whole schema: importing this loads every table module into `steelyard.db.metadata`.

Each domain adds its tables module here. Tables that SQLAlchemy does not describe (SQLite FTS5 virtual tables and
their shadow tables, PostgreSQL-only objects) are named in UNMANAGED so the migration drift check ignores them and
the test clean-up empties them.
"""

from __future__ import annotations

from steelyard.access import tables as access_tables
from steelyard.catalog import tables as catalog_tables
from steelyard.db import metadata
from steelyard.inventory import tables as inventory_tables
from steelyard.quotes import tables as quote_tables

__all__ = [
    "UNMANAGED",
    "UNMANAGED_PREFIXES",
    "access_tables",
    "catalog_tables",
    "inventory_tables",
    "metadata",
    "quote_tables",
]

UNMANAGED: set[str] = set()  # tables created by migrations but not in metadata, emptied between tests
UNMANAGED_PREFIXES: tuple[str, ...] = ()  # e.g. FTS5 shadow tables ("search_fts_data", ...): ignored, never emptied
