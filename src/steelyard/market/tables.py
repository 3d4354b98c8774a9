"""Market indices, their dated values and the price rules (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, UniqueConstraint, func

from steelyard.db import DecimalText, UtcDateTime, metadata

market_indices = Table(
    "market_indices",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("unit", String(16), nullable=False),  # the mass unit a value is per
    Column("currency", String(3), nullable=False),
    Column("period", String(8), nullable=False),  # day | month
    Column("description", String(200), nullable=False, server_default=""),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
)

index_values = Table(
    "index_values",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("index_name", String(32), ForeignKey("market_indices.name", ondelete="CASCADE"), nullable=False),
    Column("date", Date, nullable=False),  # effective from this day (a monthly index: the month's first day)
    Column("value", DecimalText, nullable=False),  # > 0, at most 1e9, 6 decimals (market.model.check_value)
    Column("posted_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("posted_by", String(200), nullable=True),
    UniqueConstraint("index_name", "date"),
)

price_rules = Table(
    "price_rules",
    metadata,
    Column("scope", String(8), primary_key=True),  # product | grade | family
    Column("key", String(64), primary_key=True),  # the SKU, the grade or the family
    Column("currency", String(3), nullable=False),  # what the extras' amounts are in
    Column("surcharges", JSON, nullable=False),
    Column("extras", JSON, nullable=False),
    Column("remnant_discount_percent", DecimalText, nullable=True),  # off what a cut line takes from remnant lots
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
)
