"""market indices: named metal prices and alloy surcharges with dated values, and price rules over them

Revision ID: 20261130_0930
Revises: 20261130_0715
Create Date: 2026-11-30

Three new tables; nothing existing changes. Downgrade drops them (their indices, values and rules are lost).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_0930"
down_revision = "20261130_0715"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "market_indices",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("description", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("name", name="pk_market_indices"),
    )
    op.create_table(
        "index_values",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("index_name", sa.String(32), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("posted_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_index_values"),
        sa.ForeignKeyConstraint(
            ["index_name"],
            ["market_indices.name"],
            name="fk_index_values_index_name_market_indices",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("index_name", "date", name="uq_index_values_index_name"),
    )
    op.create_table(
        "price_rules",
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("surcharges", sa.JSON, nullable=False),
        sa.Column("extras", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_price_rules"),
    )


def downgrade() -> None:
    op.drop_table("price_rules")
    op.drop_table("index_values")
    op.drop_table("market_indices")
