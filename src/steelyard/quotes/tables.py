"""Quotes and orders (SQLAlchemy Core); the rate table is steelyard.currencies.tables (re-exported here)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, func
from sqlalchemy.types import TypeDecorator

from steelyard.currencies.tables import currencies as currencies  # re-exported: its old home
from steelyard.db import DecimalText, UtcDateTime, metadata
from steelyard.quotes.lines import QuoteLine, dump_lines, load_lines


class QuoteLines(TypeDecorator[list[QuoteLine]]):
    """Typed quote lines stored as JSON text: decimals become exact strings here and nowhere else."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: list[QuoteLine] | None, dialect: Any) -> list[dict[str, Any]] | None:
        return None if value is None else dump_lines(value)

    def process_result_value(self, value: list[dict[str, Any]] | None, dialect: Any) -> list[QuoteLine] | None:
        return None if value is None else load_lines(value)


quotes = Table(
    "quotes",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("status", String(16), nullable=False),  # open, accepted, cancelled (expired is computed from valid_until)
    Column("currency", String(3), nullable=False),
    Column("reserve", Boolean, nullable=False),
    Column("subtotal", DecimalText, nullable=False),
    Column("tax_rate", DecimalText, nullable=False),
    Column("tax", DecimalText, nullable=False),
    Column("total", DecimalText, nullable=False),
    Column("lines", QuoteLines, nullable=False),  # the priced lines (quotes.lines), plus the product ids behind them
    Column("valid_until", UtcDateTime, nullable=False),
    # When a reserving quote's holds lapse (STEELYARD_HOLD_MINUTES, before valid_until); null if it holds nothing.
    Column("held_until", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("charges", JSON, nullable=True),  # order charges as answered (steelyard.charges); null: none
    Column("freight", JSON, nullable=True),  # the freight estimate as answered; null: none
    Index("ix_quotes_account_id_valid_until", "account_id", "valid_until"),  # the sweeper finds expired anonymous ones
)

orders = Table(
    "orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("quote_id", String(40), ForeignKey("quotes.id", ondelete="RESTRICT"), nullable=False, unique=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("status", String(16), nullable=False),  # accepted, shipped, cancelled
    Column("currency", String(3), nullable=False),
    Column("subtotal", DecimalText, nullable=False),
    Column("tax", DecimalText, nullable=False),
    Column("total", DecimalText, nullable=False),
    # The weight the order was billed on (theoretical or actual), fixed when it shipped; null before.
    Column("billing_weight", String(12), nullable=True),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("updated_at", UtcDateTime, nullable=False, server_default=func.now()),
)

# What a shipped order line weighed on the scale (kg), where it was weighed; the theoretical weight is the line's.
shipped_weights = Table(
    "shipped_weights",
    metadata,
    Column("order_id", String(40), ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("actual_weight_kg", DecimalText, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
)
