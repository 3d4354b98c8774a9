"""One error hierarchy for the whole service; `app.py` maps it once to application/problem+json (RFC 9457).

Pure Python: domain code raises these without importing any web framework.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one input field (`field` is a dotted path such as `dimensions_mm.wall`)."""

    field: str
    message: str


class SteelyardError(Exception):
    """Base of every error a client can cause or see; `status` is the HTTP status it maps to."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    slug: ClassVar[str] = "bad-request"

    def __init__(self, detail: str, *, problems: Sequence[FieldProblem] = (), **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = tuple(problems)
        self.extra = extra
        self.headers: dict[str, str] = {}


class InvalidInput(SteelyardError):
    status = 422
    title = "Invalid input"
    slug = "invalid-input"

    @classmethod
    def from_problems(cls, problems: Sequence[FieldProblem]) -> InvalidInput:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        return cls(detail, problems=problems)


class UnitError(InvalidInput):
    """A unit that is unknown, or of a kind the product cannot be sold in."""

    title = "Unit not accepted"
    slug = "unit-not-accepted"


class NotFound(SteelyardError):
    status = 404
    title = "Not found"
    slug = "not-found"


class Conflict(SteelyardError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class InsufficientStock(Conflict):
    title = "Insufficient stock"
    slug = "insufficient-stock"


class HoldRefused(Conflict):
    """A reserving quote would pass one of the hold limits (docs/inventory.md, "Hold limits"); nothing was held."""

    title = "Hold refused"
    slug = "hold-refused"


class Unauthorized(SteelyardError):
    status = 401
    title = "Unauthorized"
    slug = "unauthorized"


class Forbidden(SteelyardError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class PayloadTooLarge(SteelyardError):
    status = 413
    title = "Content too large"
    slug = "content-too-large"


class TooManyRequests(SteelyardError):
    """A client past one of its limits (docs/security.md); `retry_after` seconds until it may try again."""

    status = 429
    title = "Too many requests"
    slug = "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(SteelyardError):
    status = 503
    title = "Service unavailable"
    slug = "service-unavailable"
