"""One quote line: order rules, tier, discount, currency, cutting fees and the line subtotal.

Money on a line (all amounts in the quote currency):
- unit price (exact) = tier unit price x (100 - discount %) / 100 x exchange rate; the discount
  applies to goods only, never to fees. `LineEstimate.unit_price` states it half-up to 4 decimals.
- subtotal = round_half_up(priced quantity x exact unit price + exact fees, currency minor unit):
  rounded once per line, from exact parts; the stated unit price and fee amounts are for reading.
- cut-to-size: the quantity is a count of cut pieces (whole, rounded up); the goods are priced on
  the cut pieces' mass (`cut_piece_weight_kg` each); the cutting fee is `cut_fee` (price currency)
  per cut, with 1 cut per piece for a length-only cut and 2 when a width is also given. A minimum
  order raises the number of cut pieces until their mass reaches it; increments do not apply to
  cut pieces. For a discrete product the stock taken is rounded up to whole stock pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from steelyard.catalog.model import PriceTier
from steelyard.errors import InvalidInput
from steelyard.pricing.base import (
    Convert,
    ceil_whole,
    describe,
    in_pricing_context,
    in_unit,
    is_count_unit,
    require_finite,
    snap,
)
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
    cut: Cut,
    cut_fee: Decimal,
    fx_rate: Decimal,
    minor_units: int,
    piece_weight_kg: Decimal | None,
    discrete: bool,
    min_order: Quantity | None,
    piece_name: str | None,
    is_count: Callable[[str], bool],
) -> _Goods:
    """A cut-to-size line: whole cut pieces, priced on their mass, plus a cutting fee per cut."""
    if not is_count(requested.unit):
        raise InvalidInput(
            f"a cut-to-size line is ordered as a number of cut pieces: give the quantity in pieces "
            f'(e.g. {{"value": "4", "unit": "piece"}}), not in {requested.unit}'
        )
    for name, size in (("cut.length_mm", cut.length_mm), ("cut.width_mm", cut.width_mm)):
        if size is not None and (not size.is_finite() or size <= 0):
            raise InvalidInput(f"{name} must be a positive number of mm, got {size}")
    if piece_weight_kg is None:
        raise InvalidInput("this product cannot be cut to size: the weight of a cut piece cannot be computed")
    if not piece_weight_kg.is_finite() or piece_weight_kg <= 0:
        raise InvalidInput(f"a cut piece must weigh more than 0 kg, got {piece_weight_kg} kg")
    require_finite(cut_fee, "cut_fee")
    if cut_fee < 0:
        raise ValueError(f"a cutting fee cannot be negative, got {cut_fee}")
    notes: list[str] = []
    count = ceil_whole(requested.value)
    if count != snap(requested.value):
        notes.append(
            f"rounded up from {describe(requested.value, 'piece')} to {describe(count, 'piece')}: cut pieces are whole"
        )
    if min_order is not None and min_order.value > 0:
        minimum_kg = in_unit(min_order, KG, convert)
        if snap(count * piece_weight_kg) < snap(minimum_kg):
            count = ceil_whole(minimum_kg / piece_weight_kg)
            notes.append(
                f"raised to {describe(count, 'piece')} to reach the minimum order of "
                f"{describe(min_order.value, min_order.unit)}"
            )
    mass = Quantity(count * piece_weight_kg, KG)
    stock = Quantity(in_unit(mass, stock_unit, convert), stock_unit)
    if discrete:
        whole = ceil_whole(stock.value)
        notes.append(f"cut from {describe(whole, piece_name or stock_unit)} in stock")
        stock = Quantity(whole, stock_unit)
    cuts = count * cut.cuts_per_piece
    fee_each = convert_money(cut_fee, fx_rate)
    fee_exact = cuts * fee_each
    fee = Fee(CUTTING, cuts, round_unit_price(fee_each), round_money(fee_exact, minor_units))
    return _Goods(mass, Quantity(count, requested.unit), stock, ((fee, fee_exact),), tuple(notes))


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
    cut_fee: Decimal = Decimal(0),
    cut_piece_weight_kg: Decimal | None = None,
    piece_name: str | None = None,
    is_count: Callable[[str], bool] = is_count_unit,
) -> LineEstimate:
    """Price one line: order rules (or cut pieces), tier, discount, exchange rate, fees, subtotal."""
    require_positive(requested)
    _check_discount(discount_percent)
    convert_money(Decimal(1), fx_rate)  # checks the rate before any work
    if cut is None:
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
            cut=cut,
            cut_fee=cut_fee,
            fx_rate=fx_rate,
            minor_units=minor_units,
            piece_weight_kg=cut_piece_weight_kg,
            discrete=discrete,
            min_order=min_order,
            piece_name=piece_name,
            is_count=is_count,
        )
    tier_index, tier = select_tier(tiers, goods.priced, convert)
    if not tier.unit_price.is_finite() or tier.unit_price < 0:
        raise ValueError(f"price tier {tier_index} has an invalid unit price {tier.unit_price}")
    priced = Quantity(in_unit(goods.priced, tier.per, convert), tier.per)
    unit_exact = convert_money(tier.unit_price * (100 - discount_percent) / 100, fx_rate)
    line_exact = priced.value * unit_exact + sum((exact for _, exact in goods.fees), Decimal(0))
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
    )
