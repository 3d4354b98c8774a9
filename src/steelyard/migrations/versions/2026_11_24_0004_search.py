"""search index

Revision ID: 20261124_0004
Revises: 20261124_0003
Create Date: 2026-11-24

The denormalised search documents (structured columns, sizes in micrometres), the vocabulary (terms and grades with
their product counts), the index state tokens, and the full-text index: an FTS5 table on SQLite; on PostgreSQL a
table of tsvectors (GIN) with trigram indexes (pg_trgm) on SKU and name. Products already in the database are indexed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261124_0004"
down_revision = "20261124_0003"
branch_labels = None
depends_on = None

DIMENSIONS = ("thickness", "width", "length", "diameter", "outer_diameter", "wall", "height")
SIZES = tuple(f"{name}_um" for name in DIMENSIONS)
DOCUMENT_INDEXES = (
    # covering: a search that names a family or a form is answered from one of these two alone (counts, sizes,
    # relevance and price order), reading the table only for the page it shows
    ("family", "form", "grade", *SIZES, "name_len", "sku", "price_sort"),
    ("form", "family", "grade", *SIZES, "name_len", "sku", "price_sort"),
    ("family", "name_len", "sku"),  # a family's simplest products first, without sorting the family
    ("name_len", "sku"),
    ("name", "sku"),
    ("price_sort", "sku"),
)

# detail=none: FTS5 keeps no positions or columns (no phrase queries are made), so the index is small and fast
SQLITE_CREATE = ("CREATE VIRTUAL TABLE search_fts USING fts5(terms, tokenize = 'unicode61', detail = 'none')",)
POSTGRES_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE search_fts ("
    " product_id integer PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,"
    " tsv tsvector NOT NULL, sku text NOT NULL, name text NOT NULL)",
    "CREATE INDEX search_fts_tsv ON search_fts USING gin (tsv)",
    "CREATE INDEX search_fts_sku ON search_fts (sku text_pattern_ops)",  # SKU prefixes, whatever the collation
    "CREATE INDEX search_fts_name_trgm ON search_fts USING gin (lower(name) gin_trgm_ops)",
)
INDEX_NAMES = (
    "ix_search_documents_family_cover",
    "ix_search_documents_form_cover",
    *(f"ix_search_documents_{'_'.join(c)}" for c in DOCUMENT_INDEXES[2:]),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("product_id", sa.Integer, nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("name_len", sa.Integer, nullable=False),
        sa.Column("family", sa.String(40), nullable=False),
        sa.Column("form", sa.String(40), nullable=False),
        sa.Column("grade", sa.String(60), nullable=False),
        sa.Column("aliases", sa.String(500), nullable=False),
        sa.Column("stock_unit", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("price_from", sa.String(64), nullable=False),
        sa.Column("price_per", sa.String(16), nullable=False),
        sa.Column("price_sort", sa.BigInteger, nullable=False),
        sa.Column("dimensions", sa.JSON, nullable=False),
        *(sa.Column(f"{name}_um", sa.BigInteger, nullable=True) for name in DIMENSIONS),
        sa.PrimaryKeyConstraint("product_id", name="pk_search_documents"),
        sa.UniqueConstraint("sku", name="uq_search_documents_sku"),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name="fk_search_documents_product_id_products", ondelete="CASCADE"
        ),
    )
    for name, columns in zip(INDEX_NAMES, DOCUMENT_INDEXES, strict=True):
        op.create_index(name, "search_documents", list(columns))
    op.create_table(
        "search_terms",
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("docs", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("term", name="pk_search_terms"),
    )
    op.create_table(
        "search_groups",
        sa.Column("family", sa.String(40), nullable=False),
        sa.Column("form", sa.String(40), nullable=False),
        sa.Column("grade", sa.String(60), nullable=False),
        sa.Column("aliases", sa.String(500), nullable=False),
        sa.Column("docs", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("family", "form", "grade", "aliases", name="pk_search_groups"),
    )
    op.create_table(
        "search_state",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_search_state"),
    )
    for statement in SQLITE_CREATE if _sqlite() else POSTGRES_CREATE:
        op.execute(statement)

    from steelyard.search.indexer import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_fts")  # on PostgreSQL pg_trgm stays: an extension may serve others
    op.drop_table("search_state")
    op.drop_table("search_groups")
    op.drop_table("search_terms")
    for name in INDEX_NAMES:
        op.drop_index(name, table_name="search_documents")
    op.drop_table("search_documents")
