"""foundation: warehouses, products, stock levels, accounts, tokens

Revision ID: 20261124_0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261124_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "warehouses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_warehouses"),
        sa.UniqueConstraint("code", name="uq_warehouses_code"),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("family", sa.String(40), nullable=False),
        sa.Column("grade", sa.String(60), nullable=False),
        sa.Column("form", sa.String(40), nullable=False),
        sa.Column("density_kg_m3", sa.String(64), nullable=True),
        sa.Column("dimensions_mm", sa.JSON, nullable=False),
        sa.Column("stock_unit", sa.String(16), nullable=False),
        sa.Column("piece_name", sa.String(40), nullable=True),
        sa.Column("piece_content", sa.JSON, nullable=True),
        sa.Column("min_order", sa.JSON, nullable=True),
        sa.Column("increment", sa.JSON, nullable=True),
        sa.Column("price_currency", sa.String(3), nullable=False),
        sa.Column("price_tiers", sa.JSON, nullable=False),
        sa.Column("cut_fee", sa.String(64), nullable=True),
        sa.Column("lead_time_days", sa.Integer, nullable=False, server_default="0"),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_products"),
        sa.UniqueConstraint("sku", name="uq_products_sku"),
    )
    for column in ("family", "grade", "form"):
        op.create_index(f"ix_products_{column}", "products", [column])
    op.create_table(
        "stock_levels",
        sa.Column("product_id", sa.Integer, nullable=False),
        sa.Column("warehouse_id", sa.Integer, nullable=False),
        sa.Column("on_hand", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("reserved", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("product_id", "warehouse_id", name="pk_stock_levels"),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name="fk_stock_levels_product_id_products", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name="fk_stock_levels_warehouse_id_warehouses", ondelete="RESTRICT"
        ),
        sa.CheckConstraint("on_hand >= 0", name="ck_stock_levels_on_hand_not_negative"),
        sa.CheckConstraint("reserved >= 0", name="ck_stock_levels_reserved_not_negative"),
        sa.CheckConstraint("reserved <= on_hand", name="ck_stock_levels_reserved_within_on_hand"),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("tax_rate", sa.String(64), nullable=True),
        sa.Column("discount_percent", sa.String(64), nullable=False, server_default="0"),
        sa.Column("price_list", sa.JSON, nullable=False),
        sa.Column("home_warehouse_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.ForeignKeyConstraint(
            ["home_warehouse_id"],
            ["warehouses.id"],
            name="fk_accounts_home_warehouse_id_warehouses",
            ondelete="SET NULL",
        ),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("account_id", sa.Integer, nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_tokens_token_hash"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_tokens_account_id_accounts", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("tokens")
    op.drop_table("accounts")
    op.drop_table("stock_levels")
    for column in ("family", "grade", "form"):
        op.drop_index(f"ix_products_{column}", table_name="products")
    op.drop_table("products")
    op.drop_table("warehouses")
