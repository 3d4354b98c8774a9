"""The prices file: products' price tiers (one row per tier) and customers' price lists (one row per family).

A tier row names a `sku`; the rows of one SKU, together, replace its whole tier list, checked by the catalogue's
schema and rules as a PATCH of `price` would be. A price-list row names an `account` and a `family` (or `*`, the
account's discount for every other family) with its `discount_percent`; the rows of one account replace its whole
price list, checked by the accounts' schema. The rows of one SKU or one account must be next to each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from steelyard.access.schemas import AccountPatch
from steelyard.access.service import get_account, list_accounts, update_account
from steelyard.catalog import repository as repo
from steelyard.catalog.rules import normalise
from steelyard.catalog.schemas import ProductIn
from steelyard.catalog.service import product_fields, product_from_fields
from steelyard.errors import FieldProblem, InvalidInput, NotFound
from steelyard.events import PRICE_CHANGED, PRODUCT_CHANGED, emit_many
from steelyard.events.wire import price_changed, product_changed
from steelyard.io.cells import CellError, Numbers, read_int
from steelyard.io.formats import Cell
from steelyard.io.model import Kind, Outcome, RowError
from steelyard.io.seen import FirstLines
from steelyard.io.table import Columns, Row
from steelyard.search import indexer as search_index
from steelyard.wire import validation_problems

TIER = ("sku", "min_quantity", "min_unit", "unit_price", "per")
LIST = ("account", "family", "discount_percent")
HEADER = ["sku", "currency", "min_quantity", "min_unit", "unit_price", "per", "account", "family", "discount_percent"]
EVERY_FAMILY = "*"
TIER_COLUMN = {"min_quantity.value": "min_quantity", "min_quantity.unit": "min_unit", "min_quantity": "min_quantity"}


def columns(header: list[str]) -> Columns:
    return Columns.of(header, required=(), optional=HEADER, alternatives=(TIER, LIST))


@dataclass(slots=True)
class Group:
    """The consecutive rows of one SKU (tiers) or one account (price list)."""

    key: str
    account: bool
    rows: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class Checked:
    outcome: Outcome
    rows: int
    apply: Any  # what write() does: (product id, product) or (account id, changes)
    account: bool = False
    version: int = 0  # the product's version before the change


@dataclass(slots=True)
class PricesImport:
    kind = Kind.PRICES
    cols: Columns
    numbers: Numbers
    open: Group | None = None
    seen: FirstLines = field(default_factory=FirstLines)  # (is an account, SKU or account) -> its first line

    def check(self, conn: Connection, rows: list[Row], *, last: bool = False) -> tuple[list[Checked], list[RowError]]:
        errors: list[RowError] = []
        done: list[Group] = []
        keys = [((self.cols.get(r, "sku") or "").strip(), (self.cols.get(r, "account") or "").strip()) for r in rows]
        self.seen.load((bool(account), account or sku) for sku, account in keys)
        for row, (sku, account) in zip(rows, keys, strict=True):
            if sku and account:
                errors.append(RowError(row.line, "account", "a row is a SKU's tier or an account's entry, not both"))
                continue
            if not sku and not account:
                errors.append(RowError(row.line, "sku", "name the sku of a tier or the account of a price list"))
                continue
            key = (bool(account), account or sku)
            if self.open is not None and (self.open.account, self.open.key) == key:
                self.open.rows.append(row)
                continue
            first = self.seen.get(key)
            if first is not None:
                what = f"account {key[1]}" if key[0] else key[1]
                errors.append(
                    RowError(
                        row.line,
                        "account" if key[0] else "sku",
                        f"{what} starts on line {first}: keep its rows together, one after another",
                    )
                )
                continue
            self.seen[key] = row.line
            if self.open is not None:
                done.append(self.open)
            self.open = Group(key[1], key[0], [row])
        if last and self.open is not None:
            done.append(self.open)
            self.open = None
        checked: list[Checked] = []
        tiers = [g for g in done if not g.account]
        stored = repo.get_products(conn, [g.key for g in tiers])
        for g in done:
            item, found = self._account(conn, g) if g.account else self._tiers(g, stored.get(g.key))
            errors += found
            if item is not None:
                checked.append(item)
        return checked, errors

    def _tiers(self, group: Group, stored: repo.StoredProduct | None) -> tuple[Checked | None, list[RowError]]:
        first = group.rows[0].line
        if stored is None:
            return None, [RowError(first, "sku", f"no product with SKU '{group.key}'")]
        errors: list[RowError] = []
        tiers: list[dict[str, Any]] = []
        currency = None
        for row in group.rows:
            tier: dict[str, Any] = {"min_quantity": {}}
            for column in ("min_quantity", "unit_price"):
                text = self.cols.get(row, column)
                try:
                    value = None if text is None else self.numbers.read(text)
                except CellError as exc:
                    errors.append(RowError(row.line, column, str(exc)))
                    value = None
                if value is not None:
                    (tier["min_quantity"] if column == "min_quantity" else tier)[
                        "value" if column == "min_quantity" else "unit_price"
                    ] = value
            for column, place in (("min_unit", tier["min_quantity"]), ("per", tier)):
                text = self.cols.get(row, column)
                if text is not None and text.strip():
                    place["unit" if column == "min_unit" else "per"] = text.strip()
            currency = currency or (self.cols.get(row, "currency") or "").strip() or None
            for column in ("family", "discount_percent"):
                if self.cols.get(row, column) is not None:
                    errors.append(RowError(row.line, column, "belongs to an account's price list, not to a tier"))
            tiers.append(tier)
        if errors:
            return None, errors
        body = {**product_fields(stored.product), "sku": group.key}
        body["price"] = {"currency": currency or stored.product.price.currency, "tiers": tiers}
        try:
            fields = ProductIn.model_validate(body)
            product = normalise(product_from_fields(group.key, fields))
        except ValidationError as exc:
            return None, self._tier_errors(group, validation_problems(exc.errors()))
        except InvalidInput as exc:
            return None, self._tier_errors(group, exc.problems)
        same = product.price == stored.product.price
        outcome = Outcome.UNCHANGED if same else Outcome.UPDATED
        return Checked(outcome, len(group.rows), (stored.id, product), version=stored.version), []

    def _tier_errors(self, group: Group, problems: tuple[FieldProblem, ...] | list[FieldProblem]) -> list[RowError]:
        errors = []
        for p in problems:
            line, column, message = group.rows[0].line, "sku", f"{p.field}: {p.message}"
            if p.field.startswith("price.tiers["):
                index, _, rest = p.field[len("price.tiers[") :].partition("]")
                row = group.rows[int(index)] if index.isdigit() and int(index) < len(group.rows) else group.rows[0]
                line, column, message = row.line, TIER_COLUMN.get(rest.lstrip("."), rest.lstrip(".")), p.message
            elif p.field.startswith("price.currency"):
                column, message = "currency", p.message
            elif p.field == "price.tiers":
                column = "min_quantity"
            errors.append(RowError(line, column or "sku", message))
        return errors

    def _account(self, conn: Connection, group: Group) -> tuple[Checked | None, list[RowError]]:
        first = group.rows[0].line
        try:
            account = get_account(conn, read_int(group.key))
        except (CellError, NotFound):
            return None, [RowError(first, "account", f"no account with id '{group.key}'")]
        errors: list[RowError] = []
        entries: dict[str, Any] = {}
        lines: dict[str, int] = {}
        discount: Any = None
        for row in group.rows:
            family = (self.cols.get(row, "family") or "").strip()
            text = self.cols.get(row, "discount_percent")
            for column in ("currency", "min_quantity", "min_unit", "unit_price", "per"):
                if self.cols.get(row, column) is not None:
                    errors.append(RowError(row.line, column, "belongs to a SKU's tier, not to a price list"))
            if not family:
                errors.append(RowError(row.line, "family", f"is required: a family, or {EVERY_FAMILY} for the rest"))
                continue
            if family in lines:
                errors.append(RowError(row.line, "family", f"{family} is on line {lines[family]} already"))
                continue
            lines[family] = row.line
            if text is None:
                errors.append(RowError(row.line, "discount_percent", "is required"))
                continue
            try:
                value = self.numbers.read(text)
            except CellError as exc:
                errors.append(RowError(row.line, "discount_percent", str(exc)))
                continue
            if family == EVERY_FAMILY:
                discount = value
            else:
                entries[family] = value
        if errors:
            return None, errors
        changes: dict[str, Any] = {"price_list": entries}
        if discount is not None:
            changes["discount_percent"] = discount
        try:
            patch = AccountPatch.model_validate(changes)
        except ValidationError as exc:
            for p in validation_problems(exc.errors()):
                family = p.field.split(".")[1] if p.field.startswith("price_list.") else EVERY_FAMILY
                column = "family" if p.field.endswith("[key]") else "discount_percent"
                errors.append(RowError(lines.get(family, first), column, p.message))
            return None, errors
        new = patch.model_dump(exclude_unset=True)
        same = {k: Decimal(v) for k, v in account["price_list"].items()} == new["price_list"] and (
            "discount_percent" not in new or Decimal(account["discount_percent"]) == new["discount_percent"]
        )
        outcome = Outcome.UNCHANGED if same else Outcome.UPDATED
        return Checked(outcome, len(group.rows), (account["id"], new), account=True), []

    def write(self, conn: Connection, checked: list[Checked]) -> list[RowError]:
        changed = [c for c in checked if c.outcome is not Outcome.UNCHANGED]
        products = [c.apply for c in changed if not c.account]
        repo.update_products(conn, products)
        for account_id, changes in (c.apply for c in changed if c.account):
            update_account(conn, account_id, changes)
        search_index.reindex_products(conn, products)
        emit_many(
            conn,
            PRODUCT_CHANGED,
            [
                product_changed(sku=p.sku, change="updated", active=p.active, version=c.version + 1)
                for c, (_, p) in zip((c for c in changed if not c.account), products, strict=True)
            ],
        )
        emit_many(
            conn,
            PRICE_CHANGED,
            [price_changed(sku=p.sku, currency=p.price.currency, tiers=p.price.tiers) for _, p in products],
        )
        return []


def export_rows(conn: Connection, numbers: Numbers) -> Iterator[list[Cell]]:
    del numbers  # every cell of this file is a plain value
    for stored in repo.iter_products(conn):
        p = stored.product
        for t in p.price.tiers:
            yield [
                p.sku,
                p.price.currency,
                t.min_quantity.value,
                t.min_quantity.unit,
                t.unit_price,
                t.per,
                None,
                None,
                None,
            ]
    after: int | None = None
    while accounts := list_accounts(conn, after_id=after, limit=500):
        for a in accounts:
            for family, percent in sorted(a["price_list"].items()):
                yield [None, None, None, None, None, None, a["id"], family, Decimal(percent)]
            yield [None, None, None, None, None, None, a["id"], EVERY_FAMILY, Decimal(a["discount_percent"])]
        after = accounts[-1]["id"]
