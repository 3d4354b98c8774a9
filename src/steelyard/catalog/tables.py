"""Catalogue tables (SQLAlchemy Core): products and their stock levels per warehouse."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table, Text, func
from sqlalchemy import true as sa_true

from steelyard.db import DecimalText, Micro, UtcDateTime, metadata
from steelyard.warehouses import warehouses as warehouses  # re-exported: the catalogue lists warehouses

products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("family", String(40), nullable=False, index=True),
    Column("grade", String(60), nullable=False, index=True),
    Column("form", String(40), nullable=False, index=True),
    Column("density_kg_m3", DecimalText, nullable=True),
    Column("dimensions_mm", JSON, nullable=False),
    Column("stock_unit", String(16), nullable=False),
    Column("piece_name", String(40), nullable=True),
    Column("piece_content", JSON, nullable=True),
    Column("min_order", JSON, nullable=True),
    Column("increment", JSON, nullable=True),
    Column("price_currency", String(3), nullable=False),
    Column("price_tiers", JSON, nullable=False),
    Column("cut_fee", DecimalText, nullable=True),
    Column("lead_time_days", Integer, nullable=False, server_default="0"),
    Column("cutting", JSON, nullable=True),
    Column("attributes", JSON, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("active", Boolean, nullable=False, server_default=sa_true()),
    Column("version", Integer, nullable=False, server_default=sa_true()),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
)

# What is on hand and reserved of each product in each warehouse; inventory (the ledger) is what changes it.
stock_levels = Table(
    "stock_levels",
    metadata,
    Column("product_id", Integer, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("warehouse_id", Integer, ForeignKey("warehouses.id", ondelete="RESTRICT"), primary_key=True),
    Column("on_hand", Micro, nullable=False, server_default="0"),
    Column("reserved", Micro, nullable=False, server_default="0"),
    # The last line of defence against overselling: the database itself refuses a negative or over-reserved level.
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
)
