"""Wire shapes of quotes, orders and currencies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from steelyard.access.schemas import CurrencyCode
from steelyard.catalog.schemas import Sku
from steelyard.pricing import Cut
from steelyard.quotes.lines import LineRequest
from steelyard.wire import DecimalIn, DecimalOut, Money, QuantityIn, QuantityOut


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be more than zero")
    return value


PositiveDecimal = Annotated[DecimalIn, AfterValidator(_positive)]


class CutIn(BaseModel):
    """Cut each piece to `length_mm` (and `width_mm` for sheet and plate)."""

    model_config = ConfigDict(extra="forbid")
    length_mm: PositiveDecimal
    width_mm: PositiveDecimal | None = None


class QuoteLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Sku
    quantity: QuantityIn = Field(description='e.g. {"value": "250", "unit": "lb"} or {"value": "3", "unit": "sheets"}')
    cut: CutIn | None = None

    def to_request(self) -> LineRequest:
        """The typed line the services price."""
        cut = None if self.cut is None else Cut(self.cut.length_mm, self.cut.width_mm)
        return LineRequest(sku=self.sku, value=self.quantity.value, unit=self.quantity.unit, cut=cut)


class QuoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=200)
    currency: CurrencyCode | None = Field(None, description="default: the account's currency, else EUR")
    reserve: bool = Field(False, description="hold what is available until valid_until (needs a customer token)")

    def line_requests(self) -> list[LineRequest]:
        return [line.to_request() for line in self.lines]


_READS_LINES = ConfigDict(from_attributes=True)  # answer models read quotes.lines' dataclasses directly


class TierApplied(BaseModel):
    model_config = _READS_LINES
    index: int
    min_quantity: QuantityOut
    unit_price: Money = Field(description="the tier's list price, in the product's price currency")
    per: str
    currency: str


class FeeOut(BaseModel):
    model_config = _READS_LINES
    kind: str
    count: DecimalOut
    unit_amount: Money
    amount: Money


class WarehouseAvailability(BaseModel):
    model_config = _READS_LINES
    code: str
    available: DecimalOut


class AvailabilityOut(BaseModel):
    model_config = _READS_LINES
    status: Literal["in_stock", "partial", "backorder"]
    available: DecimalOut = Field(description="available now over all warehouses, in the stock unit")
    unit: str
    warehouses: list[WarehouseAvailability]
    lead_time_days: int


class HoldOut(BaseModel):
    model_config = _READS_LINES
    warehouse: str
    lot_id: int | None = Field(None, description="the lot held from (first in, first out)")
    heat: str | None = None
    quantity: DecimalOut


class CutOut(BaseModel):
    model_config = _READS_LINES
    length_mm: DecimalOut
    width_mm: DecimalOut | None = None


class RequestedOut(BaseModel):
    model_config = _READS_LINES
    value: DecimalOut
    unit: str
    text: str | None = Field(None, description="the quantity as the buyer typed it, when it was sent as text")


class QuoteLineOut(BaseModel):
    model_config = _READS_LINES
    line: int
    sku: str
    name: str
    requested: RequestedOut
    quantity: QuantityOut = Field(description="what is priced, in the requested unit, after minimums and increments")
    stock_quantity: QuantityOut
    weight_kg: DecimalOut | None
    tier: TierApplied
    unit_price: Money = Field(description="per `per` unit, in the quote currency, after discount")
    per: str
    discount_percent: DecimalOut
    fees: list[FeeOut]
    subtotal: Money
    adjustments: list[str]
    cut: CutOut | None
    availability: AvailabilityOut
    held: QuantityOut | None = Field(None, description="what this quote holds, in the stock unit (reserve: true)")
    holds: list[HoldOut] = Field(default_factory=list)


class QuoteOut(BaseModel):
    id: str
    status: Literal["open", "accepted", "expired", "cancelled"]
    account_id: int | None
    currency: str
    reserve: bool
    lines: list[QuoteLineOut]
    subtotal: Money
    tax_rate: DecimalOut
    tax: Money
    total: Money
    valid_until: datetime
    held_until: datetime | None = Field(
        None, description="when what this quote holds goes back to stock (reserve: true; before valid_until)"
    )
    created_at: datetime


class CurrencyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rate: PositiveDecimal = Field(description="units of this currency per 1 EUR", examples=["1.0842"])
    minor_units: int = Field(2, ge=0, le=4, description="decimal places of the currency (EUR 2, JPY 0)")


class CurrencyOut(BaseModel):
    code: str
    rate: DecimalOut
    minor_units: int
