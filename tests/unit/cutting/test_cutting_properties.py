"""Properties of every plan: each part placed exactly once, inside its stock piece with the kerf, no overlaps,
and never fewer stock pieces than the lower bound."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from steelyard.cutting import CutPlan, CuttingSettings, PartSpec, StockPiece, plan_cuts
from steelyard.cutting.linear import lower_bound, pack

D = Decimal
kerfs = st.sampled_from([D(0), D(3), D("1.5")])
trims = st.sampled_from([D(0), D(5), D(10)])


def _every_part_once(plan: CutPlan, parts: list[PartSpec]) -> None:
    placed: dict[int, int] = {}
    for layout in plan.layouts:
        for part in layout.parts:
            placed[part.spec] = placed.get(part.spec, 0) + layout.count
            assert part.length_mm == parts[part.spec].length_mm and part.width_mm == parts[part.spec].width_mm
    assert placed == {i: p.count for i, p in enumerate(parts)}


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.tuples(st.integers(1, 3000), st.integers(1, 6)), min_size=1, max_size=8),
    kerf=kerfs,
    trim=trims,
    bar=st.sampled_from([D(3000), D(6000)]),
)
def test_bar_plans(lengths: list[tuple[int, int]], kerf: Decimal, trim: Decimal, bar: Decimal) -> None:
    parts = [PartSpec(D(n), c) for n, c in lengths if n + trim + (kerf if trim else 0) <= bar]
    if not parts:
        return
    config = CuttingSettings(kerf, trim, True, D(500))
    plan = plan_cuts(parts, [StockPiece(bar)], config, flat=False)
    _every_part_once(plan, parts)
    start = trim + kerf if trim else D(0)
    for layout in plan.layouts:
        edge = start
        for part in sorted(layout.parts, key=lambda p: p.x_mm):
            assert part.x_mm >= edge  # no overlap: each part starts after the previous one and its kerf
            edge = part.x_mm + part.length_mm + kerf
        assert edge - kerf <= bar  # the last part ends within the bar (no kerf needed after it)
    footprints = [int((p.length_mm + kerf) * 1000) for p in parts for _ in range(p.count)]
    capacity = int((bar - start + kerf) * 1000)
    assert plan.stock_pieces >= lower_bound(footprints, capacity) >= -(-sum(footprints) // capacity)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.tuples(st.integers(10, 1300), st.integers(10, 1300), st.integers(1, 4)), min_size=1, max_size=6),
    kerf=kerfs,
    trim=trims,
    rotation=st.booleans(),
)
def test_sheet_plans(sizes: list[tuple[int, int, int]], kerf: Decimal, trim: Decimal, rotation: bool) -> None:
    length, width = D(2500), D(1250)
    room = trim + kerf if trim else D(0)

    def fits(a: Decimal, b: Decimal) -> bool:
        return a + room <= length and b + room <= width

    parts = [PartSpec(D(a), c, D(b)) for a, b, c in sizes if fits(D(a), D(b)) or (rotation and fits(D(b), D(a)))]
    if not parts:
        return
    plan = plan_cuts(parts, [StockPiece(length, width)], CuttingSettings(kerf, trim, rotation, D(300)), flat=True)
    _every_part_once(plan, parts)
    for layout in plan.layouts:
        boxes = []
        for p in layout.parts:
            assert p.y_mm is not None and p.width_mm is not None
            assert rotation or not p.rotated
            along, across = (p.width_mm, p.length_mm) if p.rotated else (p.length_mm, p.width_mm)
            assert p.x_mm >= room and p.y_mm >= room
            assert p.x_mm + along <= length and p.y_mm + across <= width  # within the sheet
            boxes.append((p.x_mm, p.y_mm, p.x_mm + along + kerf, p.y_mm + across + kerf))  # with its kerf
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)  # no overlap
    area = sum((p.length_mm + kerf) * (p.width_mm + kerf) * p.count for p in parts if p.width_mm is not None)
    usable = (length - room + kerf) * (width - room + kerf)
    assert plan.stock_pieces >= plan.lower_bound >= -(-area // usable)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 100), min_size=1, max_size=40), st.integers(100, 150))
def test_pack_is_a_partition_within_capacity_at_or_above_the_bound(lengths: list[int], capacity: int) -> None:
    bins = pack(lengths, capacity, budget_s=0.01)
    assert sorted(x for b in bins for x in b) == sorted(lengths)
    assert all(b and sum(b) <= capacity for b in bins)
    assert len(bins) >= lower_bound(lengths, capacity)
