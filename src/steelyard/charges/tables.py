"""Order-charge and freight rule tables (SQLAlchemy Core); amounts are exact text (DecimalText)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, func

from steelyard.db import DecimalText, UtcDateTime, metadata

# One rule per scope and kind: scope "global", or the account's id as text (its own rule replaces the global one).
order_charges = Table(
    "order_charges",
    metadata,
    Column("scope", String(16), primary_key=True),
    Column("kind", String(20), primary_key=True),  # minimum_order, small_quantity
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("threshold", DecimalText, nullable=False),
    Column("amount", DecimalText, nullable=True),  # small_quantity only
    Column("currency", String(3), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
)

freight_rules = Table(
    "freight_rules",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # parcel, pallet, truck
    Column("countries", JSON, nullable=False),  # ISO 3166-1 alpha-2 codes; [] serves every country
    Column("max_weight_kg", DecimalText, nullable=True),
    Column("max_length_mm", DecimalText, nullable=True),
    Column("base", DecimalText, nullable=False),
    Column("per_kg", DecimalText, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
)
