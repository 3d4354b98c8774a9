"""A price as the catalogue stores it: a currency and its tiers (pure values; the catalogue's products carry one)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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
