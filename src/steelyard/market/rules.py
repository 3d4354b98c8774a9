"""Price rules in SQL: a product's surcharges and extras, set per product (SKU), grade or family. Services never
commit. A product takes the rule of its SKU, else of its grade, else of its family (the most specific wins whole;
rules do not merge)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import Connection, delete, insert, or_, select, tuple_, update
from sqlalchemy import func as sql

from steelyard.catalog.model import Product
from steelyard.catalog.repository import get_product
from steelyard.currencies.rates import require_currencies
from steelyard.db import InLists
from steelyard.errors import FieldProblem, InvalidInput, NotFound
from steelyard.market.announce import announce_products
from steelyard.market.model import MAX_VALUE, mass_unit
from steelyard.market.rulebook import PriceRule, Scope, effective, rule_from_row, rule_json
from steelyard.market.tables import market_indices, price_rules
from steelyard.pricing.surcharges import BASES, LINE, MAX_SHARE, ExtraRule, SurchargeRule

MAX_SURCHARGES = 8
MAX_EXTRAS = 16
MAX_EXTRA = Decimal(10) ** 6
CERTIFICATES = ("2.1", "2.2", "3.1", "3.2")


def _surcharge_problems(conn: Connection, surcharges: Sequence[SurchargeRule]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if len(surcharges) > MAX_SURCHARGES:
        return [FieldProblem("surcharges", f"at most {MAX_SURCHARGES} surcharges, got {len(surcharges)}")]
    names = {s.index for s in surcharges}
    known = {r.name for r in conn.execute(select(market_indices.c.name).where(market_indices.c.name.in_(names)))}
    seen: set[str] = set()
    for i, s in enumerate(surcharges):
        at = f"surcharges[{i}]"
        if s.index not in known:
            problems.append(
                FieldProblem(f"{at}.index", f"no index {s.index}; define it with PUT /api/v1/indices/{s.index}")
            )
        elif s.index in seen:
            problems.append(FieldProblem(f"{at}.index", f"{s.index} is surcharged twice; give it once"))
        seen.add(s.index)
        if not s.share.is_finite() or not 0 < s.share <= MAX_SHARE:
            problems.append(
                FieldProblem(f"{at}.share", f"the metal's mass fraction: above 0, at most {MAX_SHARE} (0.58 for 58 %)")
            )
        if not s.reference.is_finite() or not 0 <= s.reference <= MAX_VALUE:
            problems.append(
                FieldProblem(f"{at}.reference", f"the index value the base price contains: 0 to {MAX_VALUE:f}")
            )
        if s.basis not in BASES:
            problems.append(FieldProblem(f"{at}.basis", f"one of {', '.join(BASES)}"))
        try:
            mass_unit(s.per, field=f"{at}.per")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    return problems


def _extra_problems(extras: Sequence[ExtraRule]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if len(extras) > MAX_EXTRAS:
        return [FieldProblem("extras", f"at most {MAX_EXTRAS} extras, got {len(extras)}")]
    for i, e in enumerate(extras):
        at = f"extras[{i}]"
        if not e.amount.is_finite() or not 0 <= e.amount <= MAX_EXTRA:
            problems.append(FieldProblem(f"{at}.amount", f"0 to {MAX_EXTRA:f} in the rule's currency"))
        if e.per != LINE:
            try:
                mass_unit(e.per, field=f"{at}.per")
            except InvalidInput:
                problems.append(FieldProblem(f"{at}.per", f"'line', or a unit of mass (kg, t, lb), not {e.per}"))
        if e.kind == "certificate" and e.value is not None and e.value not in CERTIFICATES:
            problems.append(FieldProblem(f"{at}.value", f"an EN 10204 type: {', '.join(CERTIFICATES)}"))
    return problems


def _scope_product(conn: Connection, scope: Scope, key: str) -> Product | None:
    if scope != "product":
        return None
    stored = get_product(conn, key)
    if stored is None:
        raise NotFound(f"no product with SKU '{key}'")
    return stored.product


def put_rule(conn: Connection, rule: PriceRule) -> tuple[PriceRule, bool]:
    """Create or replace the rule of a product, grade or family; (rule, created). Every problem in one 422."""
    product = _scope_product(conn, rule.scope, rule.key)
    problems = _surcharge_problems(conn, rule.surcharges) + _extra_problems(rule.extras)
    discount = rule.remnant_discount_percent
    if discount is not None and (not discount.is_finite() or not 0 <= discount <= 100):
        problems.append(FieldProblem("remnant_discount_percent", f"a percentage from 0 to 100, got {discount}"))
    if (
        product is not None
        and product.density_kg_m3 is None
        and (rule.surcharges or any(e.per != LINE for e in rule.extras))
    ):
        problems.append(
            FieldProblem(
                "surcharges",
                f"{rule.key} has no density, so its weight (what a surcharge is charged on) "
                "is unknown; give the product a density_kg_m3 first",
            )
        )
    if problems:
        raise InvalidInput.from_problems(problems)
    require_currencies(conn, {rule.currency})
    where = (price_rules.c.scope == rule.scope) & (price_rules.c.key == rule.key)
    values = rule_json(rule)
    created = not conn.execute(update(price_rules).where(where).values(**values, updated_at=sql.now())).rowcount
    if created:
        conn.execute(insert(price_rules).values(scope=rule.scope, key=rule.key, **values))
    announce_products(conn, scope=rule.scope, key=rule.key, cause={"rule": f"{rule.scope}/{rule.key}"})
    return rule, created


def get_rule(conn: Connection, scope: Scope, key: str) -> PriceRule:
    where = (price_rules.c.scope == scope) & (price_rules.c.key == key)
    row = conn.execute(select(price_rules).where(where)).first()
    if row is None:
        raise NotFound(f"no price rule for {scope} {key}")
    return rule_from_row(row)


def delete_rule(conn: Connection, scope: Scope, key: str) -> None:
    where = (price_rules.c.scope == scope) & (price_rules.c.key == key)
    if not conn.execute(delete(price_rules).where(where)).rowcount:
        raise NotFound(f"no price rule for {scope} {key}")
    announce_products(conn, scope=scope, key=key, cause={"rule": f"{scope}/{key}"})


def list_rules(conn: Connection, *, after: tuple[str, str] | None, limit: int) -> list[PriceRule]:
    query = select(price_rules).order_by(price_rules.c.scope, price_rules.c.key).limit(limit)
    if after is not None:
        query = query.where(tuple_(price_rules.c.scope, price_rules.c.key) > after)
    return [rule_from_row(r) for r in conn.execute(query)]


_RULES_FOR = InLists(  # built once for each length of the lists: only the SKUs, grades and families change
    lambda skus, grades, families: select(price_rules).where(
        or_(
            (price_rules.c.scope == "product") & price_rules.c.key.in_(skus),
            (price_rules.c.scope == "grade") & price_rules.c.key.in_(grades),
            (price_rules.c.scope == "family") & price_rules.c.key.in_(families),
        )
    ),
    skus=price_rules.c.key,
    grades=price_rules.c.key,
    families=price_rules.c.key,
)


def rules_for(conn: Connection, products: Iterable[Product]) -> dict[str, PriceRule]:
    """The rule that prices each product (by SKU), for those that have one: one query for them all."""
    wanted = list(products)
    if not wanted:
        return {}
    keys = {
        "skus": sorted({p.sku for p in wanted}),
        "grades": sorted({p.grade for p in wanted}),
        "families": sorted({p.family for p in wanted}),
    }
    found = {(r.scope, r.key): rule_from_row(r) for r in conn.execute(*_RULES_FOR(**keys))}
    return effective(found, wanted)
