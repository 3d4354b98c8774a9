"""A priced quote (or estimate) line as a typed value: frozen dataclasses of Decimals (pure, no I/O).

Services build and pass `QuoteLine`s; holds and orders read their Decimals directly. Text appears only at the
edges: the API schemas (quotes/schemas.py) format them, and the stored JSON column goes through
`dump_lines`/`load_lines` (used by the column type in quotes/tables.py), whose shape is the one stored before
the lines had a type, so rows written earlier read back unchanged.

To extend a line (a cut list, a cut plan, lot requirements...), add a keyword field with a default: every
class here is keyword-only, so old stored rows (which lack the field) still load, and no caller breaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import TypeAdapter

from steelyard.cutting import CutPlan, PartSpec
from steelyard.inventory.model import Requirements
from steelyard.pricing import Cut, Fee
from steelyard.pricing.surcharges import Extra, Surcharge
from steelyard.units.quantity import Quantity

StockStatus = Literal["in_stock", "partial", "backorder"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LineRequest:
    """One line as asked for: a quantity given as `value` + `unit`, or as the buyer's `text` ("1,500 lb")."""

    sku: str
    value: Decimal | None = None
    unit: str | None = None
    text: str | None = None
    cut: Cut | None = None
    cuts: tuple[PartSpec, ...] = ()  # a cut list (instead of a quantity): several sizes, each with its count
    requirements: Requirements | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Requested:
    """The quantity as the buyer asked for it, in a canonical unit; `text` is what they typed, if they typed."""

    value: Decimal
    unit: str
    text: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TierApplied:
    """The price tier a line is priced at. `basis` is the quantity the tier was chosen on: the product's total
    over every line of the quote for that product (`lines`, 1-based); absent on lines stored before it was
    recorded."""

    index: int
    min_quantity: Quantity
    unit_price: Decimal
    per: str
    currency: str
    basis: Quantity | None = None
    lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WarehouseStock:
    code: str
    available: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Availability:
    """Available now over all warehouses, in the stock unit, when the line was priced."""

    status: StockStatus
    available: Decimal
    unit: str
    warehouses: tuple[WarehouseStock, ...] = ()
    lead_time_days: int = 0
    reason: str | None = None  # why the line's requirements cannot be met in full from stock, when they cannot


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldPart:
    """Stock a quote holds for one line in one warehouse, from one lot (stock unit)."""

    warehouse: str
    quantity: Decimal
    lot_id: int | None = None  # absent on lines held before stock had lots
    heat: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RemnantUse:
    """Pieces of one remnant lot a cut line's plan cuts from (before any whole stock piece)."""

    lot_id: int
    heat: str | None
    warehouse: str
    pieces: int
    quantity: Decimal  # what the pieces are in the stock unit (what is held from the lot)
    length_mm: Decimal | None
    width_mm: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RemnantDiscount:
    """The remnant price rule applied to a line: `percent` off the goods cut from remnant lots (`amount` off)."""

    percent: Decimal
    amount: Decimal  # quote currency, rounded to its minor unit (the subtotal is rounded once, from exact parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteLine:
    """One priced line: quantities in their units, money in the quote currency (see pricing.estimator)."""

    line: int  # 1-based position in the quote
    sku: str
    name: str
    product_id: int
    requested: Requested
    quantity: Quantity  # what is priced, in the requested unit, after minimums and increments
    stock_quantity: Quantity  # what the line takes from stock, rounded up to the stock scale
    weight_kg: Decimal | None
    tier: TierApplied
    unit_price: Decimal  # per `per`, after discount and exchange
    per: str
    discount_percent: Decimal
    fees: tuple[Fee, ...] = ()
    subtotal: Decimal
    adjustments: tuple[str, ...] = ()
    cut: Cut | None = None
    cuts: tuple[PartSpec, ...] = ()
    cut_plan: CutPlan | None = None  # how the parts come out of whole stock pieces (steelyard.cutting)
    stock_weight_kg: Decimal | None = None  # the mass taken from stock; `weight_kg` is the parts delivered
    availability: Availability
    held: Quantity | None = None  # what a reserving quote holds (stock unit)
    holds: tuple[HoldPart, ...] = ()
    requirements: Requirements | None = None  # what the lots must meet (certificate, single heat)
    remnants: tuple[RemnantUse, ...] = ()  # cut lines: the remnant lots the plan cuts from, in stock_quantity
    remnant_discount: RemnantDiscount | None = None
    # Market prices (steelyard.market): the subtotal before them, and each surcharge and extra, with the index
    # figures used; subtotal = base + their amounts. Absent (None, empty) on lines without a price rule.
    base: Decimal | None = None
    surcharges: tuple[Surcharge, ...] = ()
    extras: tuple[Extra, ...] = ()


_STORED = TypeAdapter(list[QuoteLine])


def dump_lines(lines: Sequence[QuoteLine]) -> list[dict[str, Any]]:
    """The lines as JSON-ready data (decimals as exact text), for the stored column."""
    dumped: list[dict[str, Any]] = _STORED.dump_python(list(lines), mode="json")
    return dumped


def load_lines(data: Sequence[dict[str, Any]]) -> list[QuoteLine]:
    """Lines back from the stored column (also rows written before the lines had a type)."""
    return _STORED.validate_python(data)
