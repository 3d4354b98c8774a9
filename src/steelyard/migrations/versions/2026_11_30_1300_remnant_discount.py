"""price rules: a remnant discount (per product, grade or family), applied to what a cut line takes from remnant lots

Revision ID: 20261130_1300
Revises: 20261130_1000
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_1300"
down_revision = "20261130_1000"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("price_rules") as batch:
        batch.add_column(sa.Column("remnant_discount_percent", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("price_rules") as batch:
        batch.drop_column("remnant_discount_percent")
