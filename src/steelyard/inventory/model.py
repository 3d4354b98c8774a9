"""The no-oversell rules as plain code (no I/O): where a quantity is taken from, and what a level allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)


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


@dataclass(frozen=True, slots=True)
class Level:
    """One product's stock in one warehouse, in its stock unit."""

    warehouse_id: int
    code: str
    on_hand: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


def allowed(on_hand: Decimal, reserved: Decimal) -> bool:
    """A level the ledger may reach: never negative, never more set aside than is there."""
    return on_hand >= 0 and reserved >= 0 and reserved <= on_hand


def allocation_order(levels: Sequence[Level], home: str | None) -> list[Level]:
    """The account's home warehouse first, then the others by most available (fewest splits), then by code."""
    return sorted(levels, key=lambda lv: (lv.code != home, -lv.available, lv.code))


def allocate(needed: Decimal, levels: Sequence[Level], home: str | None) -> list[tuple[Level, Decimal]]:
    """Take up to `needed` from the available stock in allocation order; the result may fall short."""
    taken: list[tuple[Level, Decimal]] = []
    left = needed
    for level in allocation_order(levels, home):
        if left <= 0:
            break
        take = min(left, level.available)
        if take > 0:
            taken.append((level, take))
            left -= take
    return taken


def total(allocations: Sequence[tuple[Level, Decimal]]) -> Decimal:
    return sum((q for _, q in allocations), ZERO)
