"""hold limits: an account's credit limit and hold weight limit, and when a reserving quote's holds lapse

Revision ID: 20261130_0608
Revises: 20261124_0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_0608"
down_revision = "20261124_0005"
branch_labels = None
depends_on = None


# Plain ALTER TABLE ADD/DROP COLUMN on both databases (SQLite has DROP COLUMN since 3.35): a batch copy of
# `accounts` would drop the table that tokens and quotes point at.
def upgrade() -> None:
    op.add_column("accounts", sa.Column("credit_limit", sa.String(64), nullable=True))
    op.add_column("accounts", sa.Column("hold_limit_kg", sa.String(64), nullable=True))
    op.add_column("quotes", sa.Column("held_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("quotes", "held_until")
    op.drop_column("accounts", "hold_limit_kg")
    op.drop_column("accounts", "credit_limit")
