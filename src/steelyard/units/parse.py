"""Quantities from wire values: validated values and units (pure, no I/O). Text as typed: units/text.py.

Value rules (`make_quantity`): a finite number, greater than zero (or not below zero with
`allow_zero`), at most 15 digits before the decimal point and 9 after. Text values are plain
decimals with a point (`"2.5"`, `"-1"`, `"1e3"` is read as 1000); commas are refused because
`1,5` (decimal comma) and `1,500` (thousands) cannot be told apart, and so are spaces or `_` inside
a number, NaN, Infinity and binary floats. The value is kept as written (`"10.50"` stays 10.50),
except that exponent notation and zeros beyond the 9th decimal are normalized away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Final

from steelyard.errors import FieldProblem, InvalidInput, UnitError
from steelyard.units.quantity import Quantity
from steelyard.units.registry import UNITS, parse_unit, tidy

MAX_INTEGER_DIGITS: Final = 15
MAX_DECIMAL_PLACES: Final = 9
_MAX_TEXT: Final = 64  # longer text cannot be a valid value; refusing it early bounds the work

_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE: Final = re.compile(r"[+-]?(?:s?nan|inf|infinity)", re.IGNORECASE)
_COMMA_HINT: Final = "write decimals with a point and no thousands separator (1.5 or 1500, not 1,5 or 1,500)"


def _value_problem(value: object, allow_zero: bool) -> tuple[Decimal | None, str | None]:
    """(the validated value, None) or (None, what is wrong with it)."""
    number: Decimal
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        if isinstance(value, float):
            return None, f'must be a decimal string such as "2.5", not a binary float ({value!r})'
        return None, f"must be a number, got {type(value).__name__}"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, "is required"
        if len(text) > _MAX_TEXT:
            return None, f"is too long ({len(text)} characters) to be a quantity"
        if _NOT_FINITE.fullmatch(text):
            return None, f"must be a finite number, got '{text}'"
        if "," in text:
            return None, f"'{text}' is ambiguous: {_COMMA_HINT}"
        if not _NUMBER.fullmatch(text):
            return None, f"'{text}' is not a decimal number (examples: 25, 2.5, 0.125)"
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            return None, f"'{text}' is not a decimal number"
    else:
        number = Decimal(value)
    if not number.is_finite():
        return None, f"must be a finite number, got {number}"
    if number < 0:
        return None, f"must be {'zero or more' if allow_zero else 'greater than zero'}, got {number}"
    if number == 0:
        if not allow_zero:
            return None, "must be greater than zero"
        return Decimal(0), None
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        return None, (
            f"is too large ({number.adjusted() + 1} digits before the decimal point; "
            f"at most {MAX_INTEGER_DIGITS} are allowed)"
        )
    if number.adjusted() < -MAX_DECIMAL_PLACES:
        return None, f"is too small: the smallest amount is 0.{'0' * (MAX_DECIMAL_PLACES - 1)}1, got {number}"
    if not -MAX_DECIMAL_PLACES <= _exponent(number) <= 0:
        number = tidy(number)
        if _exponent(number) < -MAX_DECIMAL_PLACES:
            return None, (
                f"has {-_exponent(number)} digits after the decimal point; at most {MAX_DECIMAL_PLACES} are allowed"
            )
    return number, None


def _exponent(number: Decimal) -> int:
    """The exponent of a finite Decimal (the negated count of digits after the point)."""
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers only
    return exponent


def make_quantity(
    value: str | Decimal | int,
    unit: str,
    piece_names: Iterable[str] = (),
    *,
    field: str = "quantity",
    allow_zero: bool = False,
) -> Quantity:
    """A validated Quantity in a canonical unit; InvalidInput naming `<field>.value` / `<field>.unit`.

    A bad unit alone raises UnitError (with `allowed_units`); a bad value raises InvalidInput listing
    every problem, the unit's included.
    """
    names = tuple(piece_names)
    number, value_message = _value_problem(value, allow_zero)
    problems: list[FieldProblem] = []
    if value_message is not None:
        problems.append(FieldProblem(f"{field}.value", value_message))
    canonical: str | None = None
    try:
        canonical = parse_unit(unit, names, field=f"{field}.unit")
    except UnitError as exc:
        if not problems:
            raise
        problems += exc.problems
    if problems or number is None or canonical is None:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        extra = {} if canonical is not None else {"allowed_units": list(UNITS)}
        raise InvalidInput(detail, problems=problems, **extra)
    return Quantity(number, canonical)
