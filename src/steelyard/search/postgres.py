"""The production backend: `search_fts` holds a tsvector of each product's terms (GIN), its SKU (a pattern index
for SKU prefixes) and its name with a pg_trgm trigram index (names like a mistyped fragment, for type-ahead)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import Row

from steelyard.search.backend import SearchBackend
from steelyard.search.sql import Statement


def ts_query(groups: list[tuple[str, ...]]) -> str:
    """A tsquery: one term of every group (terms are `[a-z0-9]+` only, so the text cast meets no operator)."""
    ors = [" | ".join(w for w in group if w.isascii() and w.isalnum()) for group in groups]
    return " & ".join(f"({o})" for o in ors if o)


def like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class PostgresBackend(SearchBackend):
    name = "postgresql"
    greatest = "greatest"

    def match(self, st: Statement, groups: list[tuple[str, ...]]) -> str:
        query = st.bind(ts_query(groups))
        return f"d.product_id IN (SELECT f.product_id FROM search_fts f WHERE f.tsv @@ CAST({query} AS tsquery))"

    def sku_prefix(self, st: Statement, prefix: str) -> str:
        return (
            f"d.product_id IN (SELECT f.product_id FROM search_fts f WHERE f.sku LIKE {st.bind(like_prefix(prefix))})"
        )

    def scan_index(self, index: str) -> str:
        return ""  # PostgreSQL's planner weighs LIMIT against its statistics itself

    def delete_fts(self, conn: Connection, product_ids: list[int]) -> None:
        if product_ids:
            conn.execute(text("DELETE FROM search_fts WHERE product_id = ANY(:ids)"), {"ids": list(product_ids)})

    def terms_of(self, conn: Connection, product_ids: list[int]) -> list[list[str]]:
        if not product_ids:
            return []
        rows = conn.execute(
            text("SELECT tsvector_to_array(tsv) AS terms FROM search_fts WHERE product_id = ANY(:ids)"),
            {"ids": list(product_ids)},
        )
        return [list(r.terms) for r in rows]

    def insert_fts(self, conn: Connection, documents: list[dict[str, Any]]) -> None:
        if documents:
            conn.execute(
                text(
                    "INSERT INTO search_fts (product_id, tsv, sku, name) VALUES "
                    "(:product_id, array_to_tsvector(string_to_array(:terms, ' ')), :sku, :name)"
                ),
                [{k: d[k] for k in ("product_id", "terms", "sku", "name")} for d in documents],
            )

    def similar_names(self, conn: Connection, fragment: str, limit: int) -> list[Row[Any]]:
        return list(
            conn.execute(
                text(
                    "SELECT d.sku, d.name FROM search_fts f JOIN search_documents d ON d.product_id = f.product_id "
                    "WHERE lower(f.name) % :q ORDER BY similarity(lower(f.name), :q) DESC, d.sku LIMIT :n"
                ),
                {"q": fragment.lower(), "n": limit},
            )
        )
