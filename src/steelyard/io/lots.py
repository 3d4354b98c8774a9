"""The lots file: stock by lot, with each lot's heat, mill certificate and origin (inventory/lots.py).

A row with a `lot_id` states that lot as it is: its trace (heat, mill, certificate type, origin, received_at, a
remnant's own size) is set to the row's, and the difference between the row's count and the lot's on hand is booked
as a ledger adjustment on that lot. A row without `lot_id` is a new lot (a receipt): created with the row's trace and
count. So an export, imported back, changes nothing, and a receiving list of new heats adds one lot per row (imported
twice, it adds them twice: give the lot ids to update). A count below what is reserved from the lot is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, bindparam, select, update

from steelyard.catalog import repository as repo
from steelyard.catalog.tables import products, warehouses
from steelyard.db import utc
from steelyard.inventory.booking import Booking
from steelyard.inventory.ledger import lock_levels
from steelyard.inventory.lots import create_lot
from steelyard.inventory.model import Kind as LedgerKind
from steelyard.inventory.schemas import LotIn
from steelyard.inventory.tables import lots
from steelyard.io.cells import CellError, Numbers, read_int
from steelyard.io.formats import Cell
from steelyard.io.model import Kind, Outcome, RowError, problems_to_errors
from steelyard.io.seen import FirstLines
from steelyard.io.stock import counted, sku_problems
from steelyard.io.table import Columns, Row
from steelyard.wire import format_decimal, validation_problems

TRACE = ("heat", "mill", "certificate_type", "origin")
HEADER = ["lot_id", "sku", "warehouse", *TRACE, "received_at", "dimensions_mm", "on_hand", "unit", "reason"]
DEFAULT_REASON = "lot count"
ZERO = Decimal(0)
COLUMN_OF = {name: name for name in (*TRACE, "dimensions_mm")}


def columns(header: list[str]) -> Columns:
    required = ("sku", "warehouse", "on_hand")
    return Columns.of(header, required=required, optional=[h for h in HEADER if h not in required])


def read_dimensions(text: str) -> dict[str, str]:
    """`length=800; width=500` (a remnant's own size in mm) as the API's `dimensions_mm`."""
    found: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise CellError(f"'{part.strip()}': write each dimension as name=millimetres, e.g. length=800; width=500")
        found[name.strip()] = value.strip()
    return found


def write_dimensions(dims: dict[str, Any] | None) -> str | None:
    return None if not dims else "; ".join(f"{name}={value}" for name, value in dims.items())


def read_received(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CellError(f"'{text}' is not a date and time: write it as 2026-11-30T08:15:00+00:00") from None
    return utc(when).astimezone(UTC)  # without an offset: UTC, as every stored moment


@dataclass(slots=True)
class Checked:
    line: int
    sku: str
    product_id: int
    warehouse: str
    warehouse_id: int
    lot_id: int | None  # None: a new lot
    trace: dict[str, Any]  # heat, mill, certificate_type, origin, received_at, dimensions_mm, remnant
    change: Decimal  # in the stock unit
    reason: str
    outcome: Outcome
    retrace: bool = False
    rows: int = 1


_LOTS_BY_ID = select(lots).where(lots.c.id.in_(bindparam("ids", expanding=True)))


@dataclass(slots=True)
class LotsImport:
    kind = Kind.LOTS
    cols: Columns
    numbers: Numbers
    actor: str = "import"
    reference: str = field(default_factory=lambda: "I" + uuid.uuid4().hex[:24].upper())
    seen: FirstLines = field(default_factory=FirstLines)  # lot id -> its line
    warehouse_ids: dict[str, int] | None = None

    def check(self, conn: Connection, rows: list[Row], *, last: bool = False) -> tuple[list[Checked], list[RowError]]:
        del last  # every row stands alone
        if self.warehouse_ids is None:
            self.warehouse_ids = repo.warehouse_ids(conn)
        skus = [(self.cols.get(r, "sku") or "").strip() for r in rows]
        stored = repo.get_products(conn, [s for s in skus if s])
        ids: dict[int, int | None] = {}
        errors: list[RowError] = []
        for row in rows:
            text = (self.cols.get(row, "lot_id") or "").strip()
            try:
                ids[row.line] = read_int(text) if text else None
            except CellError as exc:
                errors.append(RowError(row.line, "lot_id", str(exc)))
        wanted = [i for i in ids.values() if i is not None]
        existing = {r.id: r for r in conn.execute(_LOTS_BY_ID, {"ids": wanted})} if wanted else {}
        checked: list[Checked] = []
        self.seen.load(wanted)
        for row, sku in zip(rows, skus, strict=True):
            if row.line not in ids:
                continue
            lot_id = ids[row.line]
            if lot_id is not None:
                first = self.seen.get(lot_id)
                if first is not None:
                    errors.append(RowError(row.line, "lot_id", f"lot {lot_id} is on line {first} already"))
                    continue
                self.seen[lot_id] = row.line
            item, found = self._row(row, sku, stored.get(sku), lot_id, existing.get(lot_id) if lot_id else None)
            errors += found
            if item is not None:
                checked.append(item)
        return checked, sorted(errors, key=lambda e: e.line or 0)

    def _trace(self, row: Row, now: datetime) -> tuple[dict[str, Any] | None, list[RowError]]:
        cells = {name: (self.cols.get(row, name) or "").strip() or None for name in (*TRACE, "dimensions_mm")}
        try:
            dims = read_dimensions(cells["dimensions_mm"]) if cells["dimensions_mm"] else None
        except CellError as exc:
            return None, [RowError(row.line, "dimensions_mm", str(exc))]
        text = (self.cols.get(row, "received_at") or "").strip()
        try:
            received = read_received(text) if text else now
        except CellError as exc:
            return None, [RowError(row.line, "received_at", str(exc))]
        document: dict[str, Any] = {name: cells[name] for name in TRACE if cells[name] is not None}
        if dims is not None:
            document["dimensions_mm"] = dims
        if document:
            if set(document) == {"dimensions_mm"}:
                document["heat"] = "untraced"  # LotIn needs a heat; an untraced lot may still have its own size
            try:
                lot = LotIn.model_validate(document)
            except ValidationError as exc:
                return None, problems_to_errors(row.line, validation_problems(exc.errors()), COLUMN_OF, "heat")
            dims = None if lot.dimensions_mm is None else {k: format_decimal(v) for k, v in lot.dimensions_mm.items()}
        trace: dict[str, Any] = {name: cells[name] for name in TRACE}
        trace.update(received_at=received, dimensions_mm=dims, remnant=dims is not None)
        return trace, []

    def _row(
        self, row: Row, sku: str, stored: repo.StoredProduct | None, lot_id: int | None, lot: Any
    ) -> tuple[Checked | None, list[RowError]]:
        code = (self.cols.get(row, "warehouse") or "").strip()
        if stored is None:
            problems = sku_problems(row, sku, code)
            return None, problems or [RowError(row.line, "sku", f"no product with SKU '{sku}'")]
        assert self.warehouse_ids is not None
        warehouse_id = self.warehouse_ids.get(code)
        if warehouse_id is None:
            return None, sku_problems(row, sku, code) or [
                RowError(row.line, "warehouse", f"no warehouse with code '{code}'")
            ]
        amount, errors = counted(self.numbers, row, self.cols, stored, code)
        trace, trace_errors = self._trace(row, datetime.now(UTC))
        if amount is None or trace is None:
            return None, errors + trace_errors
        reason = (self.cols.get(row, "reason") or "").strip() or DEFAULT_REASON
        if lot_id is None:
            if amount == 0:
                return None, [RowError(row.line, "on_hand", "a new lot (no lot_id) needs stock: count above 0")]
            return Checked(
                row.line, sku, stored.id, code, warehouse_id, None, trace, amount, reason, Outcome.CREATED
            ), []
        if lot is None or lot.product_id != stored.id or lot.warehouse_id != warehouse_id:
            message = f"no lot {lot_id} of {sku} in {code}; leave lot_id empty for a new lot"
            return None, [RowError(row.line, "lot_id", message)]
        if amount < lot.reserved:
            unit = stored.product.stock_unit
            return None, [
                RowError(
                    row.line,
                    "on_hand",
                    f"counted {format_decimal(amount)} {unit}, but {format_decimal(lot.reserved)} {unit} of lot "
                    f"{lot_id} is reserved for quotes and orders; ship or release those first",
                )
            ]
        if not (self.cols.get(row, "received_at") or "").strip():
            trace["received_at"] = lot.received_at  # an empty cell keeps the date: it orders first in, first out
        if trace["dimensions_mm"] is None and lot.remnant and lot.dimensions_mm is None:
            trace["remnant"] = True
        retrace = any(_differs(getattr(lot, name), trace[name]) for name in trace)
        change = amount - lot.on_hand
        outcome = Outcome.UPDATED if retrace or change else Outcome.UNCHANGED
        item = Checked(row.line, sku, stored.id, code, warehouse_id, lot_id, trace, change, reason, outcome, retrace)
        return item, []

    def write(self, conn: Connection, checked: list[Checked]) -> list[RowError]:
        now = datetime.now(UTC)
        for c in checked:
            if c.outcome is Outcome.UNCHANGED:
                continue
            booking = Booking(
                conn,
                product_id=c.product_id,
                sku=c.sku,
                actor=self.actor,
                reference=self.reference,
                quantity=None,
                reason=c.reason,
            )
            if c.lot_id is None:
                lock_levels(conn, c.product_id)  # levels before lots, as every stock change
                lot_id = create_lot(conn, product_id=c.product_id, warehouse_id=c.warehouse_id, **c.trace)
                booking.book(c.warehouse_id, c.warehouse, lot_id, LedgerKind.RECEIPT, c.change)
                continue
            if c.retrace:
                conn.execute(update(lots).where(lots.c.id == c.lot_id).values(**c.trace))
            if c.change:
                # Reserved stock was checked against the count above, in this transaction: the lot cannot fall short.
                booking.adjust(c.warehouse_id, c.warehouse, c.change, now=now, lot_id=c.lot_id)
        return []


def _differs(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, datetime) and isinstance(wanted, datetime):
        return stored.astimezone(UTC) != wanted.astimezone(UTC)
    if isinstance(stored, dict) or isinstance(wanted, dict):
        return {k: Decimal(str(v)) for k, v in (stored or {}).items()} != {
            k: Decimal(str(v)) for k, v in (wanted or {}).items()
        }
    return bool(stored != wanted)


def export_rows(conn: Connection, numbers: Numbers) -> Iterator[list[Cell]]:
    """Every lot with stock on hand, in SKU, warehouse and first-in-first-out order, on hand in the stock unit."""
    del numbers
    query = (
        select(lots, products.c.sku, products.c.stock_unit, warehouses.c.code)
        .join(products, products.c.id == lots.c.product_id)
        .join(warehouses, warehouses.c.id == lots.c.warehouse_id)
        .where(lots.c.on_hand > 0)
        .order_by(products.c.sku, warehouses.c.code, lots.c.received_at, lots.c.id)
    )
    for r in conn.execute(query.execution_options(yield_per=1000)):
        yield [
            r.id,
            r.sku,
            r.code,
            r.heat,
            r.mill,
            r.certificate_type,
            r.origin,
            r.received_at.astimezone(UTC).isoformat(),
            write_dimensions(r.dimensions_mm),
            Decimal(format_decimal(r.on_hand)),
            r.stock_unit,
            None,
        ]
