"""Stock tables (SQLAlchemy Core): lots, the ledger, holds; levels are the catalogue's. Quantities are `Micro`."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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
from sqlalchemy import false as sa_false

# The level of each product in each warehouse is the catalogue's table (it shows stock); this package changes it.
from steelyard.catalog.tables import stock_levels as stock_levels
from steelyard.db import Micro, UtcDateTime, metadata

LOT_ID = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements only INTEGER PRIMARY KEY

# A lot: stock of one product in one warehouse from one receipt (one heat, one mill certificate). The lots of a
# (product, warehouse) add up to its level; both carry the same three CHECKs, and every change updates the level and
# the lot in one transaction with the same conditional UPDATE, so neither can be oversold.
lots = Table(
    "lots",
    metadata,
    Column("id", LOT_ID, primary_key=True, autoincrement=True),
    Column("product_id", Integer, ForeignKey("products.id", ondelete="RESTRICT"), nullable=False),
    Column("warehouse_id", Integer, ForeignKey("warehouses.id", ondelete="RESTRICT"), nullable=False),
    Column("heat", String(64), nullable=True),  # the melt's number from the mill certificate; null: not traced
    Column("mill", String(120), nullable=True),
    Column("certificate_type", String(3), nullable=True),  # EN 10204: 2.1, 2.2, 3.1, 3.2
    Column("origin", String(2), nullable=True),  # country of melt, ISO 3166-1 alpha-2
    Column("received_at", UtcDateTime, nullable=False),
    Column("remnant", Boolean, nullable=False, server_default=sa_false()),
    Column("dimensions_mm", JSON, nullable=True),  # a remnant's or offcut's own size; null: the product's
    Column("source_lot_id", LOT_ID, ForeignKey("lots.id"), nullable=True),  # transfer, cut
    Column("certificate_key", String(300), nullable=True),  # the PDF in the file store
    Column("certificate_size", Integer, nullable=True),
    Column("certificate_data", JSON, nullable=True),  # EN 10168 data, validated
    Column("on_hand", Micro, nullable=False, server_default="0"),
    Column("reserved", Micro, nullable=False, server_default="0"),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    CheckConstraint("certificate_type IN ('2.1', '2.2', '3.1', '3.2')", name="certificate_type_en_10204"),
    Index("ix_lots_product_id_warehouse_id_received_at", "product_id", "warehouse_id", "received_at", "id"),
    Index("ix_lots_heat", "heat"),
    Index("ix_lots_remnant_product_id", "remnant", "product_id"),  # the few remnant lots: search, availability
)

# The append-only ledger: one row per change of one level; the deltas of a (product, warehouse) add up to its level.
stock_movements = Table(
    "stock_movements",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("product_id", Integer, ForeignKey("products.id", ondelete="RESTRICT"), nullable=False),
    Column("warehouse_id", Integer, ForeignKey("warehouses.id", ondelete="RESTRICT"), nullable=False),
    Column("lot_id", LOT_ID, ForeignKey("lots.id", ondelete="RESTRICT"), nullable=False),
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
    Column("lot_id", LOT_ID, ForeignKey("lots.id", ondelete="RESTRICT"), nullable=False),
    Column("quantity", Micro, nullable=False),
    Column("status", String(16), nullable=False),  # held, ordered, expired, released, shipped
    Column("expires_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index("ix_holds_status_expires_at", "status", "expires_at"),
    Index("ix_holds_quote_id", "quote_id"),
    Index("ix_holds_order_id", "order_id"),
)
