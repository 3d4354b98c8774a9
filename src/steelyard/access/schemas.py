"""Wire shapes of accounts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from steelyard.units.text import number_format
from steelyard.wire import DecimalIn, DecimalOut


def _rate(value: Decimal) -> Decimal:
    if not 0 <= value <= 1:
        raise ValueError('a tax rate is a fraction from 0 to 1, e.g. "0.19" for 19 %')
    return value


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("may not be negative")
    return value


def _percent(value: Decimal) -> Decimal:
    if not 0 <= value <= 100:
        raise ValueError("a discount is a percent from 0 to 100")
    return value


def _locale(value: str) -> str:
    if number_format(value) is None:
        raise ValueError(f"'{value}' is not a locale this service knows; write it like de-DE, en-US or fr-FR")
    return value


TaxRate = Annotated[DecimalIn, AfterValidator(_rate)]
LocaleTag = Annotated[
    str,
    Field(
        min_length=2,
        max_length=35,
        pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$",
        examples=["de-DE"],
        description="how the account writes numbers in quantities sent as text (1.500,5 in de-DE); "
        "null: the request's Accept-Language",
    ),
    AfterValidator(_locale),
]
Percent = Annotated[DecimalIn, AfterValidator(_percent)]
Limit = Annotated[DecimalIn, AfterValidator(_not_negative)]


def _tolerance(value: Decimal) -> Decimal:
    if not 0 <= value <= 50:
        raise ValueError("a weight tolerance is a percent from 0 to 50")
    return value


Tolerance = Annotated[DecimalIn, AfterValidator(_tolerance)]
BillingWeight = Literal["theoretical", "actual"]
BILLING_WEIGHT = "bill on the theoretical weight, or on the weighed (actual) weight where the goods were weighed"
TOLERANCE = (
    "how far (in %) a weighed weight billed on may differ from the theoretical; null: the service default "
    "(STEELYARD_WEIGHT_TOLERANCE_PCT)"
)
CREDIT_LIMIT = "what the account's holds and open orders may be worth, in its currency; null: the service default"
HOLD_LIMIT_KG = "kg the account may hold at once; null: the service default (STEELYARD_DEFAULT_HOLD_LIMIT_KG)"
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"], description="ISO 4217 code")]
WarehouseCode = Annotated[str, Field(pattern=r"^[A-Z0-9_-]{1,16}$", examples=["RTM"])]
FamilyName = Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,39}$")]


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    currency: CurrencyCode = "EUR"
    tax_rate: TaxRate | None = Field(None, description="null: the service's default tax rate applies")
    discount_percent: Percent = Decimal(0)
    price_list: dict[FamilyName, Percent] = Field(
        default_factory=dict, description="discount percent per family; overrides discount_percent for that family"
    )
    home_warehouse: WarehouseCode | None = None
    credit_limit: Limit | None = Field(None, description=CREDIT_LIMIT)
    hold_limit_kg: Limit | None = Field(None, description=HOLD_LIMIT_KG)
    locale: LocaleTag | None = None
    billing_weight: BillingWeight = Field("theoretical", description=BILLING_WEIGHT)
    weight_tolerance_pct: Tolerance | None = Field(None, description=TOLERANCE)


class AccountPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=200)
    currency: CurrencyCode | None = None
    tax_rate: TaxRate | None = None
    discount_percent: Percent | None = None
    price_list: dict[FamilyName, Percent] | None = None
    home_warehouse: WarehouseCode | None = None
    credit_limit: Limit | None = Field(None, description=CREDIT_LIMIT)
    hold_limit_kg: Limit | None = Field(None, description=HOLD_LIMIT_KG)
    locale: LocaleTag | None = None
    billing_weight: BillingWeight | None = Field(None, description=BILLING_WEIGHT)
    weight_tolerance_pct: Tolerance | None = Field(None, description=TOLERANCE)


class AccountOut(BaseModel):
    id: int
    name: str
    currency: str
    tax_rate: DecimalOut | None
    discount_percent: DecimalOut
    price_list: dict[str, DecimalOut]
    home_warehouse: str | None
    credit_limit: DecimalOut | None
    hold_limit_kg: DecimalOut | None
    locale: str | None = None
    billing_weight: BillingWeight = "theoretical"
    weight_tolerance_pct: DecimalOut | None = None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> AccountOut:
        return cls(
            id=row["id"],
            name=row["name"],
            currency=row["currency"],
            tax_rate=row["tax_rate"],
            discount_percent=row["discount_percent"],
            price_list={k: Decimal(v) for k, v in row["price_list"].items()},
            home_warehouse=row["home_warehouse"],
            credit_limit=row["credit_limit"],
            hold_limit_kg=row["hold_limit_kg"],
            locale=row["locale"],
            billing_weight=row["billing_weight"],
            weight_tolerance_pct=row["weight_tolerance_pct"],
            created_at=row["created_at"],
        )


class TokenOut(BaseModel):
    """A token as admins see it: never the token itself, nor its hash."""

    id: int
    name: str
    role: str
    account_id: int | None
    created_at: datetime
    expires_at: datetime | None = Field(description="when it stops working; null: only when revoked")
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> TokenOut:
        return cls(
            id=row["id"],
            name=row["name"],
            role=row["role"],
            account_id=row["account_id"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            revoked_at=row["revoked_at"],
        )
