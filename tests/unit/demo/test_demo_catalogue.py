"""The demo catalogue: exact size, determinism, unique SKUs, real densities and sizes, valid shapes and prices."""

from __future__ import annotations

import inspect
import math
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any

import pytest

from steelyard.demo import DemoCatalogue, capacity, generate
from steelyard.units.forms import FAMILIES, FORMS, dimension_problems

D = Decimal
SKU = re.compile(r"[A-Z0-9._-]{1,64}")
CODES = {"RTM", "DUI", "MIL"}
# base unit of each unit a tier or quantity may use, and its size in that base
BASE: dict[str, tuple[str, Decimal]] = {
    "kg": ("kg", D(1)),
    "t": ("kg", D(1000)),
    "L": ("L", D(1)),
    "m": ("m", D(1)),
    "piece": ("piece", D(1)),
}
# materials.md, "Grades by family"
DENSITIES = {
    "S235JR": "7850",
    "S355JR": "7850",
    "304": "7930",
    "316": "7980",
    "6061-T6": "2700",
    "5083": "2660",
    "C110": "8890",
    "CW617N": "8470",
    "Grade 2": "4510",
    "Grade 5": "4430",
    "HDPE": "950",
    "PTFE": "2200",
    "Alloy 625": "8440",
    "Oak": "710",
    "Zn 99.995": "7140",
    "Acetone": "784",
    "Sulfuric acid 98%": "1840",
}
EVERY_FORM = {
    "sheet",
    "plate",
    "coil",
    "foil",
    "strip",
    "round_bar",
    "square_bar",
    "flat_bar",
    "hex_bar",
    "tube",
    "pipe",
    "square_tube",
    "angle",
    "beam",
    "timber_beam",
    "board",
    "wire",
    "ingot",
    "granules",
    "powder",
    "liquid",
    "bulk",
    "channel",
    "rectangular_tube",
    "tee",
    "hollow_bar",
    "chequer_plate",
    "expanded_sheet",
    "perforated_sheet",
    "threaded_rod",
}


@pytest.fixture(scope="module")
def first_2000() -> list[dict[str, Any]]:
    return list(generate(2000).products)


@pytest.fixture(scope="module")
def by_sku(first_2000: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["sku"]: p for p in first_2000}


def decimal(text: object, where: str) -> Decimal:
    assert isinstance(text, str), f"{where}: {text!r} is not a decimal string"
    try:
        value = Decimal(text)
    except InvalidOperation:
        pytest.fail(f"{where}: {text!r} is not a decimal")
    assert value.is_finite(), where
    return value


def in_base(quantity: dict[str, str], where: str) -> tuple[str, Decimal]:
    base, factor = BASE[quantity["unit"]]
    return base, decimal(quantity["value"], where) * factor


def walk(value: object, path: str = "") -> Iterator[tuple[str, object]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{path}: key {key!r}"
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, f"{path}[{i}]")


def problems(p: dict[str, Any]) -> list[str]:
    """Everything wrong with one product body (empty when it is a valid, plausible product)."""
    out: list[str] = []
    sku = p["sku"]
    for path, value in walk(p):
        if isinstance(value, float):
            out.append(f"{sku}{path} is a float")
        elif not isinstance(value, str | int | bool | dict | list | type(None)):
            out.append(f"{sku}{path} is a {type(value).__name__}")
    if not SKU.fullmatch(sku):
        out.append(f"{sku}: SKU does not match {SKU.pattern}")
    if p["family"] not in FAMILIES or p["form"] not in FORMS:
        out.append(f"{sku}: family {p['family']} / form {p['form']}")
    dims = {name: decimal(v, f"{sku} {name}") for name, v in p["dimensions_mm"].items()}
    out += [f"{sku}: {field} {message}" for field, message in dimension_problems(p["form"], dims)]
    if decimal(p["density_kg_m3"], sku) <= 0:
        out.append(f"{sku}: density")
    unit = p["stock_unit"]
    if unit not in BASE:
        out.append(f"{sku}: stock unit {unit}")
        return out
    base = BASE[unit][0]
    for field in ("min_order", "increment"):
        if p[field] is not None:
            kind, amount = in_base(p[field], f"{sku} {field}")
            if kind != base or amount <= 0:
                out.append(f"{sku}: {field} {p[field]} does not fit stock unit {unit}")
    tiers = p["price"]["tiers"]
    if p["price"]["currency"] != "EUR" or not tiers:
        out.append(f"{sku}: price {p['price']}")
    if tiers and decimal(tiers[0]["min_quantity"]["value"], sku) != 0:
        out.append(f"{sku}: the first tier does not start at 0")
    previous: tuple[Decimal, Decimal] | None = None
    for tier in tiers:
        kind, minimum = in_base(tier["min_quantity"], f"{sku} tier")
        price = decimal(tier["unit_price"], f"{sku} unit_price")
        if kind != base or tier["per"] != unit:
            out.append(f"{sku}: tier {tier} does not fit stock unit {unit}")
        if price <= 0 or price.as_tuple().exponent != -2:
            out.append(f"{sku}: unit price {tier['unit_price']} is not a positive amount in cents")
        if previous is not None and not (minimum > previous[0] and price < previous[1]):
            out.append(f"{sku}: tiers not ascending in quantity and descending in price: {tiers}")
        previous = (minimum, price)
    if p["cut_fee"] is not None and decimal(p["cut_fee"], sku) <= 0:
        out.append(f"{sku}: cut fee")
    if not isinstance(p["lead_time_days"], int) or not 0 <= p["lead_time_days"] <= 365:
        out.append(f"{sku}: lead time")
    if set(p["stock"]) != CODES:
        out.append(f"{sku}: stock warehouses {sorted(p['stock'])}")
    step = in_base(p["increment"], sku)[1] / BASE[unit][1] if p["increment"] else None
    for code, text in p["stock"].items():
        level = decimal(text, f"{sku} stock {code}")
        if level < 0 or (unit == "piece" and level != level.to_integral_value()):
            out.append(f"{sku}: stock {code} = {text}")
        if step is not None and level % step:
            out.append(f"{sku}: stock {code} = {text} is not whole increments of {p['increment']}")
    if not (p["name"] and p["description"] and p["active"] is True and p["grade"]):
        out.append(f"{sku}: name, description, grade or active")
    if not all(isinstance(k, str) and isinstance(v, str) and v for k, v in p["attributes"].items()):
        out.append(f"{sku}: attributes must be non-empty strings")
    return out


# --- shape of the result ------------------------------------------------------------------------------------


def test_three_warehouses_and_a_lazy_iterator() -> None:
    catalogue = generate(100_000)
    assert isinstance(catalogue, DemoCatalogue)
    assert [w["code"] for w in catalogue.warehouses] == ["RTM", "DUI", "MIL"]
    assert all(w["name"] and w["address"] for w in catalogue.warehouses)
    assert inspect.isgenerator(catalogue.products)
    assert len(list(islice(catalogue.products, 10))) == 10


@pytest.mark.parametrize("count", [0, 1, 7, 2000, 3500])
def test_exactly_the_count_asked_for(count: int) -> None:
    assert sum(1 for _ in generate(count).products) == count


def test_more_than_the_catalogue_holds_or_a_negative_count_is_refused() -> None:
    assert capacity() >= 100_000
    with pytest.raises(ValueError, match="distinct products"):
        generate(capacity() + 1)
    with pytest.raises(ValueError, match="zero or more"):
        generate(-1)


# --- determinism -------------------------------------------------------------------------------------------


def test_same_seed_same_catalogue() -> None:
    assert list(generate(3000, seed=7).products) == list(generate(3000, seed=7).products)
    assert generate(10, seed=7).warehouses == generate(10, seed=7).warehouses


def test_another_seed_changes_prices_and_stock_but_not_the_products() -> None:
    a, b = list(generate(1000, seed=1).products), list(generate(1000, seed=2).products)
    assert [p["sku"] for p in a] == [p["sku"] for p in b]
    assert [p["name"] for p in a] == [p["name"] for p in b]
    assert sum(x["stock"] != y["stock"] for x, y in zip(a, b, strict=True)) > 500
    assert sum(x["price"] != y["price"] for x, y in zip(a, b, strict=True)) > 500


def test_a_smaller_catalogue_is_a_prefix_of_a_larger_one() -> None:
    small, large = list(generate(500, seed=3).products), list(generate(4000, seed=3).products)
    assert large[:500] == small


def test_default_arguments(first_2000: list[dict[str, Any]]) -> None:
    assert list(generate().products) == first_2000 == list(generate(2000, 42).products)


# --- every product valid ------------------------------------------------------------------------------------


def test_first_2000_are_valid(first_2000: list[dict[str, Any]]) -> None:
    found = [problem for p in first_2000 for problem in problems(p)]
    assert found == [], found[:20]


def test_the_whole_catalogue_is_valid_and_skus_are_unique() -> None:
    """Every product the generator can make (every variant layer, cut pieces included): unique SKUs; a
    sample of every 10th product fully checked."""
    skus: set[str] = set()
    found: list[str] = []
    total = 0
    for i, p in enumerate(generate(capacity()).products):
        total += 1
        skus.add(p["sku"])
        if i % 10 == 0:
            found += problems(p)
    assert total == len(skus) == capacity()
    assert found == [], found[:20]


def test_the_checks_catch_bad_products(first_2000: list[dict[str, Any]]) -> None:
    """The validity checks above can fail."""
    good = first_2000[0]
    broken = [
        {**good, "density_kg_m3": 7850.0},
        {**good, "sku": "lower-case"},
        {**good, "dimensions_mm": {"thickness": "2"}},
        {**good, "stock": {"RTM": "-1", "DUI": "0", "MIL": "0"}},
        {**good, "price": {"currency": "EUR", "tiers": list(reversed(good["price"]["tiers"]))}},
    ]
    assert all(rejected(p) for p in broken)
    assert not rejected(good)


def rejected(p: dict[str, Any]) -> bool:
    try:
        return bool(problems(p))
    except (AssertionError, pytest.fail.Exception):
        return True


# --- realism -----------------------------------------------------------------------------------------------


def test_every_family_and_form_in_the_first_2000(first_2000: list[dict[str, Any]]) -> None:
    assert {p["family"] for p in first_2000} == set(FAMILIES)
    assert {p["form"] for p in first_2000} == EVERY_FORM == set(FORMS)


def test_densities_are_the_handbook_values(first_2000: list[dict[str, Any]]) -> None:
    seen = {p["grade"]: p["density_kg_m3"] for p in first_2000 if p["grade"] in DENSITIES}
    assert seen == DENSITIES
    per_grade: dict[str, set[str]] = {}
    for p in first_2000:
        per_grade.setdefault(p["grade"], set()).add(p["density_kg_m3"])
    assert all(len(values) == 1 for values in per_grade.values())


def test_the_spec_example(by_sku: dict[str, dict[str, Any]]) -> None:
    sheet = by_sku["AL-6061T6-SH-2X1250X2500"]
    assert sheet["name"] == "Aluminium sheet 6061-T6 2 x 1250 x 2500 mm"
    assert (sheet["family"], sheet["grade"], sheet["form"], sheet["density_kg_m3"]) == (
        "aluminium",
        "6061-T6",
        "sheet",
        "2700",
    )
    assert sheet["dimensions_mm"] == {"thickness": "2", "width": "1250", "length": "2500"}
    assert sheet["attributes"]["alias"].startswith("EN AW-6061")
    assert "EN AW-6061" in sheet["description"]


def test_standard_sizes(by_sku: dict[str, dict[str, Any]], first_2000: list[dict[str, Any]]) -> None:
    for w, n in (("1000", "2000"), ("1250", "2500"), ("1500", "3000")):
        assert f"SS-304-SH-1.5X{w}X{n}" in by_sku
    assert "PL-HDPE-SH-10X1220X2440" in by_sku and "TB-BIRCHPLY-SH-18X1220X2440" in by_sku
    assert by_sku["SS-304-TU-25.4X1.65X6000"]["dimensions_mm"] == {
        "outer_diameter": "25.4",
        "wall": "1.65",
        "length": "6000",
    }
    assert "ST-S235JR-PL-12.7X1500X3000" in by_sku  # 1/2 inch plate
    ipe = by_sku["ST-S235JR-BM-IPE200X12000"]
    assert ipe["profile"] == "IPE 200"
    assert ipe["dimensions_mm"] == {  # EN 10365, with its root radius
        "height": "200",
        "width": "100",
        "thickness": "8.5",
        "wall": "5.6",
        "root_radius": "12",
        "length": "12000",
    }
    ipes = {p["attributes"]["profile"] for p in first_2000 if p["form"] == "beam"}
    assert {f"IPE {h}" for h in (80, 100, 120, 140, 160, 180, 200, 220, 240, 270, 300)} <= ipes
    flats = {
        (p["dimensions_mm"]["width"], p["dimensions_mm"]["thickness"]) for p in first_2000 if p["form"] == "flat_bar"
    }
    assert {("20", "3"), ("50", "6"), ("100", "10")} <= flats
    wires = {p["dimensions_mm"]["diameter"] for p in first_2000 if p["form"] == "wire"}
    assert wires == {"0.5", "1", "1.5", "2", "2.5", "3", "4", "5"}


def test_aliases_are_searchable(by_sku: dict[str, dict[str, Any]]) -> None:
    for sku, aliases in {
        "SS-304-SH-1.5X1250X2500": ("1.4301", "A2"),
        "ST-S235JR-FB-50X6X6000": ("mild steel", "MS", "1.0038"),
        "SS-316-RB-20X6000": ("1.4401", "A4"),
        "BR-CW614N-RB-20X3000": ("CuZn39Pb3",),
    }.items():
        product = by_sku[sku]
        for alias in aliases:
            assert alias in product["attributes"]["alias"].split(", ")
            assert alias in product["description"]


def test_stock_units_and_packaging(first_2000: list[dict[str, Any]]) -> None:
    units: dict[str, Counter[str]] = {}
    for p in first_2000:
        units.setdefault(p["form"], Counter())[p["stock_unit"]] += 1
    assert set(units["liquid"]) == {"L"} and set(units["powder"]) == {"kg"}
    assert units["plate"]["kg"] == units["plate"].total()
    long_forms = ("round_bar", "square_bar", "flat_bar", "hex_bar", "tube", "pipe", "square_tube", "angle", "beam")
    metal_long = Counter(
        p["stock_unit"] for p in first_2000 if p["form"] in long_forms and p["family"] not in ("plastic", "timber")
    )
    assert metal_long["kg"] + metal_long["m"] > 0.9 * metal_long.total()
    assert {p["stock_unit"] for p in first_2000 if p["form"] == "sheet"} == {"kg", "piece"}
    drums = [p for p in first_2000 if p["piece_name"] == "drum"]
    assert drums and all(p["stock_unit"] == "L" and p["increment"] == {"value": "200", "unit": "L"} for p in drums)
    cement = [p for p in first_2000 if p["grade"] == "CEM I 42.5 R" and p["piece_name"] == "bag"]
    assert cement and all(p["increment"] == p["min_order"] == {"value": "25", "unit": "kg"} for p in cement)
    assert any(p["stock_unit"] == "t" for p in first_2000 if p["family"] == "bulk")


def test_bags_drums_and_coils_say_what_one_holds(first_2000: list[dict[str, Any]]) -> None:
    """So that "3 bags", "2 drums" and "3 coils" can be ordered (SPEC 12: piece_content)."""
    contents = {p["piece_name"]: p["piece_content"] for p in first_2000 if p["piece_name"] in ("bag", "drum", "coil")}
    assert contents["bag"] == {"value": "25", "unit": "kg"}
    assert contents["drum"] == {"value": "200", "unit": "L"}
    coils = [p for p in first_2000 if p["piece_name"] == "coil"]
    assert coils and all(p["piece_content"] is not None for p in coils)
    wire = [p for p in first_2000 if p["form"] == "wire" and p["increment"]]
    assert wire and all(p["piece_content"] == p["increment"] for p in wire)  # one coil is the coil weight


def test_sections_come_by_designation_with_real_sizes(by_sku: dict[str, dict[str, Any]]) -> None:
    profiled = {p["profile"]: p for p in by_sku.values() if p.get("profile")}
    assert {"UPN 100", "UPE 120", "L 60x40x6", "T 50x50x6", "RHS 60x40x3 EN 10219-2", "SHS 40x40x3 EN 10219-2"} <= set(
        profiled
    )
    assert profiled["UPN 100"]["dimensions_mm"]["toe_radius"] == "4.5"
    chequer = [p for p in by_sku.values() if p["form"] == "chequer_plate" and p["family"] == "steel"]
    assert {p["dimensions_mm"]["thickness"] for p in chequer} >= {"3", "5", "8"}
    rods = {p["dimensions_mm"]["diameter"] for p in by_sku.values() if p["form"] == "threaded_rod"}
    assert {"8", "10", "12", "16", "20"} <= rods


def test_some_stock_is_empty_and_most_is_not(first_2000: list[dict[str, Any]]) -> None:
    nothing = sum(all(D(v) == 0 for v in p["stock"].values()) for p in first_2000)
    some_zero = sum(any(D(v) == 0 for v in p["stock"].values()) for p in first_2000)
    assert 20 < nothing < 400
    assert nothing < some_zero < len(first_2000)


@pytest.mark.parametrize(
    ("family", "low", "high"),
    [
        ("steel", "0.8", "3"),
        ("stainless", "3", "10"),
        ("aluminium", "3.5", "14"),
        ("copper", "9", "20"),
        ("brass", "6", "14"),
        ("titanium", "25", "90"),
        ("nickel", "30", "110"),
        ("plastic", "1", "160"),
    ],
)
def test_prices_per_kg_are_plausible(first_2000: list[dict[str, Any]], family: str, low: str, high: str) -> None:
    prices = [
        float(p["price"]["tiers"][0]["unit_price"]) / kg
        for p in first_2000
        if p["family"] == family and (kg := kg_per_unit(p))
    ]
    assert len(prices) > 20, family
    assert float(low) <= min(prices) and max(prices) <= float(high)


def kg_per_unit(p: dict[str, Any]) -> float | None:
    """Mass of one price unit (kg, or m / piece of round bars, hexagon bars and sheets), None otherwise."""
    per, d, density = p["price"]["tiers"][0]["per"], p["dimensions_mm"], float(p["density_kg_m3"])
    if per == "kg":
        return 1.0
    if p["form"] in ("round_bar", "hex_bar"):
        size = float(d.get("diameter", d.get("width", "0")))
        area = math.pi * size**2 / 4 if p["form"] == "round_bar" else math.sqrt(3) / 2 * size**2
        per_m = area * density / 1e6
        return per_m if per == "m" else per_m * float(d["length"]) / 1000
    if p["form"] in ("sheet", "plate") and per == "piece":
        return float(d["thickness"]) * float(d["width"]) * float(d["length"]) * density / 1e9
    return None


def test_variants_beyond_the_base_catalogue() -> None:
    products = list(islice(generate(capacity()).products, 60_000, None, 25))
    attributes = Counter(key for p in products for key in p["attributes"])
    assert attributes["cut"] and attributes["certificate"] and attributes["finish"]
    cut = [p for p in products if "cut" in p["attributes"]]
    assert all(p["stock_unit"] == "piece" and "cut to" in p["name"] for p in cut)


def test_products_pass_the_catalogue_rules(first_2000: list[dict[str, Any]]) -> None:
    """The seeder loads these bodies through the API's schema and rules: they must all pass."""
    from steelyard.catalog.rules import normalise
    from steelyard.catalog.schemas import ProductIn
    from steelyard.catalog.service import product_from_fields

    for p in first_2000[::3]:
        body = ProductIn.model_validate({k: v for k, v in p.items() if k != "stock"})
        normalise(product_from_fields(body.sku, body))


def test_100000_products_for_the_benchmark_catalogue() -> None:
    assert sum(1 for _ in generate(100_000).products) == 100_000
