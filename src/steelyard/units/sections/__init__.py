"""Structural sections by designation: the standards' dimension tables (package data) and the trade's spelling.

`find_profile("IPE 200")` gives the form and every dimension and radius (mm) from the tables shipped beside
this module (`*.csv`, each citing its source); `steelyard.units.sections.geometry` turns them into areas with
the real corners. The published masses in the tables are kept only to test the computed ones.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from steelyard.errors import FieldProblem, InvalidInput
from steelyard.units.quantity import format_decimal
from steelyard.units.sections.geometry import COLD_FORMED, HOT_FINISHED, hollow_radii, hollow_rule

__all__ = ["COLD_FORMED", "HOT_FINISHED", "Profile", "find_profile", "hollow_radii", "hollow_rule", "profiles"]


@dataclass(frozen=True, slots=True)
class Profile:
    """One section as its standard's table gives it."""

    designation: str  # canonical: "IPE 200", "HEA 100", "L 60x40x6", "SHS 40x40x3"
    form: str
    standard: str
    dimensions_mm: Mapping[str, Decimal] = field(default_factory=dict)
    published_kg_m: Decimal | None = None  # the table's mass per metre (7850 kg/m3), for checking only
    corner_rule: str = ""  # how the radii were set when the table gives none (hollow sections, tees)

    @property
    def name(self) -> str:
        """The designation with its standard where two standards share it (hollow sections)."""
        if self.form in ("square_tube", "rectangular_tube") or self.designation.startswith("CHS"):
            return f"{self.designation} {self.standard}"
        return self.designation


def _num(text: str) -> str:
    """A dimension as the trade writes it: 3.0 -> 3, 60.30 -> 60.3."""
    return format_decimal(Decimal(text))


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = files("steelyard.units.sections").joinpath(name).read_text(encoding="utf-8")
    yield from csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))


def _dims(pairs: dict[str, str]) -> MappingProxyType[str, Decimal]:
    return MappingProxyType({k: Decimal(v) for k, v in pairs.items() if v and Decimal(v) != 0})


def _hollow(shape: str, standard: str, h: str, b: str, t: str, published: Decimal | None) -> Profile:
    wall = Decimal(t)
    if shape == "CHS":
        return Profile(f"CHS {_num(h)}x{_num(t)}", "tube", standard, _dims({"outer_diameter": h, "wall": t}), published)
    outer, inner = hollow_radii(standard, wall)
    dims = {"width": b, "wall": t, "outer_radius": str(outer), "inner_radius": str(inner)}
    form = "square_tube"
    if shape == "RHS" or h != b:
        form, dims = "rectangular_tube", {"height": h, **dims}
    designation = f"{shape} {_num(h)}x{_num(b)}x{_num(t)}"
    return Profile(designation, form, standard, _dims(dims), published, hollow_rule(standard))


@cache
def profiles() -> dict[tuple[str, str], Profile]:
    """Every tabulated section by (canonical designation, standard)."""
    found: dict[tuple[str, str], Profile] = {}

    def add(p: Profile) -> None:
        found[(p.designation, p.standard)] = p

    for r in _rows("i_sections.csv"):
        dims = {"height": r["h"], "width": r["b"], "thickness": r["tf"], "wall": r["tw"], "root_radius": r["r"]}
        add(Profile(r["designation"], "beam", "EN 10365", _dims(dims), Decimal(r["mass_kg_m"])))
    for r in _rows("channels.csv"):
        dims = {
            "height": r["h"],
            "width": r["b"],
            "thickness": r["tf"],
            "wall": r["tw"],
            "root_radius": r["r1"],
            "toe_radius": r["r2"],
            "flange_slope": r["slope_percent"],
        }
        add(Profile(r["designation"], "channel", "EN 10365", _dims(dims), Decimal(r["mass_kg_m"])))
    for r in _rows("angles.csv"):
        dims = {"width": r["a"], "thickness": r["t"], "root_radius": r["r1"], "toe_radius": r["r2"]}
        if r["a"] != r["b"]:
            dims["height"] = r["b"]
        published = Decimal(r["mass_kg_m"]) if r["mass_kg_m"] else None
        add(Profile(r["designation"], "angle", "EN 10056-1", _dims(dims), published))
    for r in _rows("hollow.csv"):
        add(_hollow(r["shape"], r["standard"], r["h"], r["b"] or r["h"], r["t"], Decimal(r["mass_kg_m"])))
    for r in _rows("tees.csv"):
        area_mm2 = str(Decimal(r["area_cm2"]) * 100)
        add(_tee(r["h"], r["b"], r["t"], Decimal(r["mass_kg_m"]), area_mm2))
    return found


_TEE_RULE = "EN 10055 tee corners: root radius = t, flange toes t/2, web toe t/4 (flange and web taper ignored)"
_TEE_TABLE = "EN 10055 table area (the standard's tapered flange and web, not drawn here, make it about 1.4 % lighter)"


def _tee(h: str, b: str, t: str, published: Decimal | None = None, area_mm2: str = "") -> Profile:
    """An EN 10055 tee: its table's area where the table has the size, else the corners in proportion to t."""
    dims = {"height": h, "width": b, "thickness": t, "root_radius": t, "toe_radius": str(Decimal(t) / 2)}
    if area_mm2:
        dims["section_area"] = area_mm2
    return Profile(f"T {h}x{b}x{t}", "tee", "EN 10055", _dims(dims), published, _TEE_TABLE if area_mm2 else _TEE_RULE)


_N = r"(\d{1,4}(?:[.,]\d{1,2})?)"
_STD = r"(?:EN ?(10219|10210)(?: ?2)?)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("series", re.compile(r"(IPE|UPN|UPE|HEA|HEB|HEM) ?(\d{2,4})")),
    ("he", re.compile(r"HE ?(\d{2,4}) ?(A|B|M)")),
    ("angle", re.compile(rf"L ?{_N} ?X ?{_N} ?X ?{_N}")),
    ("hollow", re.compile(rf"(SHS|RHS) ?{_N} ?X ?{_N} ?X ?{_N} ?{_STD}")),
    ("chs", re.compile(rf"CHS ?{_N} ?X ?{_N} ?{_STD}")),
    ("tee", re.compile(rf"T ?{_N} ?X ?{_N} ?X ?{_N}")),
)


def _bad(text: str, why: str) -> InvalidInput:
    detail = f"profile '{text}': {why}"
    return InvalidInput(detail, problems=[FieldProblem("profile", detail)])


def _standard(code: str | None) -> str | None:
    return {"10219": COLD_FORMED, "10210": HOT_FINISHED}.get(code or "")


def _tabled(designation: str, standard: str | None) -> Profile | None:
    table = profiles()
    if standard is not None:
        return table.get((designation, standard))
    return next((table[k] for k in ((designation, COLD_FORMED), (designation, HOT_FINISHED)) if k in table), None)


def _sizes(prefix: str) -> str:
    sizes = sorted(
        {d for d, _ in profiles() if d.startswith(prefix)}, key=lambda d: [Decimal(n) for n in re.findall(r"[\d.]+", d)]
    )
    return ", ".join(sizes[:12]) + (" ..." if len(sizes) > 12 else "")


def find_profile(text: str) -> Profile:
    """The section a designation names, as the trade writes it ("IPE200", "HE 100 A", "L 60x40x6", "RHS 60x40x3")."""
    spelled = re.sub(r"\s+", " ", text.strip().upper().replace("\u00d7", "X").replace("*", "X").replace("/", "X"))
    spelled = spelled.replace(" X ", "X").replace("-", " ").strip()
    for kind, pattern in _PATTERNS:
        m = pattern.fullmatch(spelled)
        if m is None:
            continue
        g = [x.replace(",", ".") if x else x for x in m.groups()]
        if kind in ("series", "he"):
            designation = f"{g[0]} {int(g[1])}" if kind == "series" else f"HE{g[1]} {int(g[0])}"
            found = _tabled(designation, "EN 10365")
            if found is None:
                series = designation.split()[0]
                raise _bad(text, f"EN 10365 has no {designation}; its {series} sizes are {_sizes(series + ' ')}")
            return found
        if kind == "angle":
            a, b, t = (_num(x) for x in g)
            if Decimal(b) > Decimal(a):  # EN 10056-1 writes the longer leg first
                a, b = b, a
            found = _tabled(f"L {a}x{b}x{t}", "EN 10056-1")
            if found is None:
                raise _bad(text, f"EN 10056-1 has no L {a}x{b}x{t}; give the angle by its dimensions instead")
            return found
        if kind == "hollow":
            shape, h, b, t, code = g
            h, b = (b, h) if Decimal(b) > Decimal(h) else (h, b)
            designation = f"{shape} {_num(h)}x{_num(b)}x{_num(t)}"
            return _tabled(designation, _standard(code)) or _hollow(
                shape, _standard(code) or COLD_FORMED, h, b, t, None
            )
        if kind == "chs":
            d, t, code = g
            designation = f"CHS {_num(d)}x{_num(t)}"
            return _tabled(designation, _standard(code)) or _hollow(
                "CHS", _standard(code) or COLD_FORMED, d, d, t, None
            )
        h, b, t = (_num(x) for x in g)
        return _tabled(f"T {h}x{b}x{t}", "EN 10055") or _tee(h, b, t)
    raise _bad(
        text,
        "not a designation this server knows; write it as the trade does, e.g. IPE 200, HEA 100, HE 100 A, UPN 100, "
        "UPE 120, L 50x50x5, L 60x40x6, SHS 40x40x3, RHS 60x40x3 EN 10219, CHS 60.3x3.2, T 50x50x6",
    )
