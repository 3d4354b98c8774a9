"""What a quote or delivery note says, as text and boxes, before any rendering (pure: no I/O).

The PDF (documents/pdf.py) and the printable HTML (documents/html.py) both draw exactly this, so the two never
disagree. Money and quantities are formatted here, at the edge, from the stored Decimals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from steelyard.cutting.model import CutPlan
from steelyard.quotes.lines import QuoteLine
from steelyard.wire import format_decimal

PLAN_WIDTH = Decimal(480)  # points (PDF) or px (HTML) a cut plan's longest stock piece is drawn over
PLAN_LAYOUTS = 4  # layouts drawn per line; a plan with more says how many more there are


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle of a cut-plan drawing, in drawing units from the top left: stock, part or offcut."""

    x: float
    y: float
    w: float
    h: float
    kind: str  # stock, part, offcut, remnant
    label: str = ""


@dataclass(frozen=True, slots=True)
class Drawing:
    caption: str
    width: float
    height: float
    boxes: tuple[Box, ...]


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    sku: str
    name: str
    quantity: str
    unit_price: str = ""
    amount: str = ""
    details: tuple[str, ...] = ()  # surcharges, extras, fees, adjustments, heats: one line of text each
    drawings: tuple[Drawing, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    number: str
    company: tuple[str, ...]  # name, address, contact
    facts: tuple[tuple[str, str], ...]  # (label, value): date, customer, validity, status...
    lines: tuple[Line, ...]
    totals: tuple[tuple[str, str], ...] = ()  # (label, amount)
    notes: tuple[str, ...] = ()  # charges and freight advice
    terms: str = ""
    priced: bool = True  # a delivery note shows no prices
    columns: tuple[str, ...] = field(default=("#", "Article", "Quantity", "Unit price", "Amount"))


def money(value: Decimal | str | None, currency: str) -> str:
    """An amount as stored: already rounded to the currency's minor unit, so printed as it is."""
    return "" if value is None else f"{currency} {value}"


def _quantity(value: Decimal, unit: str) -> str:
    return f"{format_decimal(value)} {unit}"


def plan_drawings(plan: CutPlan) -> tuple[Drawing, ...]:
    """Each layout of a cut plan as boxes: the stock piece, its parts, its offcuts (kept ones as remnants)."""
    longest = max((lay.stock.length_mm or Decimal(0) for lay in plan.layouts), default=Decimal(0))
    if longest <= 0:
        return ()
    scale = PLAN_WIDTH / longest
    drawings = []
    for layout in plan.layouts[:PLAN_LAYOUTS]:
        length = layout.stock.length_mm or Decimal(0)
        width = layout.stock.width_mm if plan.flat and layout.stock.width_mm else None
        height = float(width * scale) if width is not None else 18.0
        boxes = [Box(0, 0, float(length * scale), height, "stock")]
        for part in layout.parts:
            along, across = (part.width_mm, part.length_mm) if part.rotated else (part.length_mm, part.width_mm)
            assert along is not None
            y = float((part.y_mm or 0) * scale) if width is not None else 0.0
            h = float((across or 0) * scale) if width is not None else height
            boxes.append(
                Box(float(part.x_mm * scale), y, float(along * scale), h, "part", format_decimal(part.length_mm))
            )
        for off in layout.offcuts:
            y = float((off.y_mm or 0) * scale) if width is not None else 0.0
            h = float((off.width_mm or 0) * scale) if width is not None else height
            boxes.append(
                Box(float(off.x_mm * scale), y, float(off.length_mm * scale), h, "remnant" if off.kept else "offcut")
            )
        size = format_decimal(length) + ("" if width is None else f" x {format_decimal(width)}")
        caption = f"{layout.count} x stock {size} mm: {len(layout.parts)} parts"
        drawings.append(Drawing(caption, float(PLAN_WIDTH), height, tuple(boxes)))
    more = len(plan.layouts) - PLAN_LAYOUTS
    if more > 0:
        drawings.append(Drawing(f"... and {more} more layouts", float(PLAN_WIDTH), 0.0, ()))
    return tuple(drawings)


def _line_details(line: QuoteLine, currency: str) -> list[str]:
    details: list[str] = []
    for s in line.surcharges:
        details.append(
            f"surcharge {s.index} {format_decimal(s.value)} {s.index_currency}/{s.index_unit} of {s.date.isoformat()}"
            f": {format_decimal(s.rate)} {currency}/{s.per} x {format_decimal(s.quantity)} {s.per} = "
            f"{money(s.amount, currency)}"
        )
    for e in line.extras:
        details.append(f"extra {e.kind}{'' if e.value is None else ' ' + e.value}: {money(e.amount, currency)}")
    for fee in line.fees:
        details.append(f"{fee.kind} {format_decimal(fee.count)} x {money(fee.unit_amount, currency)}")
    details.extend(line.adjustments)
    if line.weight_kg is not None:
        details.append(f"weight {format_decimal(line.weight_kg)} kg")
    return details


def quote_content(
    quote: Mapping[str, Any], *, company: Sequence[str], terms: str, customer: str | None, now: datetime
) -> Document:
    """A quote as the buyer forwards it: lines with their surcharges and cut plans, charges, freight, totals."""
    cur = quote["currency"]
    lines = tuple(
        Line(
            number=ln.line,
            sku=ln.sku,
            name=ln.name,
            quantity=_quantity(ln.quantity.value, ln.quantity.unit),
            unit_price=f"{money(ln.unit_price, cur)} / {ln.per}",
            amount=money(ln.subtotal, cur),
            details=tuple(_line_details(ln, cur)),
            drawings=() if ln.cut_plan is None else plan_drawings(ln.cut_plan),
        )
        for ln in quote["lines"]
    )
    goods = sum((ln.subtotal for ln in quote["lines"]), Decimal(0))
    totals: list[tuple[str, str]] = [("Goods", money(goods, cur))]
    notes: list[str] = []
    for charge in quote.get("charges") or []:
        label = "Minimum order value" if charge["kind"] == "minimum_order" else "Small-quantity charge"
        totals.append((label, money(charge["amount"], cur)))
        notes.append(charge["note"])
    freight = quote.get("freight")
    if freight is not None:
        label = f"Freight to {freight['country']}" + (
            f" ({freight['kind']}, {freight['rule']})" if freight["rule"] else ""
        )
        totals.append((label, money(freight["amount"], cur) if freight["amount"] else "on request"))
        notes.extend(freight["advice"])
    tax_rate = Decimal(quote["tax_rate"]) * 100
    totals += [
        ("Subtotal", money(quote["subtotal"], cur)),
        (f"Tax {format_decimal(tax_rate)} %", money(quote["tax"], cur)),
        ("Total", money(quote["total"], cur)),
    ]
    status = quote["status"]
    facts = [
        ("Quote", quote["id"]),
        ("Date", quote["created_at"].strftime("%Y-%m-%d")),
        ("Valid until", quote["valid_until"].strftime("%Y-%m-%d %H:%M UTC")),
        ("Customer", customer or "anonymous"),
        ("Status", status),
    ]
    return Document(
        title="Quotation",
        number=quote["id"],
        company=tuple(company),
        facts=tuple(facts),
        lines=lines,
        totals=tuple(totals),
        notes=tuple(notes),
        terms=terms,
    )


def delivery_content(
    order: Mapping[str, Any],
    lines: Sequence[QuoteLine],
    *,
    company: Sequence[str],
    customer: str | None,
    certificates: Mapping[int, str | None],
) -> Document:
    """The delivery note: what the order ships, line by line, with the lots and heats it is taken from."""
    by_line: dict[int, list[Mapping[str, Any]]] = {}
    for a in order["allocations"]:
        by_line.setdefault(a["line"], []).append(a)
    doc_lines = []
    for ln in lines:
        details = []
        for a in by_line.get(ln.line, []):
            cert = certificates.get(a["lot_id"]) if a["lot_id"] is not None else None
            details.append(
                f"from {a['warehouse']}, lot {a['lot_id']}, heat {a['heat'] or 'not traced'}"
                + (f", EN 10204 {cert}" if cert else "")
                + f": {_quantity(a['quantity'], a['unit'])}"
            )
        if ln.weight_kg is not None:
            details.append(f"weight {format_decimal(ln.weight_kg)} kg")
        doc_lines.append(
            Line(
                number=ln.line,
                sku=ln.sku,
                name=ln.name,
                quantity=_quantity(ln.quantity.value, ln.quantity.unit),
                details=tuple(details),
                drawings=() if ln.cut_plan is None else plan_drawings(ln.cut_plan),
            )
        )
    facts = (
        ("Delivery note", order["id"]),
        ("Order date", order["created_at"].strftime("%Y-%m-%d")),
        ("Quote", order["quote_id"]),
        ("Customer", customer or ""),
        ("Status", order["status"]),
    )
    weight = sum((ln.weight_kg for ln in lines if ln.weight_kg is not None), Decimal(0))
    return Document(
        title="Delivery note",
        number=order["id"],
        company=tuple(company),
        facts=facts,
        lines=tuple(doc_lines),
        totals=(("Total weight", f"{format_decimal(weight)} kg"),),
        priced=False,
        columns=("#", "Article", "Quantity"),
    )
