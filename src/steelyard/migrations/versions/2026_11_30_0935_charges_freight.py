"""order charges and freight: staff's rule tables, and what a stored quote carries of them

Revision ID: 20261130_0935
Revises: 20261130_0930
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_0935"
down_revision = "20261130_0930"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_charges",
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True),
        sa.Column("threshold", sa.String(64), nullable=False),
        sa.Column("amount", sa.String(64), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_order_charges_account_id", "order_charges", ["account_id"])
    op.create_table(
        "freight_rules",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("countries", sa.JSON, nullable=False),
        sa.Column("max_weight_kg", sa.String(64), nullable=True),
        sa.Column("max_length_mm", sa.String(64), nullable=True),
        sa.Column("base", sa.String(64), nullable=False),
        sa.Column("per_kg", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    # Plain ADD/DROP COLUMN on both databases (as in 20261130_0715): a batch copy of `quotes` would drop the table
    # that orders point at. Quotes stored before have neither (null: no charges, no freight).
    op.add_column("quotes", sa.Column("charges", sa.JSON, nullable=True))
    op.add_column("quotes", sa.Column("freight", sa.JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("quotes", "freight")
    op.drop_column("quotes", "charges")
    op.drop_table("freight_rules")
    op.drop_index("ix_order_charges_account_id", table_name="order_charges")
    op.drop_table("order_charges")
