"""Two-dimensional guillotine cutting of rectangles from sheets (pure, integers, no I/O).

The method is the guillotine family of Jylänki's survey ("A thousand ways to pack the bin", 2010): each sheet
keeps a list of free rectangles; a part goes into the corner of the free rectangle that fits it best, and that
rectangle is split in two by one straight cut through the sheet's remaining piece, so every plan can be cut on
a panel saw or a shear. One run is cheap, so several are made (part orders x fit rules x split rules) and the
plan with the fewest sheets (then the least stock area, then the largest offcut) is kept.

The kerf is folded in by the caller: a part is `size + kerf` each way and the sheet `usable + kerf`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from steelyard.cutting import linear

Rect = tuple[int, int, int, int]  # x, y, length (along x), width (along y)


@dataclass(frozen=True, slots=True)
class Sheet:
    """A kind of stock sheet: `length` x `width` usable (kerf folded in); `count` None: as many as needed."""

    length: int
    width: int
    count: int | None
    key: int  # the caller's index of this stock piece


@dataclass(slots=True)
class Packed:
    """One sheet as cut: which kind, the parts placed (id, x, y, rotated) and the free rectangles left."""

    sheet: Sheet
    parts: list[tuple[int, int, int, bool]] = field(default_factory=list)
    free: list[Rect] = field(default_factory=list)


Part = tuple[int, int, int]  # id, length, width (kerf folded in)

_ORDERS: tuple[Callable[[Part], tuple[int, ...]], ...] = (
    lambda p: (-p[1] * p[2], -max(p[1], p[2])),  # area
    lambda p: (-max(p[1], p[2]), -min(p[1], p[2])),  # longest side
    lambda p: (-(p[1] + p[2]), -max(p[1], p[2])),  # perimeter
    lambda p: (-p[1], -p[2]),  # length
    lambda p: (-p[2], -p[1]),  # width
)


def _fit_area(rect: Rect, pl: int, pw: int) -> tuple[int, int]:
    return (rect[2] * rect[3] - pl * pw, min(rect[2] - pl, rect[3] - pw))


def _fit_short_side(rect: Rect, pl: int, pw: int) -> tuple[int, int]:
    return (min(rect[2] - pl, rect[3] - pw), max(rect[2] - pl, rect[3] - pw))


def _fit_long_side(rect: Rect, pl: int, pw: int) -> tuple[int, int]:
    return (max(rect[2] - pl, rect[3] - pw), min(rect[2] - pl, rect[3] - pw))


_FITS = (_fit_area, _fit_short_side, _fit_long_side)


def _split(rect: Rect, pl: int, pw: int, rule: int) -> list[Rect]:
    """The two free rectangles left beside and beyond a part placed in `rect`'s corner (one guillotine cut)."""
    x, y, rl, rw = rect
    left_l, left_w = rl - pl, rw - pw
    if rule == 0:  # cut along the shorter leftover: keeps one large piece
        across = left_l < left_w
    elif rule == 1:  # the longer leftover
        across = left_l >= left_w
    else:  # the cut that leaves the larger single rectangle
        across = left_l * rw < rl * left_w
    if across:  # cut right across the width at the part's end, then beside the part
        pieces = [(x + pl, y, left_l, rw), (x, y + pw, pl, left_w)]
    else:  # cut along the length beside the part, then at its end
        pieces = [(x + pl, y, left_l, pw), (x, y + pw, rl, left_w)]
    return [p for p in pieces if p[2] > 0 and p[3] > 0]


def _orientations(part: Part, rotation: bool) -> list[tuple[int, int, bool]]:
    _, pl, pw = part
    out = [(pl, pw, False)]
    if rotation and pl != pw:
        out.append((pw, pl, True))
    return out


def fits(part: Part, sheet: Sheet, rotation: bool) -> bool:
    return any(pl <= sheet.length and pw <= sheet.width for pl, pw, _ in _orientations(part, rotation))


def _run(parts: list[Part], sheets: Sequence[Sheet], rotation: bool, fit: int, rule: int) -> list[Packed] | None:
    score = _FITS[fit]
    used: list[Packed] = []
    taken = [0] * len(sheets)
    for part in parts:
        best: tuple[tuple[int, int], Packed, int, int, int, bool] | None = None
        for packed in used:
            for r, rect in enumerate(packed.free):
                for pl, pw, turned in _orientations(part, rotation):
                    if pl <= rect[2] and pw <= rect[3]:
                        s = score(rect, pl, pw)
                        if best is None or s < best[0]:
                            best = (s, packed, r, pl, pw, turned)
        if best is None:
            # A new sheet: the first kind (smallest remnants come first) that is left and takes the part.
            for k, sheet in enumerate(sheets):
                if (sheet.count is None or taken[k] < sheet.count) and fits(part, sheet, rotation):
                    taken[k] += 1
                    packed = Packed(sheet, free=[(0, 0, sheet.length, sheet.width)])
                    used.append(packed)
                    pl, pw, turned = min(
                        (o for o in _orientations(part, rotation) if o[0] <= sheet.length and o[1] <= sheet.width),
                        key=lambda o: score((0, 0, sheet.length, sheet.width), o[0], o[1]),
                    )
                    best = (score(packed.free[0], pl, pw), packed, 0, pl, pw, turned)
                    break
            else:
                return None
        _, packed, r, pl, pw, turned = best
        rect = packed.free.pop(r)
        packed.parts.append((part[0], rect[0], rect[1], turned))
        packed.free.extend(_split(rect, pl, pw, rule))
    return used


def _fill_sheet(parts: list[Part], sheet: Sheet, rotation: bool, fit: int, rule: int) -> Packed:
    """One sheet cut from `parts` in their order: each part that still fits goes where it fits best."""
    score = _FITS[fit]
    packed = Packed(sheet, free=[(0, 0, sheet.length, sheet.width)])
    for part in parts:
        best: tuple[tuple[int, int], int, int, int, bool] | None = None
        for r, rect in enumerate(packed.free):
            for pl, pw, turned in _orientations(part, rotation):
                if pl <= rect[2] and pw <= rect[3]:
                    s = score(rect, pl, pw)
                    if best is None or s < best[0]:
                        best = (s, r, pl, pw, turned)
        if best is not None:
            _, r, pl, pw, turned = best
            rect = packed.free.pop(r)
            packed.parts.append((part[0], rect[0], rect[1], turned))
            packed.free.extend(_split(rect, pl, pw, rule))
    return packed


def _sheet_by_sheet(
    parts: Sequence[Part], sheets: Sequence[Sheet], rotation: bool, deadline: float
) -> list[Packed] | None:
    """Sheet by sheet, each cut the way (of every order, fit and split rule) that uses most of its area.

    The two-dimensional cousin of the minimum-bin-slack heuristic: a sheet is finished before the next is
    started, so the parts left over are not scattered over half-empty sheets. None when out of time.
    """
    by_id = {p[0]: p for p in parts}
    left = list(parts)
    used: list[Packed] = []
    taken = [0] * len(sheets)
    while left:
        kind = next(
            (
                k
                for k, sheet in enumerate(sheets)
                if (sheet.count is None or taken[k] < sheet.count) and any(fits(p, sheet, rotation) for p in left)
            ),
            None,
        )
        if kind is None:
            return None
        best: tuple[int, int] | None = None
        chosen: Packed | None = None
        for order in _ORDERS:
            ordered = sorted(left, key=order)
            for fit in range(len(_FITS)):
                for rule in range(3):
                    if time.thread_time() > deadline:
                        return None
                    packed = _fill_sheet(ordered, sheets[kind], rotation, fit, rule)
                    area = sum(by_id[pid][1] * by_id[pid][2] for pid, _, _, _ in packed.parts)
                    largest = max((r[2] * r[3] for r in packed.free), default=0)
                    if best is None or (area, largest) > best:
                        best, chosen = (area, largest), packed
        assert chosen is not None and chosen.parts  # the kind was chosen because some part fits it
        taken[kind] += 1
        used.append(chosen)
        placed = {pid for pid, _, _, _ in chosen.parts}
        left = [p for p in left if p[0] not in placed]
    return used


def _quality(plan: list[Packed]) -> tuple[int, int, int]:
    stock_area = sum(p.sheet.length * p.sheet.width for p in plan)
    largest_free = max((r[2] * r[3] for p in plan for r in p.free), default=0)
    return (len(plan), stock_area, -largest_free)


def pack_sheets(
    parts: Sequence[Part], sheets: Sequence[Sheet], *, rotation: bool, bound: int = 0, budget_s: float = 0.05
) -> list[Packed]:
    """The best plan over every part order, fit rule and split rule; parts must each fit some sheet.

    Stops at the first plan that uses `bound` sheets (a lower bound: no plan does better). Above it, the
    sheet-by-sheet heuristic is tried as well, within `budget_s`.
    """
    deadline = time.thread_time() + budget_s
    best: list[Packed] | None = None
    best_quality: tuple[int, int, int] | None = None
    for order in _ORDERS:
        ordered = sorted(parts, key=order)
        for fit in range(len(_FITS)):
            for rule in range(3):
                plan = _run(ordered, sheets, rotation, fit, rule)
                if plan is None:
                    continue
                quality = _quality(plan)
                if best_quality is None or quality < best_quality:
                    best, best_quality = plan, quality
                if len(plan) <= bound:
                    return plan
    if best is None:
        raise ValueError("the parts do not fit the sheets given")
    if best_quality is not None and best_quality[0] > bound:
        greedy = _sheet_by_sheet(parts, sheets, rotation, deadline)
        if greedy is not None and _quality(greedy) < best_quality:
            best = greedy
    return best


def area_bound(parts: Sequence[Part], sheet: Sheet) -> int:
    """No plan on sheets of this size uses fewer than the parts' area over the sheet's, rounded up."""
    area = sum(p[1] * p[2] for p in parts)
    return -(-area // (sheet.length * sheet.width))


def lower_bound(parts: Sequence[Part], sheet: Sheet, rotation: bool) -> int:
    """The better of the area bound and a one-dimensional bound on the parts wider than half the sheet.

    Two parts each wider than half the sheet (across, in every way they fit) cannot lie side by side across
    it, so on one sheet their spans along the length add up to at most the sheet's length: a bin packing of
    those spans (the shorter span when the part may be turned), bounded by Martello and Toth's L2.
    """
    spans = []
    for part in parts:
        ways = [(pl, pw) for pl, pw, _ in _orientations(part, rotation) if pl <= sheet.length and pw <= sheet.width]
        if ways and all(2 * pw > sheet.width for _, pw in ways):
            spans.append(min(pl for pl, _ in ways))
    return max(area_bound(parts, sheet), linear.lower_bound(spans, sheet.length))
