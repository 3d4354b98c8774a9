"""Plan a cut list on a product's stock pieces: the layouts, offcuts, kerf loss and stock taken (pure).

Geometry of one stock piece (lengths along x, widths along y, in mm from the piece's corner):
- the trim (when not 0) is squared off the start: `trim` mm and one kerf, so the first part starts at
  `trim + kerf`; on a sheet both leading edges (x = 0 and y = 0) are squared so;
- every part is followed by one kerf, except a part that ends flush with the end of the piece;
- what is left after the last cut is an offcut: kept as a remnant when at least `min_remnant_mm` long (and wide).
Remnants (stock pieces with a count) are used first, smallest first; whole stock takes the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from steelyard.cutting import guillotine, linear
from steelyard.cutting.model import CutPlan, Layout, Offcut, PartSpec, PlacedPart, StockPiece, to_mm, to_um
from steelyard.cutting.settings import CuttingSettings
from steelyard.errors import FieldProblem, InvalidInput

MAX_SIZE_MM = Decimal(100_000)
"""No part is longer than 100 m: keeps every figure far inside the stored range."""
MAX_PARTS = 2000
"""The most parts one line may ask for: bounds the planner's work (and a buyer's typo of 10000)."""


def _size(spec: PartSpec) -> str:
    return f"{spec.length_mm} mm" if spec.width_mm is None else f"{spec.length_mm} x {spec.width_mm} mm"


def _stock_size(piece: StockPiece) -> str:
    if piece.length_mm is None:
        return "a continuous length" if piece.width_mm is None else f"{piece.width_mm} mm wide"
    return f"{piece.length_mm} mm" if piece.width_mm is None else f"{piece.length_mm} x {piece.width_mm} mm"


def _check(parts: Sequence[PartSpec], stock: Sequence[StockPiece], flat: bool) -> None:
    problems: list[FieldProblem] = []
    total = 0
    for i, spec in enumerate(parts):
        total += spec.count
        if spec.count < 1:
            problems.append(FieldProblem(f"cuts[{i}].count", "must be at least 1"))
        for name, size in (("length_mm", spec.length_mm), ("width_mm", spec.width_mm)):
            if size is not None and (not size.is_finite() or size <= 0 or size > MAX_SIZE_MM):
                problems.append(FieldProblem(f"cuts[{i}].{name}", f"must be from 0 to {MAX_SIZE_MM} mm, got {size}"))
        if flat and spec.width_mm is None:
            problems.append(FieldProblem(f"cuts[{i}].width_mm", "a sheet part needs its width"))
        if not flat and spec.width_mm is not None:
            problems.append(FieldProblem(f"cuts[{i}].width_mm", "a length is cut to length only; leave width out"))
    if total > MAX_PARTS:
        problems.append(FieldProblem("cuts", f"at most {MAX_PARTS} parts on one line, got {total}"))
    if not stock:
        problems.append(FieldProblem("cuts", "this product has no stock piece to cut from"))
    if problems:
        raise InvalidInput.from_problems(problems)


def _trim_um(settings: CuttingSettings, kerf: int) -> int:
    return to_um(settings.trim_mm, up=True) + kerf if settings.trim_mm > 0 else 0


def plan_cuts(
    parts: Sequence[PartSpec],
    stock: Sequence[StockPiece],
    settings: CuttingSettings,
    *,
    flat: bool,
    budget_s: float | None = None,
) -> CutPlan:
    """Plan `parts` on `stock`; InvalidInput naming the first part that fits no stock piece, turned or not."""
    _check(parts, stock, flat)
    if flat:
        return _plan_sheets(parts, stock, settings)
    count = sum(spec.count for spec in parts)
    return _plan_lengths(parts, stock, settings, linear.budget_for(count) if budget_s is None else budget_s)


# -- lengths ----------------------------------------------------------------------------------------------------


def _plan_lengths(
    parts: Sequence[PartSpec], stock: Sequence[StockPiece], settings: CuttingSettings, budget_s: float
) -> CutPlan:
    kerf = to_um(settings.kerf_mm, up=True)
    trim = _trim_um(settings, kerf)
    sizes = {i: to_um(spec.length_mm, up=True) for i, spec in enumerate(parts)}
    longest = max((to_um(p.length_mm, up=False) for p in stock if p.length_mm is not None), default=None)
    continuous = any(p.length_mm is None for p in stock)
    for i, spec in enumerate(parts):
        if not continuous and (longest is None or trim + sizes[i] > longest):
            raise InvalidInput.from_problems(
                [FieldProblem(f"cuts[{i}]", f"{_size(spec)} is longer than any stock piece ({_stock_of(stock)})")]
            )
    # A footprint is the part and the kerf after it; a bar holds `usable + kerf` of footprints.
    left = Counter({i: spec.count for i, spec in enumerate(parts)})
    bars: list[tuple[StockPiece, list[int]]] = []
    for piece in sorted((p for p in stock if p.count is not None and p.length_mm is not None), key=_length):
        cap = to_um(piece.length_mm or Decimal(0), up=False) - trim + kerf
        for _ in range(piece.count or 0):
            chosen = _fill(left, sizes, kerf, cap)
            if not chosen:
                break
            bars.append((piece, chosen))
    whole = [p for p in stock if p.count is None]
    remaining = [i for i in sorted(left) for _ in range(left[i])]
    bound = 0
    if remaining:
        if not whole:
            raise InvalidInput("not enough stock pieces to cut these parts from")
        piece = max(whole, key=lambda p: (p.length_mm is None, p.length_mm or 0))
        if piece.length_mm is None:  # continuous: one length, as long as the parts need
            bars.append((piece, remaining))
            bound = 1
        else:
            cap = to_um(piece.length_mm, up=False) - trim + kerf
            footprints = [sizes[i] + kerf for i in remaining]
            bound = linear.lower_bound(footprints, cap)
            by_size: dict[int, list[int]] = {}
            for i in remaining:
                by_size.setdefault(sizes[i] + kerf, []).append(i)
            for bin_ in linear.pack(footprints, cap, budget_s=budget_s):
                bars.append((piece, [by_size[f].pop() for f in bin_]))
    layouts: Counter[Layout] = Counter()
    for piece, chosen in bars:
        layouts[_bar_layout(piece, sorted(chosen, key=lambda i: (-sizes[i], i)), sizes, kerf, trim, settings)] += 1
    return _finish(layouts, settings, flat=False, bound=bound + sum(1 for p, _ in bars if p.count is not None))


def _length(piece: StockPiece) -> Decimal:
    return piece.length_mm or Decimal(0)


def _stock_of(stock: Sequence[StockPiece]) -> str:
    return ", ".join(dict.fromkeys(_stock_size(p) for p in stock))


def _fill(left: Counter[int], sizes: dict[int, int], kerf: int, cap: int) -> list[int]:
    """The parts that fill a remnant best (least left over), taken out of `left`."""
    by_size: dict[int, list[int]] = {}
    for i in left:
        if left[i]:
            by_size.setdefault(sizes[i] + kerf, []).extend([i] * left[i])
    lengths = sorted(by_size, reverse=True)
    take = linear.best_subset(lengths, [len(by_size[s]) for s in lengths], cap)
    chosen = [by_size[s][k] for s, t in zip(lengths, take, strict=True) for k in range(t)]
    for i in chosen:
        left[i] -= 1
    return chosen


def _bar_layout(
    piece: StockPiece, chosen: list[int], sizes: dict[int, int], kerf: int, trim: int, settings: CuttingSettings
) -> Layout:
    x = trim
    placed = []
    for i in chosen:
        placed.append(PlacedPart(i, to_mm(sizes[i]), None, to_mm(x), None, False))
        x += sizes[i] + kerf
    used = x - kerf if chosen else trim  # the last part needs no cut after it if it ends the piece
    if piece.length_mm is None:
        length = used
        stock = StockPiece(to_mm(length), None, None, piece.lot_id)
    else:
        length = to_um(piece.length_mm, up=False)
        stock = StockPiece(piece.length_mm, None, None, piece.lot_id)
    offcuts: tuple[Offcut, ...] = ()
    rest = length - used - kerf  # after the last part's cut
    if rest > 0:
        kept = to_mm(rest) >= settings.min_remnant_mm
        offcuts = (Offcut(to_mm(rest), None, to_mm(used + kerf), None, kept),)
    trim_mm = to_mm(trim - kerf) if trim else Decimal(0)
    kept_back = offcuts[0].length_mm if offcuts else Decimal(0)
    loss = to_mm(length) - trim_mm - sum((p.length_mm for p in placed), Decimal(0)) - kept_back
    return Layout(1, stock, tuple(placed), offcuts, loss)


# -- sheets -----------------------------------------------------------------------------------------------------


def _plan_sheets(parts: Sequence[PartSpec], stock: Sequence[StockPiece], settings: CuttingSettings) -> CutPlan:
    kerf = to_um(settings.kerf_mm, up=True)
    trim = _trim_um(settings, kerf)
    footprints: list[guillotine.Part] = []
    owner: list[int] = []
    for i, spec in enumerate(parts):
        length = to_um(spec.length_mm, up=True) + kerf
        width = to_um(spec.width_mm or Decimal(0), up=True) + kerf
        for _ in range(spec.count):
            footprints.append((len(owner), length, width))
            owner.append(i)
    total_length = sum(max(p[1], p[2]) for p in footprints)
    sheets: list[guillotine.Sheet] = []
    ranked = sorted(range(len(stock)), key=lambda k: (stock[k].count is None, _area(stock[k])))
    for k in ranked:
        piece = stock[k]
        width = to_um(piece.width_mm or Decimal(0), up=False) - trim + kerf
        length = total_length + kerf if piece.length_mm is None else to_um(piece.length_mm, up=False) - trim + kerf
        sheets.append(guillotine.Sheet(length, width, piece.count, k))
    for n, spec in enumerate(parts):
        first = footprints[owner.index(n)]
        if not any(guillotine.fits(first, s, settings.rotation) for s in sheets):
            turned = " turned or not" if settings.rotation else " (this product's finish may not be turned)"
            message = f"{_size(spec)} fits no stock piece ({_stock_of(stock)}),{turned}"
            raise InvalidInput.from_problems([FieldProblem(f"cuts[{n}]", message)])
    whole = [s for s in sheets if s.count is None]
    only = whole[0] if whole and len(whole) == len(sheets) else None
    bound = guillotine.lower_bound(footprints, only, settings.rotation) if only else 0
    packed = guillotine.pack_sheets(footprints, sheets, rotation=settings.rotation, bound=bound)
    layouts: Counter[Layout] = Counter()
    for sheet in packed:
        layouts[_sheet_layout(sheet, stock[sheet.sheet.key], parts, owner, kerf, trim, settings)] += 1
    return _finish(layouts, settings, flat=True, bound=bound)


def _area(piece: StockPiece) -> Decimal:
    return (piece.length_mm or Decimal(0)) * (piece.width_mm or Decimal(0))


def _sheet_layout(
    packed: guillotine.Packed,
    piece: StockPiece,
    parts: Sequence[PartSpec],
    owner: list[int],
    kerf: int,
    trim: int,
    settings: CuttingSettings,
) -> Layout:
    placed = []
    reach = 0
    for pid, x, y, turned in sorted(packed.parts, key=lambda p: (p[1], p[2], p[0])):
        spec = parts[owner[pid]]
        along = to_um(spec.width_mm if turned else spec.length_mm, up=True)  # type: ignore[arg-type]
        reach = max(reach, x + along)
        placed.append(PlacedPart(owner[pid], spec.length_mm, spec.width_mm, to_mm(x + trim), to_mm(y + trim), turned))
    width = piece.width_mm or Decimal(0)
    if piece.length_mm is None:  # continuous (a coil): the length taken is as far as the parts reach
        length = to_mm(trim + reach)
        free = [(x, y, min(rl, reach + kerf - x), rw) for x, y, rl, rw in packed.free if x < reach]
    else:
        length = piece.length_mm
        free = packed.free
    offcuts = []
    for x, y, rl, rw in sorted(free, key=lambda r: (r[0], r[1])):
        if rl > kerf and rw > kerf:
            ol, ow = to_mm(rl - kerf), to_mm(rw - kerf)
            kept = min(ol, ow) >= settings.min_remnant_mm
            offcuts.append(Offcut(ol, ow, to_mm(x + trim), to_mm(y + trim), kept))
    parts_area = sum((p.length_mm * (p.width_mm or 0) for p in placed), Decimal(0))
    trim_mm = to_mm(trim - kerf) if trim else Decimal(0)
    trim_area = trim_mm * width + trim_mm * (length - trim_mm)
    offcut_area = sum((o.length_mm * (o.width_mm or 0) for o in offcuts), Decimal(0))
    loss = length * width - trim_area - parts_area - offcut_area
    stock = StockPiece(length, width, None, piece.lot_id)
    return Layout(1, stock, tuple(placed), tuple(offcuts), loss)


def _finish(layouts: Counter[Layout], settings: CuttingSettings, *, flat: bool, bound: int) -> CutPlan:
    merged = [
        Layout(count, layout.stock, layout.parts, layout.offcuts, layout.kerf_loss)
        for layout, count in sorted(layouts.items(), key=lambda kv: -kv[1])
    ]
    parts_total = Decimal(0)
    stock_total = Decimal(0)
    for layout in merged:
        size = layout.stock.length_mm or Decimal(0)
        if flat:
            size *= layout.stock.width_mm or Decimal(0)
            parts_total += layout.count * sum((p.length_mm * (p.width_mm or 0) for p in layout.parts), Decimal(0))
        else:
            parts_total += layout.count * sum((p.length_mm for p in layout.parts), Decimal(0))
        stock_total += layout.count * size
    return CutPlan(tuple(merged), settings.kerf_mm, settings.trim_mm, flat, bound, parts_total, stock_total)
