"""What a cut list is and what a plan answers (pure, frozen dataclasses of Decimals).

Sizes are millimetres as Decimals on the outside and whole micrometres inside the planners, so every
comparison is exact integer arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from steelyard.units.quantity import Quantity

UM_PER_MM = 1000


def to_um(mm: Decimal, *, up: bool) -> int:
    """Whole micrometres: a part is rounded up, a stock piece down, so a plan never promises too much."""
    return int((mm * UM_PER_MM).to_integral_value(ROUND_CEILING if up else ROUND_FLOOR))


def to_mm(um: int) -> Decimal:
    """Millimetres, written plainly: 600, 0.5, 1250.125 (never 6E+2)."""
    mm = Decimal(um).scaleb(-3)
    return mm.quantize(Decimal(1)) if mm == mm.to_integral_value() else mm.normalize()


@dataclass(frozen=True, slots=True)
class PartSpec:
    """One entry of a cut list: `count` parts of `length_mm` (x `width_mm` on a sheet)."""

    length_mm: Decimal
    count: int
    width_mm: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StockPiece:
    """A piece the plan may cut from: a whole stock length or sheet, or a remnant of a lot.

    `count` None: as many as the plan needs (whole stock); a number: only that many (remnants).
    `length_mm` None: continuous stock (a coil or wire sold by length): the plan takes what it uses.
    """

    length_mm: Decimal | None
    width_mm: Decimal | None = None
    count: int | None = None
    lot_id: str | None = None


@dataclass(frozen=True, slots=True)
class PlacedPart:
    spec: int  # index of its entry in the cut list
    length_mm: Decimal  # as ordered; `rotated` says its length runs across the sheet's width
    width_mm: Decimal | None
    x_mm: Decimal
    y_mm: Decimal | None
    rotated: bool


@dataclass(frozen=True, slots=True)
class Offcut:
    length_mm: Decimal
    width_mm: Decimal | None
    x_mm: Decimal
    y_mm: Decimal | None
    kept: bool  # long (and wide) enough to go back into stock as a remnant


@dataclass(frozen=True, slots=True)
class Layout:
    """One way of cutting one stock piece, used `count` times."""

    count: int
    stock: StockPiece  # its size (the length actually taken, for continuous stock) and lot; count is None
    parts: tuple[PlacedPart, ...]
    offcuts: tuple[Offcut, ...]
    kerf_loss: Decimal  # mm (length) or mm2 (sheet) the cuts of one such piece turn to swarf


@dataclass(frozen=True, slots=True)
class CutPlan:
    layouts: tuple[Layout, ...]
    kerf_mm: Decimal
    trim_mm: Decimal
    flat: bool  # a sheet plan (areas) rather than lengths
    lower_bound: int  # no plan can use fewer stock pieces than this
    parts_total: Decimal  # mm or mm2 of parts delivered
    stock_total: Decimal  # mm or mm2 of stock taken

    @property
    def stock_pieces(self) -> int:
        return sum(layout.count for layout in self.layouts)

    @property
    def utilisation(self) -> Decimal:
        """Parts delivered over stock taken, to 4 places."""
        if not self.stock_total:
            return Decimal(0)
        return (self.parts_total / self.stock_total).quantize(Decimal("0.0001"))

    @property
    def kerf_loss(self) -> Quantity:
        """What the cuts of the whole plan turn to swarf: mm of length, or mm2 of sheet."""
        total = sum((layout.kerf_loss * layout.count for layout in self.layouts), Decimal(0))
        return Quantity(total, "mm2" if self.flat else "mm")

    def pieces_of(self, lot_id: str | None) -> int:
        return sum(layout.count for layout in self.layouts if layout.stock.lot_id == lot_id)
