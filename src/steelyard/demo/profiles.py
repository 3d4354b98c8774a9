"""The demo's sections by designation and its wave-2 forms: sizes, names and the masses its prices start from.

Sections named by their standard's designation (IPE 200, UPN 100, L 60x40x6, SHS 40x40x3, T 50x50x6) take every
dimension and radius from `steelyard.units.sections`, exactly as the API fills them for a `profile`; their mass
per metre is the units package's own, so the demo's prices and stock lengths follow the real corners.
"""

from __future__ import annotations

from decimal import Decimal

from steelyard.demo.tables import SIZES as S
from steelyard.demo.tables import Grade
from steelyard.errors import InvalidInput
from steelyard.units import FORMS, PI, cross_section_mm2
from steelyard.units.quantity import format_decimal
from steelyard.units.sections import find_profile
from steelyard.units.sections.rules import effective_thickness

Dims = tuple[tuple[str, str], ...]
# forms whose cross-section the units package computes (corners, tapers, threads)
SECTION_FORMS = frozenset(
    {"square_tube", "rectangular_tube", "angle", "beam", "channel", "tee", "hollow_bar", "threaded_rod"}
)
FLAT_FORMS = frozenset({"chequer_plate", "expanded_sheet", "perforated_sheet"})
PROFILE_SKU_FORMS = frozenset({"beam", "channel", "tee"})  # their SKU names the designation, not the sizes
RADII = frozenset({"root_radius", "toe_radius", "outer_radius", "inner_radius", "flange_slope"})
_STAGGERED = Decimal(100) * PI / (2 * Decimal(3).sqrt())  # DIN 24041 Rv: open area % = 90.69 (d / pitch)^2


def _dims(d: dict[str, str]) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in d.items()}


def section_mm2(form: str, d: dict[str, str]) -> float:
    """Cross-section (mm2) with the real corners, as the units package computes it."""
    return float(cross_section_mm2(FORMS[form].section, _dims(d)))


def flat_thickness(form: str, d: dict[str, str]) -> float:
    """The solid thickness (mm) one m2 of a patterned or open sheet weighs as."""
    return float(effective_thickness(FORMS[form].section, _dims(d)))


def designated(designation: str, length: str) -> tuple[Dims, str] | None:
    """(dimensions with the table's radii, profile name) of a designation, None when no table has it."""
    try:
        section = find_profile(designation)
    except InvalidInput:
        return None
    dims = tuple((k, format_decimal(v)) for k, v in section.dimensions_mm.items())
    return (*dims, ("length", length)), section.name


def open_area(hole: str, pitch: str) -> str:
    """Open area (%) of round holes on a 60-degree staggered pitch (DIN 24041 Rv), to one decimal."""
    return format_decimal((_STAGGERED * (Decimal(hole) / Decimal(pitch)) ** 2).quantize(Decimal("0.1")))


def profile_sizes(grade: Grade, form: str, length: str) -> list[tuple[Dims, str]] | None:
    """Every standard size of a section or wave-2 form, or None for the forms shapes.sizes handles."""
    steel = grade.family == "steel"
    names: list[str] = []
    if form == "beam":
        names = list(S["beams"])
    elif form == "channel":
        names = list(S["channels"])
    elif form == "tee":
        names = list(S["tees"])
    elif form == "rectangular_tube":
        names = list(S["rectangular_tubes"])
    elif form == "angle" and steel:
        names = [f"L {w}x{w}x{t}" for w, t in S["angles"]] + list(S["unequal_angles"])
    elif form == "square_tube" and steel:
        names = [f"SHS {w}x{w}x{wall}" for w, wall in S["square_tubes"]]
    if names:
        out = []
        for name in names:
            found = designated(name, length)
            if found is None:  # not in the tables (L 20x20x3): by its sizes, the corner rule says what is assumed
                a, t = name.replace("x", " ").split()[1::2]
                found = ((("width", a), ("thickness", t), ("length", length)), "")
            out.append(found)
        return out
    formats = S["sheet_formats"]
    if form == "hollow_bar":
        return [
            ((("outer_diameter", od), ("inner_diameter", bore), ("length", length)), "")
            for od, bore in S["hollow_bars"]
        ]
    if form == "threaded_rod":
        return [((("diameter", d), ("length", length)), "") for d in S["threaded_rods"]]
    if form == "chequer_plate":
        series = S["chequer_plates"] if steel else S["tread_plates_aluminium"]
        return [
            ((("thickness", t), ("pattern_height", p), ("width", w), ("length", n)), "")
            for t, p in series
            for w, n in formats[1:]
        ]
    if form == "expanded_sheet":
        return [
            ((("thickness", t), ("width", w), ("length", n), ("open_area", oa)), "")
            for t, oa in S["expanded_sheets"]
            for w, n in formats[:2]
        ]
    if form == "perforated_sheet":
        return [
            ((("thickness", t), ("width", w), ("length", n), ("open_area", open_area(hole, pitch))), "")
            for _, hole, pitch in S["perforated_patterns"]
            for t in S["perforated_thickness"]
            for w, n in formats[:1]
        ]
    return None


def profile_shape(form: str, d: dict[str, str], profile: str, length: str) -> str | None:
    """How a catalogue writes the sizes of a section or wave-2 form (None: shapes.shape handles it)."""
    if form in PROFILE_SKU_FORMS:
        return f"{profile}{length} mm"
    if form == "angle":
        return f"{d['width']} x {d.get('height', d['width'])} x {d['thickness']}{length} mm"
    if form == "rectangular_tube":
        return f"{d['height']} x {d['width']} x {d['wall']}{length} mm"
    if form == "hollow_bar":
        return f"{d['outer_diameter']} x {d['inner_diameter']}{length} mm"
    if form == "threaded_rod":
        return f"M{d['diameter']}{length} mm"
    if form == "chequer_plate":
        overall = format_decimal(Decimal(d["thickness"]) + Decimal(d["pattern_height"]))
        return f"{d['thickness']}/{overall} x {d['width']}{length} mm"
    if form in ("expanded_sheet", "perforated_sheet"):
        return f"{d['thickness']} x {d['width']}{length} mm, {d['open_area']} % open area"
    return None
