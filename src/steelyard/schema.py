"""The whole schema: importing this loads every table module into `steelyard.db.metadata`.

Each domain adds its tables module here. Tables that SQLAlchemy does not describe (SQLite FTS5 virtual tables and
their shadow tables, PostgreSQL-only objects) are named in UNMANAGED so the migration drift check ignores them and
the test clean-up empties them.
"""

from __future__ import annotations

from steelyard import idempotency
from steelyard.access import tables as access_tables
from steelyard.catalog import tables as catalog_tables
from steelyard.charges import tables as charge_tables
from steelyard.currencies import tables as currency_tables
from steelyard.db import metadata
from steelyard.events import tables as event_tables
from steelyard.inventory import tables as inventory_tables
from steelyard.market import tables as market_tables
from steelyard.quotes import tables as quote_tables
from steelyard.search import tables as search_tables
from steelyard.webhooks import tables as webhook_tables

__all__ = [
    "UNMANAGED",
    "UNMANAGED_PREFIXES",
    "access_tables",
    "catalog_tables",
    "charge_tables",
    "currency_tables",
    "event_tables",
    "idempotency",
    "inventory_tables",
    "market_tables",
    "metadata",
    "quote_tables",
    "search_tables",
    "webhook_tables",
]

UNMANAGED: set[str] = {"search_fts"}  # tables created by migrations but not in metadata, emptied between tests
# FTS5 shadow tables ("search_fts_data", ...): ignored, never emptied
UNMANAGED_PREFIXES: tuple[str, ...] = ("search_fts_",)
