"""Stock tables (SQLAlchemy Core). Levels are exact integers of millionths (`Micro`)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Table

from steelyard.db import Micro, metadata

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
