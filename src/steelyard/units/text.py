"""Quantities as people type them: "1,500 lb", "1 1/2 in", "1/4 in", "3 sheets", "12'", "0.4 m³" (pure, no I/O).

The one reader of quantity text, for the API (`"quantity": "1,500 lb"`) and the pages. Rules:
- A number, then a unit (or none, when the caller has a default unit such as the page's unit picker).
- Digits are 0-9 only; a sign only where the caller allows negative amounts (stock adjustments).
- Thousands separators and the decimal mark are read by a locale (the account's, else Accept-Language), using
  Babel's CLDR number symbols: en-US `1,500.5`, de-DE `1.500,5`, fr-FR `1 500,5`, de-CH `1'500.5`. Groups after
  the first are exactly three digits, and a number never starts with a group of 0.
- Without a locale, every reading under the common conventions (`,`/`.` either way, space or `'` groups) is
  tried: one distinct value is the answer; two (`"1,500"`: 1500 or 1.5; `"1.500"`: 1.5 or 1500) are an
  `AmbiguousQuantity` (a 422) that lists both readings. With a locale, a text that only reads under another
  convention is refused with that reading shown, never reread silently.
- Fractions: `1/4`, `1 1/2`, `1-1/2` and `½ ¼ ¾ ⅛ ⅜ ⅝ ⅞` (`1½`); a fraction must be an exact decimal (1/3 is
  refused: type 0.333 or use a smaller unit) and never divides by zero.
- Exponents (`1e3`), NaN, Infinity, control characters and texts over 64 characters are refused.
The value then goes through `make_quantity`, whose limits apply (at most 15 digits before the point and 9 after).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol

from steelyard.errors import FieldProblem, InvalidInput
from steelyard.units.parse import make_quantity
from steelyard.units.quantity import Quantity
from steelyard.units.registry import tidy

MAX_TEXT: Final = 64
_SPACES: Final = " \u00a0\u202f"  # space, no-break space, narrow no-break space (CLDR's French group)
_APOSTROPHES: Final = "'\u2019"  # de-CH writes 1'500 (CLDR: U+2019 in some versions)
_VULGAR: Final = {"½": (1, 2), "¼": (1, 4), "¾": (3, 4), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8)}
# digits and the separators that may stand between them; spaces only before a group of exactly three digits
_NUMBER: Final = re.compile(r"[0-9]+(?:(?:[.,'\u2019]|[ \u00a0\u202f](?=[0-9]{3}(?![0-9])))[0-9]+)*", re.ASCII)
_MIXED: Final = re.compile(r"([0-9]{1,9})(?:[ \u00a0]+|-)([0-9]{1,9})\s*[/\u2044]\s*([0-9]{1,9})(?![0-9])", re.ASCII)
_FRACTION: Final = re.compile(r"([0-9]{1,9})\s*[/\u2044]\s*([0-9]{1,9})(?![0-9])", re.ASCII)
_EXPONENT: Final = re.compile(r"[eE][+-]?[0-9]")
_NOT_FINITE: Final = re.compile(r"(?:s?nan|inf(?:inity)?)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """How a locale writes numbers: its thousands separator and decimal mark (CLDR, through Babel)."""

    tag: str  # e.g. "en-US"
    group: str
    decimal: str

    def groups(self) -> str:
        """The characters accepted as this format's thousands separator (a typed space for CLDR's narrow one)."""
        if self.group in _SPACES:
            return _SPACES
        if self.group in _APOSTROPHES:
            return _APOSTROPHES
        return self.group


# The conventions tried when no locale is known, each named by a locale that writes numbers so.
_CONVENTIONS: Final = (
    NumberFormat("en-US", ",", "."),
    NumberFormat("de-DE", ".", ","),
    NumberFormat("fr-FR", "\u202f", ","),
    NumberFormat("de-CH", "'", "."),
)


@dataclass(frozen=True, slots=True)
class TextQuantity:
    """What a text was read as: the value, the unit as typed (or the default), and the text itself."""

    value: Decimal
    unit: str
    text: str


@lru_cache(maxsize=256)
def number_format(tag: str | None) -> NumberFormat | None:
    """The number format of a locale tag (`de-DE`, `de_DE`, `fr`); None for no tag or one Babel does not know."""
    if not tag or len(tag) > 35:
        return None
    try:
        locale = Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    name = "-".join(part for part in (locale.language, locale.territory) if part)
    return NumberFormat(name, get_group_symbol(locale), get_decimal_symbol(locale))


def preferred_locale(accept_language: str | None) -> str | None:
    """The most preferred language tag of an Accept-Language header that Babel knows, or None."""
    if not accept_language or len(accept_language) > 512:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        if number_format(tag) is not None:
            return tag
    return None


def _problem(field: str, message: str, **extra: object) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", problems=[FieldProblem(field, message)], **extra)


def _under(digits: str, fmt: NumberFormat) -> Decimal | None:
    """The value of `digits` written in `fmt`, or None if it is not a well-formed number there."""
    whole, mark, fraction = digits.partition(fmt.decimal) if fmt.decimal in digits else (digits, "", "")
    if mark and (not fraction.isdigit() or not fraction.isascii()):
        return None
    groups = re.split("[" + re.escape(fmt.groups()) + "]", whole)
    if len(groups) > 1:
        first, rest = groups[0], groups[1:]
        if not (1 <= len(first) <= 3) or first.startswith("0") or any(len(g) != 3 for g in rest):
            return None
    joined = "".join(groups)
    if not joined.isdigit() or not joined.isascii():
        return None
    return Decimal(joined + ("." + fraction if mark else ""))


def _describe(fmt: NumberFormat) -> str:
    group = {",": "','", ".": "'.'", "'": "an apostrophe"}.get(fmt.group, "a space")
    return f"{group} groups thousands and '{fmt.decimal}' marks decimals, as in {fmt.tag}"


def _amount(value: Decimal, unit: str) -> str:
    return f"{tidy(value)} {unit}".strip()


def _read_number(digits: str, fmt: NumberFormat | None, shown: str, field: str, unit: str) -> Decimal:
    """The one value `digits` has (under `fmt`, or under every convention when there is none)."""
    if fmt is not None:
        value = _under(digits, fmt)
        if value is not None:
            return value
        others: dict[Decimal, NumberFormat] = {}
        for other in _CONVENTIONS:
            reading = _under(digits, other)
            if reading is not None:
                others.setdefault(reading, other)
        hint = "; ".join(f"it reads as {_amount(v, unit)} where {_describe(o)}" for v, o in others.items())
        raise _problem(
            field,
            f"'{shown}' is not a number as {fmt.tag} writes it ({_describe(fmt)})" + (f"; {hint}" if hint else ""),
            readings=[{"value": str(tidy(v)), "unit": unit, "convention": o.tag} for v, o in others.items()],
        )
    readings: dict[Decimal, NumberFormat] = {}
    for convention in _CONVENTIONS:
        value = _under(digits, convention)
        if value is not None:
            readings.setdefault(value, convention)
    if len(readings) == 1:
        return next(iter(readings))
    if not readings:
        raise _problem(field, f"'{shown}' is not a number: separators in the wrong places (e.g. 1500, 1,500.5, 2.5)")
    choices = " or ".join(f"{_amount(v, unit)} (if {_describe(f)})" for v, f in readings.items())
    raise _problem(
        field,
        f"'{shown}' is ambiguous: {choices}. Set the account's locale or send Accept-Language, "
        f"or type the number without a thousands separator",
        readings=[{"value": str(tidy(v)), "unit": unit, "convention": f.tag} for v, f in readings.items()],
    )


def _exact_fraction(numerator: int, denominator: int, shown: str, field: str) -> Decimal:
    if denominator == 0:
        raise _problem(field, f"'{shown}' divides by zero")
    rest = denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if numerator % rest:  # after reducing, a factor other than 2 and 5 is left: the decimal never ends
        raise _problem(field, f"'{shown}': {numerator}/{denominator} is not an exact decimal; type it as a decimal")
    return Decimal(numerator) / Decimal(denominator)


def split_quantity_text(
    text: str, *, fmt: NumberFormat | None, field: str = "quantity", allow_negative: bool = False
) -> tuple[Decimal, str]:
    """(the number, the rest of the text: the unit as typed, maybe empty); InvalidInput naming what is wrong."""
    if not isinstance(text, str):
        raise _problem(field, "must be a text such as '250 lb'")
    shown = text.strip()
    if len(shown) > MAX_TEXT:
        raise _problem(field, f"is too long ({len(shown)} characters) to be a quantity")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in shown):
        raise _problem(field, "contains a control or unprintable character")
    if not shown:
        raise _problem(field, "is required (a number and a unit, e.g. '250 lb')")
    sign, body = 1, shown
    if body[0] in "+-\u2212":
        sign, body = (1 if body[0] == "+" else -1), body[1:].lstrip()
        if sign < 0 and not allow_negative and body[:1].isdigit():
            raise _problem(field, f"'{shown}' must be greater than zero")
    if body[:1] in (".", ",") and body[1:2].isdigit():
        body = "0" + body  # ".5 kg", ",5 kg"
    if _NOT_FINITE.match(body):
        raise _problem(field, f"'{shown}' must be a finite number")
    if body[:1].isdigit() and not body[:1].isascii():
        raise _problem(field, f"'{shown}' uses digits other than 0-9; type the number with 0-9")
    value: Decimal
    if mixed := _MIXED.match(body):
        whole, numerator, denominator = (int(g) for g in mixed.groups())
        value, rest = whole + _exact_fraction(numerator, denominator, shown, field), body[mixed.end() :]
    elif fraction := _FRACTION.match(body):
        numerator, denominator = int(fraction.group(1)), int(fraction.group(2))
        value, rest = _exact_fraction(numerator, denominator, shown, field), body[fraction.end() :]
    elif body[:1] in _VULGAR:
        numerator, denominator = _VULGAR[body[0]]
        value, rest = Decimal(numerator) / Decimal(denominator), body[1:]
    elif number := _NUMBER.match(body):
        rest = body[number.end() :]
        if rest[:1] in _VULGAR and number.group().isdigit():
            numerator, denominator = _VULGAR[rest[0]]
            value, rest = Decimal(number.group()) + Decimal(numerator) / Decimal(denominator), rest[1:]
        else:
            if _EXPONENT.match(rest):
                raise _problem(field, f"'{shown}': exponent notation is not read here; write the number out")
            if rest.lstrip()[:1].isdigit() or rest[:1] in (".", ","):
                raise _problem(field, f"'{shown}' is not a number: separators in the wrong places")
            value = _read_number(number.group(), fmt, shown, field, rest.strip() or "")
    else:
        raise _problem(field, f"'{shown}' must start with a number, e.g. '250 lb', '1 1/2 in' or '3 sheets'")
    return sign * value, rest.strip()


def read_quantity(
    text: str,
    piece_names: Iterable[str] = (),
    *,
    fmt: NumberFormat | None = None,
    default_unit: str | None = None,
    field: str = "quantity",
    allow_zero: bool = False,
) -> TextQuantity:
    """A positive quantity from text, its unit canonical (`make_quantity`'s rules and limits apply)."""
    value, unit_text = split_quantity_text(text, fmt=fmt, field=field)
    unit = unit_text or default_unit
    if not unit:
        raise _problem(field, f"'{text.strip()}' needs a unit, e.g. '{tidy(value)} kg'")
    quantity: Quantity = make_quantity(value, unit, piece_names, field=field, allow_zero=allow_zero)
    return TextQuantity(quantity.value, quantity.unit, text.strip())


def parse_quantity(
    text: str,
    piece_names: Iterable[str] = (),
    *,
    fmt: NumberFormat | None = None,
    field: str = "quantity",
    allow_zero: bool = False,
) -> Quantity:
    """`read_quantity` as a plain Quantity (for code that does not keep what was typed)."""
    read = read_quantity(text, piece_names, fmt=fmt, field=field, allow_zero=allow_zero)
    return Quantity(read.value, read.unit)
