"""Event payloads and Server-Sent Events frames."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from steelyard.events.wire import (
    Event,
    control_frame,
    encode_payload,
    matches,
    parse_last_event_id,
    price_changed,
    product_changed,
    retry_frame,
    stock_changed,
)
from steelyard.units.quantity import Quantity


def test_stock_changed_carries_normalised_decimal_strings() -> None:
    data = stock_changed(sku="AL-1", warehouse="DUI", on_hand=Decimal("120.500000"), reserved=Decimal("20.000000"))
    sku, text = encode_payload("stock.changed", data)
    assert sku == "AL-1"
    assert json.loads(text) == {
        "sku": "AL-1",
        "warehouse": "DUI",
        "on_hand": "120.5",
        "reserved": "20",
        "available": "100.5",
    }


def test_stock_figures_given_as_strings_are_normalised_too() -> None:
    data = {"sku": "X", "warehouse": "DUI", "on_hand": "4743.700000", "reserved": "0E-6", "available": "1E+3"}
    assert json.loads(encode_payload("stock.changed", data)[1])["on_hand"] == "4743.7"
    assert json.loads(encode_payload("stock.changed", data)[1])["reserved"] == "0"
    assert json.loads(encode_payload("stock.changed", data)[1])["available"] == "1000"


@pytest.mark.parametrize(
    ("type_", "data", "message"),
    [
        ("stock.moved", {"sku": "X"}, "unknown event type"),
        ("stock.changed", {"sku": "X", "warehouse": "DUI"}, "needs on_hand, reserved, available"),
        ("product.changed", {"sku": "", "change": "created"}, "non-empty string"),
        ("product.changed", {"sku": "X", "change": "updated", "weight": 1.5}, "never float"),
        ("stock.changed", {"sku": "X", "warehouse": "D", "on_hand": "lots", "reserved": 0, "available": 0}, "on_hand"),
        ("product.changed", {"sku": "X", "change": object()}, "cannot carry"),
    ],
)
def test_bad_payloads_are_refused_with_a_reason(type_: str, data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encode_payload(type_, data)


def test_price_changed_lists_every_tier() -> None:
    class Tier:
        def __init__(self, value: str, price: str) -> None:
            self.min_quantity = Quantity(Decimal(value), "kg")
            self.unit_price = Decimal(price)
            self.per = "kg"

    data = price_changed(sku="AL-1", currency="EUR", tiers=[Tier("0", "6.20"), Tier("500", "5.80")])
    assert json.loads(encode_payload("price.changed", data)[1]) == {
        "sku": "AL-1",
        "currency": "EUR",
        "tiers": [
            {"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "6.2", "per": "kg"},
            {"min_quantity": {"value": "500", "unit": "kg"}, "unit_price": "5.8", "per": "kg"},
        ],
    }


def test_event_frame_and_webhook_envelope() -> None:
    _, text = encode_payload("product.changed", product_changed(sku="AL-1", change="archived", active=False, version=3))
    event = Event(id=42, type="product.changed", sku="AL-1", data=text, created_at=datetime(2026, 11, 24, tzinfo=UTC))
    assert event.frame() == (
        b'id: 42\nevent: product.changed\ndata: {"sku":"AL-1","change":"archived","active":false,"version":3}\n\n'
    )
    assert json.loads(event.envelope()) == {
        "id": 42,
        "type": "product.changed",
        "created_at": "2026-11-24T00:00:00+00:00",
        "data": {"sku": "AL-1", "change": "archived", "active": False, "version": 3},
    }


def test_control_frames() -> None:
    assert control_frame("ready", {"last_event_id": 7}, 7) == b'id: 7\nevent: ready\ndata: {"last_event_id":7}\n\n'
    assert control_frame("heartbeat", {}) == b"event: heartbeat\ndata: {}\n\n"
    assert retry_frame(2000) == b"retry: 2000\n\n"


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("", None), (" 17 ", 17), ("0", 0), ("-1", "invalid"), ("abc", "invalid"), ("9" * 20, "invalid")],
)
def test_last_event_id(header: str | None, expected: object) -> None:
    assert parse_last_event_id(header) == expected


def test_filters() -> None:
    assert matches("stock.changed", "A", None, None)
    assert matches("stock.changed", "A", {"stock.changed"}, {"A", "B"})
    assert not matches("price.changed", "A", {"stock.changed"}, None)
    assert not matches("stock.changed", "C", None, {"A", "B"})
