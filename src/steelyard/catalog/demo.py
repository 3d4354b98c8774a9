"""A deterministic demo catalogue: real grades, densities and standard sizes, three warehouses, stock, prices.

`generate(products=N, seed=S)` returns the three warehouses and a lazy iterator over exactly N product
bodies, each the API's JSON body (every decimal a string) plus `"stock": {warehouse code: quantity}` in
the product's stock unit. Pure: no I/O, no clock, no global random state.

How the sequence is built (the same for every N and every seed, so `generate(2000)` is a prefix of
`generate(100000)` and SKUs do not depend on the seed):

* The base catalogue is grade x form x standard size (materials.md): 2,718 products. It is interleaved
  round-robin over the (grade, form) groups, so any prefix of a few hundred products already holds every
  family and every form.
* Beyond the base, each base product has variants: the combinations of its finish (colour, temper,
  compound, chemical quality), heat-treatment condition, plate tolerance class, welded/seamless, protective
  film, inspection certificate, wire coil weight, other stock lengths, and cut lengths / cut-to-size
  blanks. Variants come in layers (layer k holds every base product's k-th variant) until N are made:
  stocked variants first, fewest changes first; cut pieces (sold per piece) after all of those.
  `capacity()` says how many distinct products exist (187,634); asking for more is a ValueError.

The seed only drives what a real catalogue would vary: list prices within the grade's price range, tier
discounts, lead times and stock levels (one `random.Random(seed)` consumed in sequence).

SKU scheme: `<FAMILY>-<GRADE>-<FORM>-<SIZE>[-<VARIANT>...]`, e.g. `AL-6061T6-SH-2X1250X2500`,
`ST-S235JR-RB-20X12000` (another stock length), `SS-304-RB-20X6000-PH11-C32-L1000` (peeled h11, 3.2
certificate, cut to 1000 mm from 6 m bars), `CH-H2SO4.98-LQ-200L-RG`; every part is `[A-Z0-9.]`, at most 64
characters in all.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import product as cartesian
from typing import Any

from steelyard.catalog.demo_data import (
    ANGLES,
    BEAMS,
    BOARD_FORMATS,
    BOARD_LENGTHS,
    BOARDS,
    BRONZE_HOLLOW_BARS,
    CERTIFICATES,
    CLEAR_SHEET_THICKNESS,
    COIL_THICKNESS,
    COIL_WIDTHS,
    CONDITIONS,
    COPPER_TUBES_EN1057,
    CUT_LENGTHS,
    CUT_SIZES,
    FAMILY_INFO,
    FILMS,
    FINISHES,
    FLAT_BARS,
    FOIL_THICKNESS,
    FOIL_WIDTHS,
    GRADES,
    HEX_ACROSS_FLATS,
    PANEL_THICKNESS,
    PLASTIC_SHEET_THICKNESS,
    PLATE_THICKNESS,
    PLATE_TOLERANCES,
    PTFE_TUBES,
    PVC_PIPES_PN16,
    QUALITIES,
    ROUND_DIAMETERS,
    SHEET_FORMATS,
    SHEET_THICKNESS,
    SQUARE_SIDES,
    SQUARE_TUBES,
    STANDARDS,
    STRIP_THICKNESS,
    STRIP_WIDTHS,
    TIMBER_BEAM_LENGTHS,
    TIMBER_BEAMS,
    TUBE_PROCESSES,
    TUBES_INCH,
    TUBES_METRIC,
    WIRE_DIAMETERS,
    Finish,
    Grade,
)

__all__ = ["WAREHOUSES", "DemoCatalogue", "capacity", "generate"]

WAREHOUSES: tuple[tuple[str, str, str], ...] = (
    ("RTM", "Rotterdam", "Waalhaven Oostzijde 85, 3087 BM Rotterdam, Netherlands"),
    ("DUI", "Duisburg", "Hafenstraße 28, 47119 Duisburg, Germany"),
    ("MIL", "Milan", "Via Gallarate 205, 20151 Milano, Italy"),
)

# how likely each warehouse is to stock a family (Duisburg: carbon steel and beams; Milan: stainless and
# non-ferrous; Rotterdam, at the port: everything, most of the chemicals and bulk goods)
_STOCKED: dict[str, tuple[float, float, float]] = {
    "steel": (0.7, 0.95, 0.55),
    "stainless": (0.75, 0.6, 0.9),
    "aluminium": (0.8, 0.6, 0.8),
    "copper": (0.7, 0.5, 0.75),
    "brass": (0.6, 0.45, 0.8),
    "bronze": (0.5, 0.4, 0.6),
    "titanium": (0.5, 0.3, 0.6),
    "nickel": (0.45, 0.35, 0.5),
    "zinc": (0.7, 0.6, 0.4),
    "plastic": (0.85, 0.5, 0.6),
    "timber": (0.8, 0.6, 0.3),
    "bulk": (0.9, 0.7, 0.5),
    "chemical": (0.9, 0.6, 0.4),
}
_OUT_OF_STOCK = 0.07  # share of products with no stock anywhere

_FORM_CODES: dict[str, str] = {
    "sheet": "SH",
    "plate": "PL",
    "coil": "CO",
    "foil": "FO",
    "strip": "SR",
    "round_bar": "RB",
    "square_bar": "SB",
    "flat_bar": "FB",
    "hex_bar": "HB",
    "tube": "TU",
    "pipe": "PI",
    "square_tube": "SQT",
    "angle": "AN",
    "beam": "BM",
    "board": "BD",
    "timber_beam": "TBM",
    "wire": "WI",
    "ingot": "IN",
    "granules": "GR",
    "powder": "PW",
    "liquid": "LQ",
    "bulk": "BU",
}
_FORM_WORDS: dict[str, str] = {
    "sheet": "sheet",
    "plate": "plate",
    "coil": "coil",
    "foil": "foil",
    "strip": "strip",
    "round_bar": "round bar",
    "square_bar": "square bar",
    "flat_bar": "flat bar",
    "hex_bar": "hexagon bar",
    "tube": "tube",
    "pipe": "pipe",
    "square_tube": "square tube",
    "angle": "equal angle",
    "beam": "beam",
    "board": "board",
    "timber_beam": "beam",
    "wire": "wire",
    "ingot": "ingot",
    "granules": "granules",
    "powder": "powder",
    "liquid": "",
    "bulk": "",
}
# where a form's finishes are looked up: FINISHES[(grade | family, kind)]
_FINISH_KIND: dict[str, str] = {
    "sheet": "sheet",
    "plate": "plate",
    "coil": "coil",
    "foil": "foil",
    "strip": "flat",
    "round_bar": "long",
    "square_bar": "long",
    "flat_bar": "long",
    "hex_bar": "long",
    "tube": "hollow",
    "pipe": "hollow",
    "square_tube": "hollow",
    "angle": "hollow",
    "beam": "hollow",
    "wire": "wire",
}
_METALS = frozenset({"steel", "stainless", "aluminium", "copper", "brass", "bronze", "titanium", "nickel", "zinc"})


@dataclass(frozen=True, slots=True)
class Option:
    """One choice on one variant axis; the first option of every axis is the default and has code ""."""

    code: str  # appended to the SKU when chosen
    key: str  # the attribute it sets ("" none)
    value: str
    factor: int  # price multiplier, per mille
    cut: tuple[int, ...] = ()  # cut to (length,) or (width, length) mm
    length: int = 0  # another stock length (mm) of a long product
    increment_kg: int = 0  # coil weight: sold in whole coils of this many kg
    lead: int = 0  # extra lead-time days


_NO_CUT = Option("", "", "", 1000)
_BARS = frozenset({"round_bar", "square_bar", "flat_bar", "hex_bar", "angle"})


@dataclass(frozen=True, slots=True)
class _Item:
    """One base product: everything but the seeded numbers and the variant choices."""

    grade: Grade
    form: str
    dims: tuple[tuple[str, str], ...]
    sku: str
    sku_stem: str  # the SKU up to the stock length, for long products ("" otherwise)
    head: str  # name up to the dimensions: "Aluminium sheet 6061-T6"
    shape: str  # the dimensions as a name shows them
    tail: str  # after the dimensions: ", 200 L drum"
    stock_unit: str
    piece_name: str | None
    min_order: tuple[str, str] | None
    increment: tuple[str, str] | None
    axes: tuple[tuple[Option, ...], ...]
    factor: int  # form price multiplier, per mille
    attrs: tuple[tuple[str, str], ...]
    mass_m: float  # kg per metre (0: no such thing)
    mass_m2: float  # kg per m2
    mass_piece: float  # kg per piece
    to_stock: float  # stock units per price unit (e.g. kg per piece for a piece product priced per kg)
    stock_step: float  # stock is held in lots of this size (stock unit) ...
    stock_lots: int  # ... up to this many per warehouse
    remnant: bool  # part lots exist (cut remnants, part coils): stock has one decimal
    tiers: tuple[tuple[str, str], ...]  # min quantities (value, unit); the first is ("0", stock unit)
    cut_fee: str | None
    supply: str  # how it is sold, for the description


@dataclass(frozen=True, slots=True)
class DemoCatalogue:
    """Three warehouses and a lazy, exactly-sized iterator of product bodies (with `stock` per warehouse)."""

    warehouses: list[dict[str, str]]
    products: Iterator[dict[str, Any]]


# ---------------------------------------------------------------------------------------------------------
# geometry (floats: only used for prices, stock sizes and description text, never sent as numbers)


def _f(text: str) -> float:
    return float(text)


def _section_mm2(form: str, d: dict[str, str]) -> float:
    """Cross-section in mm2 of a long product (0 when it has none)."""
    if form in ("round_bar", "wire"):
        return math.pi * _f(d["diameter"]) ** 2 / 4
    if form == "square_bar":
        return _f(d["width"]) ** 2
    if form in ("flat_bar", "board", "timber_beam"):
        return _f(d["width"]) * _f(d["thickness"])
    if form == "hex_bar":
        return math.sqrt(3) / 2 * _f(d["width"]) ** 2
    if form in ("tube", "pipe"):
        od, wall = _f(d["outer_diameter"]), _f(d["wall"])
        return math.pi * (od**2 - (od - 2 * wall) ** 2) / 4
    if form == "square_tube":
        w, wall = _f(d["width"]), _f(d["wall"])
        return w**2 - (w - 2 * wall) ** 2
    if form == "angle":
        w, t = _f(d["width"]), _f(d["thickness"])
        return t * (2 * w - t)
    if form == "beam":
        h, b, tf, tw = _f(d["height"]), _f(d["width"]), _f(d["thickness"]), _f(d["wall"])
        return 2 * b * tf + (h - 2 * tf) * tw
    if form in ("coil", "strip", "foil") and "width" in d:
        return _f(d["thickness"]) * _f(d["width"])
    return 0.0


def _shape(form: str, d: dict[str, str], profile: str = "") -> str:
    """The dimensions as a supplier's catalogue writes them."""
    length = f" x {d['length']}" if "length" in d else ""
    if form in ("sheet", "plate", "board", "timber_beam"):
        return f"{d['thickness']} x {d['width']}{length} mm"
    if form in ("coil", "strip", "foil"):
        return f"{d['thickness']} x {d['width']} mm" if "width" in d else f"{d['thickness']} mm"
    if form in ("round_bar", "wire"):
        return f"Ø{d['diameter']}{length} mm"
    if form == "square_bar":
        return f"{d['width']} x {d['width']}{length} mm"
    if form == "hex_bar":
        return f"A/F {d['width']}{length} mm"
    if form == "flat_bar":
        return f"{d['width']} x {d['thickness']}{length} mm"
    if form in ("tube", "pipe"):
        return f"{d['outer_diameter']} x {d['wall']}{length} mm"
    if form == "square_tube":
        return f"{d['width']} x {d['width']} x {d['wall']}{length} mm"
    if form == "angle":
        return f"{d['width']} x {d['width']} x {d['thickness']}{length} mm"
    if form == "beam":
        return f"{profile}{length} mm"
    return ""


# ---------------------------------------------------------------------------------------------------------
# the base catalogue


def _options(key: str, table: tuple[Finish, ...], lead: dict[str, int] | None = None) -> tuple[Option, ...]:
    return tuple(Option(code, key, value, factor, lead=(lead or {}).get(code, 0)) for code, value, factor in table)


def _finishes(grade: Grade, form: str) -> tuple[Finish, ...] | None:
    kinds = (_FINISH_KIND.get(form, "any"), "flat" if form in ("sheet", "plate", "coil") else "", "any")
    for kind in kinds:
        for owner in (grade.grade, grade.family):
            found = FINISHES.get((owner, kind))
            if found is not None:
                return found
    return None


_OTHER_STOCK_LENGTHS: dict[int, tuple[int, ...]] = {
    1000: (2000, 3000),
    3000: (6000, 2000),
    5000: (6000, 3000),
    6000: (12000, 3000),
    12000: (6000, 8000),
}


def _lengths(stock_length: int) -> tuple[Option, ...]:
    """The length axis of a long product: its stock length, other stock lengths, then cut lengths."""
    others = _OTHER_STOCK_LENGTHS.get(stock_length, ())
    smallest = 50 if stock_length <= 1000 else 100 if stock_length <= 3000 else 250
    return (
        _NO_CUT,
        *(Option(f"SL{n}", "", "", 990 if n > stock_length else 1030, length=n) for n in others),
        *(
            Option(f"L{n}", "cut", f"cut to length {n} mm", 1150, cut=(n,), lead=1)
            for n in CUT_LENGTHS
            if smallest <= n < stock_length and n not in others
        ),
    )


def _cut_sizes(width: int, length: int) -> tuple[Option, ...]:
    return (
        _NO_CUT,
        *(
            Option(f"S{w}X{n}", "cut", f"cut to size {w} x {n} mm", 1200, cut=(w, n), lead=1)
            for w, n in CUT_SIZES
            if w <= width and n <= length and (w, n) != (width, length)
        ),
    )


def _axes(grade: Grade, form: str, cuts: tuple[Option, ...]) -> tuple[tuple[Option, ...], ...]:
    family = grade.family
    axes: list[tuple[Option, ...]] = []
    finishes = _finishes(grade, form)
    if family == "chemical":
        axes.append(_options("quality", QUALITIES[grade.grade]))
    elif finishes is not None:
        key = "finish"
        if family == "plastic":
            key = "compound" if grade.grade in ("PTFE", "PEEK") else "colour"
        axes.append(_options(key, finishes))
    if grade.grade in CONDITIONS:
        axes.append(_options("condition", CONDITIONS[grade.grade]))
    if form == "plate" and family in ("steel", "stainless"):
        axes.append(_options("tolerance", PLATE_TOLERANCES))
    if form in ("tube", "pipe") and family in ("steel", "stainless"):
        axes.append(_options("process", TUBE_PROCESSES))
    if form in ("sheet", "coil") and family in FILMS:
        axes.append(_options("film", FILMS[family]))
    if grade.grade in FILMS:
        axes.append(_options("film", FILMS[grade.grade]))
    if form == "wire":
        axes.append(
            tuple(
                Option(
                    "" if kg == 25 else f"CW{kg}",
                    "coil_weight",
                    f"{kg} kg coils",
                    1000 - min(kg, 250) // 5,
                    increment_kg=kg,
                )
                for kg in (25, 50, 100, 250, 500)
            )
        )
    if family in _METALS:
        axes.append(_options("certificate", CERTIFICATES["metal"], {"C32": 5}))
    elif family == "plastic":
        axes.append(_options("certificate", CERTIFICATES["plastic"]))
    elif family == "timber":
        axes.append(_options("certificate", CERTIFICATES["timber"]))
    if len(cuts) > 1:
        axes.append(cuts)
    return tuple(axes)


def _form_factor(grade: Grade, form: str, d: dict[str, str]) -> int:
    """Price multiplier (per mille) of a form against the grade's base price."""
    if grade.family == "zinc":
        return 1350 if form == "sheet" else 880
    if form == "sheet":
        return 1150 if _f(d["thickness"]) < 1 else 1080
    if form in ("round_bar", "square_bar", "hex_bar") and _f(d.get("diameter", d.get("width", "20"))) < 12:
        return 1200
    if form == "wire":
        return 1400 if _f(d["diameter"]) < 1 else 1200
    return {
        "plate": 1000,
        "coil": 920,
        "foil": 1500,
        "strip": 1100,
        "round_bar": 1050,
        "square_bar": 1080,
        "flat_bar": 1050,
        "hex_bar": 1120,
        "tube": 1150,
        "pipe": 1100,
        "square_tube": 1080,
        "angle": 1000,
        "beam": 950,
    }.get(form, 1000)


def _stock_mode(grade: Grade, form: str) -> tuple[str, str | None]:
    """(stock unit, piece name) of a metal, plastic or timber product."""
    family = grade.family
    if form == "sheet":
        return ("kg", "sheet") if family in ("steel", "zinc") else ("piece", "sheet")
    if form == "plate":
        return "kg", "sheet"
    if form == "coil":
        return "kg", "coil"
    if form == "foil":
        return "kg", None
    if form == "strip":
        return "m", None
    if form == "wire":
        return "kg", "coil"
    if form in ("board", "timber_beam"):
        return "piece", None
    if family == "plastic":
        return ("piece", "bar") if form == "round_bar" else ("m", None)
    if form == "beam":
        return "kg", None
    if form in ("tube", "pipe", "square_tube"):
        return ("kg", "bar") if family == "bronze" else ("m", None)
    if form == "angle":
        return ("kg", "bar") if family == "steel" else ("m", "bar")
    # solid bars
    return ("m", "bar") if family in ("aluminium", "brass") else ("kg", "bar")


def _stock_length(grade: Grade, form: str) -> str:
    if form == "beam":
        return "12000"
    if grade.family == "plastic":
        return "1000" if form == "round_bar" else "5000" if form == "pipe" else "3000"
    if grade.family in ("steel", "stainless") or (
        form in ("tube", "square_tube", "angle", "flat_bar") and grade.family == "aluminium"
    ):
        return "6000"
    return "3000"


def _sizes(grade: Grade, form: str) -> list[tuple[tuple[tuple[str, str], ...], str]]:
    """Every standard size of a (grade, form) as (dimensions, profile name)."""
    family, g = grade.family, grade.grade
    length = _stock_length(grade, form)
    out: list[tuple[tuple[tuple[str, str], ...], str]] = []

    def add(*pairs: tuple[str, str], profile: str = "") -> None:
        out.append((pairs, profile))

    if form == "sheet":
        if family == "timber":
            for t in PANEL_THICKNESS:
                for w, n in (*BOARD_FORMATS, ("1250", "2500")):
                    add(("thickness", t), ("width", w), ("length", n))
        elif family == "plastic":
            series = CLEAR_SHEET_THICKNESS if g in ("PMMA", "PC") else PLASTIC_SHEET_THICKNESS
            formats = (("1000", "2000"),) if g in ("PTFE", "PEEK") else (*BOARD_FORMATS, ("1000", "2000"))
            for t in series:
                for w, n in formats:
                    add(("thickness", t), ("width", w), ("length", n))
        else:
            limit = {"DX51D+Z275": 3.0, "430": 3.0, "Zn 99.995": 2.0, "C260": 3.0, "CuSn8": 3.0}.get(g, 99.0)
            formats = SHEET_FORMATS[:1] if family in ("zinc", "bronze", "nickel") else SHEET_FORMATS
            for t in SHEET_THICKNESS:
                if _f(t) <= limit:
                    for w, n in formats:
                        add(("thickness", t), ("width", w), ("length", n))
    elif form == "plate":
        formats = SHEET_FORMATS[1:] if family in ("titanium", "nickel") else SHEET_FORMATS
        for t in PLATE_THICKNESS:
            for w, n in formats:
                add(("thickness", t), ("width", w), ("length", n))
    elif form == "coil":
        widths = COIL_WIDTHS[:1] if family == "copper" else COIL_WIDTHS
        for t in COIL_THICKNESS:
            if not (family == "copper" and _f(t) > 2):
                for w in widths:
                    add(("thickness", t), ("width", w))
    elif form == "foil":
        for t in FOIL_THICKNESS:
            for w in FOIL_WIDTHS:
                add(("thickness", t), ("width", w))
    elif form == "strip":
        for t in STRIP_THICKNESS:
            for w in STRIP_WIDTHS:
                add(("thickness", t), ("width", w))
    elif form == "round_bar":
        for d in ROUND_DIAMETERS:
            add(("diameter", d), ("length", length))
    elif form == "square_bar":
        for w in SQUARE_SIDES:
            add(("width", w), ("length", length))
    elif form == "hex_bar":
        for w in HEX_ACROSS_FLATS:
            add(("width", w), ("length", length))
    elif form == "flat_bar":
        for w, t in FLAT_BARS:
            add(("width", w), ("thickness", t), ("length", length))
    elif form in ("tube", "pipe"):
        tubes: tuple[tuple[str, str], ...]
        if g == "PVC-U":
            tubes = PVC_PIPES_PN16
        elif g == "PTFE":
            tubes = PTFE_TUBES
        elif g == "C122":
            tubes = COPPER_TUBES_EN1057
        elif family == "bronze":
            tubes = BRONZE_HOLLOW_BARS
        elif form == "pipe":
            tubes = TUBES_METRIC
        else:
            tubes = (*TUBES_METRIC, *TUBES_INCH)
        for od, wall in tubes:
            add(("outer_diameter", od), ("wall", wall), ("length", length))
    elif form == "square_tube":
        for w, wall in SQUARE_TUBES:
            add(("width", w), ("wall", wall), ("length", length))
    elif form == "angle":
        for w, t in ANGLES:
            add(("width", w), ("thickness", t), ("length", length))
    elif form == "beam":
        for name, h, b, tf, tw in BEAMS:
            add(("height", h), ("width", b), ("thickness", tf), ("wall", tw), ("length", length), profile=name)
    elif form == "wire":
        for d in WIRE_DIAMETERS:
            add(("diameter", d))
    elif form == "board":
        for t, w in BOARDS:
            for n in BOARD_LENGTHS:
                add(("thickness", t), ("width", w), ("length", n))
    elif form == "timber_beam":
        for t, w in TIMBER_BEAMS:
            for n in TIMBER_BEAM_LENGTHS:
                add(("thickness", t), ("width", w), ("length", n))
    return out


def _base_attrs(grade: Grade, form: str, profile: str) -> list[tuple[str, str]]:
    attrs: list[tuple[str, str]] = []
    standard = STANDARDS.get((grade.grade, form)) or STANDARDS.get((grade.family, form)) or grade.standard
    if standard:
        attrs.append(("standard", standard))
    if grade.aliases:
        attrs.append(("alias", ", ".join(grade.aliases)))
    if profile:
        attrs.append(("profile", profile))
    attrs.extend(grade.extra)
    return attrs


_LONG_FORMS = frozenset(
    {"round_bar", "square_bar", "flat_bar", "hex_bar", "tube", "pipe", "square_tube", "angle", "beam"}
)


def _lots(piece_kg: float) -> int:
    """How many pieces a warehouse holds at most: about 4 t worth, 2 to 200 pieces."""
    return max(2, min(200, int(4000 / max(piece_kg, 1.0))))


def _long_supply(stock_unit: str, piece_name: str | None, mass_m: float, length: str) -> tuple[str, float, int]:
    """(how it is sold, stock lot size, most lots per warehouse) of a long product in stock lengths."""
    if stock_unit == "m":
        if not length:
            return f"sold by the metre ({mass_m:.3f} kg/m)", 50.0, 20
        return f"sold by the metre ({mass_m:.3f} kg/m), in {length} mm stock lengths", _f(length) / 1000, 40
    piece_kg = mass_m * _f(length) / 1000
    if stock_unit == "piece":
        return f"sold by the {piece_name or 'piece'} ({piece_kg:.2f} kg each)", 1.0, 12 if piece_kg > 100 else 60
    each = f"{length} mm {piece_name or 'length'}"
    return f"sold by weight ({mass_m:.3f} kg/m, {piece_kg:.2f} kg per {each})", piece_kg, _lots(piece_kg)


def _geometry_item(
    grade: Grade, form: str, dims: tuple[tuple[str, str], ...], profile: str, first_format: bool
) -> _Item:
    fam = FAMILY_INFO[grade.family]
    d = dict(dims)
    density = _f(grade.density)
    stock_unit, piece_name = _stock_mode(grade, form)
    mass_m = _section_mm2(form, d) * density / 1e6
    mass_m2 = _f(d["thickness"]) * density / 1000 if form in ("sheet", "plate", "coil", "foil") else 0.0
    length = _f(d["length"]) / 1000 if "length" in d else 0.0
    if form in ("sheet", "plate"):
        mass_piece = mass_m2 * _f(d["width"]) * _f(d["length"]) / 1e6
    else:
        mass_piece = mass_m * length
    # variants: cut blanks from the first sheet format; other stock lengths and cut lengths of long products
    cuts: tuple[Option, ...] = ()
    sku_stem = ""
    if form in ("sheet", "plate") and first_format:
        cuts = _cut_sizes(int(d["width"]), int(d["length"]))
    elif form in _LONG_FORMS:
        cuts = _lengths(int(d["length"]))
    min_order: tuple[str, str] | None = None
    increment: tuple[str, str] | None = None
    # stock lots and tier thresholds by how the product is held
    if stock_unit == "piece":
        to_stock, step, lots, remnant = mass_piece, 1.0, (12 if mass_piece > 100 else 60), False
        tiers = (
            (("0", "piece"), ("5", "piece"), ("20", "piece"))
            if mass_piece > 50
            else (("0", "piece"), ("10", "piece"), ("50", "piece"))
        )
        supply = f"sold by the {piece_name or 'piece'} ({mass_piece:.2f} kg each)"
    elif stock_unit == "m":
        to_stock, remnant = mass_m, True
        supply, step, lots = _long_supply(stock_unit, piece_name, mass_m, d.get("length", ""))
        min_order = ("1", "m")
        short = grade.family in ("titanium", "nickel", "bronze")
        tiers = (("0", "m"), ("30", "m"), ("120", "m")) if short else (("0", "m"), ("60", "m"), ("300", "m"))
    elif form == "coil":
        to_stock, step, lots, remnant = 1.0, 1000.0, 30, True
        min_order = ("1", "t")
        tiers = (("0", "kg"), ("5", "t"), ("20", "t"))
        supply = f"sold by weight, coils of 3 to 8 t ({mass_m2:.2f} kg/m²)"
    elif form == "foil":
        to_stock, step, lots, remnant = 1.0, 50.0, 30, True
        min_order = ("25", "kg")
        tiers = (("0", "kg"), ("250", "kg"), ("1", "t"))
        supply = f"sold by weight, rolls of about 50 kg ({mass_m2 * 1000:.1f} g/m²)"
    elif form == "wire":
        to_stock, step, lots, remnant = 1.0, 25.0, 80, False
        min_order, increment = ("25", "kg"), ("25", "kg")
        tiers = (("0", "kg"), ("250", "kg"), ("1", "t"))
        supply = f"sold by weight in whole coils ({mass_m * 1000:.2f} g/m)"
    else:  # kg, piece-shaped
        to_stock, remnant = 1.0, True
        heavy = mass_piece >= 200
        tiers = (("0", "kg"), ("1", "t"), ("5", "t")) if heavy else (("0", "kg"), ("500", "kg"), ("2", "t"))
        if mass_m2:
            step, lots = mass_piece, _lots(mass_piece)
            supply = f"sold by weight ({mass_m2:.2f} kg/m², {mass_piece:.2f} kg per {piece_name or 'piece'})"
        else:
            supply, step, lots = _long_supply(stock_unit, piece_name, mass_m, d["length"])
    head = f"{grade.label} {_FORM_WORDS[form]}" if grade.label else (f"{fam.display} {_FORM_WORDS[form]} {grade.grade}")
    size_code = "X".join(v for _, v in dims) if not profile else profile.replace(" ", "") + "X" + d["length"]
    sku = f"{fam.prefix}-{grade.code}-{_FORM_CODES[form]}-{size_code}"
    if form in _LONG_FORMS:
        sku_stem = sku[: -len(d["length"])]
    cut_fee = fam.cut_fee if form not in ("coil", "foil", "strip", "wire") else None
    return _Item(
        grade=grade,
        form=form,
        dims=dims,
        sku=sku,
        sku_stem=sku_stem,
        head=head,
        shape=_shape(form, d, profile),
        tail="",
        stock_unit=stock_unit,
        piece_name=piece_name,
        min_order=min_order,
        increment=increment,
        axes=_axes(grade, form, cuts),
        factor=_form_factor(grade, form, d),
        attrs=tuple(_base_attrs(grade, form, profile)),
        mass_m=mass_m,
        mass_m2=mass_m2,
        mass_piece=mass_piece,
        to_stock=to_stock,
        stock_step=step,
        stock_lots=lots,
        remnant=remnant,
        tiers=tiers,
        cut_fee=cut_fee,
        supply=supply,
    )


@dataclass(frozen=True, slots=True)
class _Pack:
    """How a product without geometry is packed and sold."""

    code: str  # size part of the SKU
    tail: str  # end of the name
    packaging: str  # the attribute
    unit: str  # stock unit
    piece: str | None
    min_order: tuple[str, str] | None
    increment: tuple[str, str] | None
    factor: int  # price multiplier, per mille
    step: float  # stock lot (stock unit)
    lots: int
    tiers: tuple[tuple[str, str], ...]
    remnant: bool = False


_KG_BAG_TIERS = (("0", "kg"), ("500", "kg"), ("2", "t"))
_BIG_BAG_TIERS = (("0", "kg"), ("5", "t"), ("20", "t"))
_T_BIG_BAG_TIERS = (("0", "t"), ("5", "t"), ("20", "t"))


def _packs(grade: Grade, form: str) -> list[_Pack]:
    kg25, t1 = ("25", "kg"), ("1", "t")
    if form == "ingot":
        return [
            _Pack(
                "25KG",
                ", 25 kg ingots",
                "ingots of about 25 kg",
                "kg",
                None,
                kg25,
                kg25,
                1000,
                25.0,
                400,
                _KG_BAG_TIERS,
            ),
            _Pack(
                "JUMBO1T",
                ", 1 t jumbo ingots",
                "jumbo ingots of about 1 t",
                "kg",
                None,
                t1,
                t1,
                980,
                1000.0,
                30,
                _BIG_BAG_TIERS,
            ),
        ]
    if form in ("granules", "powder"):
        big = "octabin" if form == "granules" else "big bag"
        return [
            _Pack(
                "BAG25KG",
                ", 25 kg bags",
                "25 kg bags, 40 bags (1 t) per pallet",
                "kg",
                "bag",
                kg25,
                kg25,
                1000,
                25.0,
                320,
                _KG_BAG_TIERS,
            ),
            _Pack(
                "OCTABIN" if form == "granules" else "BB1T",
                f", 1 t {big}",
                f"1 t {big}s",
                "kg",
                None,
                t1,
                t1,
                930,
                1000.0,
                25,
                _BIG_BAG_TIERS,
            ),
        ]
    if form == "liquid":
        packs = []
        for litres, what, piece, factor, lots in (
            (25, "can", None, 1350, 60),
            (200, "drum", "drum", 1100, 40),
            (1000, "IBC", None, 1000, 15),
        ):
            size = (str(litres), "L")
            tiers = (("0", "L"), (str(litres * 10), "L"), (str(litres * 40), "L"))
            plural = "s" if what != "IBC" else ""
            packs.append(
                _Pack(
                    f"{litres}L",
                    f", {litres} L {what}",
                    f"{litres} L {what}{plural}",
                    "L",
                    piece,
                    size,
                    size,
                    factor,
                    float(litres),
                    lots,
                    tiers,
                )
            )
        return packs
    if grade.code == "CEM1425R":
        return [
            _Pack(
                "BAG25KG",
                ", 25 kg bags",
                "25 kg paper bags, 56 bags per pallet",
                "kg",
                "bag",
                kg25,
                kg25,
                1550,
                25.0,
                1200,
                (("0", "kg"), ("1", "t"), ("10", "t")),
            ),
            _Pack("BB1T", ", 1 t big bags", "1 t big bags", "t", None, t1, t1, 1000, 1.0, 60, _T_BIG_BAG_TIERS),
            _Pack(
                "SILO",
                ", silo truck",
                "loose, pneumatic silo truck",
                "t",
                None,
                ("25", "t"),
                None,
                850,
                25.0,
                12,
                (("0", "t"), ("50", "t"), ("250", "t")),
                remnant=True,
            ),
        ]
    return [
        _Pack(
            "LOOSE",
            ", loose, tipper delivery",
            "loose, tipper truck",
            "t",
            None,
            t1,
            None,
            1000,
            25.0,
            60,
            (("0", "t"), ("10", "t"), ("25", "t")),
            remnant=True,
        ),
        _Pack("BB1T", ", 1 t big bags", "1 t big bags", "t", None, t1, t1, 1400, 1.0, 80, _T_BIG_BAG_TIERS),
    ]


def _packed_items(grade: Grade, form: str) -> list[_Item]:
    """Products without geometry: ingots, granules, powders, liquids, bulk goods, one per packaging."""
    fam = FAMILY_INFO[grade.family]
    if grade.family == "zinc":
        head = f"Zinc ingot {grade.grade} (SHG)"
    elif form == "granules":
        head = f"{grade.label} granules"
    else:
        head = grade.label or f"{fam.display} {_FORM_WORDS[form]} {grade.grade}"
    items: list[_Item] = []
    for pack in _packs(grade, form):
        attrs = [*_base_attrs(grade, form, ""), ("packaging", pack.packaging)]
        if grade.family == "chemical":
            attrs.append(("certificate", "certificate of analysis per batch"))
        sold = f"sold by the {pack.unit}" if pack.unit != "kg" else "sold by weight"
        # grade prices are per kg, L or t; cement in bags is stocked in kg but priced from its price per t
        to_stock = 0.001 if (grade.price_unit, pack.unit) == ("t", "kg") else 1.0
        factor = pack.factor * 300 // 1000 if form == "granules" else pack.factor  # granules: no forming cost
        items.append(
            _Item(
                grade=grade,
                form=form,
                dims=(),
                sku=f"{fam.prefix}-{grade.code}-{_FORM_CODES[form]}-{pack.code}",
                sku_stem="",
                head=head,
                shape="",
                tail=pack.tail,
                stock_unit=pack.unit,
                piece_name=pack.piece,
                min_order=pack.min_order,
                increment=pack.increment,
                axes=_axes(grade, form, ()),
                factor=factor,
                attrs=tuple(attrs),
                mass_m=0.0,
                mass_m2=0.0,
                mass_piece=0.0,
                to_stock=to_stock,
                stock_step=pack.step,
                stock_lots=pack.lots,
                remnant=pack.remnant,
                tiers=pack.tiers,
                cut_fee=None,
                supply=f"supplied in {pack.packaging}, {sold}",
            )
        )
    return items


@cache
def _base() -> tuple[_Item, ...]:
    """The base catalogue, interleaved round-robin over (grade, form) groups."""
    groups: list[list[_Item]] = []
    for grade in GRADES:
        for form in grade.forms:
            if form in ("ingot", "granules", "powder", "liquid", "bulk"):
                groups.append(_packed_items(grade, form))
                continue
            sizes = _sizes(grade, form)
            first = sizes[0][0] if sizes else ()
            first_format = dict(first).get("width"), dict(first).get("length")
            groups.append(
                [
                    _geometry_item(
                        grade, form, dims, profile, (dict(dims).get("width"), dict(dims).get("length")) == first_format
                    )
                    for dims, profile in sizes
                ]
            )
    ordered: list[_Item] = []
    longest = max(len(g) for g in groups)
    for i in range(longest):
        ordered.extend(g[i] for g in groups if i < len(g))
    for item in ordered:  # cheap guards, once: variant codes never collide, SKUs stay short
        codes = [o.code for axis in item.axes for o in axis if o.code]
        assert len(codes) == len(set(codes)), item.sku
        longest_sku = len(item.sku) + sum(1 + max(len(o.code) for o in axis) for axis in item.axes)
        assert longest_sku <= 64, item.sku
    return tuple(ordered)


def _signature(item: _Item) -> tuple[tuple[int, int], ...]:
    """Per axis: (number of options, index of the first cut option or the number of options)."""
    return tuple((len(axis), next((i for i, o in enumerate(axis) if o.cut), len(axis))) for axis in item.axes)


@cache
def _combos(signature: tuple[tuple[int, int], ...]) -> tuple[tuple[int, ...], ...]:
    """Every choice of one option per axis: stock variants before cut pieces, fewest changes first."""

    def order(choice: tuple[int, ...]) -> tuple[bool, int, tuple[int, ...]]:
        is_cut = any(i >= first_cut for i, (_, first_cut) in zip(choice, signature, strict=True))
        return is_cut, sum(1 for i in choice if i), choice

    return tuple(sorted(cartesian(*(range(n) for n, _ in signature)), key=order))


def _variant_count(item: _Item) -> int:
    return math.prod(len(axis) for axis in item.axes)


@cache
def capacity() -> int:
    """How many distinct products the generator can make."""
    return sum(_variant_count(item) for item in _base())


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


def _product(item: _Item, choice: tuple[int, ...], rng: random.Random) -> dict[str, Any]:
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
    shape, supply = item.shape, item.supply
    if stock_length:
        dims["length"] = str(stock_length)
        shape = _shape(item.form, dims, attributes.get("profile", ""))
        supply, step, lots = _long_supply(stock_unit, piece_name, item.mass_m, dims["length"])
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
            piece_name = "bar" if item.form in _BARS else None
        shape = _shape(item.form, dims, attributes.get("profile", ""))
        labels.append("cut to size" if len(cut) == 2 else "cut to length")
        stock_unit, min_order, increment = "piece", None, None
        to_stock, step, lots, remnant = mass, 1.0, (10 if mass > 100 else 40), False
        tiers = (("0", "piece"), ("5", "piece"), ("25", "piece"))
        supply = f"cut piece, sold by the piece ({mass:.2f} kg each)"
    elif increment_kg:
        min_order = increment = (str(increment_kg), "kg")
        step, lots = float(increment_kg), max(4, 2000 // increment_kg)

    # name and description
    name = f"{item.head} {shape}" if shape else item.head
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
    empty = rng.random() < _OUT_OF_STOCK
    for (code, _, _), chance in zip(WAREHOUSES, _STOCKED[family], strict=True):
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
        "density_kg_m3": grade.density,
        "dimensions_mm": dims,
        "stock_unit": stock_unit,
        "piece_name": piece_name,
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
    items = [(item, _combos(_signature(item))) for item in _base()]
    while made < count:
        for item, combos in items:
            if made == count:
                return
            yield _product(item, combos[layer], rng)
            made += 1
        layer += 1
        items = [(item, combos) for item, combos in items if len(combos) > layer]


def generate(products: int = 2000, seed: int = 42) -> DemoCatalogue:
    """Three warehouses and exactly `products` products (lazily); the same seed gives the same catalogue."""
    if products < 0:
        raise ValueError(f"products must be zero or more, got {products}")
    if products > capacity():
        raise ValueError(f"the demo catalogue has {capacity()} distinct products; {products} were asked for")
    warehouses = [{"code": code, "name": name, "address": address} for code, name, address in WAREHOUSES]
    return DemoCatalogue(warehouses=warehouses, products=_products(products, seed))
