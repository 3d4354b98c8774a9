"""Wire shapes of products and warehouses."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from steelyard.access.schemas import CurrencyCode, FamilyName, WarehouseCode
from steelyard.wire import BoolIn, DecimalIn, DecimalOut, IntIn, Money, QuantityIn, QuantityOut, partial_model

SKU_PATTERN = r"^[A-Z0-9._-]{1,64}$"
Sku = Annotated[str, Field(pattern=SKU_PATTERN, examples=["AL-6061T6-SH-2-1250-2500"])]
DimensionName = Annotated[str, Field(pattern=r"^[a-z_]{1,32}$")]


class TierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_quantity: QuantityIn
    unit_price: DecimalIn = Field(description="price per one `per` unit, in the price's currency")
    per: str = Field(min_length=1, max_length=32, examples=["kg"])


class PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    currency: CurrencyCode = "EUR"
    tiers: list[TierIn] = Field(min_length=1, max_length=20)


class CuttingIn(BaseModel):
    """How the product is cut; a setting left out takes its form's default (docs/cutting.md)."""

    model_config = ConfigDict(extra="forbid")
    kerf_mm: DecimalIn | None = Field(None, description="width of one saw cut, mm", examples=["3"])
    trim_mm: DecimalIn | None = Field(None, description="squared off the start of each stock piece, mm")
    rotation: bool | None = Field(None, description="false: parts keep the grain or finish direction on a sheet")
    min_remnant_mm: DecimalIn | None = Field(None, description="an offcut at least this long (and wide) is kept")


class CuttingOut(BaseModel):
    kerf_mm: DecimalOut
    trim_mm: DecimalOut
    rotation: bool
    min_remnant_mm: DecimalOut


class ProductFields(BaseModel):
    """Everything staff may set on a product except its SKU."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=300)
    family: FamilyName = Field(examples=["aluminium"])
    grade: str = Field(min_length=1, max_length=60, examples=["6061-T6"])
    form: str = Field(min_length=1, max_length=40, examples=["sheet"])
    profile: str | None = Field(
        None,
        max_length=60,
        description="a section's designation as the trade writes it (IPE 200, HE 100 A, UPN 100, L 60x40x6, "
        "SHS 40x40x3 EN 10219, RHS 60x40x3, CHS 60.3x3.2, T 50x50x6): the server fills every dimension and radius "
        "from the standard's table; dimensions_mm may add only the length",
        examples=["IPE 200"],
    )
    density_kg_m3: DecimalIn = Field(examples=["2700"])
    dimensions_mm: dict[DimensionName, DecimalIn] = Field(default_factory=dict, max_length=8)
    stock_unit: str = Field(min_length=1, max_length=32, examples=["kg"])
    piece_name: str | None = Field(None, pattern=r"^[a-z][a-z_ ]{0,39}$", examples=["sheet"])
    piece_content: QuantityIn | None = Field(
        None, description="what one piece holds when the dimensions do not say, e.g. 25 kg a bag, 200 L a drum"
    )
    min_order: QuantityIn | None = None
    increment: QuantityIn | None = None
    price: PriceIn
    cut_fee: DecimalIn | None = Field(None, description="per cut, in the price's currency; null: family default")
    lead_time_days: IntIn = Field(0, ge=0, le=365)
    cutting: CuttingIn | None = Field(None, description="kerf, trim, rotation, remnant size; null: form defaults")
    attributes: dict[Annotated[str, Field(min_length=1, max_length=60)], Annotated[str, Field(max_length=500)]] = Field(
        default_factory=dict, max_length=50
    )
    description: str = Field("", max_length=5000)
    active: BoolIn = True


class ProductIn(ProductFields):
    sku: Sku


class ProductPatch(partial_model(ProductFields, "ProductPatch")):  # type: ignore[misc]  # derived at run time
    """A partial update: only the fields sent change; each is checked as on create, and the merged product is
    validated as a whole (by the create schema) before it is stored."""


class TierOut(BaseModel):
    min_quantity: QuantityOut
    unit_price: Money
    per: str


class PriceOut(BaseModel):
    currency: str
    tiers: list[TierOut]


class StockLevelOut(BaseModel):
    code: str
    on_hand: DecimalOut
    reserved: DecimalOut
    available: DecimalOut


class StockTotalOut(BaseModel):
    on_hand: DecimalOut
    reserved: DecimalOut
    available: DecimalOut


class StockOut(BaseModel):
    """Live stock of one product in its stock unit."""

    sku: str
    unit: str
    total: StockTotalOut
    warehouses: list[StockLevelOut]


class PhysicsOut(BaseModel):
    """What the product's physics gives: mass per metre, per m² and per piece (kg), where defined."""

    mass_per_m_kg: DecimalOut | None = None
    mass_per_m2_kg: DecimalOut | None = None
    mass_per_piece_kg: DecimalOut | None = None
    corner_rule: str | None = Field(
        None, description="what the mass assumes that the dimensions did not say (corner radii, thread pitch)"
    )


class ProductSummary(BaseModel):
    sku: str
    name: str
    family: str
    grade: str
    form: str
    profile: str | None = None
    density_kg_m3: DecimalOut
    dimensions_mm: dict[str, DecimalOut]
    stock_unit: str
    piece_name: str | None
    piece_content: QuantityOut | None
    min_order: QuantityOut | None
    increment: QuantityOut | None
    price: PriceOut
    cut_fee: Money | None
    lead_time_days: int
    cutting: CuttingOut | None = Field(description="the cutting settings in force; null: not cut to size")
    attributes: dict[str, str]
    description: str
    active: bool
    created_at: datetime
    updated_at: datetime


class ProductOut(ProductSummary):
    units: list[str] = Field(description="every unit this product can be quoted in")
    physics: PhysicsOut
    availability: StockOut


class WarehouseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: WarehouseCode
    name: str = Field(min_length=1, max_length=200)
    address: str = Field("", max_length=1000)


class WarehouseOut(BaseModel):
    code: str
    name: str
    address: str
    created_at: datetime


ZERO = Decimal(0)
