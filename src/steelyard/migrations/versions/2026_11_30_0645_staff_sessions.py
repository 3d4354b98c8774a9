"""staff sessions kept server-side, tokens that expire, and an index to find expired anonymous quotes

Revision ID: 20261130_0645
Revises: 20261130_0608
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_0645"
down_revision = "20261130_0608"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tokens", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "staff_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("token_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name="pk_staff_sessions"),
        sa.ForeignKeyConstraint(
            ["token_id"], ["tokens.id"], name="fk_staff_sessions_token_id_tokens", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_staff_sessions_token_id", "staff_sessions", ["token_id"])
    op.create_index("ix_staff_sessions_expires_at", "staff_sessions", ["expires_at"])
    op.create_index("ix_quotes_account_id_valid_until", "quotes", ["account_id", "valid_until"])


def downgrade() -> None:
    op.drop_index("ix_quotes_account_id_valid_until", table_name="quotes")
    op.drop_index("ix_staff_sessions_expires_at", table_name="staff_sessions")
    op.drop_index("ix_staff_sessions_token_id", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_column("tokens", "expires_at")
