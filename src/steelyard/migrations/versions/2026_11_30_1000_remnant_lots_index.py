"""remnant lots index: search's remnant filter and facet, and a plain line's availability, find remnant lots fast

Revision ID: 20261130_1000
Revises: 20261130_0945
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "20261130_1000"
down_revision = "20261130_0945"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_lots_remnant_product_id", "lots", ["remnant", "product_id"])


def downgrade() -> None:
    op.drop_index("ix_lots_remnant_product_id", table_name="lots")
