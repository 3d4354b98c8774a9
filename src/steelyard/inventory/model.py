"""The no-oversell rules as plain code (no I/O): where a quantity is taken from, and what a level allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from steelyard.catalog.model import (
    Level as Level,  # re-exported: the catalogue keeps the levels, the ledger changes them
)
from steelyard.wire import format_decimal

ZERO = Decimal(0)

MAX_STOCK = Decimal(10) ** 12
"""The most one level may hold, and the largest single change, in the product's stock unit. Stored as BIGINT
millionths, 10^12 units is 10^18, inside a BIGINT (9.2 x 10^18) with room for one addition in SQL before the
bound is checked again. (10^12 kg is a billion tonnes: no real receipt comes near it.)"""


class Kind(StrEnum):
    """Ledger row kinds: the first four are staff movements, the rest follow quotes and orders."""

    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    SCRAP = "scrap"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    HOLD = "hold"  # a quote's hold or an order's allocation sets stock aside (reserved up)
    RELEASE = "release"  # a cancelled order or released hold gives it back (reserved down)
    EXPIRE = "expire"  # a quote's hold lapsed at valid_until (reserved down)
    SHIP = "ship"  # an order leaves the warehouse (on hand and reserved down)
    OFFCUT = "offcut"  # what a shipped cut leaves above the minimum size comes back as a remnant lot (on hand up)


def allowed(on_hand: Decimal, reserved: Decimal) -> bool:
    """A level the ledger may reach: never negative, never more set aside than is there."""
    return on_hand >= 0 and reserved >= 0 and reserved <= on_hand


# EN 10204 inspection documents, weakest first: 2.1 declaration of compliance, 2.2 test report (non-specific
# inspection), 3.1 inspection certificate (specific inspection, the mill's own inspector), 3.2 (also a purchaser's
# or an authority's inspector). A line asking for 3.1 is served by 3.1 or 3.2.
CERTIFICATE_TYPES = ("2.1", "2.2", "3.1", "3.2")


def certificate_at_least(certificate_type: str | None, required: str | None) -> bool:
    if required is None:
        return True
    if certificate_type is None:
        return False
    return CERTIFICATE_TYPES.index(certificate_type) >= CERTIFICATE_TYPES.index(required)


@dataclass(frozen=True, slots=True)
class LotStock:
    """One lot's stock (in the product's stock unit) and what allocation needs to know about it."""

    id: int
    warehouse_id: int
    code: str
    heat: str | None
    certificate_type: str | None
    received_at: datetime
    on_hand: Decimal
    reserved: Decimal
    remnant: bool = False

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


@dataclass(frozen=True, slots=True)
class Requirements:
    """What a quote line demands of the lots it is taken from."""

    certificate: str | None = None  # at least this EN 10204 type
    single_heat: bool = False  # the whole line from one heat
    remnant: bool = False  # only remnant lots (offcuts of their own size); otherwise remnants are left alone
    heat: str | None = None  # only this heat: a single-heat line completing what it already holds
    lot_id: int | None = None  # only this lot: a cut line's remnant pieces, planned on that lot

    def accepts(self, lot: LotStock) -> bool:
        if lot.remnant != self.remnant:
            return False
        if self.lot_id is not None and lot.id != self.lot_id:
            return False
        if self.heat is not None and lot.heat != self.heat:
            return False
        if self.single_heat and lot.heat is None:
            return False  # an untraced lot cannot prove which heat it is
        return certificate_at_least(lot.certificate_type, self.certificate)


NO_REQUIREMENTS = Requirements()


def fifo_order(lots: Sequence[LotStock], home: str | None) -> list[LotStock]:
    """Warehouses in allocation order (home first, then most available, then code); within one, oldest lot first."""
    per_warehouse: dict[str, Decimal] = {}
    for lot in lots:
        per_warehouse[lot.code] = per_warehouse.get(lot.code, ZERO) + lot.available
    return sorted(lots, key=lambda lot: (lot.code != home, -per_warehouse[lot.code], lot.code, lot.received_at, lot.id))


def _take(needed: Decimal, ordered: Sequence[LotStock]) -> list[tuple[LotStock, Decimal]]:
    taken: list[tuple[LotStock, Decimal]] = []
    left = needed
    for lot in ordered:
        if left <= 0:
            break
        take = min(left, lot.available)
        if take > 0:
            taken.append((lot, take))
            left -= take
    return taken


def heats(lots: Sequence[LotStock]) -> dict[str, list[LotStock]]:
    """The lots grouped by heat, in order of each heat's oldest lot (first in, first out)."""
    groups: dict[str, list[LotStock]] = {}
    for lot in sorted(lots, key=lambda lot: (lot.received_at, lot.id)):
        if lot.heat is not None:
            groups.setdefault(lot.heat, []).append(lot)
    return groups


def allocate_lots(
    needed: Decimal, lots: Sequence[LotStock], home: str | None, requirements: Requirements = NO_REQUIREMENTS
) -> list[tuple[LotStock, Decimal]]:
    """Take up to `needed` first in, first out from the lots that meet the requirements; may fall short.

    With `single_heat`, the oldest heat that can cover the whole line is used; if none can, the heat with the most
    available (so a hold holds what one heat has, and the line says it is short).
    """
    return _take(needed, fifo_order(usable(needed, lots, requirements), home))


def usable(needed: Decimal, lots: Sequence[LotStock], requirements: Requirements) -> list[LotStock]:
    """The lots a line could be served from now: those meeting the requirements; with `single_heat`, the one heat
    allocation would choose (the oldest that covers the line, else the largest)."""
    eligible = [lot for lot in lots if lot.available > 0 and requirements.accepts(lot)]
    if not requirements.single_heat:
        return eligible
    groups = list(heats(eligible).values())
    if not groups:
        return []
    enough = [g for g in groups if sum((lot.available for lot in g), ZERO) >= needed]
    return enough[0] if enough else max(groups, key=lambda g: sum((lot.available for lot in g), ZERO))


def shortfall(needed: Decimal, lots: Sequence[LotStock], requirements: Requirements, unit: str) -> str | None:
    """Why the lots cannot cover `needed` under the requirements, in words a buyer can act on; None if they can."""
    got = sum((q for _, q in allocate_lots(needed, lots, None, requirements)), ZERO)
    if got >= needed:
        return None
    plain = [lot for lot in lots if lot.available > 0 and lot.remnant == requirements.remnant]
    in_stock = sum((lot.available for lot in plain), ZERO)
    kind = "remnant stock" if requirements.remnant else "stock"
    if requirements == Requirements(remnant=requirements.remnant):
        return f"{format_decimal(in_stock)} {unit} {kind} available of {format_decimal(needed)} {unit} needed"
    reasons = []
    if requirements.certificate is not None:
        certified = [lot for lot in plain if certificate_at_least(lot.certificate_type, requirements.certificate)]
        with_certificate = format_decimal(sum((lot.available for lot in certified), ZERO))
        reasons.append(
            f"{with_certificate} {unit} of the {format_decimal(in_stock)} {unit} {kind} "
            f"available has an EN 10204 {requirements.certificate} certificate or better"
        )
    if requirements.single_heat:
        reasons.append(
            f"the most any one heat has{' with that certificate' if requirements.certificate else ''} "
            f"is {format_decimal(got)} {unit}"
        )
    return f"{format_decimal(needed)} {unit} needed: " + "; ".join(reasons)
