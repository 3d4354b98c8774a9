"""Stock tables (SQLAlchemy Core): levels, the ledger, holds, idempotency keys. Quantities are `Micro`."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
)

from steelyard.db import Micro, UtcDateTime, metadata

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

# The append-only ledger: one row per change of one level; the deltas of a (product, warehouse) add up to its level.
stock_movements = Table(
    "stock_movements",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("product_id", Integer, ForeignKey("products.id", ondelete="RESTRICT"), nullable=False),
    Column("warehouse_id", Integer, ForeignKey("warehouses.id", ondelete="RESTRICT"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("on_hand_change", Micro, nullable=False),
    Column("reserved_change", Micro, nullable=False),
    Column("on_hand_after", Micro, nullable=False),
    Column("reserved_after", Micro, nullable=False),
    Column("quantity", JSON, nullable=True),  # what the person typed, e.g. {"value": "250", "unit": "lb"}
    Column("reason", Text, nullable=True),
    Column("actor", String(200), nullable=False),
    Column("reference", String(64), nullable=False),  # movement, quote or order this row belongs to
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Index("ix_stock_movements_product_id_id", "product_id", "id"),
    Index("ix_stock_movements_reference", "reference"),
)

# Stock set aside for a quote (status held, until expires_at) or an accepted order (status ordered).
holds = Table(
    "holds",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("quote_id", String(40), nullable=False),
    Column("order_id", String(40), nullable=True),
    Column("line_no", Integer, nullable=False),
    Column("product_id", Integer, ForeignKey("products.id", ondelete="RESTRICT"), nullable=False),
    Column("warehouse_id", Integer, ForeignKey("warehouses.id", ondelete="RESTRICT"), nullable=False),
    Column("quantity", Micro, nullable=False),
    Column("status", String(16), nullable=False),  # held, ordered, expired, released, shipped
    Column("expires_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index("ix_holds_status_expires_at", "status", "expires_at"),
    Index("ix_holds_quote_id", "quote_id"),
    Index("ix_holds_order_id", "order_id"),
)

# A remembered answer per Idempotency-Key, so a retried request replays it instead of acting twice.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(120), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
)
