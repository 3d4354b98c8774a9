"""weighed weights: accounts bill on theoretical or actual weight within a tolerance; shipped lines' actual weights

Revision ID: 20261130_0945
Revises: 20261130_0935
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_0945"
down_revision = "20261130_0935"
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN on accounts, as in 20261130_0608 (a batch copy would drop the table tokens point at).
def upgrade() -> None:
    op.add_column("accounts", sa.Column("billing_weight", sa.String(12), nullable=False, server_default="theoretical"))
    op.add_column("accounts", sa.Column("weight_tolerance_pct", sa.String(64), nullable=True))
    op.add_column("orders", sa.Column("billing_weight", sa.String(12), nullable=True))
    op.create_table(
        "shipped_weights",
        sa.Column("order_id", sa.String(40), sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("line_no", sa.Integer, primary_key=True),
        sa.Column("actual_weight_kg", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("shipped_weights")
    op.drop_column("orders", "billing_weight")
    op.drop_column("accounts", "weight_tolerance_pct")
    op.drop_column("accounts", "billing_weight")
