"""The demo catalogue's products: seeded prices, stock and lead times on top of the base items and variants."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from steelyard.demo.items import BARS, Item, base, long_supply
from steelyard.demo.shapes import shape
from steelyard.demo.tables import FAMILY_INFO, OUT_OF_STOCK, STOCKED, WAREHOUSES
from steelyard.demo.variants import combos, signature, variant_count


@dataclass(frozen=True, slots=True)
class DemoCatalogue:
    """Three warehouses and a lazy, exactly-sized iterator of product bodies (with `stock` per warehouse)."""

    warehouses: list[dict[str, str]]
    products: Iterator[dict[str, Any]]


@cache
def capacity() -> int:
    """How many distinct products the generator can make."""
    return sum(variant_count(item.axes) for item in base())


# ---------------------------------------------------------------------------------------------------------
# numbers as strings


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _tenths(n: int) -> str:
    whole, tenth = divmod(n, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def _amount(value: float, decimals: bool) -> str:
    """A stock quantity as a decimal string: one decimal place when part lots exist, else whole units."""
    return _tenths(round(value * 10)) if decimals else str(round(value))


# ---------------------------------------------------------------------------------------------------------
# one product


def _product(item: Item, choice: tuple[int, ...], rng: random.Random) -> dict[str, Any]:
    grade = item.grade
    family = grade.family
    options = [axis[i] for axis, i in zip(item.axes, choice, strict=True)]
    factor = item.factor / 1000
    attributes = dict(item.attrs)
    labels: list[str] = []
    suffix: list[str] = []
    cut: tuple[int, ...] = ()
    stock_length = increment_kg = extra_lead = 0
    for i, option in zip(choice, options, strict=True):
        if option.key:
            attributes[option.key] = option.value
        factor *= option.factor / 1000
        extra_lead += option.lead
        if not i:
            continue
        if option.length:  # another stock length: its SKU names that length instead
            stock_length = option.length
            continue
        suffix.append(option.code)
        if option.cut:
            cut = option.cut
        else:
            labels.append(option.value)
        if option.increment_kg:
            increment_kg = option.increment_kg
    sku = item.sku_stem + str(stock_length) if stock_length else item.sku
    if suffix:
        sku += "-" + "-".join(suffix)

    dims = dict(item.dims)
    stock_unit, piece_name = item.stock_unit, item.piece_name
    min_order, increment = item.min_order, item.increment
    to_stock, step, lots, remnant = item.to_stock, item.stock_step, item.stock_lots, item.remnant
    tiers = item.tiers
    content = item.content
    size_text, supply = item.shape, item.supply
    if stock_length:
        dims["length"] = str(stock_length)
        size_text = shape(item.form, dims, attributes.get("profile", ""))
        supply, step, lots = long_supply(stock_unit, piece_name, item.mass_m, dims["length"])
        if stock_unit == "piece":
            to_stock = item.mass_m * stock_length / 1000
    elif cut:  # a cut piece: sold per piece
        if len(cut) == 2:
            dims["width"], dims["length"] = str(cut[0]), str(cut[1])
            mass = item.mass_m2 * cut[0] * cut[1] / 1e6
            piece_name = "sheet"
        else:
            dims["length"] = str(cut[0])
            mass = item.mass_m * cut[0] / 1000
            piece_name = "bar" if item.form in BARS else None
        size_text = shape(item.form, dims, attributes.get("profile", ""))
        labels.append("cut to size" if len(cut) == 2 else "cut to length")
        stock_unit, min_order, increment, content = "piece", None, None, None
        to_stock, step, lots, remnant = mass, 1.0, (10 if mass > 100 else 40), False
        tiers = (("0", "piece"), ("5", "piece"), ("25", "piece"))
        supply = f"cut piece, sold by the piece ({mass:.2f} kg each)"
    elif increment_kg:
        min_order = increment = content = (str(increment_kg), "kg")
        step, lots = float(increment_kg), max(4, 2000 // increment_kg)

    # name and description
    name = f"{item.head} {size_text}" if size_text else item.head
    name += item.tail
    if labels:
        name += ", " + ", ".join(labels)
    aliases = attributes.get("alias", "")
    material = f"{grade.grade} ({aliases})" if aliases else grade.grade
    standard = f" to {attributes['standard']}" if "standard" in attributes else ""
    parts = [
        f"{name}.",
        f"Material: {material}{standard}; density {grade.density} kg/m³.",
        supply[0].upper() + supply[1:] + ".",
    ]
    for key in (
        "finish",
        "condition",
        "colour",
        "compound",
        "quality",
        "tolerance",
        "process",
        "film",
        "coil_weight",
        "cut",
        "packaging",
    ):
        if key in attributes:
            parts.append(f"{key.capitalize()}: {attributes[key]}.")
    if "certificate" in attributes:
        parts.append(f"Certificate: {attributes['certificate']}.")
    if "cas" in attributes:
        hazard = f", hazard class {attributes['hazard_class']}" if "hazard_class" in attributes else ""
        parts.append(f"CAS {attributes['cas']}, {attributes['un_number']}{hazard}.")

    # prices: the grade's list price drawn from its range, the form and options' multipliers, then tiers
    low, high = grade.price
    per_unit = (low + rng.random() * (high - low)) * factor * to_stock
    first = max(3, round(per_unit))
    cents = [first]
    cents.append(min(first - 1, round(first * (0.90 + rng.random() * 0.06))))
    cents.append(min(cents[1] - 1, round(cents[1] * (0.88 + rng.random() * 0.07))))
    kept = 3 if rng.random() < 0.85 else 2
    tier_list = [
        {"min_quantity": {"value": value, "unit": unit}, "unit_price": _money(c), "per": stock_unit}
        for (value, unit), c in zip(tiers[:kept], cents[:kept], strict=True)
        if c > 0
    ]

    # stock: some products out of stock everywhere; else each warehouse by its family's likelihood
    stock: dict[str, str] = {}
    empty = rng.random() < OUT_OF_STOCK
    for (code, _, _), chance in zip(WAREHOUSES, STOCKED[family], strict=True):
        if empty or rng.random() >= chance:
            stock[code] = "0"
            continue
        held = step * rng.randint(1, lots)
        if remnant:
            held -= step * rng.random() * 0.6
        stock[code] = _amount(max(held, 0.1), remnant)

    lead_low, lead_high = FAMILY_INFO[family].lead_days
    return {
        "sku": sku,
        "name": name,
        "family": family,
        "grade": grade.grade,
        "form": item.form,
        **({"profile": item.profile} if item.profile else {}),
        "density_kg_m3": grade.density,
        "dimensions_mm": dims,
        "stock_unit": stock_unit,
        "piece_name": piece_name,
        "piece_content": None if content is None else {"value": content[0], "unit": content[1]},
        "min_order": None if min_order is None else {"value": min_order[0], "unit": min_order[1]},
        "increment": None if increment is None else {"value": increment[0], "unit": increment[1]},
        "price": {"currency": "EUR", "tiers": tier_list},
        "cut_fee": item.cut_fee,
        "lead_time_days": rng.randint(lead_low, lead_high) + extra_lead,
        "attributes": attributes,
        "description": " ".join(parts),
        "active": True,
        "stock": stock,
    }


def _products(count: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    made = layer = 0
    items = [(item, combos(signature(item.axes))) for item in base()]
    while made < count:
        for item, choices in items:
            if made == count:
                return
            yield _product(item, choices[layer], rng)
            made += 1
        layer += 1
        items = [(item, choices) for item, choices in items if len(choices) > layer]


def generate(products: int = 2000, seed: int = 42) -> DemoCatalogue:
    """Three warehouses and exactly `products` products (lazily); the same seed gives the same catalogue."""
    if products < 0:
        raise ValueError(f"products must be zero or more, got {products}")
    if products > capacity():
        raise ValueError(f"the demo catalogue has {capacity()} distinct products; {products} were asked for")
    warehouses = [{"code": code, "name": name, "address": address} for code, name, address in WAREHOUSES]
    return DemoCatalogue(warehouses=warehouses, products=_products(products, seed))
