"""Base products of the demo catalogue: one per (grade, form, standard size) or per packaging.

The base catalogue is interleaved round-robin over the (grade, form) groups, so any prefix of a few hundred
products already holds every family and every form.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from steelyard.demo.profiles import FLAT_FORMS, PROFILE_SKU_FORMS, RADII, flat_thickness
from steelyard.demo.shapes import f, section_mm2, shape, sizes
from steelyard.demo.tables import FAMILY_INFO, FORM_CODES, FORM_WORDS, GRADES, PACKS, STANDARDS, Grade
from steelyard.demo.variants import Option, axes, cut_sizes, lengths

BARS = frozenset({"round_bar", "square_bar", "flat_bar", "hex_bar", "angle", "channel", "tee", "hollow_bar"})
SHEETS = frozenset({"sheet", "plate", *FLAT_FORMS})
PACKED_FORMS = frozenset({"ingot", "granules", "powder", "liquid", "bulk"})


@dataclass(frozen=True, slots=True)
class Item:
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
    profile: str = ""  # the designation the API fills the dimensions from ("" none)
    content: tuple[str, str] | None = None  # what one piece holds when the dimensions do not say (25 kg a bag)


def form_factor(grade: Grade, form: str, d: dict[str, str]) -> int:
    """Price multiplier (per mille) of a form against the grade's base price."""
    if grade.family == "zinc":
        return 1350 if form == "sheet" else 880
    if form == "sheet":
        return 1150 if f(d["thickness"]) < 1 else 1080
    if form in ("round_bar", "square_bar", "hex_bar") and f(d.get("diameter", d.get("width", "20"))) < 12:
        return 1200
    if form == "wire":
        return 1400 if f(d["diameter"]) < 1 else 1200
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
        "channel": 980,
        "rectangular_tube": 1080,
        "tee": 1150,
        "hollow_bar": 1200,
        "threaded_rod": 1600,
        "chequer_plate": 1120,
        "expanded_sheet": 1500,
        "perforated_sheet": 1700,
    }.get(form, 1000)


def stock_mode(grade: Grade, form: str) -> tuple[str, str | None]:
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
    if form in ("board", "timber_beam", "expanded_sheet", "perforated_sheet"):
        return "piece", ("sheet" if form.endswith("sheet") else None)
    if form == "chequer_plate":
        return "kg", "sheet"
    if form == "threaded_rod":
        return "piece", "rod"
    if form in ("channel", "tee", "hollow_bar"):
        return "kg", "bar"
    if form == "rectangular_tube":
        return "m", None
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


def base_attrs(grade: Grade, form: str, profile: str) -> list[tuple[str, str]]:
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


LONG_FORMS = frozenset(
    {"round_bar", "square_bar", "flat_bar", "hex_bar", "tube", "pipe", "square_tube", "angle", "beam"}
    | {"channel", "rectangular_tube", "tee", "hollow_bar", "threaded_rod"}
)


def lots_of(piece_kg: float) -> int:
    """How many pieces a warehouse holds at most: about 4 t worth, 2 to 200 pieces."""
    return max(2, min(200, int(4000 / max(piece_kg, 1.0))))


def long_supply(stock_unit: str, piece_name: str | None, mass_m: float, length: str) -> tuple[str, float, int]:
    """(how it is sold, stock lot size, most lots per warehouse) of a long product in stock lengths."""
    if stock_unit == "m":
        if not length:
            return f"sold by the metre ({mass_m:.3f} kg/m)", 50.0, 20
        return f"sold by the metre ({mass_m:.3f} kg/m), in {length} mm stock lengths", f(length) / 1000, 40
    piece_kg = mass_m * f(length) / 1000
    if stock_unit == "piece":
        return f"sold by the {piece_name or 'piece'} ({piece_kg:.2f} kg each)", 1.0, 12 if piece_kg > 100 else 60
    each = f"{length} mm {piece_name or 'length'}"
    return f"sold by weight ({mass_m:.3f} kg/m, {piece_kg:.2f} kg per {each})", piece_kg, lots_of(piece_kg)


def geometry_item(grade: Grade, form: str, dims: tuple[tuple[str, str], ...], profile: str, first_format: bool) -> Item:
    fam = FAMILY_INFO[grade.family]
    d = dict(dims)
    density = f(grade.density)
    stock_unit, piece_name = stock_mode(grade, form)
    mass_m = section_mm2(form, d) * density / 1e6
    mass_m2 = f(d["thickness"]) * density / 1000 if form in ("sheet", "plate", "coil", "foil") else 0.0
    if form in FLAT_FORMS:
        mass_m2 = flat_thickness(form, d) * density / 1000
    length = f(d["length"]) / 1000 if "length" in d else 0.0
    flat = form in SHEETS
    mass_piece = mass_m2 * f(d["width"]) * f(d["length"]) / 1e6 if flat else mass_m * length
    # variants: cut blanks from the first sheet format; other stock lengths and cut lengths of long products
    cuts: tuple[Option, ...] = ()
    sku_stem = ""
    if flat and first_format:
        cuts = cut_sizes(int(d["width"]), int(d["length"]))
    elif form in LONG_FORMS:
        cuts = lengths(int(d["length"]))
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
        supply, step, lots = long_supply(stock_unit, piece_name, mass_m, d.get("length", ""))
        min_order = ("1", "m")
        short = grade.family in ("titanium", "nickel", "bronze")
        tiers = (("0", "m"), ("30", "m"), ("120", "m")) if short else (("0", "m"), ("60", "m"), ("300", "m"))
    elif form == "coil":
        to_stock, step, lots, remnant = 1.0, 1000.0, 30, True
        min_order = ("1", "t")
        tiers = (("0", "kg"), ("5", "t"), ("20", "t"))
        supply = f"sold by weight, coils of 3 to 8 t, about 5 t a coil ({mass_m2:.2f} kg/m²)"
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
            step, lots = mass_piece, lots_of(mass_piece)
            supply = f"sold by weight ({mass_m2:.2f} kg/m², {mass_piece:.2f} kg per {piece_name or 'piece'})"
        else:
            supply, step, lots = long_supply(stock_unit, piece_name, mass_m, d["length"])
    words = "unequal angle" if form == "angle" and "height" in d else FORM_WORDS[form]
    head = f"{grade.label} {words}" if grade.label else f"{fam.display} {words} {grade.grade}"
    if form in PROFILE_SKU_FORMS and profile:
        size_code = profile.replace(" ", "").upper() + "X" + d["length"]
    else:  # the sizes the trade names it by; radii and slopes are the standard's, not part of the name
        size_code = "X".join(v for k, v in dims if k not in RADII)
    sku = f"{fam.prefix}-{grade.code}-{FORM_CODES[form]}-{size_code}"
    if form in LONG_FORMS:
        sku_stem = sku[: -len(d["length"])]
    cut_fee = fam.cut_fee if form not in ("coil", "foil", "strip", "wire") else None
    return Item(
        grade=grade,
        form=form,
        dims=dims,
        sku=sku,
        sku_stem=sku_stem,
        head=head,
        shape=shape(form, d, profile),
        tail="",
        stock_unit=stock_unit,
        piece_name=piece_name,
        min_order=min_order,
        increment=increment,
        axes=axes(grade, form, cuts),
        factor=form_factor(grade, form, d),
        attrs=tuple(base_attrs(grade, form, profile)),
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
        profile=profile,
        content=("5", "t") if form == "coil" else ("25", "kg") if form == "wire" else None,
    )


def packed_items(grade: Grade, form: str) -> list[Item]:
    """Products without geometry: ingots, granules, powders, liquids, bulk goods, one per packaging."""
    fam = FAMILY_INFO[grade.family]
    if grade.family == "zinc":
        head = f"Zinc ingot {grade.grade} (SHG)"
    elif form == "granules":
        head = f"{grade.label} granules"
    else:
        head = grade.label or f"{fam.display} {FORM_WORDS[form]} {grade.grade}"
    items: list[Item] = []
    for pack in PACKS[grade.packs or form]:
        attrs = [*base_attrs(grade, form, ""), ("packaging", pack.packaging)]
        if grade.family == "chemical":
            attrs.append(("certificate", "certificate of analysis per batch"))
        sold = f"sold by the {pack.unit}" if pack.unit != "kg" else "sold by weight"
        # grade prices are per kg, L or t; cement in bags is stocked in kg but priced from its price per t
        to_stock = 0.001 if (grade.price_unit, pack.unit) == ("t", "kg") else 1.0
        factor = pack.factor * 300 // 1000 if form == "granules" else pack.factor  # granules: no forming cost
        items.append(
            Item(
                grade=grade,
                form=form,
                dims=(),
                sku=f"{fam.prefix}-{grade.code}-{FORM_CODES[form]}-{pack.code}",
                sku_stem="",
                head=head,
                shape="",
                tail=pack.tail,
                stock_unit=pack.unit,
                piece_name=pack.piece,
                min_order=pack.min_order,
                increment=pack.increment,
                axes=axes(grade, form, ()),
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
                content=pack.content,
            )
        )
    return items


@cache
def base() -> tuple[Item, ...]:
    """The base catalogue, interleaved round-robin over (grade, form) groups."""
    groups: list[list[Item]] = []
    for grade in GRADES:
        for form in grade.forms:
            if form in PACKED_FORMS:
                groups.append(packed_items(grade, form))
                continue
            series = sizes(grade, form)
            first = series[0][0] if series else ()
            first_format = dict(first).get("width"), dict(first).get("length")
            groups.append(
                [
                    geometry_item(
                        grade, form, dims, profile, (dict(dims).get("width"), dict(dims).get("length")) == first_format
                    )
                    for dims, profile in series
                ]
            )
    ordered: list[Item] = []
    longest = max(len(g) for g in groups)
    for i in range(longest):
        ordered.extend(g[i] for g in groups if i < len(g))
    for item in ordered:  # cheap guards, once: variant codes never collide, SKUs stay short
        codes = [o.code for axis in item.axes for o in axis if o.code]
        assert len(codes) == len(set(codes)), item.sku
        longest_sku = len(item.sku) + sum(1 + max(len(o.code) for o in axis) for axis in item.axes)
        assert longest_sku <= 64, item.sku
    return tuple(ordered)
