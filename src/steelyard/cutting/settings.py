"""A product's cutting settings and the defaults of each form (pure).

kerf_mm: the width the saw blade, shear or torch takes at each cut.
trim_mm: squared off once at the start of each stock piece (a mill end is seldom square); that cut costs one kerf.
rotation: whether a part may be turned round on a sheet (false for brushed, grained or patterned finishes).
min_remnant_mm: an offcut at least this long (both sides, on a sheet) is kept as a remnant; shorter is scrap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from steelyard.units import FORMS

MAX_SETTING_MM = Decimal(10_000)
"""No kerf, trim or remnant setting is longer than 10 m: it keeps every figure far inside the stored range."""


@dataclass(frozen=True, slots=True)
class CuttingSettings:
    kerf_mm: Decimal
    trim_mm: Decimal
    rotation: bool
    min_remnant_mm: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "kerf_mm": str(self.kerf_mm),
            "trim_mm": str(self.trim_mm),
            "rotation": self.rotation,
            "min_remnant_mm": str(self.min_remnant_mm),
        }


def _s(kerf: str, trim: str, remnant: str) -> CuttingSettings:
    return CuttingSettings(Decimal(kerf), Decimal(trim), True, Decimal(remnant))


# Defaults per section (how the form is cut), chosen from common shop practice:
#   bars, tubes, sections, boards: band or cold saw, ~2-3 mm kerf; a mill end squared by 5 mm; offcuts from 500 mm
#     are worth racking. Wire: sheared, no kerf, nothing trimmed.
#   sheet: guillotine shear, no kerf, nothing trimmed; offcuts from 300 x 300 mm are kept.
#   plate and chequer plate (sawn or plasma cut): ~3 mm kerf, a 10 mm edge squared; offcuts from 300 x 300 mm.
#   expanded and perforated sheet: sheared, but the mesh has a direction (the long way of the diamond), so parts
#     are not turned unless the product says they may be.
# Every other section sold by length (profiles, hollow and threaded bar...) takes the saw defaults.
_SAW = _s("3", "5", "500")
_BY_SECTION: dict[str, CuttingSettings] = {
    "sheet": _s("0", "0", "300"),
    "tread": _s("3", "10", "300"),
    "mesh": CuttingSettings(Decimal(0), Decimal(0), False, Decimal(300)),
    "strip": _s("0", "0", "500"),
    "round": _s("3", "5", "500"),
    "square": _s("3", "5", "500"),
    "rect": _s("3", "5", "500"),
    "hex": _s("3", "5", "500"),
    "tube": _s("3", "5", "500"),
    "sqtube": _s("3", "5", "500"),
    "angle": _s("3", "5", "500"),
    "ibeam": _s("4", "10", "1000"),
}
_BY_FORM: dict[str, CuttingSettings] = {
    "plate": _s("3", "10", "300"),
    "wire": _s("0", "0", "1000"),
    "board": _s("4", "10", "500"),
    "timber_beam": _s("4", "10", "500"),
}


def default_settings(form: str) -> CuttingSettings | None:
    """The defaults of a form; None for a form that is not cut (granules, liquids, ingots)."""
    if form in _BY_FORM:
        return _BY_FORM[form]
    spec = FORMS.get(form)
    if spec is None or spec.section == "none":
        return None
    return _BY_SECTION.get(spec.section, _SAW)


def settings_for(form: str, overrides: Mapping[str, Any] | None) -> CuttingSettings | None:
    """The product's settings: its own values over the defaults of its form (None: a form not cut, none given).

    Values given for a form that is not cut still come back, so `settings_problems` can refuse them.
    """
    base = default_settings(form)
    if base is None:
        if not overrides:
            return None
        base = _s("0", "0", "0")
    given = dict(overrides or {})
    return CuttingSettings(
        kerf_mm=Decimal(str(given.get("kerf_mm", base.kerf_mm))),
        trim_mm=Decimal(str(given.get("trim_mm", base.trim_mm))),
        rotation=bool(given.get("rotation", base.rotation)),
        min_remnant_mm=Decimal(str(given.get("min_remnant_mm", base.min_remnant_mm))),
    )


def settings_problems(form: str, overrides: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(field, message) for every cutting setting that cannot be used."""
    if not overrides:
        return []
    if default_settings(form) is None:
        return [("cutting", f"a {form} is not cut to size; leave `cutting` out")]
    problems = []
    for name in ("kerf_mm", "trim_mm", "min_remnant_mm"):
        if name in overrides and overrides[name] is not None:
            value = Decimal(str(overrides[name]))
            if not value.is_finite() or value < 0 or value > MAX_SETTING_MM:
                problems.append((f"cutting.{name}", f"must be from 0 to {MAX_SETTING_MM} mm, got {value}"))
    return problems
