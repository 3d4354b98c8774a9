"""quotes and currencies

Revision ID: 20261124_0002
Revises: 20261124_0001
Create Date: 2026-11-24

A reserved slot in the migration chain, filled by the quotes work; until then it changes nothing.
"""

from __future__ import annotations

revision = "20261124_0002"
down_revision = "20261124_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
