"""The trade's vocabulary: families, forms and the dimensions each form needs (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

FAMILIES: tuple[str, ...] = (
    "steel",
    "stainless",
    "aluminium",
    "copper",
    "brass",
    "bronze",
    "titanium",
    "nickel",
    "zinc",
    "plastic",
    "timber",
    "bulk",
    "chemical",
)

DIMENSION_NAMES: tuple[str, ...] = (
    "thickness",
    "width",
    "length",
    "diameter",
    "outer_diameter",
    "wall",
    "height",
)  # the searchable sizes (a column each in the search index); radii, pitch, slopes and open areas are not
# the other dimensions some forms take: corner radii and flange slope (sections), bore (hollow bar), thread pitch,
# raised pattern (chequer plate), open area (expanded and perforated sheet). `flange_slope` and `open_area` are %,
# `section_area` (a tee's tabulated cross-section) is mm2.
DETAIL_NAMES: tuple[str, ...] = (
    "inner_diameter",
    "root_radius",
    "toe_radius",
    "outer_radius",
    "inner_radius",
    "flange_slope",
    "pitch",
    "pattern_height",
    "open_area",
    "section_area",
)
ALL_DIMENSION_NAMES: tuple[str, ...] = DIMENSION_NAMES + DETAIL_NAMES
# radii are optional on every rolled or hollow section: without them a section has the corners its standard
# gives by rule (hollow sections) or sharp corners (rolled sections), and the product says which it assumed
_SECTION_RADII = ("root_radius", "toe_radius")
_HOLLOW_RADII = ("outer_radius", "inner_radius")


@dataclass(frozen=True, slots=True)
class FormSpec:
    """What a form is and which dimensions (mm) it needs and may have."""

    name: str
    section: str  # how its cross-section or area is computed: see units.physics
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    default_piece_name: str = "piece"


# `section` names the geometry family:
#   "sheet"   flat goods: mass per m2 = thickness x density; a piece is thickness x width x length
#   "strip"   sheet sold by length: mass per metre = thickness x width x density
#   "round"   solid circle of `diameter`;  "square" solid square of side `width`
#   "rect"    solid rectangle `width` x `thickness` (flat bar, board, timber beam)
#   "hex"     hexagon `width` across flats;  "tube" ring `outer_diameter`, `wall`
#   "sqtube"  square hollow `width` side, `wall`;  "rhs" rectangular hollow `height` x `width`, `wall`
#   "angle"   L angle: legs `width` and `height` (= width when equal), `thickness`
#   "ibeam"   I-section `height`, `width` (flange), `thickness` (flange), `wall` (web)
#   "channel" U channel, dimensions as ibeam, with `flange_slope` (%) for tapered flanges
#   "tee"     T: flange `width` x `thickness`, `height` overall, `wall` (web, = thickness by default); an EN 10055
#             size also carries its table's `section_area` (mm2), which is its weight (the taper is not drawn here)
#   "hollow"  hollow bar: `outer_diameter`, `inner_diameter`
#   "thread"  threaded rod: nominal `diameter`, `pitch` (ISO 261 coarse by default)
#   "tread"   chequer plate: `thickness` (base) plus a raised pattern of `pattern_height`
#   "mesh"    expanded or perforated sheet: `thickness` with `open_area` (%) missing
#   "none"    no geometry: granules, powder, liquid, bulk (mass and volume only, by density)
# `open_area` and `flange_slope` are percentages, not mm: they live with the dimensions they qualify.
FORMS: dict[str, FormSpec] = {
    spec.name: spec
    for spec in (
        FormSpec("sheet", "sheet", ("thickness", "width", "length"), (), "sheet"),
        FormSpec("plate", "sheet", ("thickness", "width", "length"), (), "plate"),
        FormSpec("coil", "sheet", ("thickness", "width"), ("length",), "coil"),
        FormSpec("foil", "sheet", ("thickness",), ("width", "length"), "roll"),
        FormSpec("strip", "strip", ("thickness", "width"), ("length",), "strip"),
        FormSpec("round_bar", "round", ("diameter",), ("length",), "bar"),
        FormSpec("square_bar", "square", ("width",), ("length",), "bar"),
        FormSpec("flat_bar", "rect", ("width", "thickness"), ("length",), "bar"),
        FormSpec("hex_bar", "hex", ("width",), ("length",), "bar"),
        FormSpec("tube", "tube", ("outer_diameter", "wall"), ("length",), "tube"),
        FormSpec("pipe", "tube", ("outer_diameter", "wall"), ("length",), "pipe"),
        FormSpec("square_tube", "sqtube", ("width", "wall"), ("length", *_HOLLOW_RADII), "tube"),
        FormSpec("rectangular_tube", "rhs", ("height", "width", "wall"), ("length", *_HOLLOW_RADII), "tube"),
        FormSpec("angle", "angle", ("width", "thickness"), ("height", "length", *_SECTION_RADII), "bar"),
        FormSpec("beam", "ibeam", ("height", "width", "thickness", "wall"), ("length", "root_radius"), "beam"),
        FormSpec(
            "channel",
            "channel",
            ("height", "width", "thickness", "wall"),
            ("length", *_SECTION_RADII, "flange_slope"),
            "bar",
        ),
        FormSpec(
            "tee", "tee", ("height", "width", "thickness"), ("wall", "length", *_SECTION_RADII, "section_area"), "bar"
        ),
        FormSpec("hollow_bar", "hollow", ("outer_diameter", "inner_diameter"), ("length",), "bar"),
        FormSpec("threaded_rod", "thread", ("diameter",), ("pitch", "length"), "rod"),
        FormSpec("chequer_plate", "tread", ("thickness", "width", "length"), ("pattern_height",), "sheet"),
        FormSpec("expanded_sheet", "mesh", ("thickness", "width", "length", "open_area"), (), "sheet"),
        FormSpec("perforated_sheet", "mesh", ("thickness", "width", "length", "open_area"), (), "sheet"),
        FormSpec("board", "rect", ("width", "thickness"), ("length",), "board"),
        FormSpec("timber_beam", "rect", ("width", "thickness"), ("length",), "beam"),
        FormSpec("wire", "round", ("diameter",), ("length",), "coil"),
        FormSpec("ingot", "none", (), (), "ingot"),
        FormSpec("granules", "none", (), (), "bag"),
        FormSpec("powder", "none", (), (), "bag"),
        FormSpec("liquid", "none", (), (), "drum"),
        FormSpec("bulk", "none", (), (), "load"),
    )
}


def dimension_problems(form: str, dimensions: Mapping[str, Decimal]) -> list[tuple[str, str]]:
    """Every (field, message) wrong with a form's dimensions; empty when they make a real shape."""
    spec = FORMS.get(form)
    if spec is None:
        return [("form", f"unknown form '{form}'; known forms: {', '.join(sorted(FORMS))}")]
    problems: list[tuple[str, str]] = []
    allowed = set(spec.required) | set(spec.optional)
    for name in spec.required:
        if name not in dimensions:
            problems.append((f"dimensions_mm.{name}", f"a {form} needs '{name}' in mm"))
    for name, value in dimensions.items():
        field = f"dimensions_mm.{name}"
        if name not in allowed:
            takes = ", ".join(spec.required + spec.optional) or "no dimensions"
            problems.append((field, f"a {form} has no '{name}'; it takes {takes}"))
        elif not value.is_finite() or value <= 0:
            problems.append((field, f"'{name}' must be a positive number of mm, got {value}"))
    if problems:
        return problems
    problems += _shape_problems(form, spec.section, dimensions)
    return problems


def _shape_problems(form: str, section: str, dimensions: Mapping[str, Decimal]) -> list[tuple[str, str]]:
    """What makes positive dimensions still not a real shape."""
    problems: list[tuple[str, str]] = []
    if "open_area" in dimensions and dimensions["open_area"] >= 100:
        problems.append(("dimensions_mm.open_area", "the open area is a percentage of the sheet, below 100"))
    if "section_area" in dimensions and dimensions["section_area"] >= dimensions["height"] * dimensions["width"]:
        problems.append(("dimensions_mm.section_area", "a tee's section area (mm2) must be less than height x width"))
    if "flange_slope" in dimensions and dimensions["flange_slope"] >= 50:
        problems.append(("dimensions_mm.flange_slope", "the flange slope is a percentage, e.g. 8 for UPN 80-300"))
    if section == "hollow" and dimensions["inner_diameter"] >= dimensions["outer_diameter"]:
        problems.append(("dimensions_mm.inner_diameter", "a hollow bar's bore must be less than its outside diameter"))
    if section == "thread" and dimensions.get("pitch", Decimal(0)) * 2 >= dimensions["diameter"]:
        problems.append(("dimensions_mm.pitch", "the thread pitch must be less than half the diameter"))
    wall = dimensions.get("wall")
    if section in ("tube", "sqtube", "rhs") and wall is not None:
        outer = dimensions["outer_diameter"] if section == "tube" else dimensions["width"]
        if section == "rhs":
            outer = min(outer, dimensions["height"])
        if wall * 2 >= outer:
            message = f"the wall ({wall} mm) must be less than half the outside size ({outer} mm)"
            problems.append(("dimensions_mm.wall", message))
    legs = (
        min(dimensions["width"], dimensions.get("height", dimensions["width"])) if section in ("angle", "tee") else None
    )
    if legs is not None and dimensions["thickness"] >= legs:
        what = "an angle's thickness must be less than its leg width" if section == "angle" else "a tee's thickness"
        problems.append(
            ("dimensions_mm.thickness", what if section == "angle" else f"{what} must be less than its size")
        )
    if section in ("ibeam", "channel"):
        if dimensions["thickness"] * 2 >= dimensions["height"]:
            problems.append(
                ("dimensions_mm.thickness", f"a {form}'s flanges (2 x thickness) must be less than its height")
            )
        if dimensions["wall"] >= dimensions["width"]:
            problems.append(("dimensions_mm.wall", "a beam's web (wall) must be thinner than its flange width"))
    outer_r, inner_r = dimensions.get("outer_radius"), dimensions.get("inner_radius")
    if outer_r is not None and inner_r is not None and inner_r >= outer_r:
        problems.append(("dimensions_mm.inner_radius", "the inner corner radius must be less than the outer one"))
    return problems
