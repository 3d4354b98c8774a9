"""One quote line: order rules, tier, discount, currency, cutting fees and the line subtotal.

Money on a line (all amounts in the quote currency):
- unit price (exact) = tier unit price x (100 - discount %) / 100 x exchange rate; the discount
  applies to goods only, never to fees. `LineEstimate.unit_price` states it half-up to 4 decimals.
- subtotal = round_half_up(priced quantity x exact unit price + exact fees, currency minor unit):
  rounded once per line, from exact parts; the stated unit price and fee amounts are for reading.
- cut-to-size: the job is planned first (steelyard.cutting) and handed in as a `PlannedCut`: the
  quantity is the count of parts delivered; the goods are priced on the stock the plan takes (whole
  stock pieces, and remnant pieces for their own size, in the stock unit; the remnant part less the
  remnant discount of the product's price rule); the cutting fee is `cut_fee` (price currency) per cut, with 1 cut
  per part cut to length and 2 per part cut to length and width. Below a minimum order the goods are
  priced at the minimum; increments do not apply to cut lines.
- tiers: chosen on the line's priced goods, or on `tier_basis` when the caller gives one (a quote prices every
  line of one product at the tier their total reaches: see `shared_tier_bases`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from steelyard.errors import InvalidInput
from steelyard.pricing.base import (
    Convert,
    describe,
    in_pricing_context,
    in_unit,
    is_count_unit,
    require_finite,
    snap,
)
from steelyard.pricing.model import PriceTier
from steelyard.pricing.money import convert_money, round_money, round_unit_price
from steelyard.pricing.rules import apply_order_rules, require_positive
from steelyard.pricing.tiers import select_tier
from steelyard.units.quantity import Quantity

KG = "kg"
CUTTING = "cutting"


@dataclass(frozen=True, slots=True)
class Cut:
    """Cut-to-size: each piece cut to `length_mm`, and also to `width_mm` when given."""

    length_mm: Decimal
    width_mm: Decimal | None = None

    @property
    def cuts_per_piece(self) -> int:
        """1 cut for a length, 2 for a length and a width."""
        return 1 if self.width_mm is None else 2


@dataclass(frozen=True, slots=True)
class PlannedCut:
    """A planned cut job: parts delivered, cuts charged and the stock it takes (in the stock unit)."""

    parts: int
    cuts: int
    stock: Quantity
    note: str  # how the stock was decided, in words ("cut from 10 bars of 1000 mm")
    remnant: Quantity | None = None  # the part of `stock` cut from remnant lots (a remnant discount applies to it)


@dataclass(frozen=True, slots=True)
class Fee:
    """A charge on a line besides the goods: `count` x `unit_amount` (4 decimals) = `amount` (minor unit)."""

    kind: str
    count: Decimal
    unit_amount: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LineEstimate:
    """The price of one quote line and how it was reached."""

    requested: Quantity  # as the customer asked
    quantity: Quantity  # after the order rules, in the requested unit (cut lines: cut pieces)
    stock_quantity: Quantity  # what leaves the stock, in the stock unit
    priced_quantity: Quantity  # what is charged for, in the tier's `per` unit
    tier_index: int
    tier: PriceTier
    unit_price: Decimal  # quote currency per one `per`, after discount and exchange, half-up to 4 places
    unit_price_exact: Decimal  # the same, unrounded: what the subtotal is computed from
    per: str
    fees: tuple[Fee, ...]
    subtotal: Decimal  # quote currency, rounded half-up to its minor unit
    adjustments: tuple[str, ...]  # every change made to the requested quantity, in words
    cut: Cut | None = None
    goods: Quantity | None = None  # the goods charged for, exact, before the tier's unit: what a tier basis sums
    remnant_discount: Decimal = Decimal(0)  # taken off the subtotal for goods cut from remnants, minor unit


@dataclass(frozen=True, slots=True)
class _Goods:
    """What a line charges for before money: its quantities, exact fees and notes."""

    priced: Quantity
    quantity: Quantity
    stock: Quantity
    fees: tuple[tuple[Fee, Decimal], ...]
    notes: tuple[str, ...]


def _check_discount(discount_percent: Decimal) -> None:
    """InvalidInput unless the discount is a percentage from 0 to 100."""
    require_finite(discount_percent, "discount_percent")
    if not 0 <= discount_percent <= 100:
        raise InvalidInput(f"discount_percent must be from 0 to 100, got {discount_percent}")


def _plain_goods(
    requested: Quantity,
    stock_unit: str,
    convert: Convert,
    *,
    discrete: bool,
    min_order: Quantity | None,
    increment: Quantity | None,
    piece_name: str | None,
) -> _Goods:
    """A line sold as stocked: order rules in the stock unit, priced on the adjusted quantity."""
    stock = Quantity(in_unit(requested, stock_unit, convert), stock_unit)
    ruled = apply_order_rules(
        stock,
        convert=convert,
        min_order=min_order,
        increment=increment,
        discrete=discrete,
        piece_name=piece_name,
    )
    if ruled.quantity.value == stock.value:
        return _Goods(requested, requested, stock, (), ruled.adjustments)
    quantity = Quantity(in_unit(ruled.quantity, requested.unit, convert), requested.unit)
    return _Goods(ruled.quantity, quantity, ruled.quantity, (), ruled.adjustments)


def _cut_goods(
    requested: Quantity,
    stock_unit: str,
    convert: Convert,
    *,
    planned: PlannedCut | None,
    cut_fee: Decimal,
    fx_rate: Decimal,
    minor_units: int,
    min_order: Quantity | None,
    is_count: Callable[[str], bool],
) -> _Goods:
    """A cut-to-size line: the parts, priced on the stock the plan takes, plus a cutting fee per cut."""
    if not is_count(requested.unit):
        raise InvalidInput(
            f"a cut-to-size line is ordered as a number of cut pieces: give the quantity in pieces "
            f'(e.g. {{"value": "4", "unit": "piece"}}), not in {requested.unit}'
        )
    if planned is None:
        raise InvalidInput("this product cannot be cut to size: there is no plan for the cut")
    require_finite(cut_fee, "cut_fee")
    if cut_fee < 0:
        raise ValueError(f"a cutting fee cannot be negative, got {cut_fee}")
    notes = [planned.note]
    stock = Quantity(in_unit(planned.stock, stock_unit, convert), stock_unit)
    priced = stock
    minimum = None if min_order is None else Quantity(in_unit(min_order, stock_unit, convert), stock_unit)
    if min_order is not None and minimum is not None and snap(stock.value) < snap(minimum.value):
        priced = minimum
        notes.append(f"priced at the minimum order of {describe(min_order.value, min_order.unit)}")
    fee_each = convert_money(cut_fee, fx_rate)
    fee_exact = planned.cuts * fee_each
    fee = Fee(CUTTING, Decimal(planned.cuts), round_unit_price(fee_each), round_money(fee_exact, minor_units))
    return _Goods(priced, Quantity(Decimal(planned.parts), requested.unit), stock, ((fee, fee_exact),), tuple(notes))


@in_pricing_context
def estimate_line(
    *,
    requested: Quantity,
    stock_unit: str,
    tiers: Sequence[PriceTier],
    convert: Convert,
    discrete: bool = False,
    min_order: Quantity | None = None,
    increment: Quantity | None = None,
    discount_percent: Decimal = Decimal(0),
    fx_rate: Decimal = Decimal(1),
    minor_units: int = 2,
    cut: Cut | None = None,
    planned: PlannedCut | None = None,
    cut_fee: Decimal = Decimal(0),
    piece_name: str | None = None,
    is_count: Callable[[str], bool] = is_count_unit,
    tier_basis: Quantity | None = None,
    remnant_discount_percent: Decimal = Decimal(0),
) -> LineEstimate:
    """Price one line: order rules (or cut pieces), tier, discount, exchange rate, fees, subtotal. A cut line's goods
    cut from remnant lots (`planned.remnant`) are priced for what they are, less `remnant_discount_percent`."""
    require_positive(requested)
    _check_discount(discount_percent)
    _check_discount(remnant_discount_percent)
    convert_money(Decimal(1), fx_rate)  # checks the rate before any work
    if cut is None and planned is None:
        goods = _plain_goods(
            requested,
            stock_unit,
            convert,
            discrete=discrete,
            min_order=min_order,
            increment=increment,
            piece_name=piece_name,
        )
    else:
        goods = _cut_goods(
            requested,
            stock_unit,
            convert,
            planned=planned,
            cut_fee=cut_fee,
            fx_rate=fx_rate,
            minor_units=minor_units,
            min_order=min_order,
            is_count=is_count,
        )
    tier_index, tier = select_tier(tiers, goods.priced if tier_basis is None else tier_basis, convert)
    if not tier.unit_price.is_finite() or tier.unit_price < 0:
        raise ValueError(f"price tier {tier_index} has an invalid unit price {tier.unit_price}")
    priced = Quantity(in_unit(goods.priced, tier.per, convert), tier.per)
    unit_exact = convert_money(tier.unit_price * (100 - discount_percent) / 100, fx_rate)
    off_exact = Decimal(0)
    if planned is not None and planned.remnant is not None and remnant_discount_percent:
        off_exact = in_unit(planned.remnant, tier.per, convert) * unit_exact * remnant_discount_percent / 100
    line_exact = priced.value * unit_exact - off_exact + sum((exact for _, exact in goods.fees), Decimal(0))
    return LineEstimate(
        requested=requested,
        quantity=goods.quantity,
        stock_quantity=goods.stock,
        priced_quantity=priced,
        tier_index=tier_index,
        tier=tier,
        unit_price=round_unit_price(unit_exact),
        unit_price_exact=unit_exact,
        per=tier.per,
        fees=tuple(fee for fee, _ in goods.fees),
        subtotal=round_money(line_exact, minor_units),
        adjustments=goods.notes,
        cut=cut,
        goods=goods.priced,
        remnant_discount=round_money(off_exact, minor_units),
    )


@in_pricing_context
def shared_tier_bases(goods: Sequence[tuple[str, Quantity]]) -> dict[str, Quantity]:
    """The quantity each product's tier is chosen on: the sum of the goods of all its lines, given as
    `(product key, goods)` pairs in one unit per product (its stock unit). A tier is a price for buying that much
    of one product, however the buyer splits it over lines: 300 kg + 300 kg reaches a 500 kg tier."""
    totals: dict[str, Quantity] = {}
    for key, quantity in goods:
        before = totals.get(key)
        if before is not None and before.unit != quantity.unit:
            raise ValueError(f"the lines of {key} must be summed in one unit, got {before.unit} and {quantity.unit}")
        totals[key] = Quantity(quantity.value + (before.value if before else Decimal(0)), quantity.unit)
    return totals
