"""The SQL of a search plan, the same on both databases but for the full-text clause (pure: text and parameters).

Structured conditions (family, form, grade, the micrometre size columns, SKU) come first so that the indexed columns
narrow the candidates before any full-text work; the relevance score is integer arithmetic on those columns, so
both databases rank identically. Live stock is read from `stock_levels` for the page only (and for `in_stock`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import UnionType
from typing import Any, Protocol

from steelyard.search.dimensions import ASSIGNMENTS, DimensionGroup, assignments, tolerance
from steelyard.search.documents import family_term, form_term, grade_term, microns
from steelyard.search.plan import Plan

GRADE_BONUS = 2000
SIZE_POINTS = 1000
SORTS: dict[str, tuple[tuple[str, bool], ...]] = {  # (expression, descending)
    "relevance": (("score", True), ("d.name_len", False), ("d.sku", False)),
    "name": (("d.name", False), ("d.sku", False)),
    "price": (("d.price_sort", False), ("d.sku", False)),
    "-price": (("d.price_sort", True), ("d.sku", False)),
}
KEY_TYPES: dict[str, type | UnionType] = {  # what each sort expression reads back as, to check cursor keys
    "score": int | float,
    "d.name_len": int,
    "d.sku": str,
    "d.name": str,
    "d.price_sort": int,
}
HIT_COLUMNS = (
    "x.product_id, x.sku, x.name, x.family, x.form, x.grade, x.dimensions, x.stock_unit, x.currency, "
    "x.price_from, x.price_per, x.price_sort, x.name_len"
)


@dataclass(slots=True)
class Statement:
    sql_parts: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def bind_all(self, values: Iterable[Any]) -> str:
        return ", ".join(self.bind(v) for v in sorted(values))


class Dialect(Protocol):
    greatest: str  # the name of the n-ary maximum: max (SQLite) or greatest (PostgreSQL)

    def match(self, st: Statement, groups: list[tuple[str, ...]]) -> str:
        """A condition on `d.product_id`: the product's terms hold one term of every group."""
        ...

    def sku_prefix(self, st: Statement, prefix: str) -> str:
        """A condition on `d`: the SKU starts with `prefix`."""
        ...

    def scan_index(self, index: str) -> str:
        """What follows `search_documents d` to read it through `index` (empty where the planner knows best)."""
        ...


def _size_condition(
    st: Statement, group: DimensionGroup, forms: frozenset[str], *, near: bool, greatest: str, rank_only: bool = False
) -> tuple[str, str]:
    """(condition, score) of one size group: any reading on any allowed form, scored by closeness (0-1000).
    `rank_only`: every size scores by its closeness (0 from twice the size asked for), none is filtered out."""
    readings: dict[tuple[str, ...], set[str]] = {}
    for form in sorted(forms or frozenset(ASSIGNMENTS)):
        for columns in assignments(form, len(group.values_mm)):
            readings.setdefault(columns, set()).add(form)
    if not readings:
        return "1 = 0", "0"
    conditions: list[str] = []
    scores: list[str] = []
    for columns, on_forms in readings.items():
        parts = [f"d.form IN ({st.bind_all(on_forms)})"]
        deviation: list[str] = []
        for column, value in zip(columns, group.values_mm, strict=True):
            um = microns(value)
            slack = microns(tolerance(value, near=near))
            if rank_only:
                parts.append(f"d.{column}_um IS NOT NULL")
            else:
                parts.append(f"d.{column}_um BETWEEN {st.bind(um - slack)} AND {st.bind(um + slack)}")
            deviation.append(f"abs(d.{column}_um - {um}) * 1000 / {um}")
        condition = "(" + " AND ".join(parts) + ")"
        conditions.append(condition)
        points = f"{SIZE_POINTS} - ({' + '.join(deviation)})"
        if rank_only:
            points = f"{greatest}(0, {points})"
        scores.append(f"CASE WHEN {condition} THEN {points} ELSE 0 END")
    score = scores[0] if len(scores) == 1 else f"{greatest}({', '.join(scores)})"
    return "(" + " OR ".join(conditions) + ")", score


def _in(st: Statement, column: str, values: frozenset[str]) -> str:
    return f"{column} IN ({st.bind_all(values)})"


def _stock_condition(st: Statement, plan: Plan) -> str | None:
    f = plan.filters
    if not f.reads_stock:
        return None
    warehouse = "" if f.warehouse_id is None else f" AND s.warehouse_id = {st.bind(f.warehouse_id)}"
    conditions = []
    if f.in_stock is not None or f.warehouse_id is not None:
        exists = (
            "EXISTS (SELECT 1 FROM stock_levels s WHERE s.product_id = d.product_id AND s.on_hand > s.reserved"
            f"{warehouse})"
        )
        conditions.append(f"NOT {exists}" if f.in_stock is False else exists)
    if f.remnant is not None:
        remnants = f"d.product_id IN ({REMNANT_PRODUCTS}{warehouse.replace('s.', 'l.')})"
        conditions.append(remnants if f.remnant else f"NOT {remnants}")
    return " AND ".join(conditions)


# Products with a remnant lot available: a semi-join driven by the few remnant lots (ix_lots_remnant_product_id).
# `= TRUE`, not a bare `l.remnant`: SQLite uses the index only for a comparison (a bare column scans every lot).
REMNANT_PRODUCTS = "SELECT l.product_id FROM lots l WHERE l.remnant = TRUE AND l.on_hand > l.reserved"


def remnant_count(plan: Plan, dialect: Dialect, product_ids: list[int]) -> Statement:
    """How many of the products the plan matches are among `product_ids` (those with remnant lots available)."""
    st = Statement()
    clauses, _ = where(st, plan, dialect)
    ids = ", ".join(str(int(i)) for i in product_ids)
    condition = " AND ".join([f"d.product_id IN ({ids})", *clauses])
    st.sql_parts.append(f"SELECT count(*) AS n FROM search_documents d WHERE {condition}")
    return st


def where(st: Statement, plan: Plan, dialect: Dialect) -> tuple[list[str], str]:
    """The conditions of a plan and its score expression."""
    f = plan.filters
    clauses: list[str] = []
    for column, values in (
        ("d.family", f.families),
        ("d.form", f.forms),
        ("d.grade", f.grades),
        ("d.family", plan.families),
        ("d.form", plan.forms),
        ("d.grade", plan.grades),
    ):
        if values:
            clauses.append(_in(st, column, values))
    for r in f.ranges:
        if r.low_um is not None:
            clauses.append(f"d.{r.dimension}_um >= {st.bind(r.low_um)}")
        if r.high_um is not None:
            clauses.append(f"d.{r.dimension}_um <= {st.bind(r.high_um)}")
    if plan.sku_prefix:
        clauses.append(dialect.sku_prefix(st, plan.sku_prefix))
    forms = plan.forms & f.forms if plan.forms and f.forms else plan.forms or f.forms
    scores: list[str] = []
    for group in plan.dimensions:
        condition, score = _size_condition(
            st, group, forms, near=plan.near, greatest=dialect.greatest, rank_only=plan.sizes_rank_only
        )
        if not plan.sizes_rank_only:
            clauses.append(condition)
        scores.append(score)
    if plan.boost_grades:
        scores.append(f"CASE WHEN {_in(st, 'd.grade', plan.boost_grades)} THEN {GRADE_BONUS} ELSE 0 END")
    if plan.words:
        clauses.append(dialect.match(st, _term_groups(plan)))
    stock = _stock_condition(st, plan)
    if stock is not None:
        clauses.append(stock)
    return clauses, " + ".join(scores) if scores else "0"


def _term_groups(plan: Plan) -> list[tuple[str, ...]]:
    """The full-text groups of a plan with words: its family, form and grade sets ride along as index terms, so
    the full-text index intersects them with the words itself (the candidates are never more than the answer)."""
    f = plan.filters
    groups: list[tuple[str, ...]] = []
    for values, term in (
        (f.families, family_term),
        (f.forms, form_term),
        (f.grades, grade_term),
        (plan.families, family_term),
        (plan.forms, form_term),
        (plan.grades, grade_term),
    ):
        if values:
            groups.append(tuple(sorted({term(v) for v in values})))
    if plan.any_word:
        groups.append(plan.words)
    else:
        groups.extend((w,) for w in plan.words)
    return groups


def _structured_only(plan: Plan) -> bool:
    f = plan.filters
    sizes = plan.dimensions and not plan.sizes_rank_only
    return not (plan.words or sizes or plan.sku_prefix or f.ranges or f.reads_stock)


def facets(plan: Plan, dialect: Dialect) -> Statement:
    """Counts per (family, form, grade) of everything the plan matches: the total and all three facets at once.
    A plan that narrows only by family, form and grade reads the maintained counts instead of the documents."""
    st = Statement()
    clauses, _ = where(st, plan, dialect)
    condition = " AND ".join(clauses) or "1 = 1"
    if _structured_only(plan):
        source, count = "search_groups", "sum(d.docs)"
    else:
        source, count = "search_documents", "count(*)"
    st.sql_parts.append(
        f"SELECT d.family, d.form, d.grade, {count} AS n FROM {source} d "
        f"WHERE {condition} GROUP BY d.family, d.form, d.grade"
    )
    return st


def _keyset(st: Statement, keys: tuple[tuple[str, bool], ...], after: list[Any], score: str) -> str:
    """Rows strictly after `after` in the order of `keys` (a tuple comparison written out for both databases)."""
    (expression, descending), *rest = keys
    column = score if expression == "score" else expression
    value = st.bind(after[0])
    beyond = f"{column} {'<' if descending else '>'} {value}"
    if not rest:
        return beyond
    return f"({beyond} OR ({column} = {value} AND {_keyset(st, tuple(rest), after[1:], score)}))"


ORDER_INDEXES = {  # the index that yields a sort's order, for large answers read in that order
    "relevance": "ix_search_documents_name_len_sku",
    "name": "ix_search_documents_name_sku",
    "price": "ix_search_documents_price_sort_sku",
}


def sort_keys(plan: Plan, sort: str) -> tuple[tuple[str, bool], ...]:
    """The order of a sort; an unscored relevance (no sizes, no grade bonus) is simply the simplest name first."""
    keys = SORTS[sort]
    return keys[1:] if sort == "relevance" and not plan.scored else keys


def hits(
    plan: Plan, dialect: Dialect, *, sort: str, after: list[Any] | None, limit: int, in_order: bool = False
) -> Statement:
    """One page of hits with their sort key and live availability (in the stock unit, in millionths).

    `in_order`: the answer is a large share of the catalogue, so walk the sort's index and stop at `limit` rather
    than sort every match (the caller knows the count from the facets)."""
    st = Statement()
    clauses, score = where(st, plan, dialect)
    keys = sort_keys(plan, sort)
    if after is not None:
        clauses.append(_keyset(st, keys, after[-len(keys) :], score))
    condition = " AND ".join(clauses) or "1 = 1"
    order = ", ".join(f"{e} {'DESC' if desc else 'ASC'}" for e, desc in keys)
    outer_order = ", ".join(f"h.{e.removeprefix('d.')} {'DESC' if desc else 'ASC'}" for e, desc in keys)
    # a family or grade has its own ordered indexes (family, form, name_len, sku ...), which the planner prefers
    narrowed = plan.families or plan.grades or plan.filters.families or plan.filters.grades
    index = ORDER_INDEXES.get(sort) if in_order and not narrowed and keys[0][0] != "score" else None
    source = "search_documents d" + (dialect.scan_index(index) if index else "")
    warehouse = (
        "" if plan.filters.warehouse_id is None else f" AND s.warehouse_id = {st.bind(plan.filters.warehouse_id)}"
    )
    # ranked on index columns only; the page's display columns and live stock are read for its rows alone
    inner = ", ".join(dict.fromkeys(["d.product_id", *(e for e, _ in keys if e != "score")]))
    st.sql_parts.append(
        f"SELECT {HIT_COLUMNS}, h.score, (SELECT coalesce(sum(s.on_hand - s.reserved), 0) FROM stock_levels s "
        f"WHERE s.product_id = h.product_id{warehouse}) AS available FROM ("
        f"SELECT {inner}, {score} AS score FROM {source} "
        f"WHERE {condition} ORDER BY {order} LIMIT {st.bind(limit)}) h "
        f"JOIN search_documents x ON x.product_id = h.product_id ORDER BY {outer_order}"
    )
    return st
