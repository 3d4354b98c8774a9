"""The embedded backend: an FTS5 table `search_fts` (rowid = product id, one column of terms, no positions)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.engine import Row

from steelyard.search.backend import SearchBackend
from steelyard.search.sql import Statement

# The ids are bound (expanding), not written into the text: a text per call would be a new statement every time,
# filling SQLAlchemy's and sqlite3's statement caches with ones never run again during a bulk import or reindex.
_DELETE_FTS = text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(bindparam("ids", expanding=True))
_TERMS_OF = text("SELECT terms FROM search_fts WHERE rowid IN :ids").bindparams(bindparam("ids", expanding=True))


def fts_query(groups: list[tuple[str, ...]]) -> str:
    """An FTS5 query: one term of every group; each term quoted, so no operator can be smuggled in."""
    quoted = [" OR ".join('"' + w.replace('"', "") + '"' for w in group) for group in groups]
    return " AND ".join(q if len(g) == 1 else f"({q})" for q, g in zip(quoted, groups, strict=True))


class SQLiteBackend(SearchBackend):
    name = "sqlite"
    greatest = "max"

    def match(self, st: Statement, groups: list[tuple[str, ...]]) -> str:
        query = st.bind(fts_query(groups))
        return f"d.product_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {query})"

    def sku_prefix(self, st: Statement, prefix: str) -> str:
        # every SKU character sorts below '~', so this range is exactly the SKUs that start with the prefix
        return f"d.sku >= {st.bind(prefix)} AND d.sku < {st.bind(prefix + '~')}"

    def scan_index(self, index: str) -> str:
        return f" INDEXED BY {index}"

    def delete_fts(self, conn: Connection, product_ids: list[int]) -> None:
        if product_ids:
            conn.execute(_DELETE_FTS, {"ids": [int(i) for i in product_ids]})

    def terms_of(self, conn: Connection, product_ids: list[int]) -> list[list[str]]:
        if not product_ids:
            return []
        return [r.terms.split() for r in conn.execute(_TERMS_OF, {"ids": [int(i) for i in product_ids]})]

    def insert_fts(self, conn: Connection, documents: list[dict[str, Any]]) -> None:
        if documents:
            conn.execute(
                text("INSERT INTO search_fts (rowid, terms) VALUES (:product_id, :terms)"),
                [{"product_id": d["product_id"], "terms": d["terms"]} for d in documents],
            )

    def similar_names(self, conn: Connection, fragment: str, limit: int) -> list[Row[Any]]:
        return []  # SQLite has no trigram similarity here; type-ahead relies on term completion
