"""account locale: how an account writes numbers in quantities sent as text ("1.500,5 kg" in de-DE)

Revision ID: 20261130_0715
Revises: 20261130_0650
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_0715"
down_revision = "20261130_0650"
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN on both databases, as in 20261130_0608: a batch copy of `accounts` would drop the table
# that tokens and quotes point at.
def upgrade() -> None:
    op.add_column("accounts", sa.Column("locale", sa.String(35), nullable=True))


def downgrade() -> None:
    op.drop_column("accounts", "locale")
