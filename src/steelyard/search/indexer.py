"""Keeping the search index true to the catalogue.

The catalogue service's changes (create, update, archive) reach the index through its after-commit subscriber
(`on_products_changed`, registered with `steelyard.catalog.changes` when this module is imported): once the change has
committed, the changed products are reindexed in a transaction of their own, their rows locked first so that two
reindexes of one product follow each other. The seed and the imports, which write products in bulk and depend on
search anyway, call `reindex`/`reindex_products` in their own transaction.

`reindex(conn, product_ids)` It rewrites those products' documents (a product not on sale has none),
their full-text rows and the vocabulary counts, then renews the index state tokens that caches are checked against:
`results` on every change, `vocabulary` only when a word or grade appears or disappears.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from steelyard.catalog.changes import subscribe
from steelyard.catalog.model import Product
from steelyard.catalog.repository import product_from_row
from steelyard.catalog.tables import products
from steelyard.db import Database
from steelyard.search.backend import backend_for
from steelyard.search.documents import document
from steelyard.search.tables import search_documents, search_groups, search_state, search_terms

CHUNK = 500
# the product columns a document is made from, named so that a later migration adding columns cannot break a
# reindex run by an earlier one (the backfill in migration 0004)
PRODUCT_COLUMNS = (
    "id",
    "sku",
    "name",
    "family",
    "grade",
    "form",
    "density_kg_m3",
    "dimensions_mm",
    "stock_unit",
    "piece_name",
    "piece_content",
    "min_order",
    "increment",
    "price_currency",
    "price_tiers",
    "cut_fee",
    "lead_time_days",
    "cutting",
    "attributes",
    "description",
    "active",
)


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def reindex(conn: Connection, product_ids: Iterable[int], *, lock: bool = False) -> None:
    """Bring these products' search documents up to date (never commits: the caller's transaction does).

    `lock`: lock the product rows first (in id order), for a reindex that does not run in the transaction that
    changed them: a second reindex of the same product then waits for this one and reads what it committed."""
    ids = sorted(set(product_ids))
    for chunk in _chunks(ids, CHUNK):
        query = select(*(products.c[c] for c in PRODUCT_COLUMNS)).where(products.c.id.in_(chunk))
        if lock:
            query = query.order_by(products.c.id).with_for_update()
        rows = conn.execute(query)
        _index(conn, chunk, [(r.id, product_from_row(r)) for r in rows])
    if ids:
        renew(conn, "results")


def on_products_changed(db: Database, product_ids: frozenset[int]) -> None:
    """The catalogue's after-commit subscriber: reindex the products a committed transaction changed."""
    with db.write() as conn:
        reindex(conn, product_ids, lock=True)


subscribe(on_products_changed)


def reindex_products(conn: Connection, written: Sequence[tuple[int, Product]]) -> None:
    """`reindex` for products the caller has just written and holds (bulk imports): no need to read them back."""
    for start in range(0, len(written), CHUNK):
        part = written[start : start + CHUNK]
        _index(conn, [pid for pid, _ in part], list(part))
    if written:
        renew(conn, "results")


def _index(conn: Connection, chunk: list[int], found: list[tuple[int, Product]]) -> None:
    """Rewrite the documents of the products `chunk` (those of `found` on sale) and the vocabulary counts."""
    backend = backend_for(conn)
    docs = [document(pid, p) for pid, p in found if p.active]
    old = list(
        conn.execute(
            select(
                search_documents.c.family,
                search_documents.c.form,
                search_documents.c.grade,
                search_documents.c.aliases,
            ).where(search_documents.c.product_id.in_(chunk))
        )
    )
    old_terms = backend.terms_of(conn, chunk)
    conn.execute(delete(search_documents).where(search_documents.c.product_id.in_(chunk)))
    backend.delete_fts(conn, chunk)
    if docs:
        conn.execute(insert(search_documents), [{k: v for k, v in d.items() if k != "terms"} for d in docs])
        backend.insert_fts(conn, docs)
    terms: Counter[tuple[Any, ...]] = Counter()
    groups: Counter[tuple[Any, ...]] = Counter()
    for d in docs:
        terms.update((t,) for t in d["terms"].split())
        groups[(d["family"], d["form"], d["grade"], d["aliases"])] += 1
    for words in old_terms:
        terms.subtract((t,) for t in words)
    for o in old:
        groups[(o.family, o.form, o.grade, o.aliases)] -= 1
    changed = _count(conn, search_terms, ("term",), terms)
    changed |= _count(conn, search_groups, ("family", "form", "grade", "aliases"), groups)
    if changed:
        renew(conn, "vocabulary")


def _count(conn: Connection, table: Table, keys: tuple[str, ...], deltas: Counter[tuple[Any, ...]]) -> bool:
    """Add the deltas to the `docs` counts; True when a key appeared or disappeared."""
    changes = sorted((k, n) for k, n in deltas.items() if n)  # one order everywhere: no deadlocks on PostgreSQL
    if not changes:
        return False
    columns = [table.c[k] for k in keys]
    added = [k for k, n in changes if n > 0]
    present: set[tuple[Any, ...]] = set()
    for start in range(0, len(added), CHUNK):
        part = added[start : start + CHUNK]
        condition = columns[0].in_([k[0] for k in part]) if len(keys) == 1 else tuple_(*columns).in_(part)
        present.update(tuple(r) for r in conn.execute(select(*columns).where(condition)))
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(table)
    statement = upsert.on_conflict_do_update(
        index_elements=list(keys), set_={"docs": table.c.docs + upsert.excluded.docs}
    )
    conn.execute(statement, [{**dict(zip(keys, k, strict=True)), "docs": n} for k, n in changes])
    gone = conn.execute(delete(table).where(table.c.docs <= 0)).rowcount
    return bool(gone) or any(k not in present for k in added)


def renew(conn: Connection, name: str) -> None:
    """Give the index state `name` a new token (in the caller's transaction)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    token = uuid.uuid4().hex
    upsert = dialect.insert(search_state).values(name=name, token=token)
    conn.execute(upsert.on_conflict_do_update(index_elements=["name"], set_={"token": token}))


def rebuild(conn: Connection) -> int:
    """Reindex the whole catalogue (after a bulk load that bypassed `reindex`, or a migration); returns the count."""
    ids = [r.id for r in conn.execute(select(products.c.id))]
    for chunk in _chunks(ids, CHUNK * 4):
        reindex(conn, chunk)
    return len(ids)
