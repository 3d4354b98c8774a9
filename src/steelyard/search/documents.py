"""A product as the search index holds it: structured columns to narrow by and the terms to match (pure).

The terms come from the name, grade, grade aliases, family, form and attribute values (not from attributes that say
what a product has not, such as `film: no film`). The description is not searched: it repeats the name and the
attributes, and its sentences would make every word common to every product.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from steelyard.catalog.model import Product
from steelyard.search.text import compact, terms
from steelyard.units.forms import DIMENSION_NAMES

MICRONS = Decimal(1000)
PRICE_SCALE = Decimal(1_000_000)


def microns(value_mm: Decimal) -> int:
    """A size in whole micrometres: exact for every size a catalogue writes (at most three decimals of a mm)."""
    return int((value_mm * MICRONS).to_integral_value())


def price_from(product: Product) -> tuple[Decimal, str]:
    """The lowest unit price of the product's tiers in the first tier's unit, and that unit."""
    tiers = product.price.tiers
    if not tiers:
        return Decimal(0), product.stock_unit
    per = tiers[0].per
    return min(t.unit_price for t in tiers if t.per == per), per


def family_term(family: str) -> str:
    """The index term that stands for a family, form or grade: a digit first, so no typed word is ever one."""
    return "0f" + compact(family)


def form_term(form: str) -> str:
    return "0m" + compact(form)


def grade_term(grade: str) -> str:
    return "0g" + compact(grade)


def _negative(value: str) -> bool:
    """`no film`, `none`: an attribute saying what a product has not; its words must not find it."""
    text = value.strip().lower()
    return text in ("none", "no", "n/a", "-") or text.startswith("no ")


def document(product_id: int, product: Product) -> dict[str, Any]:
    """The row of `search_documents` for one product on sale."""
    aliases = product.attributes.get("alias", "")
    texts = [
        product.name,
        product.grade,
        product.family,
        product.form.replace("_", " "),
        aliases,
        *(v for k, v in sorted(product.attributes.items()) if k != "alias" and isinstance(v, str) and not _negative(v)),
    ]
    price, per = price_from(product)
    row: dict[str, Any] = {
        "product_id": product_id,
        "sku": product.sku,
        "name": product.name,
        "name_len": len(product.name),
        "family": product.family,
        "form": product.form,
        "grade": product.grade,
        "aliases": aliases[:500],
        "stock_unit": product.stock_unit,
        "currency": product.price.currency,
        "price_from": str(price),
        "price_per": per,
        "price_sort": int((price * PRICE_SCALE).to_integral_value()),
        "dimensions": {k: str(v) for k, v in product.dimensions_mm.items()},
        "terms": " ".join(
            [family_term(product.family), form_term(product.form), grade_term(product.grade), *terms(texts)]
        ),
    }
    for name in DIMENSION_NAMES:
        value = product.dimensions_mm.get(name)
        row[f"{name}_um"] = None if value is None else microns(value)
    return row
