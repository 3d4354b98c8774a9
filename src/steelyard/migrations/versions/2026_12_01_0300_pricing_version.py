"""the pricing version: a number triggers raise whenever pricing's reference data changes

Every quote and estimate reads the currencies, the order charges and the freight rules. A process keeps them and
reads only this number (steelyard.currencies.reference); triggers, not the services, raise it, so no way of changing
those tables (the API, an import, a hand edit in psql) can leave a process pricing from old figures.

SQLite drops a table's triggers with the table: a later migration that rebuilds one of these tables
(`batch_alter_table`) must create its triggers again (tests/integration/test_pricing_version.py checks them at head).

Revision ID: 20261201_0300
Revises: 20261130_1300
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0300"
down_revision = "20261130_1300"
branch_labels = None
depends_on = None

# The reference data of a price: what the caches hold, and what may come to be cached.
TABLES = ("currencies", "order_charges", "freight_rules", "price_rules", "market_indices", "index_values")
_BUMP = "UPDATE reference_versions SET version = version + 1 WHERE name = 'pricing'"


def upgrade() -> None:
    op.create_table(
        "reference_versions",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_reference_versions")),
    )
    op.execute("INSERT INTO reference_versions (name, version) VALUES ('pricing', 1)")
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER pricing_version_{table}_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {_BUMP}; END"
                )
        return
    # PostgreSQL: once per statement (an import of 10,000 index values raises it once), TRUNCATE included.
    op.execute(
        "CREATE FUNCTION bump_pricing_version() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN {_BUMP}; RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER pricing_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_pricing_version()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS pricing_version_{table}_{event}")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS pricing_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_pricing_version()")
    op.drop_table("reference_versions")
