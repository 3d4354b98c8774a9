"""The stock file: a stocktake. Each row is what was counted of one product in one warehouse; the difference to
the level on hand is booked as a ledger adjustment with the row's reason, through the one ledger primitive.

A count is read like a movement's quantity (any unit the product converts to, the stock unit when none is given,
whole pieces for products counted in pieces), so a bad count gets the API's message. A count below what is
reserved for quotes and orders is refused: that stock is promised.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import Connection, select

from steelyard.access.model import Principal
from steelyard.catalog import repository as repo
from steelyard.catalog.tables import products, warehouses
from steelyard.errors import InsufficientStock, InvalidInput
from steelyard.inventory.booking import Booking
from steelyard.inventory.movements import stock_quantity
from steelyard.inventory.schemas import MovementIn
from steelyard.inventory.tables import stock_levels
from steelyard.io.cells import CellError, Numbers
from steelyard.io.formats import Cell
from steelyard.io.model import Kind, Outcome, RowError, problems_to_errors
from steelyard.io.seen import FirstLines
from steelyard.io.table import Columns, Row
from steelyard.wire import format_decimal, validation_problems

HEADER = ["sku", "warehouse", "on_hand", "unit", "reason"]
DEFAULT_REASON = "stocktake"
ZERO = Decimal(0)
COLUMN_OF = {
    "sku": "sku",
    "warehouse": "warehouse",
    "quantity": "on_hand",
    "quantity.value": "on_hand",
    "quantity.unit": "unit",
    "reason": "reason",
}


def columns(header: list[str]) -> Columns:
    return Columns.of(header, required=("sku", "warehouse", "on_hand"), optional=("unit", "reason"))


@dataclass(slots=True)
class Checked:
    line: int
    sku: str
    product_id: int
    warehouse: str
    warehouse_id: int
    change: Decimal  # in the stock unit
    reason: str
    outcome: Outcome
    rows: int = 1


@dataclass(slots=True)
class StockImport:
    kind = Kind.STOCK
    cols: Columns
    numbers: Numbers
    actor: str = "import"
    reference: str = field(default_factory=lambda: "I" + uuid.uuid4().hex[:24].upper())
    seen: FirstLines = field(default_factory=FirstLines)  # (SKU, warehouse) -> its line
    warehouse_ids: dict[str, int] | None = None

    def check(self, conn: Connection, rows: list[Row], *, last: bool = False) -> tuple[list[Checked], list[RowError]]:
        del last  # every row stands alone
        if self.warehouse_ids is None:
            self.warehouse_ids = repo.warehouse_ids(conn)
        skus = [(self.cols.get(r, "sku") or "").strip() for r in rows]
        stored = repo.get_products(conn, [s for s in skus if s])
        levels = repo.levels_for_many(conn, [p.id for p in stored.values()]) if stored else {}
        errors: list[RowError] = []
        checked: list[Checked] = []
        codes = [(self.cols.get(row, "warehouse") or "").strip() for row in rows]
        self.seen.load(zip(skus, codes, strict=True))
        for row, sku, code in zip(rows, skus, codes, strict=True):
            first = self.seen.get((sku, code))
            if first is not None:
                errors.append(RowError(row.line, "warehouse", f"{sku} in {code} is on line {first} already"))
                continue
            self.seen[(sku, code)] = row.line
            item, found = self._row(row, sku, code, stored.get(sku), levels)
            errors += found
            if item is not None:
                checked.append(item)
        return checked, errors

    def _row(
        self, row: Row, sku: str, code: str, stored: repo.StoredProduct | None, levels: dict[int, list[repo.Level]]
    ) -> tuple[Checked | None, list[RowError]]:
        if stored is None:
            problems = sku_problems(row, sku, code)
            return None, problems or [RowError(row.line, "sku", f"no product with SKU '{sku}'")]
        amount, errors = counted(self.numbers, row, self.cols, stored, code)
        if amount is None:
            return None, errors
        assert self.warehouse_ids is not None
        warehouse_id = self.warehouse_ids.get(code)
        if warehouse_id is None:
            return None, [RowError(row.line, "warehouse", f"no warehouse with code '{code}'")]
        reason = (self.cols.get(row, "reason") or "").strip() or DEFAULT_REASON
        level = next((lv for lv in levels.get(stored.id, []) if lv.warehouse_id == warehouse_id), None)
        on_hand = level.on_hand if level else ZERO
        reserved = level.reserved if level else ZERO
        if amount < reserved:
            unit_name = stored.product.stock_unit
            return None, [
                RowError(
                    row.line,
                    "on_hand",
                    f"counted {format_decimal(amount)} {unit_name}, but {format_decimal(reserved)} {unit_name} is "
                    "reserved for quotes and orders; ship or release those first",
                )
            ]
        outcome = Outcome.UNCHANGED if amount == on_hand else (Outcome.UPDATED if level else Outcome.CREATED)
        return Checked(row.line, sku, stored.id, code, warehouse_id, amount - on_hand, reason, outcome), []

    def write(self, conn: Connection, checked: list[Checked]) -> list[RowError]:
        errors = []
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
            try:
                # More than recorded goes to the newest lot; less comes out of the oldest lots first.
                booking.adjust(c.warehouse_id, c.warehouse, c.change, now=datetime.now(UTC))
            except InsufficientStock as exc:  # reserved in the meantime: the count no longer covers it
                errors.append(RowError(c.line, "on_hand", exc.detail))
        return errors


def sku_problems(row: Row, sku: str, code: str) -> list[RowError]:
    """What is wrong with a row's SKU and warehouse code as text (the API's messages), before looking them up."""
    document = {"sku": sku, "warehouse": code, "kind": "receipt", "quantity": {"value": "1", "unit": "kg"}}
    try:
        MovementIn.model_validate(document)
    except ValidationError as exc:
        return problems_to_errors(row.line, validation_problems(exc.errors()), COLUMN_OF, "sku")
    return []


def counted(
    numbers: Numbers, row: Row, cols: Columns, stored: repo.StoredProduct, code: str
) -> tuple[Decimal | None, list[RowError]]:
    """A row's `on_hand` (and `unit`) read like a receipt's quantity, in the product's stock unit: any unit the
    product converts to, the stock unit when none is given, whole pieces for products counted in pieces."""
    text = cols.get(row, "on_hand")
    if text is None:
        return None, [RowError(row.line, "on_hand", "is required: the quantity counted (0 for none)")]
    try:
        value = numbers.read(text)
    except CellError as exc:
        return None, [RowError(row.line, "on_hand", str(exc))]
    unit = (cols.get(row, "unit") or "").strip() or stored.product.stock_unit
    document = {
        "sku": stored.product.sku,
        "warehouse": code,
        "kind": "receipt",  # read like a receipt's quantity: not negative, in any unit the product converts to
        "quantity": {"value": value, "unit": unit},
        "reason": (cols.get(row, "reason") or "").strip() or None,
    }
    try:
        body = MovementIn.model_validate(document)
    except ValidationError as exc:
        return None, problems_to_errors(row.line, validation_problems(exc.errors()), COLUMN_OF, "on_hand")
    if body.quantity.value < 0:
        return None, [RowError(row.line, "on_hand", "a count cannot be below zero")]
    if body.quantity.value == 0:
        return ZERO, []
    try:
        return stock_quantity(stored, body)[0], []
    except InvalidInput as exc:
        return None, problems_to_errors(row.line, exc.problems or (), COLUMN_OF, "on_hand") or [
            RowError(row.line, "on_hand", exc.detail)
        ]


def export_rows(conn: Connection, numbers: Numbers) -> Iterator[list[Cell]]:
    """Every stock level (product, warehouse) there is, in SKU and warehouse order, on hand in the stock unit."""
    del numbers
    query = (
        select(products.c.sku, warehouses.c.code, stock_levels.c.on_hand, products.c.stock_unit)
        .join(products, products.c.id == stock_levels.c.product_id)
        .join(warehouses, warehouses.c.id == stock_levels.c.warehouse_id)
        .order_by(products.c.sku, warehouses.c.code)
    )
    for r in conn.execute(query.execution_options(yield_per=1000)):
        yield [r.sku, r.code, Decimal(format_decimal(r.on_hand)), r.stock_unit, None]


def actor_name(principal: Principal | None) -> str:
    return "import" if principal is None else principal.name
