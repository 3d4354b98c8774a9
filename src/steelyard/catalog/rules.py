"""What makes a product sellable: pure checks over the domain object, collected as field problems."""

from __future__ import annotations

import threading
from dataclasses import replace
from decimal import Decimal
from typing import Any

from steelyard.catalog.model import Price, PriceTier, Product
from steelyard.cutting.settings import settings_problems
from steelyard.errors import FieldProblem, InvalidInput, UnitError
from steelyard.pricing import Convert, order_rules_problems, tiers_problems
from steelyard.units import FORMS, Physics, convert_for, dimension_problems, parse_unit, sellable_units
from steelyard.units.quantity import Quantity

MAX_DENSITY = Decimal(25_000)  # osmium, the densest element, is 22,590 kg/m3


def physics_of(product: Product) -> Physics:
    """The product's Physics, shared from a small per-process cache (building one costs ~30-60 µs).

    The cache is keyed on the physics' own inputs, spelled exactly (decimals as their text, so `2.5` and `2.50`
    are different keys), not on the product's id: it needs no invalidation, across processes or databases, and
    a changed product simply maps to another entry. Physics is immutable, so sharing one is safe.
    """
    pc = product.piece_content
    key = (
        product.form,
        None if product.density_kg_m3 is None else str(product.density_kg_m3),
        tuple((k, str(v)) for k, v in product.dimensions_mm.items()),
        product.piece_name,
        product.stock_unit,
        None if pc is None else (str(pc.value), pc.unit),
    )
    return _physics_cached(key, product)


def _physics_cached(key: tuple[Any, ...], product: Product) -> Physics:
    found = _PHYSICS.get(key)
    if found is None:
        found = Physics.of(product, product.piece_content)  # raises InvalidInput for bad data: nothing is cached
        with _PHYSICS_LOCK:
            if len(_PHYSICS) >= _PHYSICS_MAX:
                _PHYSICS.pop(next(iter(_PHYSICS)), None)  # oldest first: a bounded FIFO is enough here
            _PHYSICS[key] = found
    return found


_PHYSICS: dict[tuple[Any, ...], Physics] = {}
_PHYSICS_MAX = 4096
_PHYSICS_LOCK = threading.Lock()


def converter(physics: Physics) -> Convert:
    def convert(quantity: Quantity, unit: str) -> Decimal:
        return convert_for(physics, quantity, unit)

    return convert


def default_piece_name(form: str) -> str | None:
    spec = FORMS.get(form)
    return None if spec is None else spec.default_piece_name


def _always(_: str) -> bool:
    return True  # units are parsed to canonical symbols before the pricing checks see them


def normalise(product: Product) -> Product:
    """Check a product as a whole and return it with canonical unit symbols; raises InvalidInput with every problem."""
    problems = [FieldProblem(f, m) for f, m in dimension_problems(product.form, product.dimensions_mm)]
    density = product.density_kg_m3
    if density is None or density <= 0:
        problems.append(FieldProblem("density_kg_m3", 'must be a positive number of kg/m3, e.g. "7850" for steel'))
    elif density > MAX_DENSITY:
        problems.append(
            FieldProblem("density_kg_m3", f"{density} kg/m3 is denser than any material (the densest is about 22590)")
        )
    if product.cut_fee is not None and product.cut_fee < 0:
        problems.append(FieldProblem("cut_fee", "must not be negative"))
    if product.cutting is not None:
        problems += [FieldProblem(f, m) for f, m in settings_problems(product.form, product.cutting.as_json())]
    if problems:
        raise InvalidInput.from_problems(problems)
    canonical = _canonical_units(product)
    physics = physics_of(canonical)
    sellable = sellable_units(physics)
    if canonical.stock_unit not in sellable:
        raise InvalidInput.from_problems(
            [
                FieldProblem(
                    "stock_unit",
                    f"this product cannot be counted in '{product.stock_unit}'; it can in: {', '.join(sellable)}",
                )
            ]
        )
    convert = converter(physics)
    for name, rule in (("min_order", canonical.min_order), ("increment", canonical.increment)):
        if rule is not None and rule.value <= 0:
            problems.append(FieldProblem(f"{name}.value", "must be more than zero; leave it out for none"))
    problems += order_rules_problems(
        stock_unit=canonical.stock_unit,
        discrete=canonical.stock_unit == "piece",
        min_order=canonical.min_order,
        increment=canonical.increment,
        convert=convert,
        known_unit=_always,
    )
    problems += tiers_problems(canonical.price.tiers, convert, _always, stock_unit=canonical.stock_unit)
    if problems:
        raise InvalidInput.from_problems(list(dict.fromkeys(problems)))
    return canonical


def _canonical_units(product: Product) -> Product:
    """The product with every unit spelled canonically (`KGS` -> `kg`, `sheets` -> `piece`)."""
    spec = FORMS[product.form]
    names = tuple(n for n in (product.piece_name, spec.default_piece_name) if n)
    problems: list[FieldProblem] = []

    def unit(text: str, field: str) -> str:
        try:
            return parse_unit(text, names, field=field)
        except UnitError as exc:
            problems.extend(exc.problems or [FieldProblem(field, exc.detail)])
            return text

    def quantity(q: Quantity | None, field: str) -> Quantity | None:
        return None if q is None else Quantity(q.value, unit(q.unit, f"{field}.unit"))

    tiers = tuple(
        PriceTier(
            min_quantity=Quantity(
                t.min_quantity.value, unit(t.min_quantity.unit, f"price.tiers[{i}].min_quantity.unit")
            ),
            unit_price=t.unit_price,
            per=unit(t.per, f"price.tiers[{i}].per"),
        )
        for i, t in enumerate(product.price.tiers)
    )
    result = replace(
        product,
        stock_unit=unit(product.stock_unit, "stock_unit"),
        piece_content=quantity(product.piece_content, "piece_content"),
        min_order=quantity(product.min_order, "min_order"),
        increment=quantity(product.increment, "increment"),
        price=Price(currency=product.price.currency, tiers=tiers),
    )
    if problems:
        raise InvalidInput.from_problems(problems)
    return result
