"""Search tables (SQLAlchemy Core): the denormalised documents, the vocabulary and the index state.

The full-text index itself is not described here: it is `search_fts`, an FTS5 virtual table on SQLite and a table of
tsvectors (GIN) and names (pg_trgm) on PostgreSQL, created by the migration and named in `schema.UNMANAGED`.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer, String, Table

from steelyard.db import metadata
from steelyard.units.forms import DIMENSION_NAMES

search_documents = Table(
    "search_documents",
    metadata,
    Column("product_id", Integer, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("name_len", Integer, nullable=False),
    Column("family", String(40), nullable=False),
    Column("form", String(40), nullable=False),
    Column("grade", String(60), nullable=False),
    Column("aliases", String(500), nullable=False),
    Column("stock_unit", String(16), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("price_from", String(64), nullable=False),
    Column("price_per", String(16), nullable=False),
    Column("price_sort", BigInteger, nullable=False),
    Column("dimensions", JSON, nullable=False),
    *(Column(f"{name}_um", BigInteger, nullable=True) for name in DIMENSION_NAMES),
)
SIZE_COLUMNS = tuple(f"{name}_um" for name in DIMENSION_NAMES)
DOCUMENT_INDEXES: tuple[tuple[str, ...], ...] = (
    # covering: a search that names a family or a form is answered from one of these two alone (counts, sizes,
    # relevance and price order), reading the table only for the page it shows
    ("family", "form", "grade", *SIZE_COLUMNS, "name_len", "sku", "price_sort"),
    ("form", "family", "grade", *SIZE_COLUMNS, "name_len", "sku", "price_sort"),
    ("family", "name_len", "sku"),  # a family's simplest products first, without sorting the family
    ("name_len", "sku"),
    ("name", "sku"),
    ("price_sort", "sku"),
)
INDEX_NAMES = (
    "ix_search_documents_family_cover",
    "ix_search_documents_form_cover",
    *(f"ix_search_documents_{'_'.join(c)}" for c in DOCUMENT_INDEXES[2:]),
)
for _name, _columns in zip(INDEX_NAMES, DOCUMENT_INDEXES, strict=True):
    Index(_name, *(search_documents.c[c] for c in _columns))

search_terms = Table(
    "search_terms",
    metadata,
    Column("term", String(64), primary_key=True),
    Column("docs", Integer, nullable=False),
)

# products on sale per (family, form, grade, aliases): the grade lexicon, and the facets of searches that only
# narrow by family, form and grade (read here instead of counting documents)
search_groups = Table(
    "search_groups",
    metadata,
    Column("family", String(40), primary_key=True),
    Column("form", String(40), primary_key=True),
    Column("grade", String(60), primary_key=True),
    Column("aliases", String(500), primary_key=True),
    Column("docs", Integer, nullable=False),
)

search_state = Table(
    "search_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("token", String(32), nullable=False),
)
