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
)


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
#   "sqtube"  square hollow `width` side, `wall`;  "angle" equal angle `width` leg, `thickness`
#   "ibeam"   I-section `height`, `width` (flange), `thickness` (flange), `wall` (web)
#   "none"    no geometry: granules, powder, liquid, bulk (mass and volume only, by density)
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
        FormSpec("square_tube", "sqtube", ("width", "wall"), ("length",), "tube"),
        FormSpec("angle", "angle", ("width", "thickness"), ("length",), "bar"),
        FormSpec("beam", "ibeam", ("height", "width", "thickness", "wall"), ("length",), "beam"),
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
    wall = dimensions.get("wall")
    if spec.section in ("tube", "sqtube") and wall is not None:
        outer = dimensions["outer_diameter"] if spec.section == "tube" else dimensions["width"]
        if wall * 2 >= outer:
            message = f"the wall ({wall} mm) must be less than half the outside size ({outer} mm)"
            problems.append(("dimensions_mm.wall", message))
    if spec.section == "angle" and dimensions["thickness"] >= dimensions["width"]:
        problems.append(("dimensions_mm.thickness", "an angle's thickness must be less than its leg width"))
    if spec.section == "ibeam":
        if dimensions["thickness"] * 2 >= dimensions["height"]:
            problems.append(
                ("dimensions_mm.thickness", "a beam's flanges (2 x thickness) must be less than its height")
            )
        if dimensions["wall"] >= dimensions["width"]:
            problems.append(("dimensions_mm.wall", "a beam's web (wall) must be thinner than its flange width"))
    return problems
