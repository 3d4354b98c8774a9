"""Wire types every domain shares: exact decimals as text, quantities, problem documents, pages and cursors.

Pure: Pydantic only, no FastAPI and no database, so services and domain packages may import it
(the import contract in `make lint` keeps the web framework out of them)."""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from types import UnionType
from typing import Annotated, Any, Generic, Optional, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    WithJsonSchema,
    create_model,
)

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


def _json_integer(value: Any) -> Any:
    # Pydantic's lax mode would read true as 1 and "5" as 5; the schema says integer, so refuse what it refuses.
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON integer such as 2 (not a string, true or false)")
    return value


IntIn = Annotated[int, BeforeValidator(_json_integer)]
"""An integer in a JSON body: true/false and strings are refused, as the schema says (2.0 is an integer in JSON)."""
BoolIn = Annotated[bool, Strict()]
"""true or false in a JSON body; not "yes", 1 or "true", which Pydantic's lax mode would take."""

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


def invalid_input(errors: Iterable[Mapping[str, Any]]) -> InvalidInput:
    """Pydantic's (or FastAPI's) validation errors as the one InvalidInput, each naming its field."""
    problems = validation_problems(errors)
    error = InvalidInput.from_problems(problems)
    error.detail = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
    return error


def problem_fields(slug: str, title: str, status: int, detail: str, instance: str, **extra: Any) -> dict[str, Any]:
    """The members of an RFC 9457 problem document, in the shape `Problem` declares."""
    document = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail, "instance": instance}
    return {**document, **extra}


def problem_document(error: SteelyardError, instance: str) -> dict[str, Any]:
    extra: dict[str, Any] = dict(error.extra)
    if error.problems:
        extra["errors"] = [{"field": p.field, "message": p.message} for p in error.problems]
    return problem_fields(error.slug, error.title, error.status, error.detail, instance, **extra)


M = TypeVar("M", bound=BaseModel)


def partial_model(model: type[M], name: str) -> type[BaseModel]:
    """A PATCH body derived from a create schema: every field optional (default None), each keeping its type and
    constraints, so a patch refuses what the create schema refuses. The service still validates the merged result
    with the create schema, for the rules between fields."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (Optional[info.annotation], optional)  # noqa: UP045 - a run-time type, not a hint
    config = ConfigDict(extra="forbid")
    built: type[BaseModel] = create_model(name, __config__=config, **fields)
    return built


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


# Page cursors are opaque to clients but must not be forgeable: a crafted key would reach SQL as a bind value of
# any type or size. Each cursor is base64url(JSON key) "." base64url(HMAC-SHA256(key, payload)[:16]); the key is
# derived from a server secret (see `use_cursor_secret`), so every worker and server sharing the secret accepts
# the others' cursors. Keys are type-checked after the signature all the same, and integers bounded to 64 bits.
_CURSOR_CONTEXT = b"steelyard page cursor v1"
_cursor_key = hmac.new(secrets.token_bytes(32), _CURSOR_CONTEXT, hashlib.sha256).digest()
MAX_INT64 = 2**63 - 1
"""The largest BIGINT: integer cursor keys beyond it are refused before they reach SQL."""
MAX_INT32 = 2**31 - 1
"""The largest INTEGER, the type of the account, token and webhook keys: ids in paths and cursor keys beyond it
are refused."""

CursorShape = type | UnionType | tuple["CursorShape", ...]
"""A cursor key's expected form: a type (`int`, `str`, `dict`), a union (`int | float`), or a tuple of shapes for
a JSON array of exactly that many elements."""


def use_cursor_secret(secret: str) -> None:
    """Sign and check cursors with a key derived from `secret` (create_app calls this once per process)."""
    global _cursor_key
    _cursor_key = hmac.new(secret.encode(), _CURSOR_CONTEXT, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _signature(payload: str) -> str:
    return _b64(hmac.new(_cursor_key, payload.encode(), hashlib.sha256).digest()[:16])


def encode_cursor(key: Any) -> str:
    payload = _b64(json.dumps(key, separators=(",", ":")).encode())
    return f"{payload}.{_signature(payload)}"


def fits(value: Any, shape: CursorShape, largest: int = MAX_INT64) -> bool:
    """Whether a decoded JSON value has the expected shape (bools are not numbers; integers fit in 64 bits, or
    within +-`largest`)."""
    if isinstance(shape, tuple):
        return (
            isinstance(value, list)
            and len(value) == len(shape)
            and all(fits(v, s, largest) for v, s in zip(value, shape, strict=True))
        )
    if isinstance(value, bool) or not isinstance(value, shape):
        return False
    if isinstance(value, int):
        return -largest - 1 <= value <= largest
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def bad_cursor(reason: str = "not a valid cursor; pass the next_cursor of the previous page unchanged") -> InvalidInput:
    return InvalidInput.from_problems([FieldProblem("cursor", reason)])


def decode_cursor(cursor: str | None, expected: CursorShape = int, *, largest: int = MAX_INT64) -> Any:
    """The key a cursor carries, its signature checked and its form `expected`; None for the first page. Integer
    keys beyond +-`largest` are refused: pass MAX_INT32 for an INTEGER column (PostgreSQL refuses a larger bind
    value with an error, not an empty page)."""
    if cursor is None:
        return None
    payload, _, signature = cursor.rpartition(".")
    if not payload or not hmac.compare_digest(signature.encode(), _signature(payload).encode()):
        raise bad_cursor()
    try:
        key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        raise bad_cursor() from None
    if not fits(key, expected, largest):
        raise bad_cursor()
    return key
