"""Wire shapes of quotes, orders and currencies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from steelyard.access.schemas import CurrencyCode
from steelyard.catalog.schemas import Sku
from steelyard.charges.schemas import ChargeOut, CountryCode, FreightOut
from steelyard.cutting import MAX_PARTS, PartSpec
from steelyard.inventory.model import Requirements
from steelyard.inventory.schemas import CertificateType
from steelyard.market.schemas import ExtraOut, SurchargeOut
from steelyard.pricing import Cut
from steelyard.quotes.lines import LineRequest
from steelyard.wire import BoolIn, DecimalIn, DecimalOut, IntIn, Money, QuantityIn, QuantityOut


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


class CutPartIn(BaseModel):
    """One size of a cut list: `count` parts of `length_mm` (x `width_mm` for sheet and plate)."""

    model_config = ConfigDict(extra="forbid")
    length_mm: PositiveDecimal = Field(examples=["600"])
    width_mm: PositiveDecimal | None = None
    count: int = Field(ge=1, le=MAX_PARTS, examples=[10])


class RequirementsIn(BaseModel):
    """What the lots a line is taken from must meet."""

    model_config = ConfigDict(extra="forbid")
    certificate: CertificateType | None = Field(
        None, description="at least this EN 10204 inspection document (3.1 is met by 3.1 and 3.2)"
    )
    single_heat: bool = Field(False, description="the whole line from one heat")

    def to_requirements(self) -> Requirements | None:
        if self.certificate is None and not self.single_heat:
            return None
        return Requirements(certificate=self.certificate, single_heat=self.single_heat)


class QuantityText(BaseModel):
    """A quantity as the buyer typed it; `unit` applies when the text names none (a page's unit picker)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=200, examples=["1,500 lb"])
    unit: str | None = Field(None, min_length=1, max_length=32, examples=["lb"])


def _quantity_form(value: Any) -> str:
    """Which of the three forms a line's quantity is in, so a bad one is reported against that form only."""
    if isinstance(value, str):
        return "<text>"
    if isinstance(value, dict) and "text" in value:
        return "<typed>"
    return "<quantity>"


LineQuantity = Annotated[
    Annotated[QuantityIn, Tag("<quantity>")]
    | Annotated[QuantityText, Tag("<typed>")]
    | Annotated[Annotated[str, Field(max_length=200)], Tag("<text>")],
    Discriminator(_quantity_form),
]


class QuoteLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Sku
    quantity: LineQuantity | None = Field(
        None,
        description='{"value": "250", "unit": "lb"}, or a text as typed: "1,500 lb", "1 1/2 in", "3 sheets", '
        "\"12'\" (separators read by the account's locale, else Accept-Language; see docs/quantities.md), or "
        '{"text": "1,500", "unit": "lb"} where `unit` applies when the text names none; not with `cuts`',
    )
    cut: CutIn | None = Field(None, description="one size for every piece of `quantity` (in pieces)")
    cuts: list[CutPartIn] | None = Field(
        None, min_length=1, max_length=50, description="a cut list instead of a quantity: several sizes and counts"
    )

    @model_validator(mode="after")
    def _one_way(self) -> QuoteLineIn:
        if self.cuts is not None and (self.quantity is not None or self.cut is not None):
            raise ValueError("give either `cuts` (a cut list) or `quantity` (with an optional `cut`), not both")
        if self.cuts is None and self.quantity is None:
            raise ValueError("give `quantity` (e.g. 250 kg) or a cut list in `cuts`")
        return self

    requirements: RequirementsIn | None = Field(
        None, description='what the stock must meet, e.g. {"certificate": "3.1", "single_heat": true}'
    )

    def to_request(self) -> LineRequest:
        """The typed line the services price."""
        requirements = None if self.requirements is None else self.requirements.to_requirements()
        if self.cuts is not None:
            parts = tuple(PartSpec(c.length_mm, c.count, c.width_mm) for c in self.cuts)
            return LineRequest(sku=self.sku, cuts=parts, requirements=requirements)
        assert self.quantity is not None
        cut = None if self.cut is None else Cut(self.cut.length_mm, self.cut.width_mm)
        q = self.quantity
        if isinstance(q, str):
            return LineRequest(sku=self.sku, text=q, cut=cut, requirements=requirements)
        if isinstance(q, QuantityText):
            return LineRequest(sku=self.sku, text=q.text, unit=q.unit, cut=cut, requirements=requirements)
        return LineRequest(sku=self.sku, value=q.value, unit=q.unit, cut=cut, requirements=requirements)


class EstimateIn(BaseModel):
    """What to price: the lines and, optionally, the currency."""

    model_config = ConfigDict(extra="forbid")
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=200)
    currency: CurrencyCode | None = Field(None, description="default: the account's currency, else EUR")
    delivery_country: CountryCode | None = Field(
        None, description="where the goods go, for the freight estimate (default: STEELYARD_DEFAULT_DELIVERY_COUNTRY)"
    )

    def line_requests(self) -> list[LineRequest]:
        return [line.to_request() for line in self.lines]


class QuoteIn(EstimateIn):
    reserve: BoolIn = Field(False, description="hold what is available until valid_until (needs a customer token)")


CHARGES = "order charges (minimum order value, small quantity) met by the goods, each saying what avoids it"
FREIGHT = "the freight estimate: the carrier rule applied and advice; null when staff have set no freight rule"
SUBTOTAL = "the lines' subtotals plus charges and freight (a freight without a rule adds nothing)"
_READS_LINES = ConfigDict(from_attributes=True)  # answer models read quotes.lines' dataclasses directly


class TierApplied(BaseModel):
    model_config = _READS_LINES
    index: int
    min_quantity: QuantityOut
    unit_price: Money = Field(description="the tier's list price, in the product's price currency")
    per: str
    currency: str
    basis: QuantityOut | None = Field(
        None,
        description="the quantity the tier was chosen on, in the stock unit: the product's total over `lines`",
    )
    lines: list[int] = Field(
        default_factory=list, description="the lines (1-based) of this product whose total chose the tier"
    )


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
    reason: str | None = Field(
        None, description="why the line's requirements (certificate, single heat) cannot be met in full from stock"
    )


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


class CutPartOut(BaseModel):
    model_config = _READS_LINES
    length_mm: DecimalOut
    width_mm: DecimalOut | None = None
    count: int


class CutStockOut(BaseModel):
    model_config = _READS_LINES
    length_mm: DecimalOut | None
    width_mm: DecimalOut | None = None
    lot_id: str | None = None


class PlacedPartOut(BaseModel):
    model_config = _READS_LINES
    length_mm: DecimalOut = Field(description="as ordered; `rotated`: its length runs across the sheet")
    width_mm: DecimalOut | None = None
    x_mm: DecimalOut = Field(description="from the stock piece's start (after the trim)")
    y_mm: DecimalOut | None = None
    rotated: bool


class OffcutOut(BaseModel):
    model_config = _READS_LINES
    length_mm: DecimalOut
    width_mm: DecimalOut | None = None
    x_mm: DecimalOut
    y_mm: DecimalOut | None = None
    kept: bool = Field(description="long (and wide) enough to go back into stock as a remnant")


class LayoutOut(BaseModel):
    model_config = _READS_LINES
    count: int = Field(description="how many stock pieces are cut this way")
    stock: CutStockOut
    parts: list[PlacedPartOut]
    offcuts: list[OffcutOut]
    kerf_loss: DecimalOut = Field(description="mm (lengths) or mm2 (sheets) turned to swarf on one such piece")


class CutPlanOut(BaseModel):
    model_config = _READS_LINES
    stock_pieces: int
    lower_bound: int = Field(description="no plan can use fewer stock pieces than this")
    utilisation: DecimalOut = Field(description="parts delivered over stock taken")
    kerf_mm: DecimalOut
    trim_mm: DecimalOut
    kerf_loss: QuantityOut
    layouts: list[LayoutOut]


class RemnantUseOut(BaseModel):
    model_config = _READS_LINES
    lot_id: int = Field(description="the remnant lot the cut plan cuts from (before any whole stock piece)")
    heat: str | None
    warehouse: str
    pieces: int
    quantity: DecimalOut = Field(description="in the stock unit: what the line holds from the lot")
    length_mm: DecimalOut | None
    width_mm: DecimalOut | None = None


class RemnantDiscountOut(BaseModel):
    model_config = _READS_LINES
    percent: DecimalOut = Field(description="the remnant discount of the product's price rule")
    amount: Money = Field(description="taken off the goods cut from remnant lots (in the subtotal)")


class RequestedOut(BaseModel):
    model_config = _READS_LINES
    value: DecimalOut
    unit: str
    text: str | None = Field(None, description="the quantity as the buyer typed it, when it was sent as text")


class RequirementsOut(BaseModel):
    model_config = _READS_LINES
    certificate: str | None
    single_heat: bool


class EstimateLineOut(BaseModel):
    """A priced line; a stored quote's line adds what it holds."""

    model_config = _READS_LINES
    line: int
    sku: str
    name: str
    requested: RequestedOut
    quantity: QuantityOut = Field(description="what is priced, in the requested unit, after minimums and increments")
    stock_quantity: QuantityOut
    weight_kg: DecimalOut | None = Field(description="the weight of the goods delivered (cut lines: the parts)")
    stock_weight_kg: DecimalOut | None = Field(None, description="cut lines: the weight taken from stock")
    tier: TierApplied
    unit_price: Money = Field(description="per `per` unit, in the quote currency, after discount")
    per: str
    discount_percent: DecimalOut
    fees: list[FeeOut]
    subtotal: Money
    adjustments: list[str]
    cut: CutOut | None
    cuts: list[CutPartOut] = Field(default_factory=list)
    cut_plan: CutPlanOut | None = Field(None, description="cut lines: the plan that decides the stock taken")
    availability: AvailabilityOut
    requirements: RequirementsOut | None = None
    remnants: list[RemnantUseOut] = Field(
        default_factory=list, description="cut lines: the remnant lots the plan cuts from first (docs/inventory.md)"
    )
    remnant_discount: RemnantDiscountOut | None = Field(
        None, description="the price rule's remnant discount, when the line cuts from remnant lots"
    )
    base: Money | None = Field(
        None, description="with a price rule: the subtotal before surcharges and extras (subtotal = base + them)"
    )
    surcharges: list[SurchargeOut] = Field(default_factory=list, description="metal surcharges (docs/market.md)")
    extras: list[ExtraOut] = Field(default_factory=list, description="finish and certificate extras")


class QuoteLineOut(EstimateLineOut):
    held: QuantityOut | None = Field(None, description="what this quote holds, in the stock unit (reserve: true)")
    holds: list[HoldOut] = Field(default_factory=list)


class QuoteOut(BaseModel):
    id: str
    status: Literal["open", "accepted", "expired", "cancelled"]
    account_id: int | None
    currency: str
    reserve: bool
    lines: list[QuoteLineOut]
    charges: list[ChargeOut] = Field(default_factory=list, description=CHARGES)
    freight: FreightOut | None = Field(None, description=FREIGHT)
    subtotal: Money = Field(description=SUBTOTAL)
    tax_rate: DecimalOut
    tax: Money
    total: Money
    valid_until: datetime
    held_until: datetime | None = Field(
        None, description="when what this quote holds goes back to stock (reserve: true; before valid_until)"
    )
    created_at: datetime


class EstimateOut(BaseModel):
    """A quote's answer without `id`, `valid_until` and holds: priced from live data, stored nowhere."""

    account_id: int | None
    currency: str
    lines: list[EstimateLineOut]
    charges: list[ChargeOut] = Field(default_factory=list, description=CHARGES)
    freight: FreightOut | None = Field(None, description=FREIGHT)
    subtotal: Money = Field(description=SUBTOTAL)
    tax_rate: DecimalOut
    tax: Money
    total: Money


class CurrencyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rate: PositiveDecimal = Field(description="units of this currency per 1 EUR", examples=["1.0842"])
    minor_units: IntIn = Field(2, ge=0, le=4, description="decimal places of the currency (EUR 2, JPY 0)")


class CurrencyOut(BaseModel):
    code: str
    rate: DecimalOut
    minor_units: int
