"""Events on the wire (pure): the payloads, their JSON, and the Server-Sent Events frames.

Nothing here touches a database or a web framework. Decimals travel as plain decimal strings ("12.5", never 12.5
and never "1.25E+1"); a float in a payload is a programming error and is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from steelyard.wire import format_decimal

STOCK_CHANGED = "stock.changed"
PRICE_CHANGED = "price.changed"
PRODUCT_CHANGED = "product.changed"
EVENT_TYPES = (STOCK_CHANGED, PRICE_CHANGED, PRODUCT_CHANGED)

REQUIRED: dict[str, tuple[str, ...]] = {
    STOCK_CHANGED: ("sku", "warehouse", "on_hand", "reserved", "available"),
    PRICE_CHANGED: ("sku", "currency", "tiers"),
    PRODUCT_CHANGED: ("sku", "change"),
}


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, float):
        raise ValueError("event payloads carry decimals as Decimal or str, never float")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    raise ValueError(f"an event payload cannot carry a {type(value).__name__}")


def encode_payload(type_: str, data: Mapping[str, Any]) -> tuple[str, str]:
    """Check a payload for its type and return (sku, compact JSON text); ValueError names what is wrong."""
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}; known: {', '.join(EVENT_TYPES)}")
    missing = [key for key in REQUIRED[type_] if key not in data]
    if missing:
        raise ValueError(f"a {type_} event needs {', '.join(missing)}")
    sku = data["sku"]
    if not isinstance(sku, str) or not sku:
        raise ValueError("an event's sku must be a non-empty string")
    plain = _plain(data)
    if type_ == STOCK_CHANGED:
        for key in ("on_hand", "reserved", "available"):
            plain[key] = _decimal_field(key, plain[key])
    return sku, json.dumps(plain, separators=(",", ":"), ensure_ascii=False)


def _decimal_field(key: str, value: Any) -> str:
    """A stock figure as a normalised decimal string ("12.500000" -> "12.5"), whether given as Decimal or str."""
    try:
        number = Decimal(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite():
        raise ValueError(f"{key} must be a decimal (Decimal or decimal string), not {value!r}")
    return format_decimal(number)


@dataclass(frozen=True, slots=True)
class Event:
    """One committed event: its monotonic id (the outbox's primary key), type, product and JSON payload."""

    id: int
    type: str
    sku: str
    data: str
    created_at: datetime
    _frame: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Encoded once, when the process reads the event: each of its streams that sends it sends these bytes.
        object.__setattr__(self, "_frame", f"id: {self.id}\nevent: {self.type}\ndata: {self.data}\n\n".encode())

    def frame(self) -> bytes:
        """The Server-Sent Events frame: `id`, `event` and the payload as one `data` line."""
        return self._frame

    def envelope(self) -> bytes:
        """The webhook body: `{"id", "type", "created_at", "data"}` with the payload as sent on the stream."""
        head = json.dumps({"id": self.id, "type": self.type, "created_at": self.created_at.isoformat()})
        return (head[:-1] + ',"data":' + self.data + "}").encode()


def control_frame(event: str, data: Mapping[str, Any], id_: int | None = None) -> bytes:
    """A frame the stream itself sends (`ready`, `resync`, `heartbeat`); with an id it moves the client's cursor."""
    head = f"id: {id_}\n" if id_ is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(_plain(data), separators=(',', ':'))}\n\n".encode()


def retry_frame(milliseconds: int) -> bytes:
    """Tells EventSource how long to wait before reconnecting."""
    return f"retry: {int(milliseconds)}\n\n".encode()


def parse_last_event_id(value: str | None) -> int | str | None:
    """The cursor a client resumes from: an int, None when absent, or the string 'invalid'."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isdigit() or len(text) > 19:
        return "invalid"
    return int(text)


class QuantityLike(Protocol):
    @property
    def value(self) -> Decimal: ...
    @property
    def unit(self) -> str: ...


class TierLike(Protocol):
    @property
    def min_quantity(self) -> QuantityLike: ...
    @property
    def unit_price(self) -> Decimal: ...
    @property
    def per(self) -> str: ...


def stock_changed(
    *, sku: str, warehouse: str, on_hand: Decimal, reserved: Decimal, unit: str | None = None
) -> dict[str, Any]:
    """The `stock.changed` payload for one product in one warehouse, levels after the change."""
    data: dict[str, Any] = {
        "sku": sku,
        "warehouse": warehouse,
        "on_hand": on_hand,
        "reserved": reserved,
        "available": on_hand - reserved,
    }
    if unit is not None:
        data["unit"] = unit
    return data


def price_changed(*, sku: str, currency: str, tiers: Sequence[TierLike]) -> dict[str, Any]:
    """The `price.changed` payload: the product's whole new price (currency and tiers)."""
    return {
        "sku": sku,
        "currency": currency,
        "tiers": [
            {
                "min_quantity": {"value": t.min_quantity.value, "unit": t.min_quantity.unit},
                "unit_price": t.unit_price,
                "per": t.per,
            }
            for t in tiers
        ],
    }


def product_changed(*, sku: str, change: str, active: bool, version: int | None = None) -> dict[str, Any]:
    """The `product.changed` payload: what happened (`created`, `updated`, `archived`); clients GET the rest."""
    data: dict[str, Any] = {"sku": sku, "change": change, "active": active}
    if version is not None:
        data["version"] = version
    return data


def matches(event_type: str, sku: str, types: Iterable[str] | None, skus: Iterable[str] | None) -> bool:
    """Whether an event passes a subscriber's filters (None or empty: no filter)."""
    return (not types or event_type in types) and (not skus or sku in skus)
