"""Wire shapes of order-charge and freight rules, and of the charges and freight a quote carries."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from steelyard.access.schemas import CurrencyCode
from steelyard.pricing.charges import ChargeRule
from steelyard.pricing.freight import FreightRule
from steelyard.wire import DecimalIn, DecimalOut, Money

# Checked against CLDR's territories in the service too (a clear 422 naming the code).
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", examples=["DE"], description="ISO 3166-1 alpha-2")]


class OrderChargeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: DecimalIn = Field(
        description="goods value below which the charge applies, in `currency` (0: never; on an account, exempts "
        "it from the global rule)",
        examples=["100.00"],
    )
    amount: DecimalIn | None = Field(
        None, description="small_quantity: the charge added below the threshold; minimum_order: leave out"
    )
    currency: CurrencyCode = Field("EUR", description="a currency in the rate table")


class OrderChargeOut(BaseModel):
    scope: str = Field(description='"global", or the account id whose own rule this is')
    kind: Literal["minimum_order", "small_quantity"]
    account_id: int | None
    threshold: DecimalOut
    amount: DecimalOut | None
    currency: str

    @classmethod
    def of(cls, rule: ChargeRule) -> OrderChargeOut:
        scope = "global" if rule.account_id is None else str(rule.account_id)
        return cls(
            scope=scope,
            kind=rule.kind,
            account_id=rule.account_id,
            threshold=rule.threshold,
            amount=rule.amount,
            currency=rule.currency,
        )


class FreightRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["parcel", "pallet", "truck"]
    countries: list[CountryCode] = Field(
        default_factory=list, max_length=250, description="ISO 3166-1 alpha-2 codes served; [] for every country"
    )
    max_weight_kg: DecimalIn | None = Field(None, description="heaviest consignment taken; leave out for no limit")
    max_length_mm: DecimalIn | None = Field(None, description="longest piece taken; leave out for no limit")
    base: DecimalIn = Field(description="price per consignment, in `currency`", examples=["6.90"])
    per_kg: DecimalIn = Field(Decimal(0), description="price per kg of the consignment", examples=["0.35"])
    currency: CurrencyCode = Field("EUR", description="a currency in the rate table")

    def to_rule(self, name: str) -> FreightRule:
        return FreightRule(
            name=name,
            kind=self.kind,
            base=self.base,
            per_kg=self.per_kg,
            currency=self.currency,
            countries=tuple(self.countries),
            max_weight_kg=self.max_weight_kg,
            max_length_mm=self.max_length_mm,
        )


class FreightRuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    name: str
    kind: Literal["parcel", "pallet", "truck"]
    countries: list[str]
    max_weight_kg: DecimalOut | None
    max_length_mm: DecimalOut | None
    base: DecimalOut
    per_kg: DecimalOut
    currency: str


class ChargeOut(BaseModel):
    """An order charge on a quote, in the quote currency."""

    model_config = ConfigDict(from_attributes=True)
    kind: Literal["minimum_order", "small_quantity"]
    amount: Money = Field(description="added to the quote")
    threshold: Money = Field(description="the goods value the rule asks for")
    short_by: Money = Field(description="goods value still missing: order this much more and the charge goes")
    scope: Literal["account", "global"]
    note: str


class FreightOut(BaseModel):
    """The freight estimate of a quote: the whole consignment, by the cheapest carrier rule that takes it."""

    model_config = ConfigDict(from_attributes=True)
    country: str
    weight_kg: DecimalOut
    longest_mm: DecimalOut | None
    rule: str | None = Field(description="the rule applied; null: no rule takes it, freight is quoted separately")
    kind: Literal["parcel", "pallet", "truck"] | None
    amount: Money | None
    advice: list[str] = Field(description="which rule applied and why; a cut that would ship it cheaper")
