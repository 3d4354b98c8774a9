"""The demo catalogue's geometry: standard sizes per (grade, form), names of sizes, cross-sections.

Floats here only feed prices, stock sizes and description text; they are never sent as numbers.
"""

from __future__ import annotations

import math

from steelyard.demo.profiles import SECTION_FORMS, Dims, profile_shape, profile_sizes
from steelyard.demo.profiles import section_mm2 as real_section_mm2
from steelyard.demo.tables import SIZES as S
from steelyard.demo.tables import Grade


def f(text: str) -> float:
    return float(text)


def section_mm2(form: str, d: dict[str, str]) -> float:
    """Cross-section in mm2 of a long product (0 when it has none)."""
    if form in SECTION_FORMS:
        return real_section_mm2(form, d)
    if form in ("round_bar", "wire"):
        return math.pi * f(d["diameter"]) ** 2 / 4
    if form == "square_bar":
        return f(d["width"]) ** 2
    if form in ("flat_bar", "board", "timber_beam"):
        return f(d["width"]) * f(d["thickness"])
    if form == "hex_bar":
        return math.sqrt(3) / 2 * f(d["width"]) ** 2
    if form in ("tube", "pipe"):
        od, wall = f(d["outer_diameter"]), f(d["wall"])
        return math.pi * (od**2 - (od - 2 * wall) ** 2) / 4
    if form in ("coil", "strip", "foil") and "width" in d:
        return f(d["thickness"]) * f(d["width"])
    return 0.0


def shape(form: str, d: dict[str, str], profile: str = "") -> str:
    """The dimensions as a supplier's catalogue writes them."""
    length = f" x {d['length']}" if "length" in d else ""
    special = profile_shape(form, d, profile, length)
    if special is not None:
        return special
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
    return ""


def stock_length(grade: Grade, form: str) -> str:
    if form == "beam":
        return "12000"
    if grade.family == "plastic":
        return "1000" if form == "round_bar" else "5000" if form == "pipe" else "3000"
    if grade.family in ("steel", "stainless") or (
        form in ("tube", "square_tube", "angle", "flat_bar") and grade.family == "aluminium"
    ):
        return "6000"
    return "3000"


def sizes(grade: Grade, form: str) -> list[tuple[Dims, str]]:
    """Every standard size of a (grade, form) as (dimensions, profile name)."""
    family, g = grade.family, grade.grade
    length = stock_length(grade, form)
    out: list[tuple[Dims, str]] = []

    def add(*pairs: tuple[str, str], profile: str = "") -> None:
        out.append((pairs, profile))

    designated = profile_sizes(grade, form, "1000" if form == "threaded_rod" else length)
    if designated is not None:
        return designated
    if form == "sheet":
        if family == "timber":
            for t in S["panel_thickness"]:
                for w, n in (*S["board_formats"], ("1250", "2500")):
                    add(("thickness", t), ("width", w), ("length", n))
        elif family == "plastic":
            series = S["clear_sheet_thickness"] if g in ("PMMA", "PC") else S["plastic_sheet_thickness"]
            formats = (("1000", "2000"),) if g in ("PTFE", "PEEK") else (*S["board_formats"], ("1000", "2000"))
            for t in series:
                for w, n in formats:
                    add(("thickness", t), ("width", w), ("length", n))
        else:
            limit = {"DX51D+Z275": 3.0, "430": 3.0, "Zn 99.995": 2.0, "C260": 3.0, "CuSn8": 3.0}.get(g, 99.0)
            formats = S["sheet_formats"][:1] if family in ("zinc", "bronze", "nickel") else S["sheet_formats"]
            for t in S["sheet_thickness"]:
                if f(t) <= limit:
                    for w, n in formats:
                        add(("thickness", t), ("width", w), ("length", n))
    elif form == "plate":
        formats = S["sheet_formats"][1:] if family in ("titanium", "nickel") else S["sheet_formats"]
        for t in S["plate_thickness"]:
            for w, n in formats:
                add(("thickness", t), ("width", w), ("length", n))
    elif form == "coil":
        widths = S["coil_widths"][:1] if family == "copper" else S["coil_widths"]
        for t in S["coil_thickness"]:
            if not (family == "copper" and f(t) > 2):
                for w in widths:
                    add(("thickness", t), ("width", w))
    elif form == "foil":
        for t in S["foil_thickness"]:
            for w in S["foil_widths"]:
                add(("thickness", t), ("width", w))
    elif form == "strip":
        for t in S["strip_thickness"]:
            for w in S["strip_widths"]:
                add(("thickness", t), ("width", w))
    elif form == "round_bar":
        for d in S["round_diameters"]:
            add(("diameter", d), ("length", length))
    elif form == "square_bar":
        for w in S["square_sides"]:
            add(("width", w), ("length", length))
    elif form == "hex_bar":
        for w in S["hex_across_flats"]:
            add(("width", w), ("length", length))
    elif form == "flat_bar":
        for w, t in S["flat_bars"]:
            add(("width", w), ("thickness", t), ("length", length))
    elif form in ("tube", "pipe"):
        if g == "PVC-U":
            tubes = S["pvc_pipes_pn16"]
        elif g == "PTFE":
            tubes = S["ptfe_tubes"]
        elif g == "C122":
            tubes = S["copper_tubes_en1057"]
        elif family == "bronze":
            tubes = S["bronze_hollow_bars"]
        elif form == "pipe":
            tubes = S["tubes_metric"]
        else:
            tubes = (*S["tubes_metric"], *S["tubes_inch"])
        for od, wall in tubes:
            add(("outer_diameter", od), ("wall", wall), ("length", length))
    elif form == "square_tube":
        for w, wall in S["square_tubes"]:
            add(("width", w), ("wall", wall), ("length", length))
    elif form == "angle":
        for w, t in S["angles"]:
            add(("width", w), ("thickness", t), ("length", length))
    elif form == "wire":
        for d in S["wire_diameters"]:
            add(("diameter", d))
    elif form == "board":
        for t, w in S["boards"]:
            for n in S["board_lengths"]:
                add(("thickness", t), ("width", w), ("length", n))
    elif form == "timber_beam":
        for t, w in S["timber_beams"]:
            for n in S["timber_beam_lengths"]:
                add(("thickness", t), ("width", w), ("length", n))
    return out
