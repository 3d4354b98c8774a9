"""Variant axes of the demo catalogue: finishes, conditions, films, certificates, stock and cut lengths.

Every base product has axes of options; the first option of every axis is the default. Variants are the
combinations, ordered stock variants first, fewest changes first, cut pieces last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from itertools import product as cartesian

from steelyard.demo.tables import (
    CERTIFICATES,
    CONDITIONS,
    CUT_LENGTHS,
    CUT_SIZES,
    FILMS,
    FINISH_KIND,
    FINISHES,
    METALS,
    PLATE_TOLERANCES,
    QUALITIES,
    TUBE_PROCESSES,
    Finish,
    Grade,
)


@dataclass(frozen=True, slots=True)
class Option:
    """One choice on one variant axis; the first option of every axis is the default and has code ""."""

    code: str  # appended to the SKU when chosen
    key: str  # the attribute it sets ("" none)
    value: str
    factor: int  # price multiplier, per mille
    cut: tuple[int, ...] = ()  # cut to (length,) or (width, length) mm
    length: int = 0  # another stock length (mm) of a long product
    increment_kg: int = 0  # coil weight: sold in whole coils of this many kg
    lead: int = 0  # extra lead-time days


NO_CUT = Option("", "", "", 1000)
BARS = frozenset({"round_bar", "square_bar", "flat_bar", "hex_bar", "angle"})


NO_CUT = Option("", "", "", 1000)


def options(key: str, table: tuple[Finish, ...], lead: dict[str, int] | None = None) -> tuple[Option, ...]:
    return tuple(Option(code, key, value, factor, lead=(lead or {}).get(code, 0)) for code, value, factor in table)


def finishes(grade: Grade, form: str) -> tuple[Finish, ...] | None:
    kinds = (FINISH_KIND.get(form, "any"), "flat" if form in ("sheet", "plate", "coil") else "", "any")
    for kind in kinds:
        for owner in (grade.grade, grade.family):
            found = FINISHES.get((owner, kind))
            if found is not None:
                return found
    return None


_OTHER_STOCK_LENGTHS: dict[int, tuple[int, ...]] = {
    1000: (2000, 3000),
    3000: (6000, 2000),
    5000: (6000, 3000),
    6000: (12000, 3000),
    12000: (6000, 8000),
}


def lengths(stock_length: int) -> tuple[Option, ...]:
    """The length axis of a long product: its stock length, other stock lengths, then cut lengths."""
    others = _OTHER_STOCK_LENGTHS.get(stock_length, ())
    smallest = 50 if stock_length <= 1000 else 100 if stock_length <= 3000 else 250
    return (
        NO_CUT,
        *(Option(f"SL{n}", "", "", 990 if n > stock_length else 1030, length=n) for n in others),
        *(
            Option(f"L{n}", "cut", f"cut to length {n} mm", 1150, cut=(n,), lead=1)
            for n in CUT_LENGTHS
            if smallest <= n < stock_length and n not in others
        ),
    )


def cut_sizes(width: int, length: int) -> tuple[Option, ...]:
    return (
        NO_CUT,
        *(
            Option(f"S{w}X{n}", "cut", f"cut to size {w} x {n} mm", 1200, cut=(w, n), lead=1)
            for w, n in CUT_SIZES
            if w <= width and n <= length and (w, n) != (width, length)
        ),
    )


def axes(grade: Grade, form: str, cuts: tuple[Option, ...]) -> tuple[tuple[Option, ...], ...]:
    family = grade.family
    found: list[tuple[Option, ...]] = []
    series = finishes(grade, form)
    if family == "chemical":
        found.append(options("quality", QUALITIES[grade.grade]))
    elif series is not None:
        key = "finish"
        if family == "plastic":
            key = "compound" if grade.grade in ("PTFE", "PEEK") else "colour"
        found.append(options(key, series))
    if grade.grade in CONDITIONS:
        found.append(options("condition", CONDITIONS[grade.grade]))
    if form == "plate" and family in ("steel", "stainless"):
        found.append(options("tolerance", PLATE_TOLERANCES))
    if form in ("tube", "pipe") and family in ("steel", "stainless"):
        found.append(options("process", TUBE_PROCESSES))
    if form in ("sheet", "coil") and family in FILMS:
        found.append(options("film", FILMS[family]))
    if grade.grade in FILMS:
        found.append(options("film", FILMS[grade.grade]))
    if form == "wire":
        found.append(
            tuple(
                Option(
                    "" if kg == 25 else f"CW{kg}",
                    "coil_weight",
                    f"{kg} kg coils",
                    1000 - min(kg, 250) // 5,
                    increment_kg=kg,
                )
                for kg in (25, 50, 100, 250, 500)
            )
        )
    if family in METALS:
        found.append(options("certificate", CERTIFICATES["metal"], {"C32": 5}))
    elif family == "plastic":
        found.append(options("certificate", CERTIFICATES["plastic"]))
    elif family == "timber":
        found.append(options("certificate", CERTIFICATES["timber"]))
    if len(cuts) > 1:
        found.append(cuts)
    return tuple(found)


def signature(item_axes: tuple[tuple[Option, ...], ...]) -> tuple[tuple[int, int], ...]:
    """Per axis: (number of options, index of the first cut option or the number of options)."""
    return tuple((len(axis), next((i for i, o in enumerate(axis) if o.cut), len(axis))) for axis in item_axes)


@cache
def combos(signature: tuple[tuple[int, int], ...]) -> tuple[tuple[int, ...], ...]:
    """Every choice of one option per axis: stock variants before cut pieces, fewest changes first."""

    def order(choice: tuple[int, ...]) -> tuple[bool, int, tuple[int, ...]]:
        is_cut = any(i >= first_cut for i, (_, first_cut) in zip(choice, signature, strict=True))
        return is_cut, sum(1 for i in choice if i), choice

    return tuple(sorted(cartesian(*(range(n) for n, _ in signature)), key=order))


def variant_count(item_axes: tuple[tuple[Option, ...], ...]) -> int:
    return math.prod(len(axis) for axis in item_axes)
