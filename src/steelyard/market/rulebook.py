"""A price rule as a value, and how a product finds its own (pure apart from reading a stored row)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from steelyard.catalog.model import Product
from steelyard.pricing.surcharges import ExtraRule, SurchargeRule

Scope = Literal["product", "grade", "family"]
SCOPES: tuple[Scope, ...] = ("product", "grade", "family")


@dataclass(frozen=True, slots=True)
class PriceRule:
    scope: Scope
    key: str
    currency: str  # of the extras' amounts
    surcharges: tuple[SurchargeRule, ...] = ()
    extras: tuple[ExtraRule, ...] = ()
    remnant_discount_percent: Decimal | None = None  # off the goods a cut line takes from remnant lots (30: 30 %)


def rule_from_row(row: Any) -> PriceRule:
    return PriceRule(
        scope=row.scope,
        key=row.key,
        currency=row.currency,
        surcharges=tuple(
            SurchargeRule(
                index=s["index"],
                share=Decimal(s["share"]),
                reference=Decimal(s["reference"]),
                per=s["per"],
                basis=s["basis"],
            )
            for s in row.surcharges
        ),
        extras=tuple(
            ExtraRule(kind=e["kind"], amount=Decimal(e["amount"]), per=e["per"], value=e.get("value"))
            for e in row.extras
        ),
        remnant_discount_percent=row.remnant_discount_percent,
    )


def rule_json(rule: PriceRule) -> dict[str, Any]:
    return {
        "currency": rule.currency,
        "surcharges": [
            {"index": s.index, "share": str(s.share), "reference": str(s.reference), "per": s.per, "basis": s.basis}
            for s in rule.surcharges
        ],
        "extras": [{"kind": e.kind, "amount": str(e.amount), "per": e.per, "value": e.value} for e in rule.extras],
        "remnant_discount_percent": rule.remnant_discount_percent,
    }


def effective(found: Mapping[tuple[str, str], PriceRule], products: Iterable[Product]) -> dict[str, PriceRule]:
    """Product rule, else grade rule, else family rule, for each product that has any."""
    chosen: dict[str, PriceRule] = {}
    for p in products:
        for scope, key in (("product", p.sku), ("grade", p.grade), ("family", p.family)):
            rule = found.get((scope, key))
            if rule is not None:
                chosen[p.sku] = rule
                break
    return chosen
