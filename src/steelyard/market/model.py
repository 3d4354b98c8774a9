"""Market indices as values (pure, no I/O): names, periods, effective dates and the checks on posted values.

An index is a published price of a metal or an alloy surcharge, in `currency` per one `unit` of mass (LME-CU: USD
per t, daily; ALLOY-1.4301: EUR per t, monthly). A value applies from its effective date until the next value: a
daily index has a value per trading day, a monthly one a value per month, dated on the month's first day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

from steelyard.errors import FieldProblem, InvalidInput, UnitError
from steelyard.units import kind_of, parse_unit

Period = Literal["day", "month"]
PERIODS: tuple[Period, ...] = ("day", "month")
NAME_PATTERN = r"^[A-Z0-9][A-Z0-9._-]{0,31}$"
_NAME = re.compile(NAME_PATTERN)
VALUE_PLACES = 6  # an index value is kept to the millionth of its currency
MAX_VALUE = Decimal(10) ** 9  # a billion per unit: far above any metal price, far below any stored bound
EARLIEST = date(1990, 1, 1)
AHEAD_DAYS = 45  # a value may be posted ahead of its date (next month's alloy surcharge), but not further
AVERAGE_PLACES = 6
_STEP = Decimal(1).scaleb(-VALUE_PLACES)


@dataclass(frozen=True, slots=True)
class MarketIndex:
    name: str
    unit: str  # the mass unit a value is per (t, kg, lb)
    currency: str
    period: Period
    description: str = ""


@dataclass(frozen=True, slots=True)
class IndexValue:
    date: date  # the effective date: the trading day, or the first day of the month
    value: Decimal


def check_name(name: str, field: str = "name") -> str:
    """The index name as given, if it is one: capitals, digits, `.`, `_`, `-`; 1 to 32 characters."""
    if not _NAME.match(name):
        raise InvalidInput.from_problems(
            [
                FieldProblem(
                    field,
                    f"'{name[:40]}' is not an index name: use capitals, digits, '.', '_' and '-', "
                    "1 to 32 characters, e.g. LME-CU or ALLOY-1.4301",
                )
            ]
        )
    return name


def mass_unit(text: str, field: str = "unit") -> str:
    """The canonical mass unit an index value is per; any other kind of unit is refused."""
    try:
        unit = parse_unit(text, field=field)
    except UnitError as exc:
        raise InvalidInput.from_problems([FieldProblem(field, exc.detail)]) from None
    if kind_of(unit) != "mass":
        raise InvalidInput.from_problems(
            [FieldProblem(field, f"an index is priced per a unit of mass (t, kg, lb), not per {unit}")]
        )
    return unit


def check_value(value: Decimal, field: str = "value") -> Decimal:
    """A posted value: more than zero, at most MAX_VALUE, at most VALUE_PLACES decimals."""
    if not value.is_finite() or value <= 0:
        raise InvalidInput.from_problems([FieldProblem(field, f"must be a price above zero, got {value}")])
    if value > MAX_VALUE:
        raise InvalidInput.from_problems([FieldProblem(field, f"must be at most {MAX_VALUE:f}, got {value}")])
    if value != value.quantize(_STEP, rounding=ROUND_HALF_EVEN):
        raise InvalidInput.from_problems([FieldProblem(field, f"at most {VALUE_PLACES} decimal places, got {value}")])
    return value


def check_date(index: MarketIndex, when: date, today: date, field: str = "date") -> date:
    """A value's effective date: a monthly index is dated on the month's first day; not before 1990, and at most
    AHEAD_DAYS after today."""
    if index.period == "month" and when.day != 1:
        first = when.replace(day=1)
        raise InvalidInput.from_problems(
            [
                FieldProblem(
                    field,
                    f"{index.name} is a monthly index: date its value on the month's first day, "
                    f"e.g. {first.isoformat()}, not {when.isoformat()}",
                )
            ]
        )
    if when < EARLIEST:
        raise InvalidInput.from_problems([FieldProblem(field, f"must be {EARLIEST.isoformat()} or later")])
    latest = today + timedelta(days=AHEAD_DAYS)
    if when > latest:
        raise InvalidInput.from_problems(
            [
                FieldProblem(
                    field, f"{when.isoformat()} is more than {AHEAD_DAYS} days ahead; at most {latest.isoformat()}"
                )
            ]
        )
    return when


def value_on(values: Sequence[IndexValue], when: date) -> IndexValue | None:
    """The value in force on `when`: the latest dated on or before it (`values` oldest first)."""
    found = None
    for item in values:
        if item.date > when:
            break
        found = item
    return found


def previous_month(when: date) -> tuple[date, date]:
    """The first and last day of the calendar month before `when`'s."""
    last = when.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def average(values: Sequence[IndexValue]) -> Decimal:
    """The arithmetic mean of the values, half-even to AVERAGE_PLACES decimals (what a quote shows and uses)."""
    if not values:
        raise ValueError("no values to average")
    total = sum((v.value for v in values), Decimal(0))
    return (total / len(values)).quantize(Decimal(1).scaleb(-AVERAGE_PLACES), rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of an index file: `line` (1-based, after the header) for the error messages."""

    line: int
    name: str
    date: str
    value: str
