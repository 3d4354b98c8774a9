"""The catalogue's domain objects (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from steelyard.cutting.settings import CuttingSettings
from steelyard.pricing.model import Price as Price  # re-exported: a product carries its price
from steelyard.pricing.model import PriceTier as PriceTier
from steelyard.units.quantity import Quantity


@dataclass(frozen=True, slots=True)
class Level:
    """One product's stock in one warehouse, in its stock unit."""

    warehouse_id: int
    code: str
    on_hand: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


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
