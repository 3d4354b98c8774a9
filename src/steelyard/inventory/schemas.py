"""Wire shapes of stock movements, ledger rows and orders."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from steelyard.access.schemas import WarehouseCode
from steelyard.catalog.schemas import Sku
from steelyard.wire import DecimalOut, Money, QuantityIn, QuantityOut

MovementKind = Literal["receipt", "adjustment", "scrap", "transfer"]


class MovementIn(BaseModel):
    """A staff movement. An adjustment's quantity is a signed change (-3 kg: three kilograms fewer than counted)."""

    model_config = ConfigDict(extra="forbid")
    sku: Sku
    warehouse: WarehouseCode
    kind: MovementKind
    quantity: QuantityIn = Field(description="in any unit the product converts to; stored in its stock unit")
    to_warehouse: WarehouseCode | None = Field(None, description="the receiving warehouse of a transfer")
    reason: str | None = Field(None, min_length=1, max_length=500, description="required for adjustment and scrap")


class LedgerEntryOut(BaseModel):
    id: int
    sku: str
    warehouse: str
    kind: str
    unit: str
    on_hand_change: DecimalOut
    reserved_change: DecimalOut
    on_hand_after: DecimalOut
    reserved_after: DecimalOut
    available_after: DecimalOut
    quantity: QuantityOut | None = Field(None, description="what was typed, when a person typed it")
    reason: str | None
    actor: str
    reference: str
    created_at: datetime


class MovementOut(BaseModel):
    id: str
    kind: MovementKind
    sku: str
    warehouse: str
    to_warehouse: str | None
    quantity: QuantityOut
    stock_quantity: QuantityOut
    reason: str | None
    actor: str
    entries: list[LedgerEntryOut]


class AllocationOut(BaseModel):
    line: int
    sku: str
    warehouse: str
    quantity: DecimalOut
    unit: str


class OrderOut(BaseModel):
    id: str
    quote_id: str
    account_id: int | None
    status: Literal["accepted", "shipped", "cancelled"]
    currency: str
    subtotal: Money
    tax: Money
    total: Money
    allocations: list[AllocationOut]
    created_at: datetime
    updated_at: datetime


class ShortLine(BaseModel):
    line: int
    sku: str
    needed: DecimalOut
    available: DecimalOut
    unit: str
