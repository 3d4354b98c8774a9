"""Pricing: pure functions over Decimals for tiers, order rules, quote lines, money and tax (no I/O)."""

from steelyard.pricing.base import COUNT_UNITS, Convert, describe, is_count_unit
from steelyard.pricing.estimator import Cut, Fee, LineEstimate, PlannedCut, estimate_line, shared_tier_bases
from steelyard.pricing.money import UNIT_PRICE_PLACES, convert_money, round_money, round_unit_price
from steelyard.pricing.rules import RuledQuantity, apply_order_rules, order_rules_problems
from steelyard.pricing.tax import Totals, quote_totals
from steelyard.pricing.tiers import select_tier, tiers_problems

__all__ = [
    "COUNT_UNITS",
    "UNIT_PRICE_PLACES",
    "Convert",
    "Cut",
    "Fee",
    "LineEstimate",
    "PlannedCut",
    "RuledQuantity",
    "Totals",
    "apply_order_rules",
    "convert_money",
    "describe",
    "estimate_line",
    "is_count_unit",
    "order_rules_problems",
    "quote_totals",
    "round_money",
    "round_unit_price",
    "select_tier",
    "shared_tier_bases",
    "tiers_problems",
]
