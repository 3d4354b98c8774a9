"""The search answer on the wire (documented in OpenAPI; the route serialises the same shape directly)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PriceFromOut(BaseModel):
    value: str = Field(examples=["5.40"], description="the lowest unit price of the product's tiers")
    currency: str = Field(examples=["EUR"])
    per: str = Field(examples=["kg"], description="the unit the price is per")


class HitOut(BaseModel):
    sku: str
    name: str
    family: str
    grade: str
    form: str
    dimensions_mm: dict[str, str]
    stock_unit: str
    available: str = Field(examples=["1250.5"], description="live: on hand less reserved, in the stock unit")
    price_from: PriceFromOut
    score: int = Field(description="relevance points: size closeness (up to 1000 per size group), grade bonus")


class Correction(BaseModel):
    typed: str
    read_as: str


class ReadingOut(BaseModel):
    """How the query was read, and which step of the ladder answered (`exact`, `near_sizes`, ...)."""

    text: str
    families: list[str]
    forms: list[str]
    grades: list[str]
    dimensions_mm: list[list[str]]
    words: list[str]
    corrections: list[Correction]
    ignored: list[str] = Field(description="words no product uses; they did not narrow the search")
    step: str
    sort: str


class SearchOut(BaseModel):
    total: int
    hits: list[HitOut]
    facets: dict[str, dict[str, int]] = Field(
        description="counts per family, form and grade of all the hits, and `remnant`: how many have remnant lots "
        'available ("true") and how many not ("false"), live'
    )
    next_cursor: str | None
    query: ReadingOut


class CompletionOut(BaseModel):
    text: str


class ProductLinkOut(BaseModel):
    sku: str
    name: str


class SuggestOut(BaseModel):
    suggestions: list[CompletionOut]
    products: list[ProductLinkOut]
