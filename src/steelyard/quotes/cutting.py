"""Cut-to-size: the weight of one cut piece and whether the stock piece can give it (pure)."""

from __future__ import annotations

from decimal import Decimal

from steelyard.errors import FieldProblem, InvalidInput
from steelyard.units import FORMS, Physics, describe

FLAT_SECTIONS = ("sheet",)
_MM_PER_M = Decimal(1000)
_MM2_PER_M2 = Decimal(1_000_000)


def cut_piece_weight_kg(physics: Physics, length_mm: Decimal, width_mm: Decimal | None) -> Decimal:
    """kg of one piece cut to `length_mm` (and `width_mm` for flat goods); InvalidInput if it cannot be cut so."""
    problems: list[FieldProblem] = []
    for name, value in (("length_mm", length_mm), ("width_mm", width_mm)):
        if value is not None and (not value.is_finite() or value <= 0):
            problems.append(FieldProblem(f"cut.{name}", f"must be a positive number of mm, got {value}"))
    if problems:
        raise InvalidInput.from_problems(problems)
    section = FORMS[physics.form].section
    figures = describe(physics)
    dims = physics.dimensions_mm
    if section in FLAT_SECTIONS:
        mass_per_m2 = figures["mass_per_m2"]
        assert mass_per_m2 is not None
        width = width_mm if width_mm is not None else dims.get("width")
        if width is None:
            raise InvalidInput.from_problems([FieldProblem("cut.width_mm", "give the width to cut to")])
        _fits(problems, "cut.length_mm", length_mm, dims.get("length"), "length")
        _fits(problems, "cut.width_mm", width, dims.get("width"), "width")
        if problems:
            raise InvalidInput.from_problems(problems)
        return mass_per_m2 * length_mm * width / _MM2_PER_M2
    mass_per_m = figures["mass_per_m"]
    if mass_per_m is None:
        raise InvalidInput.from_problems(
            [FieldProblem("cut", f"a {physics.form} is not cut to size; order it without `cut`")]
        )
    if width_mm is not None:
        problems.append(FieldProblem("cut.width_mm", f"a {physics.form} is cut to length only; leave width_mm out"))
    _fits(problems, "cut.length_mm", length_mm, dims.get("length"), "length")
    if problems:
        raise InvalidInput.from_problems(problems)
    return mass_per_m * length_mm / _MM_PER_M


def _fits(problems: list[FieldProblem], field: str, wanted: Decimal, stock: Decimal | None, name: str) -> None:
    if stock is not None and wanted > stock:
        problems.append(FieldProblem(field, f"{wanted} mm is more than the stock {name} of {stock} mm"))
