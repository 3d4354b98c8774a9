"""products.cutting: a product's own cutting settings

Revision ID: 20261130_0650
Revises: 20261130_0615
Create Date: 2026-11-30

`cutting` holds {"kerf_mm", "trim_mm", "rotation", "min_remnant_mm"} (decimal text, a bool); NULL means the
defaults of the product's form (steelyard.cutting.settings, docs/cutting.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_0650"
down_revision = "20261130_0615"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("products", sa.Column("cutting", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE on both databases (SQLite >= 3.35): a batch copy would drop the search triggers.
    op.execute("ALTER TABLE products DROP COLUMN cutting")
