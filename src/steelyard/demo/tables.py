"""The demo catalogue's reference tables, read once from the JSON files in `steelyard/demo/data/`.

Grades and densities are the handbook values of `data/materials.md` (sources listed there); the size series
name the standard each follows in `data/sizes.json`'s keys and in materials.md. Prices are plausible 2024
European list prices in euro cents per the grade's `price_unit` (kg for metals, plastics and timber, L for
liquid chemicals, t for bulk goods); the generator draws each product's price from the grade's range.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

Finish = tuple[str, str, int]  # (SKU code, description, price per mille); the first of a series has code ""
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Grade:
    family: str
    grade: str
    code: str  # the grade's part of a SKU: [A-Z0-9.]
    aliases: tuple[str, ...]
    density: str  # kg/m3, as in materials.md
    price: tuple[int, int]  # euro cents per price_unit: (low, high)
    forms: tuple[str, ...]
    standard: str = ""  # the material standard; STANDARDS may name a more specific one per form
    price_unit: str = "kg"
    label: str = ""  # how names start: "" -> "<Family> <form> <grade>", else "<label> <form>"
    extra: tuple[tuple[str, str], ...] = ()  # more attributes (CAS number, UN number ...)
    packs: str = ""  # the packaging series of a product without geometry ("" -> by form)


@dataclass(frozen=True, slots=True)
class Family:
    display: str  # first word(s) of a product name
    prefix: str  # first part of a SKU
    lead_days: tuple[int, int]  # usual lead time range
    cut_fee: str | None  # per saw cut / shear, EUR; None: no cutting service for this family


@dataclass(frozen=True, slots=True)
class Pack:
    """How a product without geometry is packed and sold."""

    code: str  # size part of the SKU
    tail: str  # end of the name
    packaging: str  # the attribute
    unit: str  # stock unit
    piece: str | None
    min_order: Pair | None
    increment: Pair | None
    factor: int  # price multiplier, per mille
    step: float  # stock lot (stock unit)
    lots: int
    tiers: tuple[Pair, ...]
    remnant: bool = False
    content: Pair | None = None  # what one piece (bag, drum) holds: makes "3 bags" orderable


@cache
def load(name: str) -> Any:
    """One JSON file of steelyard/demo/data (package data)."""
    return json.loads(files("steelyard.demo").joinpath("data", name).read_text(encoding="utf-8"))


def _pairs(rows: list[list[str]]) -> tuple[Pair, ...]:
    return tuple((a, b) for a, b in rows)


def _finishes(rows: list[list[Any]]) -> tuple[Finish, ...]:
    return tuple((str(code), str(text), int(factor)) for code, text, factor in rows)


def _opt_pair(row: list[str] | None) -> Pair | None:
    return None if row is None else (row[0], row[1])


_grades = load("grades.json")
FAMILY_INFO: dict[str, Family] = {
    name: Family(f["display"], f["prefix"], (f["lead_days"][0], f["lead_days"][1]), f["cut_fee"])
    for name, f in _grades["families"].items()
}
GRADES: tuple[Grade, ...] = tuple(
    Grade(
        g["family"],
        g["grade"],
        g["code"],
        tuple(g["aliases"]),
        g["density"],
        (g["price"][0], g["price"][1]),
        tuple(g["forms"]),
        g.get("standard", ""),
        g.get("price_unit", "kg"),
        g.get("label", ""),
        tuple(g.get("extra", {}).items()),
        g.get("packs", ""),
    )
    for g in _grades["grades"]
)
# size standards per (family, form) or (grade, form); the grade's material standard otherwise
STANDARDS: dict[tuple[str, str], str] = {(owner, form): std for owner, form, std in _grades["standards"]}

_sizes = load("sizes.json")
SIZES: dict[str, Any] = _sizes  # every series by name (mm, as decimal strings)
SHEET_FORMATS = _pairs(_sizes["sheet_formats"])
BOARD_FORMATS = _pairs(_sizes["board_formats"])
CUT_SIZES: tuple[tuple[int, int], ...] = tuple((w, n) for w, n in _sizes["cut_sizes"])
CUT_LENGTHS: tuple[int, ...] = tuple(_sizes["cut_lengths"])

_options = load("options.json")
FINISHES: dict[tuple[str, str], tuple[Finish, ...]] = {
    (owner, kind): _finishes(rows) for owner, kind, rows in _options["finishes"]
}
FILMS = {k: _finishes(v) for k, v in _options["films"].items()}
CONDITIONS = {k: _finishes(v) for k, v in _options["conditions"].items()}
PLATE_TOLERANCES = _finishes(_options["plate_tolerances"])
TUBE_PROCESSES = _finishes(_options["tube_processes"])
CERTIFICATES = {k: _finishes(v) for k, v in _options["certificates"].items()}
QUALITIES = {k: _finishes(v) for k, v in _options["qualities"].items()}

PACKS: dict[str, tuple[Pack, ...]] = {
    key: tuple(
        Pack(
            p["code"],
            p["tail"],
            p["packaging"],
            p["unit"],
            p["piece"],
            _opt_pair(p["min_order"]),
            _opt_pair(p["increment"]),
            p["factor"],
            float(p["step"]),
            p["lots"],
            _pairs(p["tiers"]),
            p.get("remnant", False),
            _opt_pair(p.get("content")),
        )
        for p in packs
    )
    for key, packs in load("packs.json").items()
}

_catalogue = load("catalogue.json")
WAREHOUSES: tuple[tuple[str, str, str], ...] = tuple((c, n, a) for c, n, a in _catalogue["warehouses"])
# how likely each warehouse is to stock a family (Duisburg: carbon steel and beams; Milan: stainless and
# non-ferrous; Rotterdam, at the port: everything, most of the chemicals and bulk goods)
STOCKED: dict[str, tuple[float, float, float]] = {k: (v[0], v[1], v[2]) for k, v in _catalogue["stocked"].items()}
OUT_OF_STOCK: float = _catalogue["out_of_stock"]  # share of products with no stock anywhere
FORM_CODES: dict[str, str] = _catalogue["form_codes"]
FORM_WORDS: dict[str, str] = _catalogue["form_words"]
FINISH_KIND: dict[str, str] = _catalogue["finish_kind"]  # where a form's finishes are looked up
METALS = frozenset({"steel", "stainless", "aluminium", "copper", "brass", "bronze", "titanium", "nickel", "zinc"})
