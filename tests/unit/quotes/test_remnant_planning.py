"""Cut lines on remnant lots (pure): which remnant lots a line may use, and which lot each offcut comes from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from steelyard.cutting import CutPlan, Layout, Offcut, PlacedPart, StockPiece
from steelyard.inventory.model import LotStock, Requirements
from steelyard.quotes.cutting import piece_stock
from steelyard.quotes.offcuts import kept_offcuts, piece_sources, scrap_by_lot
from steelyard.units.quantity import Quantity

D = Decimal
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _lot(i: int, heat: str | None, cert: str | None = None, available: str = "1", age: int = 0) -> LotStock:
    return LotStock(i, 1, "DUI", heat, cert, T0 + timedelta(days=age), D(available), D(0), remnant=True)


def _layout(count: int, lot_id: str | None, *offcuts: tuple[str, bool]) -> Layout:
    cuts = tuple(Offcut(D(length), None, D(0), None, kept) for length, kept in offcuts)
    return Layout(count, StockPiece(D(3000) if lot_id is None else D(900), None, None, lot_id), (), cuts, D(0))


def _plan(*layouts: Layout) -> CutPlan:
    return CutPlan(layouts, D(3), D(0), False, 0, D(0), D(0))


def test_a_piece_of_its_own_size_in_the_stock_unit() -> None:
    def per_metre(quantity: Quantity, unit: str) -> D:
        assert (quantity.unit, unit) in (("m", "kg"), ("m2", "kg"))
        return quantity.value * (D("3.14") if quantity.unit == "m" else D(20))

    assert piece_stock("piece", per_metre, D(994), None) == 1  # a piece is a piece, whatever its size
    assert piece_stock("kg", per_metre, D(500), None) == D("1.570")
    assert piece_stock("kg", per_metre, D(500), D(200)) == D("2.0")


def test_whole_pieces_are_dealt_over_the_lots_in_order_and_remnants_name_theirs() -> None:
    plan = _plan(_layout(3, None, ("994", True)), _layout(1, "9", ("600", True)), _layout(1, None, ("50", False)))
    sources = [lot for _, lot in piece_sources(plan, [(4, D(2)), (5, D(2))])]
    assert sources == [4, 4, 5, 9, 5]
    assert kept_offcuts(plan, [(4, D(2)), (5, D(2))]) == {
        (4, D(994), None): 2,
        (5, D(994), None): 1,
        (9, D(600), None): 1,
    }
    # by weight: 4 bars of 30 kg from lots of 50 and 70 kg: the second straddles, its middle is in the first lot
    kg = _plan(_layout(4, None, ("700", True)))
    assert [lot for _, lot in piece_sources(kg, [(4, D(50)), (5, D(70))])] == [4, 4, 5, 5]


def test_requirements_still_apply_to_remnants() -> None:
    # Requirements.accepts is what remnant_lots filters by: a certificate, and a remnant lot named by its id.
    wanted = Requirements(certificate="3.1", remnant=True)
    assert wanted.accepts(_lot(1, "H", "3.2")) and not wanted.accepts(_lot(2, "H", "2.2"))
    assert Requirements(remnant=True, lot_id=1).accepts(_lot(1, "H")) and not Requirements(
        remnant=True, lot_id=1
    ).accepts(_lot(2, "H"))


def test_scrap_is_each_piece_less_its_parts_and_kept_offcuts() -> None:
    def part(length: str, width: str | None = None) -> PlacedPart:
        return PlacedPart(0, D(length), None if width is None else D(width), D(0), None, False)

    # 3000 mm bars, 3 mm kerf: 2 x 1000 mm parts, 994 kept (two kerfs: 6 mm of scrap a bar); a second layout with
    # 2 x 1400 mm parts leaves 194 mm, too short to keep: 194 + 6 mm of scrap.
    keep = Layout(2, StockPiece(D(3000)), (part("1000"), part("1000")), (Offcut(D(994), None, D(0), None, True),), D(6))
    short = Layout(
        1, StockPiece(D(3000)), (part("1400"), part("1400")), (Offcut(D(194), None, D(0), None, False),), D(6)
    )
    plan = CutPlan((keep, short), D(3), D(0), False, 0, D(4800), D(9000))
    assert scrap_by_lot(plan, [(4, D(2)), (5, D(1))]) == {4: D(12), 5: D(200)}
    # A sheet: 1000 x 2000 mm, one 1000 x 1000 part, a 1000 x 990 offcut kept: 10,000 mm2 of kerf and trim.
    sheet = Layout(
        1,
        StockPiece(D(2000), D(1000)),
        (part("1000", "1000"),),
        (Offcut(D(990), D(1000), D(1003), D(0), True),),
        D(3000),
    )
    assert scrap_by_lot(CutPlan((sheet,), D(3), D(0), True, 1, D(10**6), D(2 * 10**6)), [(7, D(1))]) == {7: D(10000)}
    # Continuous stock (by the metre): only the kerf.
    coil = Layout(1, StockPiece(None), (part("500"), part("700")), (), D(3))
    assert scrap_by_lot(CutPlan((coil,), D(3), D(0), False, 1, D(1200), D(1203)), [(8, D(1))]) == {8: D(3)}
