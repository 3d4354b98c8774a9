"""The catalogue's domain objects (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from steelyard.cutting.settings import CuttingSettings
from steelyard.units.quantity import Quantity


@dataclass(frozen=True, slots=True)
class PriceTier:
    """From `min_quantity` upwards, `unit_price` (in the price's currency) is charged per one `per` unit."""

    min_quantity: Quantity
    unit_price: Decimal
    per: str


@dataclass(frozen=True, slots=True)
class Price:
    currency: str
    tiers: tuple[PriceTier, ...]


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    family: str
    grade: str
    form: str
    density_kg_m3: Decimal | None
    dimensions_mm: dict[str, Decimal]
    stock_unit: str
    price: Price
    piece_name: str | None = None
    piece_content: Quantity | None = None  # what one piece holds when its dimensions do not say (a 25 kg bag)
    min_order: Quantity | None = None
    increment: Quantity | None = None
    cut_fee: Decimal | None = None  # per cut, in the price's currency; None: the family default applies
    lead_time_days: int = 0
    cutting: CuttingSettings | None = None  # None: the defaults of its form (steelyard.cutting.settings)
    attributes: dict[str, str] = field(default_factory=dict)
    description: str = ""
    active: bool = True
