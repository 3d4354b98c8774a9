"""The currency rate table (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, func

from steelyard.db import DecimalText, UtcDateTime, metadata

currencies = Table(
    "currencies",
    metadata,
    Column("code", String(3), primary_key=True),
    Column("rate", DecimalText, nullable=False),  # units of this currency per 1 unit of the base currency (EUR)
    Column("minor_units", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
)
