"""Search use cases: read the query, walk the ladder of plans, rank, facet, page, and add live stock.

Services take a connection and never commit. One search is a handful of statements on one connection: the index
state, then per ladder step one grouped count (total and facets at once) until a step has hits, then one page of
hits with their live availability.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select, text

from steelyard.catalog.tables import warehouses
from steelyard.db import from_micro
from steelyard.errors import FieldProblem, InvalidInput
from steelyard.search import sql
from steelyard.search.backend import SearchBackend, backend_for
from steelyard.search.cache import SearchCache, state
from steelyard.search.documents import microns
from steelyard.search.plan import Filters, Plan, Range, ladder
from steelyard.search.query import Interpretation
from steelyard.search.sql import KEY_TYPES, SORTS
from steelyard.search.text import MAX_QUERY_CHARS, query_tokens
from steelyard.search.typo import completions
from steelyard.units.forms import DIMENSION_NAMES, FAMILIES, FORMS
from steelyard.wire import bad_cursor, decode_cursor, encode_cursor, fits

IN_ORDER_MIN, IN_ORDER_SHARE = 2000, 20  # answers of 1 in 20 products or more are read in the sort's order


@dataclass(frozen=True, slots=True)
class SearchRequest:
    q: str = ""
    families: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    ranges: dict[str, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)
    in_stock: bool | None = None
    warehouse: str | None = None
    remnant: bool | None = None
    sort: str | None = None
    limit: int = 20
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """What a search answers apart from live stock (so that it may be cached)."""

    step: str
    sort: str
    total: int
    facets: dict[str, dict[str, int]]
    hits: list[dict[str, Any]]
    next_cursor: str | None
    memo: dict[str, Any] = field(default_factory=dict, compare=False)  # the rendered answer, for the wire


@dataclass(frozen=True, slots=True)
class SearchResult:
    page: Page
    reading: Interpretation
    available: dict[int, Decimal]  # product id -> live availability in its stock unit
    remnant: dict[str, int] = field(default_factory=dict)  # the live `remnant` facet: hits with and without


def _filters(conn: Connection, request: SearchRequest) -> Filters:
    problems: list[FieldProblem] = []
    for name, values, known in (("family", request.families, FAMILIES), ("form", request.forms, tuple(FORMS))):
        for value in values:
            if value not in known:
                problems.append(FieldProblem(name, f"unknown {name} '{value}'; known: {', '.join(sorted(known))}"))
    ranges: list[Range] = []
    for dimension, (low, high) in sorted(request.ranges.items()):
        if dimension not in DIMENSION_NAMES:
            problems.append(FieldProblem(dimension, "not a dimension"))
            continue
        for suffix, bound in (("min", low), ("max", high)):
            if bound is not None and (bound < 0 or bound > 1_000_000):
                problems.append(FieldProblem(f"{dimension}_{suffix}", "must be between 0 and 1000000 mm"))
        if low is not None and high is not None and low > high:
            problems.append(FieldProblem(f"{dimension}_min", f"is more than {dimension}_max"))
        ranges.append(Range(dimension, None if low is None else microns(low), None if high is None else microns(high)))
    warehouse_id = None
    if request.warehouse is not None:
        warehouse_id = conn.execute(select(warehouses.c.id).where(warehouses.c.code == request.warehouse)).scalar()
        if warehouse_id is None:
            problems.append(FieldProblem("warehouse", f"no warehouse with code '{request.warehouse}'"))
    if problems:
        raise InvalidInput.from_problems(problems)
    return Filters(
        families=frozenset(request.families),
        forms=frozenset(request.forms),
        grades=frozenset(request.grades),
        ranges=tuple(ranges),
        in_stock=request.in_stock,
        warehouse_id=warehouse_id,
        remnant=request.remnant,
    )


def _fingerprint(request: SearchRequest, sort: str) -> str:
    sizes = sorted((k, str(a), str(b)) for k, (a, b) in request.ranges.items())
    key: list[Any] = [request.q.strip().lower(), request.families, request.forms, request.grades, sort]
    key.append(request.in_stock)
    if request.remnant is not None:  # appended only when given, so earlier cursors stay valid
        key.append({"remnant": request.remnant})
    key += [request.warehouse, sizes]
    return hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:12]


def _cursor(cursor: str | None, fingerprint: str, sort: str) -> tuple[str, list[Any]] | None:
    key = decode_cursor(cursor, dict)
    if key is None:
        return None
    if key.get("f") != fingerprint:
        raise bad_cursor("belongs to another search; pass it with the same q, filters and sort")
    if not fits(key.get("s"), str) or not fits(key.get("k"), tuple(KEY_TYPES[e] for e, _ in SORTS[sort])):
        raise bad_cursor()
    return key["s"], key["k"]


def _facets(rows: list[Any]) -> tuple[int, dict[str, dict[str, int]]]:
    facets: dict[str, dict[str, int]] = {"family": {}, "form": {}, "grade": {}}
    total = 0
    for r in rows:
        total += r.n
        for name, value in (("family", r.family), ("form", r.form), ("grade", r.grade)):
            facets[name][value] = facets[name].get(value, 0) + r.n
    return total, {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in facets.items()}


def _hit(row: Any, sort: str) -> dict[str, Any]:
    dims = row.dimensions if isinstance(row.dimensions, dict) else json.loads(row.dimensions)
    return {
        "product_id": row.product_id,
        "sku": row.sku,
        "name": row.name,
        "family": row.family,
        "grade": row.grade,
        "form": row.form,
        "dimensions_mm": dims,
        "stock_unit": row.stock_unit,
        "price_from": {"value": row.price_from, "currency": row.currency, "per": row.price_per},
        "score": int(row.score),
        "key": [getattr(row, e.removeprefix("d.")) for e, _ in SORTS[sort]],
    }


def _sku_plan(reading: Interpretation, filters: Filters) -> Plan | None:
    return Plan(filters=filters, sku_prefix=reading.sku_prefix) if reading.sku_prefix else None


def _plan(steps: list[tuple[str, Plan]], step: str, sku: Plan | None) -> Plan:
    if step == "sku" and sku is not None:
        return sku
    for name, plan in steps:
        if name == step:
            return plan
    raise bad_cursor("is from an older search; start again without it")


def search(conn: Connection, *, request: SearchRequest, cache: SearchCache) -> SearchResult:
    backend = backend_for(conn)
    tokens = state(conn)
    reader = cache.reader(conn, tokens["vocabulary"])
    reading = cache.parse(request.q[:MAX_QUERY_CHARS], reader)
    filters = _filters(conn, request)
    sort = request.sort or ("name" if reading.is_empty else "relevance")
    fingerprint = _fingerprint(request, sort)
    after = _cursor(request.cursor, fingerprint, sort)
    key = (tokens["results"], fingerprint, request.cursor, request.limit)
    page: Page | None = None if filters.reads_stock else cache.page(key)
    available: dict[int, Decimal] | None = None
    if page is None:
        page, available = _search(
            conn,
            backend,
            reading,
            filters,
            sort=sort,
            after=after,
            limit=request.limit,
            fp=fingerprint,
            n=reader.documents,
        )
        if not filters.reads_stock:
            cache.keep(key, page)
    if available is None:
        available = live_available(conn, [h["product_id"] for h in page.hits])
    plan = _plan(ladder(reading, filters), page.step, _sku_plan(reading, filters))
    remnant = remnant_facet(conn, backend, plan, page.total)
    return SearchResult(page=page, reading=reading, available=available, remnant=remnant)


_REMNANT_IDS = text(f"SELECT DISTINCT product_id FROM ({sql.REMNANT_PRODUCTS}) r LIMIT 10001")


def remnant_facet(conn: Connection, backend: SearchBackend, plan: Plan, total: int) -> dict[str, int]:
    """Of the hits, how many have remnant stock available (live: stock is never cached). Driven by the remnant
    lots, which are few: one small read, and a count over just those products."""
    ids = [int(r[0]) for r in conn.execute(_REMNANT_IDS)] if total else []
    if not ids:
        return {"true": 0, "false": total}
    if len(ids) > 10_000:  # so many remnant products that a list would not help: filter by the semi-join
        with_remnants = replace(plan, filters=replace(plan.filters, remnant=True))
        n = sum(r.n for r in backend.facet_rows(conn, with_remnants))
    else:
        st = sql.remnant_count(plan, backend, ids)
        n = int(conn.execute(text(st.sql_parts[0]), st.params).scalar_one())
    return {"true": n, "false": total - n}


def _search(
    conn: Connection,
    backend: SearchBackend,
    reading: Interpretation,
    filters: Filters,
    *,
    sort: str,
    after: tuple[str, list[Any]] | None,
    limit: int,
    fp: str,
    n: int,
) -> tuple[Page, dict[int, Decimal]]:
    steps = ladder(reading, filters)
    sku = _sku_plan(reading, filters)
    candidates = ([("sku", sku)] if sku is not None else []) + steps
    if after is not None:
        step, plan = after[0], _plan(steps, after[0], sku)
        total, facets = _facets(backend.facet_rows(conn, plan))
    else:
        for step, plan in candidates:  # noqa: B007 - the step that answered is kept
            total, facets = _facets(backend.facet_rows(conn, plan))
            if total:
                break
    in_order = total >= max(IN_ORDER_MIN, n // IN_ORDER_SHARE)
    key = None if after is None else after[1]
    rows = backend.hit_rows(conn, plan, sort=sort, after=key, limit=limit + 1, in_order=in_order) if total else []
    hits = [_hit(r, sort) for r in rows[:limit]]
    next_cursor = encode_cursor({"s": step, "k": hits[-1]["key"], "f": fp}) if len(rows) > limit else None
    available = {r.product_id: from_micro(int(r.available)) for r in rows[:limit]}
    return Page(step=step, sort=sort, total=total, facets=facets, hits=hits, next_cursor=next_cursor), available


def live_available(conn: Connection, product_ids: list[int]) -> dict[int, Decimal]:
    """Available stock (on hand less reserved, all warehouses) of some products, in their stock units."""
    if not product_ids:
        return {}
    marks = ", ".join(str(int(i)) for i in product_ids)
    rows = conn.execute(
        text(
            "SELECT product_id, coalesce(sum(on_hand - reserved), 0) AS available FROM stock_levels "
            f"WHERE product_id IN ({marks}) GROUP BY product_id"
        )
    )
    found = {r.product_id: from_micro(int(r.available)) for r in rows}
    return {i: found.get(i, Decimal(0)) for i in product_ids}


@dataclass(frozen=True, slots=True)
class Suggestions:
    completions: list[dict[str, str]]
    products: list[dict[str, str]]


def suggest(conn: Connection, *, q: str, limit: int, cache: SearchCache) -> Suggestions:
    """Type-ahead: completions of the word being typed (or corrections of it), and the first products they find."""
    tokens = state(conn)
    reader = cache.reader(conn, tokens["vocabulary"])
    typed = query_tokens(q)
    if not typed:
        return Suggestions([], [])
    head, last = typed[:-1], typed[-1]
    words: list[str] = []
    if q.rstrip() == q and last.isalpha():
        words = completions(reader.vocabulary, last, limit) if len(last) >= 2 else []
        if not words:
            words = [c.word for c in reader.vocabulary.corrections(last, limit=limit)]
    lines = [" ".join([*head, w]) for w in words] or [" ".join(typed)]
    found = search(conn, request=SearchRequest(q=lines[0], limit=min(limit, 5)), cache=cache)
    products = [{"sku": h["sku"], "name": h["name"]} for h in found.page.hits if found.page.step == "exact"]
    if not products:
        products = [{"sku": r.sku, "name": r.name} for r in backend_for(conn).similar_names(conn, q, min(limit, 5))]
    return Suggestions([{"text": line} for line in lines[:limit] if words], products)
