"""One search interface, two implementations: SQLite FTS5 (the embedded default) and PostgreSQL (tsvector, pg_trgm).

Everything but the full-text index is shared: the documents table, the plan's SQL (`sql.py`), the ranking. A backend
says how to match words and SKU prefixes, how to keep its full-text index in step with `search_documents` (in the
caller's transaction), and how to find names like a typed fragment for type-ahead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import Row

from steelyard.search import sql
from steelyard.search.plan import Plan


class SearchBackend(ABC):
    name: str
    greatest: str

    @abstractmethod
    def match(self, st: sql.Statement, groups: list[tuple[str, ...]]) -> str: ...

    @abstractmethod
    def sku_prefix(self, st: sql.Statement, prefix: str) -> str: ...

    @abstractmethod
    def delete_fts(self, conn: Connection, product_ids: list[int]) -> None:
        """Drop these products from the full-text index (in the caller's transaction)."""

    @abstractmethod
    def terms_of(self, conn: Connection, product_ids: list[int]) -> list[list[str]]:
        """The terms the full-text index holds for these products (one list per indexed product)."""

    @abstractmethod
    def insert_fts(self, conn: Connection, documents: list[dict[str, Any]]) -> None:
        """Add documents (rows of search_documents) to the full-text index (in the caller's transaction)."""

    @abstractmethod
    def similar_names(self, conn: Connection, fragment: str, limit: int) -> list[Row[Any]]:
        """(sku, name) of products whose name is like `fragment`, best first; for type-ahead."""

    def facet_rows(self, conn: Connection, plan: Plan) -> list[Row[Any]]:
        st = sql.facets(plan, self)
        return list(conn.execute(text(st.sql_parts[0]), st.params))

    @abstractmethod
    def scan_index(self, index: str) -> str: ...

    def hit_rows(
        self, conn: Connection, plan: Plan, *, sort: str, after: list[Any] | None, limit: int, in_order: bool = False
    ) -> list[Row[Any]]:
        st = sql.hits(plan, self, sort=sort, after=after, limit=limit, in_order=in_order)
        return list(conn.execute(text(st.sql_parts[0]), st.params))


def backend_for(conn: Connection) -> SearchBackend:
    return backend_named(conn.dialect.name)


def backend_named(dialect: str) -> SearchBackend:
    if dialect == "sqlite":
        from steelyard.search.sqlite import SQLiteBackend

        return SQLiteBackend()
    if dialect == "postgresql":
        from steelyard.search.postgres import PostgresBackend

        return PostgresBackend()
    raise ValueError(f"search has no backend for {dialect!r}")
