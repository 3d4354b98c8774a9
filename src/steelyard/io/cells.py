"""Spreadsheet cells as text, both ways (pure, no I/O): decimals with a point or a comma, quantities ("25 kg"),
price tiers ("0 kg: 6.20/kg; 500 kg: 5.80/kg"), yes/no, and the escape against CSV (formula) injection.

A cell that reads wrong raises CellError with the message the import report shows for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"). An exported cell
# that starts with one of them, or with the escape character itself, gets a leading apostrophe; an imported cell
# loses one leading apostrophe. So every text reads back exactly as it was, and nothing runs when a file is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"

_NUMBER = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)"
_QUANTITY = re.compile(rf"^\s*({_NUMBER})\s*([^\s\d:;/][^:;/]*?)\s*$")
_TIER = re.compile(rf"^\s*({_NUMBER})\s*([^\s\d:;/][^:;/]*?)\s*:\s*({_NUMBER})\s*/\s*([^\s:;/][^:;/]*?)\s*$")
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "off"})


class CellError(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


@dataclass(frozen=True, slots=True)
class Numbers:
    """How decimals are written in a file: `3.20` (point, the default) or `3,20` (comma)."""

    comma: bool = False

    def read(self, text: str) -> str:
        """The decimal in a cell as the API's decimal text (`3,20` -> `3.20` in a comma file)."""
        value = text.strip().replace("\u00a0", "").replace(" ", "")
        if self.comma:
            if "." in value:
                raise CellError(
                    f"'{text}': this file writes decimals with a comma (--decimal comma), so write it without a "
                    "point (no thousands separators either)"
                )
            return value.replace(",", ".")
        if "," in value:
            raise CellError(
                f"'{text}': write decimals with a point (3.20) and no thousands separators, or import the file "
                "with --decimal comma"
            )
        return value

    def write(self, value: Decimal) -> str:
        """The decimal as it is stored (`6.20` stays `6.20`), never with an exponent."""
        text = format(value, "f")
        return text.replace(".", ",") if self.comma else text


def escape(text: str) -> str:
    """A text cell made safe to open in a spreadsheet (see FORMULA_STARTS)."""
    return ESCAPE + text if text.startswith((*FORMULA_STARTS, ESCAPE)) else text


def unescape(text: str) -> str:
    return text[1:] if text.startswith(ESCAPE) else text


def read_quantity(text: str, numbers: Numbers) -> dict[str, str]:
    """`25 kg`, `3 sheets`, `2,5 t` (comma file) -> {"value", "unit"} as the API takes a quantity."""
    match = _QUANTITY.match(text)
    if match is None:
        raise CellError(f"'{text}' is not a quantity: write a number and its unit, e.g. 25 kg or 3 sheets")
    return {"value": numbers.read(match.group(1)), "unit": match.group(2)}


def write_quantity(value: Decimal, unit: str, numbers: Numbers) -> str:
    return f"{numbers.write(value)} {unit}"


def read_tiers(text: str, numbers: Numbers) -> list[dict[str, object]]:
    """`0 kg: 6.20/kg; 500 kg: 5.80/kg` -> the API's tiers (from each minimum quantity, a unit price per unit)."""
    tiers: list[dict[str, object]] = []
    for number, part in enumerate(p for p in text.split(";") if p.strip()):
        match = _TIER.match(part)
        if match is None:
            raise CellError(
                f"tier {number + 1} ('{part.strip()}') is not 'MINIMUM UNIT: PRICE/UNIT'; write the tiers like "
                "0 kg: 6.20/kg; 500 kg: 5.80/kg"
            )
        minimum, unit, price, per = match.groups()
        tiers.append(
            {
                "min_quantity": {"value": numbers.read(minimum), "unit": unit},
                "unit_price": numbers.read(price),
                "per": per,
            }
        )
    if not tiers:
        raise CellError("is required: write the tiers like 0 kg: 6.20/kg; 500 kg: 5.80/kg")
    return tiers


def write_tiers(tiers: list[tuple[Decimal, str, Decimal, str]], numbers: Numbers) -> str:
    """(minimum, unit, unit price, per) for each tier -> `0 kg: 6.20/kg; 500 kg: 5.80/kg`."""
    return "; ".join(f"{write_quantity(m, u, numbers)}: {numbers.write(p)}/{per}" for m, u, p, per in tiers)


def read_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"'{text}' is not yes or no: write true or false")


def read_int(text: str) -> int:
    value = text.strip()
    if value.endswith(".0"):  # a whole number a spreadsheet stored as a float
        value = value[:-2]
    if not re.fullmatch(r"[+-]?\d{1,9}", value):
        raise CellError(f"'{text}' is not a whole number")
    return int(value)
