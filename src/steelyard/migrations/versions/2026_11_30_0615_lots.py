"""lots: traceable stock (heat, mill, certificate); today's levels become one opening lot each

Revision ID: 20261130_0615
Revises: 20261130_0645
Create Date: 2026-11-30

Upgrade: every level becomes one opening lot with the level's on hand and reserved (no heat: it was never
recorded), received when its first ledger row was written; every ledger row and hold names that lot.
Downgrade: the levels are set to the sum of their lots (they already are: the code keeps them so), then the lot
columns and the lots table go. What the lots knew beyond the levels (heats, certificates) is lost on the way down.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261130_0615"
down_revision = "20261130_0645"
branch_labels = None
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "lots",
        sa.Column("id", BIGID, nullable=False, autoincrement=True),
        sa.Column("product_id", sa.Integer, nullable=False),
        sa.Column("warehouse_id", sa.Integer, nullable=False),
        sa.Column("heat", sa.String(64), nullable=True),
        sa.Column("mill", sa.String(120), nullable=True),
        sa.Column("certificate_type", sa.String(3), nullable=True),
        sa.Column("origin", sa.String(2), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remnant", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("dimensions_mm", sa.JSON, nullable=True),
        sa.Column("source_lot_id", BIGID, nullable=True),
        sa.Column("certificate_key", sa.String(300), nullable=True),
        sa.Column("certificate_size", sa.Integer, nullable=True),
        sa.Column("certificate_data", sa.JSON, nullable=True),
        sa.Column("on_hand", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("reserved", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_lots"),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name="fk_lots_product_id_products", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name="fk_lots_warehouse_id_warehouses", ondelete="RESTRICT"
        ),
        # NO ACTION, not RESTRICT: SQLite checks RESTRICT row by row, which refuses emptying the table in one DELETE.
        sa.ForeignKeyConstraint(["source_lot_id"], ["lots.id"], name="fk_lots_source_lot_id_lots"),
        sa.CheckConstraint("on_hand >= 0", name="ck_lots_on_hand_not_negative"),
        sa.CheckConstraint("reserved >= 0", name="ck_lots_reserved_not_negative"),
        sa.CheckConstraint("reserved <= on_hand", name="ck_lots_reserved_within_on_hand"),
        sa.CheckConstraint(
            "certificate_type IN ('2.1', '2.2', '3.1', '3.2')", name="ck_lots_certificate_type_en_10204"
        ),
    )
    op.create_index(
        "ix_lots_product_id_warehouse_id_received_at", "lots", ["product_id", "warehouse_id", "received_at", "id"]
    )
    op.create_index("ix_lots_heat", "lots", ["heat"])
    # One opening lot per level, and (defensively) per (product, warehouse) the ledger or a hold names without one.
    op.execute(
        """
        INSERT INTO lots (product_id, warehouse_id, received_at, remnant, on_hand, reserved)
        SELECT s.product_id, s.warehouse_id,
               COALESCE((SELECT MIN(m.created_at) FROM stock_movements m
                          WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id), CURRENT_TIMESTAMP),
               FALSE, s.on_hand, s.reserved
          FROM stock_levels s
         ORDER BY s.product_id, s.warehouse_id
        """
    )
    for table in ("stock_movements", "holds"):
        op.execute(
            f"""
            INSERT INTO lots (product_id, warehouse_id, received_at, remnant, on_hand, reserved)
            SELECT DISTINCT t.product_id, t.warehouse_id, CURRENT_TIMESTAMP, FALSE, 0, 0 FROM {table} t
             WHERE NOT EXISTS (SELECT 1 FROM lots l
                                WHERE l.product_id = t.product_id AND l.warehouse_id = t.warehouse_id)
            """
        )
    for table in ("stock_movements", "holds"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("lot_id", BIGID, nullable=True))
        op.execute(
            f"""
            UPDATE {table} SET lot_id = (SELECT l.id FROM lots l
                                          WHERE l.product_id = {table}.product_id
                                            AND l.warehouse_id = {table}.warehouse_id)
            """
        )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("lot_id", existing_type=BIGID, nullable=False)
            batch.create_foreign_key(f"fk_{table}_lot_id_lots", "lots", ["lot_id"], ["id"], ondelete="RESTRICT")


def downgrade() -> None:
    op.execute(
        """
        UPDATE stock_levels
           SET on_hand = (SELECT COALESCE(SUM(l.on_hand), 0) FROM lots l
                           WHERE l.product_id = stock_levels.product_id AND l.warehouse_id = stock_levels.warehouse_id),
               reserved = (SELECT COALESCE(SUM(l.reserved), 0) FROM lots l
                            WHERE l.product_id = stock_levels.product_id AND l.warehouse_id = stock_levels.warehouse_id)
        """
    )
    for table in ("holds", "stock_movements"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_lot_id_lots", type_="foreignkey")
            batch.drop_column("lot_id")
    op.drop_index("ix_lots_heat", table_name="lots")
    op.drop_index("ix_lots_product_id_warehouse_id_received_at", table_name="lots")
    op.drop_table("lots")
