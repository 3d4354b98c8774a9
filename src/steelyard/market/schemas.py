"""Wire shapes of market indices and price rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from steelyard.access.schemas import CurrencyCode
from steelyard.market.model import Period
from steelyard.pricing.surcharges import Basis, ExtraKind
from steelyard.wire import DECIMAL_PATTERN, DecimalOut, Money, parse_decimal


def _decimal_text(value: Any) -> Decimal:
    # The schema says string (exact): a JSON number, even a whole one, is refused as the schema refuses it.
    if not isinstance(value, str | Decimal):
        raise ValueError('send decimals as strings, e.g. "0.58" (JSON numbers are not exact)')
    return parse_decimal(value)


DecimalIn = Annotated[
    Decimal,
    BeforeValidator(_decimal_text),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN, "examples": ["12.5"]}),
]


def _date_text(value: Any) -> Any:
    # "2026-11-30" only: Pydantic would also read a number as seconds since 1970, which the schema does not allow.
    if not isinstance(value, str | dt.date):
        raise ValueError('send a date as a string, e.g. "2026-11-30"')
    return value


DateIn = Annotated[dt.date, BeforeValidator(_date_text)]


class IndexIn(BaseModel):
    """An index: what one value is (currency per unit of mass) and how often it is published."""

    model_config = ConfigDict(extra="forbid")
    unit: str = Field(min_length=1, max_length=32, description="the mass unit a value is per", examples=["t"])
    currency: CurrencyCode = Field(description="a currency of the rate table", examples=["USD"])
    period: Period = Field(description="day: a value per trading day; month: a value per month, dated the 1st")
    description: str = Field("", max_length=200, examples=["LME copper grade A, cash settlement"])


class IndexValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: DateIn = Field(description="effective from this day (a monthly index: the month's first day)")
    value: DecimalIn = Field(description="in the index's currency per its unit, above zero", examples=["9512.5"])


class IndexRowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    index: str = Field(min_length=1, max_length=32, examples=["LME-CU"])
    date: DateIn
    value: DecimalIn = Field(examples=["9512.5"])


class IndexRowsIn(BaseModel):
    """Many values at once (an ERP's daily feed): all of them, or none with every bad row named."""

    model_config = ConfigDict(extra="forbid")
    values: list[IndexRowIn] = Field(min_length=1, max_length=5000)


class IndexRowsOut(BaseModel):
    posted: int


class IndexValueOut(BaseModel):
    date: dt.date
    value: DecimalOut
    converted: DecimalOut | None = Field(
        None, description="the value in the `currency` asked for, through the rate table (6 decimals, half-up)"
    )


class IndexOut(BaseModel):
    name: str
    unit: str
    currency: str
    period: Period
    description: str
    latest: IndexValueOut | None = Field(description="the newest value")
    converted_currency: str | None = Field(None, description="the currency of `converted`, when one was asked for")
    values: list[IndexValueOut] = Field(default_factory=list, description="the series, oldest first")


class PostedOut(BaseModel):
    name: str
    date: dt.date
    value: DecimalOut
    replaced: DecimalOut | None = Field(None, description="the value this one corrected (same date), if any")


class SurchargeRuleIO(BaseModel):
    """`max(0, index value - reference) x share`, per unit of the goods' weight; see docs/market.md."""

    model_config = ConfigDict(extra="forbid")
    index: str = Field(min_length=1, max_length=32, examples=["LME-CU"])
    share: DecimalIn = Field(description="the mass fraction of the metal (x any loss factor)", examples=["0.58"])
    reference: DecimalIn = Field(
        description="the index value the base price already contains (index currency per index unit)", examples=["0"]
    )
    per: str = Field("kg", min_length=1, max_length=32, description="the mass unit the line states the rate per")
    basis: Basis = Field(
        "order_date", description="order_date: the value in force that day; period_average: the previous month's mean"
    )


class ExtraRuleIO(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: ExtraKind = Field(description="finish: the product's `finish` attribute; certificate: the line asks one")
    value: str | None = Field(
        None, max_length=40, description="which finish or certificate (3.1); null: any", examples=["polished"]
    )
    amount: DecimalIn = Field(description="in the rule's currency per `per`", examples=["0.35"])
    per: str = Field("line", min_length=1, max_length=32, description="'line', or a unit of mass")


class PriceRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    currency: CurrencyCode = Field("EUR", description="the currency of the extras' amounts")
    surcharges: list[SurchargeRuleIO] = Field(default_factory=list, max_length=8)
    extras: list[ExtraRuleIO] = Field(default_factory=list, max_length=16)
    remnant_discount_percent: DecimalIn | None = Field(
        None,
        description="off the price of what a cut line takes from remnant lots (offcuts), 0 to 100; null: none",
        examples=["30"],
    )


class PriceRuleOut(PriceRuleIn):
    scope: Literal["product", "grade", "family"]
    key: str


_READS_LINES = ConfigDict(from_attributes=True)


class SurchargeOut(BaseModel):
    """A metal surcharge on a line: the index figure it used and what it came to (docs/market.md)."""

    model_config = _READS_LINES
    index: str
    value: DecimalOut = Field(description="the index value used (period_average: the month's mean, 6 decimals)")
    date: dt.date = Field(description="order_date: the value's effective date; period_average: the month's first day")
    basis: Basis
    count: int = Field(description="how many values the figure is (the average's count; 1 for order_date)")
    until: dt.date | None = Field(None, description="period_average: the last day of the averaged month")
    index_currency: str
    index_unit: str
    reference: DecimalOut
    share: DecimalOut
    rate: Money = Field(description="max(0, value - reference) x share, in the quote currency per `per` (4 places)")
    per: str
    quantity: DecimalOut = Field(description="the goods' weight in `per`")
    amount: Money = Field(description="quantity x rate, in the quote currency, rounded half-up to its minor unit")


class ExtraOut(BaseModel):
    model_config = _READS_LINES
    kind: str
    value: str | None
    unit_amount: Money
    per: str
    count: DecimalOut
    amount: Money
