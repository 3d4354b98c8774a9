"""Accounts, tokens and staff sessions (SQLAlchemy Core). Tokens and session ids are stored only as SHA-256 hashes."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, func

from steelyard.db import DecimalText, UtcDateTime, metadata

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("tax_rate", DecimalText, nullable=True),
    Column("discount_percent", DecimalText, nullable=False, server_default="0"),
    Column("price_list", JSON, nullable=False),
    Column("home_warehouse_id", Integer, ForeignKey("warehouses.id", ondelete="SET NULL"), nullable=True),
    # What the account's holds may take (quotes/hold_rules.py); null: the service's default applies.
    Column("credit_limit", DecimalText, nullable=True),  # in the account's currency; holds plus open orders
    Column("hold_limit_kg", DecimalText, nullable=True),
    Column("locale", String(35), nullable=True),  # reads numbers typed as text (units/text.py); null: Accept-Language
    # Orders are billed on the theoretical weight or, where the goods were weighed, the actual weight, if it is
    # within weight_tolerance_pct of the theoretical (null: STEELYARD_WEIGHT_TOLERANCE_PCT).
    Column("billing_weight", String(12), nullable=False, server_default="theoretical"),
    Column("weight_tolerance_pct", DecimalText, nullable=True),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("expires_at", UtcDateTime, nullable=True),  # null: until revoked
)

# /staff sign-ins, kept server-side: the cookie carries only a random id, whose SHA-256 is the key here (a copy of
# this table signs nobody in). Signing out deletes the row; revoking the token deletes all of its rows.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("token_id", Integer, ForeignKey("tokens.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),  # absolute: never moved by use
)
