"""Wire shapes of stock movements, ledger rows and orders."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from steelyard.access.schemas import WarehouseCode
from steelyard.catalog.schemas import DimensionName, Sku
from steelyard.wire import DecimalIn, DecimalOut, Money, QuantityIn, QuantityOut

MovementKind = Literal["receipt", "adjustment", "scrap", "transfer"]
CertificateType = Literal["2.1", "2.2", "3.1", "3.2"]
LotId = Annotated[int, Field(ge=1, le=2**53, description="a lot's id, as GET /api/v1/products/{sku}/lots lists it")]


class LotIn(BaseModel):
    """The traceability a receipt brings: the heat (melt) and the mill certificate that came with the goods."""

    model_config = ConfigDict(extra="forbid")
    heat: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$", examples=["H2611-0457"])
    mill: str | None = Field(None, min_length=1, max_length=120, examples=["Aluminium Norf"])
    certificate_type: CertificateType | None = Field(None, description="EN 10204 inspection document type")
    origin: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="country of melt, ISO 3166-1 alpha-2")
    dimensions_mm: dict[DimensionName, DecimalIn] | None = Field(
        None, max_length=8, description="a remnant's own size; the lot is then a remnant lot"
    )


class MovementIn(BaseModel):
    """A staff movement. An adjustment's quantity is a signed change (-3 kg: three kilograms fewer than counted)."""

    model_config = ConfigDict(extra="forbid")
    sku: Sku
    warehouse: WarehouseCode
    kind: MovementKind
    quantity: QuantityIn = Field(description="in any unit the product converts to; stored in its stock unit")
    to_warehouse: WarehouseCode | None = Field(None, description="the receiving warehouse of a transfer")
    reason: str | None = Field(None, min_length=1, max_length=500, description="required for adjustment and scrap")
    lot: LotIn | None = Field(None, description="a receipt's new lot: heat, mill, certificate type, origin")
    lot_id: LotId | None = Field(
        None,
        description="the lot to book on: a receipt adds to it, the others take from it (default: oldest lot first)",
    )


class LedgerEntryOut(BaseModel):
    id: int
    sku: str
    warehouse: str
    lot_id: int
    heat: str | None
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
    lot_id: int | None = Field(description="the lot the movement booked (a receipt's lot); null if it took several")
    entries: list[LedgerEntryOut]


class CertificateOut(BaseModel):
    url: str | None = Field(description="the PDF (staff), if one was uploaded")
    size: int | None
    data: bool = Field(description="whether EN 10168 data is attached")


class LotOut(BaseModel):
    id: int
    sku: str
    heat: str | None
    mill: str | None
    certificate_type: CertificateType | None
    origin: str | None
    received_at: datetime
    warehouse: str
    unit: str
    on_hand: DecimalOut
    reserved: DecimalOut
    available: DecimalOut
    remnant: bool
    dimensions_mm: dict[str, str] | None
    source_lot_id: int | None = Field(description="the lot this one came from by transfer or cut")
    certificate: CertificateOut | None


class AllocationOut(BaseModel):
    line: int
    sku: str
    warehouse: str
    lot_id: int
    heat: str | None
    quantity: DecimalOut
    unit: str


class OrderLotOut(BaseModel):
    lot_id: int
    heat: str | None
    warehouse: str
    quantity: DecimalOut = Field(description="in the line's stock unit")


class OrderLineOut(BaseModel):
    """One order line as a delivery note needs it: the lots (heats) it came from and its weights."""

    line: int
    sku: str
    name: str
    quantity: DecimalOut
    unit: str
    lots: list[OrderLotOut] = Field(description="the lots (and so heats) the line is served from")
    theoretical_weight_kg: DecimalOut | None = Field(description="from section and density; null without density")
    actual_weight_kg: DecimalOut | None = Field(description="what the line weighed when shipped, if it was weighed")
    difference_kg: DecimalOut | None = Field(description="actual minus theoretical")
    difference_pct: DecimalOut | None = Field(description="the difference in % of the theoretical weight")
    billed_weight_kg: DecimalOut | None = Field(description="the weight the line is billed on")
    subtotal: Money = Field(description="as quoted")
    billed_subtotal: Money = Field(description="on the billed weight (fees do not change with the weight)")


class BilledOut(BaseModel):
    subtotal: Money
    tax: Money
    total: Money


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
    lines: list[OrderLineOut]
    billing_weight: Literal["theoretical", "actual"] = Field(
        description="what the order is (or, shipped, was) billed on: the account's setting, fixed at shipping"
    )
    billed: BilledOut = Field(description="the totals on the billed weights; the quoted totals until weighed")
    created_at: datetime
    updated_at: datetime


class WeighedLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line: int = Field(ge=1, le=10_000, description="the order line, numbered from 1 as on the quote")
    actual_weight_kg: DecimalIn = Field(description="what the line's goods weighed on the scale, kg")


class ShipIn(BaseModel):
    """What staff weighed when shipping (lines not weighed are left out)."""

    model_config = ConfigDict(extra="forbid")
    lines: list[WeighedLineIn] = Field(default_factory=list, max_length=1000)


class ShortLine(BaseModel):
    line: int
    sku: str
    needed: DecimalOut
    available: DecimalOut
    unit: str
    reason: str | None = Field(None, description="the line's requirements the available stock does not meet")
