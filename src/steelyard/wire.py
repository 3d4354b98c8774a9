"""Wire types every domain shares: exact decimals as text, quantities, problem documents, pages and cursors.

Pure: Pydantic only, no FastAPI and no database, so services and domain packages may import it
(the import contract in `make lint` keeps the web framework out of them)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from steelyard.errors import FieldProblem, InvalidInput, SteelyardError
from steelyard.units import MAX_DECIMAL_PLACES, MAX_INTEGER_DIGITS
from steelyard.units.quantity import format_decimal as format_decimal  # re-exported: the one decimal-to-text

MAX_INT_DIGITS = MAX_INTEGER_DIGITS
MAX_FRACTION_DIGITS = MAX_DECIMAL_PLACES
DECIMAL_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,9})?$"


def parse_decimal(value: Any) -> Decimal:
    """A decimal from a JSON string or integer; floats are refused because they are not exact."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (bool, float)):
        raise ValueError('send decimals as strings, e.g. "12.5" (JSON floats are not exact)')
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 40:
            raise ValueError(f"at most {MAX_INT_DIGITS} digits before and {MAX_FRACTION_DIGITS} after the point")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"'{value}' is not a decimal number; write it like \"12.5\"") from None
    else:
        raise ValueError('expected a decimal number as a string, e.g. "12.5"')
    if not number.is_finite():
        raise ValueError("must be a finite number, not NaN or Infinity")
    too_long = number.adjusted() >= MAX_INT_DIGITS
    if number != 0 and (too_long or number != number.quantize(Decimal(1).scaleb(-MAX_FRACTION_DIGITS))):
        raise ValueError(f"at most {MAX_INT_DIGITS} digits before and {MAX_FRACTION_DIGITS} after the point")
    return number


DecimalIn = Annotated[
    Decimal,
    BeforeValidator(parse_decimal),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN, "examples": ["12.5"]}),
]
DecimalOut = Annotated[
    Decimal,
    PlainSerializer(format_decimal, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["12.5"]}),
]
Money = Annotated[
    Decimal,
    PlainSerializer(lambda d: str(d), return_type=str),
    WithJsonSchema({"type": "string", "examples": ["1234.50"]}),
]


class QuantityIn(BaseModel):
    """`{"value": "<decimal string>", "unit": "<unit>"}`; units are case-insensitive and aliases work."""

    model_config = ConfigDict(extra="forbid")
    value: DecimalIn
    unit: str = Field(min_length=1, max_length=32, examples=["kg"])


class QuantityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # also reads a units.Quantity
    value: DecimalOut
    unit: str


def field_path(loc: tuple[Any, ...]) -> str:
    """A validation error's location as the API names fields: ("body", "price", "tiers", 0) -> "price.tiers[0]".

    Query and path parameters keep their name; a body's own location prefix is dropped, and so are the tags of
    tagged unions (written `<...>`, e.g. a quantity given as text or as value and unit), which are not fields.
    """
    parts = [p for p in loc if not (isinstance(p, str) and p.startswith("<"))]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".") or "body"


def error_message(err: Mapping[str, Any]) -> str:
    """A Pydantic error in the API's words (the same text every 422 answer and import report shows)."""
    msg = str(err.get("msg", "is not valid"))
    msg = msg.removeprefix("Value error, ")
    if err.get("type") == "missing":
        return "is required"
    if err.get("type") == "extra_forbidden":
        return "is not a known field; check its spelling against /docs"
    if err.get("type") == "json_invalid":
        return "the body is not valid JSON: " + str(err.get("ctx", {}).get("error", msg))
    return msg


def validation_problems(errors: Iterable[Mapping[str, Any]]) -> list[FieldProblem]:
    """Pydantic's errors (ValidationError.errors()) as the field problems a 422 answer lists."""
    return [FieldProblem(field_path(tuple(e.get("loc", ()))), error_message(e)) for e in errors]


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document (served as application/problem+json)."""

    type: str = Field(examples=["/problems/invalid-input"])
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


PROBLEM = "application/problem+json"


def problem_fields(slug: str, title: str, status: int, detail: str, instance: str, **extra: Any) -> dict[str, Any]:
    """The members of an RFC 9457 problem document, in the shape `Problem` declares."""
    document = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail, "instance": instance}
    return {**document, **extra}


def problem_document(error: SteelyardError, instance: str) -> dict[str, Any]:
    extra: dict[str, Any] = dict(error.extra)
    if error.problems:
        extra["errors"] = [{"field": p.field, "message": p.message} for p in error.problems]
    return problem_fields(error.slug, error.title, error.status, error.detail, instance, **extra)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(key: Any) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, expected: type[Any] = int) -> Any:
    """The key a cursor carries, checked to be of the `expected` type; None for the first page."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(key, expected) or isinstance(key, bool):
            raise ValueError(key)
        return key
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput.from_problems(
            [FieldProblem("cursor", "not a valid cursor; pass the next_cursor of the previous page unchanged")]
        ) from None
