"""The typed quote line: Decimals inside, exact text only in the stored column and on the wire."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from steelyard.pricing import Cut, Fee
from steelyard.quotes.lines import (
    Availability,
    HoldPart,
    QuoteLine,
    Requested,
    TierApplied,
    WarehouseStock,
    dump_lines,
    load_lines,
)
from steelyard.quotes.schemas import QuoteLineOut
from steelyard.units import Quantity

# A line exactly as the service stored it before lines had a type (copied from a quote stored on main).
STORED_BEFORE = {
    "line": 1,
    "sku": "ST-C45-RB-50",
    "name": "C45 round bar 50 mm",
    "product_id": 7,
    "requested": {"value": "4", "unit": "piece"},
    "quantity": {"value": "4", "unit": "piece"},
    "stock_quantity": {"value": "30.825", "unit": "kg"},
    "weight_kg": "30.825",
    "tier": {
        "index": 0,
        "min_quantity": {"value": "0", "unit": "kg"},
        "unit_price": "2.10",
        "per": "kg",
        "currency": "EUR",
    },
    "unit_price": "2.1000",
    "per": "kg",
    "discount_percent": "0",
    "fees": [{"kind": "cutting", "count": "4", "unit_amount": "1.5000", "amount": "6.00"}],
    "subtotal": "70.73",
    "adjustments": [],
    "cut": {"length_mm": "500"},
    "availability": {
        "status": "partial",
        "available": "20.5",
        "unit": "kg",
        "warehouses": [{"code": "RTM", "available": "20.5"}],
        "lead_time_days": 5,
    },
    "held": None,
    "holds": [],
}


def test_a_line_stored_before_the_type_loads_as_decimals() -> None:
    (line,) = load_lines([STORED_BEFORE])
    assert line.stock_quantity == Quantity(Decimal("30.825"), "kg")
    assert line.fees == (Fee("cutting", Decimal(4), Decimal("1.5000"), Decimal("6.00")),)
    assert line.cut == Cut(Decimal(500))
    assert line.requested == Requested(value=Decimal(4), unit="piece")
    assert line.availability.warehouses == (WarehouseStock(code="RTM", available=Decimal("20.5")),)
    assert line.tier.basis is None and line.held is None and line.holds == ()
    assert isinstance(line.subtotal, Decimal) and str(line.subtotal) == "70.73"


def test_dump_then_load_gives_the_same_line_and_the_stored_keys_stay() -> None:
    (line,) = load_lines([STORED_BEFORE])
    held = replace(
        line,
        held=Quantity(Decimal("20.5"), "kg"),
        holds=(HoldPart(warehouse="RTM", quantity=Decimal("20.5"), lot_id=7, heat="H2611"),),
        requested=Requested(value=Decimal(4), unit="piece", text="4 pcs"),
    )
    (stored,) = dump_lines([held])
    assert set(STORED_BEFORE) <= set(stored)
    assert stored["subtotal"] == "70.73" and stored["unit_price"] == "2.1000"  # money keeps its places
    assert stored["holds"] == [{"warehouse": "RTM", "quantity": "20.5", "lot_id": 7, "heat": "H2611"}]
    assert load_lines([stored]) == [held]


def test_the_answer_schema_reads_the_typed_line_as_text() -> None:
    line = QuoteLine(
        line=1,
        sku="X",
        name="x",
        product_id=1,
        requested=Requested(value=Decimal("1500.000000"), unit="lb", text="1,500 lb"),
        quantity=Quantity(Decimal("1500.000000"), "lb"),
        stock_quantity=Quantity(Decimal("680.388555"), "kg"),
        weight_kg=Decimal("680.389"),
        tier=TierApplied(
            index=1,
            min_quantity=Quantity(Decimal("500.000000"), "kg"),
            unit_price=Decimal("2.00"),
            per="kg",
            currency="EUR",
            basis=Quantity(Decimal("680.388555"), "kg"),
            lines=(1,),
        ),
        unit_price=Decimal("2.0000"),
        per="kg",
        discount_percent=Decimal("0.000000"),
        subtotal=Decimal("1360.78"),
        availability=Availability(status="in_stock", available=Decimal("1000.000000"), unit="kg"),
    )
    out = QuoteLineOut.model_validate(line).model_dump(mode="json")
    assert out["requested"] == {"value": "1500", "unit": "lb", "text": "1,500 lb"}
    assert out["stock_quantity"] == {"value": "680.388555", "unit": "kg"}
    assert out["subtotal"] == "1360.78" and out["unit_price"] == "2.0000"
    assert out["tier"]["min_quantity"] == {"value": "500", "unit": "kg"}
    assert out["cut"] is None and out["held"] is None and out["holds"] == []
    assert "product_id" not in out
