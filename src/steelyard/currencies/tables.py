"""The currency rate table (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Table, func

from steelyard.db import DecimalText, UtcDateTime, metadata

currencies = Table(
    "currencies",
    metadata,
    Column("code", String(3), primary_key=True),
    Column("rate", DecimalText, nullable=False),  # units of this currency per 1 unit of the base currency (EUR)
    Column("minor_units", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
)

# One row, `pricing`: a number that database triggers raise in every transaction that changes a currency, an order
# charge, a freight rule, a price rule, a market index or an index value (migration 20261201_0300). The per-process
# caches of that reference data (steelyard.currencies.reference) are used only while it is unchanged.
reference_versions = Table(
    "reference_versions",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("version", BigInteger, nullable=False),
)
