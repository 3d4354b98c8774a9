"""quotes and currencies

Revision ID: 20261124_0002
Revises: 20261124_0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261124_0002"
down_revision = "20261124_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    currencies = op.create_table(
        "currencies",
        sa.Column("code", sa.String(3), nullable=False),
        sa.Column("rate", sa.String(64), nullable=False),
        sa.Column("minor_units", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("code", name="pk_currencies"),
    )
    # The base currency every rate is stated against; staff add the others through /api/v1/currencies.
    op.bulk_insert(currencies, [{"code": "EUR", "rate": "1", "minor_units": 2}])
    op.create_table(
        "quotes",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("account_id", sa.Integer, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reserve", sa.Boolean, nullable=False),
        sa.Column("subtotal", sa.String(64), nullable=False),
        sa.Column("tax_rate", sa.String(64), nullable=False),
        sa.Column("tax", sa.String(64), nullable=False),
        sa.Column("total", sa.String(64), nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_quotes"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_quotes_account_id_accounts", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_quotes_account_id", "quotes", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_quotes_account_id", table_name="quotes")
    op.drop_table("quotes")
    op.drop_table("currencies")
