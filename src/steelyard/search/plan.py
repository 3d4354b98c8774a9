"""What one search asks the index, and the ladder of ever looser readings tried when nothing matches (pure).

The request's own filters (`family=`, `thickness_min=`, `in_stock=` ...) are never loosened. What was read from the
free text is loosened one step at a time, and the first step with hits answers:

1. `exact`        every family, form, grade, size (within 1 %) and word as read;
2. `near_sizes`   sizes within 20 %, the closest first (`steel plate 11mm` shows 10 and 12 mm);
3. `any_word`     any one of the words instead of all of them;
4. `grade_family` the grade's family instead of the grade, the grade still first (`304 beam` shows stainless);
5. `no_words`     the words dropped;
6. `no_sizes`     the sizes dropped as conditions; they still rank, the closest first (`S355 plate 20mm` with no
                   plate near 20 mm shows the thickest S355 plates first, never a 20 mm plate of another grade).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from steelyard.search.dimensions import DimensionGroup
from steelyard.search.query import Interpretation

STEPS = ("exact", "near_sizes", "any_word", "grade_family", "no_words", "no_sizes")


@dataclass(frozen=True, slots=True)
class Range:
    """A size filter in whole micrometres; None is open."""

    dimension: str
    low_um: int | None
    high_um: int | None


@dataclass(frozen=True, slots=True)
class Filters:
    """The request's explicit filters (any of each set; all of the sets)."""

    families: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    grades: frozenset[str] = frozenset()
    ranges: tuple[Range, ...] = ()
    in_stock: bool | None = None
    warehouse_id: int | None = None
    remnant: bool | None = None  # true: products with remnant lots available (offcuts of their own size)

    @property
    def reads_stock(self) -> bool:
        return self.in_stock is not None or self.warehouse_id is not None or self.remnant is not None


@dataclass(frozen=True, slots=True)
class Plan:
    filters: Filters
    families: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    grades: frozenset[str] = frozenset()
    boost_grades: frozenset[str] = frozenset()
    dimensions: tuple[DimensionGroup, ...] = ()
    near: bool = False
    sizes_rank_only: bool = False  # the sizes order the hits but no longer filter them
    words: tuple[str, ...] = ()
    any_word: bool = False
    sku_prefix: str | None = None

    @property
    def scored(self) -> bool:
        return bool(self.dimensions or self.boost_grades)


def first_plan(reading: Interpretation, filters: Filters) -> Plan:
    """The `exact` step: a grade stands for its family (`304 steel` is stainless), so family words only count
    when no grade was read; the grade's family is kept as a condition, which the covering indexes lead with."""
    return Plan(
        filters=filters,
        families=reading.grade_families if reading.grades else reading.families,
        forms=reading.forms,
        grades=reading.grades,
        dimensions=reading.dimensions,
        words=reading.words,
    )


def loosen(plan: Plan, step: str, reading: Interpretation) -> Plan | None:
    """The plan one step looser, or None when that step changes nothing for this query."""
    if step == "near_sizes":
        return replace(plan, near=True) if plan.dimensions else None
    if step == "any_word":
        return replace(plan, any_word=True) if len(plan.words) > 1 else None
    if step == "grade_family":
        if not plan.grades or not reading.grade_families:
            return None
        return replace(plan, grades=frozenset(), families=reading.grade_families, boost_grades=plan.grades)
    if step == "no_words":
        return replace(plan, words=(), any_word=False) if plan.words else None
    if step == "no_sizes":
        return replace(plan, near=False, sizes_rank_only=True) if plan.dimensions else None
    raise ValueError(step)


def _narrows(plan: Plan) -> bool:
    sizes = bool(plan.dimensions) and not plan.sizes_rank_only
    return bool(plan.families or plan.forms or plan.grades or plan.boost_grades or sizes or plan.words)


def ladder(reading: Interpretation, filters: Filters) -> list[tuple[str, Plan]]:
    """Every distinct step for this query, loosest last. A step never drops the last thing the text asked for
    (`6061` must not become the whole catalogue); text of which nothing is understood finds nothing, while a
    query with no text at all (or only punctuation) browses everything the filters allow."""
    plan = first_plan(reading, filters)
    if reading.is_empty and reading.ignored:
        return [("exact", replace(plan, words=reading.ignored))]
    steps = [("exact", plan)]
    for step in STEPS[1:]:
        looser = loosen(plan, step, reading)
        if looser is not None and _narrows(looser):
            plan = looser
            steps.append((step, plan))
    return steps
