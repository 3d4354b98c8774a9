"""Dimensions written in a query, turned into millimetres (pure, no I/O).

`2mm`, `2 mm`, `1/2 in`, `1 1/2"`, `25.4 x 1.65`, `10x1250x2500`, `50x6`, `12 m` are each one *group*: the values a
buyer wrote together, in order. A number without a unit is millimetres, a bare fraction is inches, and a unit
written after the last value of a group applies to the values before it (`25.4 x 1.65 mm`, `1 x 1/2 in`).
Which dimension each value means depends on the form; see `assignments`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from steelyard.units.quantity import format_decimal

MM_PER_UNIT: dict[str, Decimal] = {
    "mm": Decimal(1),
    "millimetre": Decimal(1),
    "millimetres": Decimal(1),
    "millimeter": Decimal(1),
    "millimeters": Decimal(1),
    "cm": Decimal(10),
    "m": Decimal(1000),
    "metre": Decimal(1000),
    "metres": Decimal(1000),
    "meter": Decimal(1000),
    "meters": Decimal(1000),
    "in": Decimal("25.4"),
    "inch": Decimal("25.4"),
    "inches": Decimal("25.4"),
    '"': Decimal("25.4"),
    "ft": Decimal("304.8"),
    "foot": Decimal("304.8"),
    "feet": Decimal("304.8"),
}
_INCH = MM_PER_UNIT["in"]
_NUMBER = r"\d+(?:\.\d+)?(?:/\d+)?"
_UNIT = r"mm|cm|m|in|inch|inches|ft|\""
_COMPOUND = re.compile(rf"^(?:{_NUMBER})(?:{_UNIT})?(?:x(?:{_NUMBER})(?:{_UNIT})?)*$")
_ATOM = re.compile(rf"({_NUMBER})|(x)|({_UNIT})")
_SEPARATORS = frozenset({"x", "\u00d7", "*"})
_THREAD = re.compile(r"^m(\d{1,3}(?:\.\d+)?)$")  # a metric thread, ISO 261: M12 is 12 mm across
MAX_MM = Decimal(1_000_000)  # a kilometre: anything larger is not a dimension of a product
MICRON = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class DimensionGroup:
    """Values in mm written together (`25.4 x 1.65` → (25.4, 1.65)), rounded to the micrometre."""

    values_mm: tuple[Decimal, ...]
    text: str


@dataclass(frozen=True, slots=True)
class _Atom:
    kind: str  # "num", "frac", "x", "unit"
    text: str
    index: int  # the query token it came from


def _number(text: str) -> Decimal | None:
    try:
        if "/" in text:
            top, bottom = text.split("/")
            if int(bottom) == 0:
                return None
            return Decimal(top) / Decimal(bottom)
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def _atoms(tokens: list[str], taken: set[int]) -> list[_Atom | None]:
    """Dimension atoms of the tokens; None marks a boundary (a word, or a token already understood)."""
    atoms: list[_Atom | None] = []
    for i, token in enumerate(tokens):
        if i in taken:
            atoms.append(None)
        elif token in _SEPARATORS:
            atoms.append(_Atom("x", token, i))
        elif token in MM_PER_UNIT:
            atoms.append(_Atom("unit", token, i))
        elif thread := _THREAD.match(token):
            atoms += [_Atom("num", thread[1], i), _Atom("unit", "mm", i)]
        elif _COMPOUND.match(token):
            for m in _ATOM.finditer(token):
                number, cross, unit = m.groups()
                if number is not None:
                    atoms.append(_Atom("frac" if "/" in number else "num", number, i))
                elif cross is not None:
                    atoms.append(_Atom("x", "x", i))
                else:
                    atoms.append(_Atom("unit", unit, i))
        else:
            atoms.append(None)
    return atoms


def extract(tokens: list[str], taken: set[int] | None = None) -> tuple[list[DimensionGroup], set[int]]:
    """The dimension groups in `tokens` (skipping indexes in `taken`) and the indexes of the tokens they used."""
    atoms = _atoms(tokens, taken or set())
    groups: list[DimensionGroup] = []
    used: set[int] = set()
    i = 0
    while i < len(atoms):
        start = atoms[i]
        if start is None or start.kind not in ("num", "frac"):
            i += 1
            continue
        items: list[tuple[Decimal, str | None, bool]] = []  # (value, unit, is_fraction)
        indexes: set[int] = set()
        while i < len(atoms):
            atom = atoms[i]
            if atom is None or atom.kind not in ("num", "frac"):
                break
            value = _number(atom.text)
            fraction = atom.kind == "frac"
            indexes.add(atom.index)
            i += 1
            nxt = atoms[i] if i < len(atoms) else None
            if atom.kind == "num" and nxt is not None and nxt.kind == "frac":  # a mixed number: 1 1/2
                after = atoms[i + 1] if i + 1 < len(atoms) else None
                part = _number(nxt.text)
                if after is not None and after.kind == "unit" and part is not None and part < 1:
                    value = None if value is None else value + part
                    fraction = True
                    indexes.add(nxt.index)
                    i += 1
                    nxt = after
            unit = None
            if nxt is not None and nxt.kind == "unit":
                unit = nxt.text
                indexes.add(nxt.index)
                i += 1
                nxt = atoms[i] if i < len(atoms) else None
            if value is None:
                break
            items.append((value, unit, fraction))
            follow = atoms[i + 1] if i + 1 < len(atoms) else None
            if nxt is not None and nxt.kind == "x" and follow is not None and follow.kind in ("num", "frac"):
                indexes.add(nxt.index)
                i += 1
                continue
            break
        if not items:
            continue
        values = _to_mm(items)
        if values:
            groups.append(DimensionGroup(values, " x ".join(format_decimal(v) for v in values)))
            used |= indexes
    return groups, used


def _to_mm(items: list[tuple[Decimal, str | None, bool]]) -> tuple[Decimal, ...]:
    values: list[Decimal] = []
    for n, (value, unit, fraction) in enumerate(items):
        if unit is None:  # a later value's unit applies; else a fraction is inches and a number is mm
            unit = next((u for _, u, _ in items[n + 1 :] if u is not None), None)
        factor = MM_PER_UNIT[unit] if unit is not None else (_INCH if fraction else Decimal(1))
        mm = (value * factor).quantize(MICRON)
        if mm <= 0 or mm > MAX_MM:
            return ()
        values.append(mm)
    return tuple(values)


# Which dimension each value of a group means, by form and by how many values were written; every reading is
# tried (`2 x 1000` on a sheet is thickness x width, `1250 x 2500` is width x length). A repeated name means
# the values must agree: `40x40x3` on a square tube is width, width, wall.
Readings = dict[int, tuple[tuple[str, ...], ...]]
_FLAT: Readings = {
    1: (("thickness",),),
    2: (("thickness", "width"), ("width", "length")),
    3: (("thickness", "width", "length"),),
}
_ROLLED: Readings = {1: (("thickness",),), 2: (("thickness", "width"),), 3: (("thickness", "width", "length"),)}
_ROUND: Readings = {1: (("diameter",),), 2: (("diameter", "length"),)}
_SQUARE: Readings = {
    1: (("width",),),
    2: (("width", "width"), ("width", "length")),
    3: (("width", "width", "length"),),
}
_HEX: Readings = {1: (("width",),), 2: (("width", "length"),)}
_RECT: Readings = {
    1: (("width",), ("thickness",)),
    2: (("width", "thickness"), ("thickness", "width")),
    3: (("width", "thickness", "length"), ("thickness", "width", "length")),
}
_TUBE: Readings = {
    1: (("outer_diameter",),),
    2: (("outer_diameter", "wall"),),
    3: (("outer_diameter", "wall", "length"),),
}
_HOLLOW: Readings = {
    1: (("width",),),
    2: (("width", "wall"), ("width", "width")),
    3: (("width", "width", "wall"),),
    4: (("width", "width", "wall", "length"),),
}
_ANGLE: Readings = {  # an unequal angle's second leg is its height: L 60x40x6
    1: (("width",),),
    2: (("width", "thickness"), ("width", "width"), ("width", "height")),
    3: (("width", "width", "thickness"), ("width", "height", "thickness")),
    4: (("width", "width", "thickness", "length"), ("width", "height", "thickness", "length")),
}
_RHS: Readings = {
    1: (("height",), ("width",)),
    2: (("height", "width"),),
    3: (("height", "width", "wall"),),
    4: (("height", "width", "wall", "length"),),
}
_TEE: Readings = {1: (("height",),), 2: (("height", "width"),), 3: (("height", "width", "thickness"),)}
_HOLLOW_BAR: Readings = {1: (("outer_diameter",),), 2: (("outer_diameter", "length"),)}
_BEAM: Readings = {1: (("height",),), 2: (("height", "width"), ("height", "length"))}
_BOARD: Readings = {
    1: (("thickness",), ("width",)),
    2: (("thickness", "width"), ("width", "thickness")),
    3: (("thickness", "width", "length"),),
}
ASSIGNMENTS: dict[str, Readings] = {
    "sheet": _FLAT,
    "plate": _FLAT,
    "coil": _ROLLED,
    "foil": _ROLLED,
    "strip": _ROLLED,
    "round_bar": _ROUND,
    "wire": _ROUND,
    "square_bar": _SQUARE,
    "hex_bar": _HEX,
    "flat_bar": _RECT,
    "board": _BOARD,
    "timber_beam": _RECT,
    "tube": _TUBE,
    "pipe": _TUBE,
    "square_tube": _HOLLOW,
    "angle": _ANGLE,
    "beam": _BEAM,
    "channel": _BEAM,
    "rectangular_tube": _RHS,
    "tee": _TEE,
    "hollow_bar": _HOLLOW_BAR,
    "threaded_rod": _ROUND,
    "chequer_plate": _FLAT,
    "expanded_sheet": _FLAT,
    "perforated_sheet": _FLAT,
}


def assignments(form: str, arity: int) -> tuple[tuple[str, ...], ...]:
    """The readings of a group of `arity` values on a product of `form` (empty: the form has no such sizes)."""
    return ASSIGNMENTS.get(form, {}).get(arity, ())


def tolerance(value_mm: Decimal, *, near: bool) -> Decimal:
    """How far a product's size may be from the size asked for: 1 % (at least 0.02 mm), or 20 % when near."""
    if near:
        return max(value_mm * Decimal("0.2"), Decimal("0.1"))
    return max(value_mm * Decimal("0.01"), Decimal("0.02"))
