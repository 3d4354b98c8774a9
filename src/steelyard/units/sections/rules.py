"""Cross-sections and per-area thicknesses of the sections and sheets added in wave 2, with the corner rule used.

The physics asks `area_mm2(section, dims)` for long products and `effective_thickness(section, dims)` for flat
ones; `corner_rule(section, dims)` says in words what was assumed when the dimensions gave no radii.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from steelyard.units.registry import CONTEXT
from steelyard.units.sections import geometry
from steelyard.units.sections.geometry import COLD_FORMED, PI, hollow_radii, hollow_rule

_C: Final = CONTEXT
_QUARTER_PI: Final = _C.divide(PI, 4)
_HUNDRED: Final = Decimal(100)
# ISO 261 coarse pitches (mm) by nominal diameter, for threaded rod given without a pitch
COARSE_PITCH: Final[dict[Decimal, Decimal]] = {
    Decimal(d): Decimal(p)
    for d, p in (
        ("3", "0.5"), ("4", "0.7"), ("5", "0.8"), ("6", "1"), ("8", "1.25"), ("10", "1.5"), ("12", "1.75"),
        ("14", "2"), ("16", "2"), ("18", "2.5"), ("20", "2.5"), ("22", "2.5"), ("24", "3"), ("27", "3"),
        ("30", "3.5"), ("33", "3.5"), ("36", "4"), ("42", "4.5"), ("48", "5"), ("56", "5.5"), ("64", "6"),
    )
}  # fmt: skip
_PITCH_DIAMETER: Final = Decimal("0.649519052838329")  # ISO 724: d2 = d - 0.649519 P (= 3 sqrt(3) / 8 P)
PATTERN_SHARE: Final = Decimal("0.2")  # chequer pattern: raised lentils cover about a fifth of the plate
DEFAULT_PATTERN_HEIGHT: Final = Decimal(2)

SECTIONS: Final = frozenset({"rhs", "channel", "tee", "hollow", "thread"})
FLAT: Final = frozenset({"tread", "mesh"})


def pitch_of(dims: Mapping[str, Decimal]) -> Decimal:
    """The rod's pitch: given, else ISO 261 coarse for its size, else the nearest smaller size's."""
    if "pitch" in dims:
        return dims["pitch"]
    d = dims["diameter"]
    sizes = [size for size in COARSE_PITCH if size <= d]
    return COARSE_PITCH[max(sizes)] if sizes else _C.divide(d, 6)


def area_mm2(section: str, d: Mapping[str, Decimal]) -> Decimal:
    """Cross-section (mm2) of a section, its corners included."""
    if "section_area" in d:  # the standard's tabulated area, where its drawing (tapers) is not modelled here
        return d["section_area"]
    if section == "ibeam":
        return geometry.i_section(d)
    if section == "channel":
        return geometry.channel(d)
    if section == "angle":
        return geometry.angle(d)
    if section == "tee":
        return geometry.tee(d)
    if section in ("sqtube", "rhs"):
        wall, width = d["wall"], d["width"]
        default_outer = hollow_radii(COLD_FORMED, wall)[0]
        outer = d.get("outer_radius", default_outer)
        inner = d.get("inner_radius", max(_C.subtract(outer, wall), Decimal(0)))
        return geometry.rect_hollow(d.get("height", width), width, wall, outer, inner)
    if section == "hollow":  # pi (D^2 - d^2) / 4
        outer, bore = d["outer_diameter"], d["inner_diameter"]
        return _C.multiply(_QUARTER_PI, _C.multiply(_C.add(outer, bore), _C.subtract(outer, bore)))
    if section == "thread":  # a rolled thread displaces metal: the rod weighs what its pitch-diameter blank does
        d2 = _C.subtract(d["diameter"], _C.multiply(_PITCH_DIAMETER, pitch_of(d)))
        return _C.multiply(_QUARTER_PI, _C.multiply(d2, d2))
    raise ValueError(f"section '{section}' has no cross-section here")


def effective_thickness(section: str, d: Mapping[str, Decimal]) -> Decimal:
    """The solid thickness (mm) that weighs what one m2 of a patterned or open sheet does."""
    if section == "tread":
        pattern = d.get("pattern_height", DEFAULT_PATTERN_HEIGHT)
        return _C.add(d["thickness"], _C.multiply(pattern, PATTERN_SHARE))
    if section == "mesh":
        return _C.multiply(d["thickness"], _C.divide(_C.subtract(_HUNDRED, d["open_area"]), _HUNDRED))
    return d["thickness"]


def corner_rule(section: str, d: Mapping[str, Decimal]) -> str | None:
    """What the mass assumes about corners or patterns the dimensions did not give; None when nothing was."""
    if section in ("sqtube", "rhs") and "outer_radius" not in d:
        return hollow_rule(COLD_FORMED) + " (no outer_radius given)"
    if section in ("ibeam", "channel", "angle", "tee") and "root_radius" not in d:
        return "sharp corners: no root_radius given, so rolled fillets are not counted (give the profile or radii)"
    if section == "thread" and "pitch" not in d:
        return f"ISO 261 coarse pitch {pitch_of(d)} mm; mass of the pitch-diameter blank (ISO 724 d2)"
    if section == "tread" and "pattern_height" not in d:
        return f"chequer pattern {DEFAULT_PATTERN_HEIGHT} mm high over a fifth of the plate"
    return None
