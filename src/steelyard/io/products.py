"""The products file: one row per product, upserted by SKU, checked by the catalogue's own schema and rules.

A row is turned into the body `POST /api/v1/products` takes and validated by the same `ProductIn` schema and
`rules.normalise`, so a bad cell gets the message the API would give. Optional columns left out of a file keep
an existing product's values (a file of `sku,name,...` without `description` does not blank descriptions).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select

from steelyard.catalog import repository as repo
from steelyard.catalog.model import Product
from steelyard.catalog.rules import normalise
from steelyard.catalog.schemas import ProductIn
from steelyard.catalog.service import product_fields, product_from_fields
from steelyard.catalog.tables import products
from steelyard.errors import InvalidInput
from steelyard.events import PRICE_CHANGED, PRODUCT_CHANGED, emit_many
from steelyard.events.wire import price_changed, product_changed
from steelyard.io.cells import CellError, Numbers, read_bool, read_int, read_quantity, read_tiers, write_tiers
from steelyard.io.formats import Cell
from steelyard.io.model import Kind, Outcome, RowError, problems_to_errors
from steelyard.io.seen import FirstLines
from steelyard.io.table import Columns, Row
from steelyard.search import indexer as search_index
from steelyard.units.forms import ALL_DIMENSION_NAMES
from steelyard.wire import validation_problems

ATTRIBUTE = "attribute:"
# every dimension a form takes, as `<name>_mm`; a tee's tabulated section area is mm2
DIMENSIONS = {f"{name}_mm2" if name == "section_area" else f"{name}_mm": name for name in ALL_DIMENSION_NAMES}
CUTTING = {
    "cutting_kerf_mm": "kerf_mm",
    "cutting_trim_mm": "trim_mm",
    "cutting_rotation": "rotation",
    "cutting_min_remnant_mm": "min_remnant_mm",
}
REQUIRED = ("sku", "name", "family", "grade", "form", "density_kg_m3", "stock_unit", "currency", "tiers")
OPTIONAL = (
    "profile",
    *CUTTING,
    "piece_name",
    "piece_content",
    "min_order",
    "increment",
    "cut_fee",
    "lead_time_days",
    "active",
    "description",
)
QUANTITIES = ("piece_content", "min_order", "increment")
# column -> what an empty cell means (the API's default for the field)
EMPTY = {"piece_name": None, "cut_fee": None, "lead_time_days": 0, "active": True, "description": ""}
# the export's column order: the product's identity, material, size, units, price, terms, text
ORDER = (
    "sku",
    "name",
    "family",
    "grade",
    "form",
    "density_kg_m3",
    *DIMENSIONS,
    "stock_unit",
    "piece_name",
    "piece_content",
    "min_order",
    "increment",
    "currency",
    "tiers",
    "cut_fee",
    *CUTTING,
    "lead_time_days",
    "active",
    "description",
)
COLUMN_OF = {
    **{c: c for c in (*REQUIRED, *OPTIONAL)},
    **{f"dimensions_mm.{n}": c for c, n in DIMENSIONS.items()},
    "dimensions_mm": "form",
    "price": "tiers",
    "price.currency": "currency",
    "cutting": "cutting_kerf_mm",
    **{f"cutting.{field}": column for column, field in CUTTING.items()},
}


def columns(header: list[str]) -> Columns:
    return Columns.of(header, required=REQUIRED, optional=(*OPTIONAL, *DIMENSIONS), prefixes=(ATTRIBUTE,))


@dataclass(slots=True)
class Checked:
    """One valid row: the product it makes, what it was, and what happens to it."""

    line: int
    product: Product
    stored: repo.StoredProduct | None
    outcome: Outcome
    rows: int = 1


@dataclass(slots=True)
class ProductsImport:
    kind = Kind.PRODUCTS
    cols: Columns
    numbers: Numbers
    seen: FirstLines = field(default_factory=FirstLines)  # SKU -> its line: a SKU twice in one file is an error
    # Where this file's columns are, worked out once (a row is read ~100,000 times; most files have few columns).
    _texts: list[tuple[str, int, bool]] = field(default_factory=list, init=False)
    _values: list[tuple[str, int]] = field(default_factory=list, init=False)
    _dims: list[tuple[str, str, int]] = field(default_factory=list, init=False)
    _cutting: list[tuple[str, str, int]] = field(default_factory=list, init=False)
    _attributes: list[tuple[str, int]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        at = self.cols.index
        texts = ("name", "family", "grade", "form", "stock_unit", "piece_name", "description")
        self._texts = [(n, at[n], n not in ("name", "description")) for n in texts if n in at]
        values = ("density_kg_m3", "cut_fee", "lead_time_days", "active", *QUANTITIES)
        self._values = [(n, at[n]) for n in values if n in at]
        self._dims = [(c, n, at[c]) for c, n in DIMENSIONS.items() if c in at]
        self._cutting = [(c, n, at[c]) for c, n in CUTTING.items() if c in at]
        self._attributes = [(c[len(ATTRIBUTE) :], at[c]) for c in self.cols.prefixed(ATTRIBUTE)]

    def check(self, conn: Connection, rows: list[Row], *, last: bool = False) -> tuple[list[Checked], list[RowError]]:
        del last  # every row stands alone
        errors: list[RowError] = []
        wanted: list[tuple[Row, str]] = []
        skus = [(self.cols.get(row, "sku") or "").strip() for row in rows]
        self.seen.load(skus)
        for row, sku in zip(rows, skus, strict=True):
            first = self.seen.get(sku)
            if sku and first is not None:
                errors.append(RowError(row.line, "sku", f"{sku} is on line {first} already: one row per SKU"))
                continue
            if sku:
                self.seen[sku] = row.line
            wanted.append((row, sku))
        stored = repo.get_products(conn, [sku for _, sku in wanted if sku])
        checked: list[Checked] = []
        for row, sku in wanted:
            found = stored.get(sku)
            product, problems = self._product(row, sku, found)
            if product is None:
                errors += problems
                continue
            outcome = Outcome.CREATED if found is None else Outcome.UPDATED
            if found is not None and found.product == product:
                outcome = Outcome.UNCHANGED
            checked.append(Checked(row.line, product, found, outcome))
        return checked, errors

    def _product(self, row: Row, sku: str, stored: repo.StoredProduct | None) -> tuple[Product | None, list[RowError]]:
        document, errors = self._document(row, product_fields(stored.product) if stored else {})
        if errors:
            return None, errors
        try:
            body = ProductIn.model_validate({"sku": sku, **document})
        except ValidationError as exc:
            return None, problems_to_errors(row.line, validation_problems(exc.errors()), COLUMN_OF, "sku")
        try:
            return normalise(product_from_fields(body.sku, body)), []
        except InvalidInput as exc:
            return None, problems_to_errors(row.line, exc.problems, COLUMN_OF, "sku")

    def _document(self, row: Row, base: dict[str, Any]) -> tuple[dict[str, Any], list[RowError]]:
        """The API body this row describes, on top of the product's current fields (`base`)."""
        cols = self.cols
        doc = dict(base)
        doc.pop("sku", None)
        # A stored profile is written out as its attribute and its dimensions, so the dimensions are the product's
        # own here; a `profile` cell names a section whose dimensions the server fills from the standard's table.
        doc.pop("profile", None)
        profile = cols.get(row, "profile") if "profile" in self.cols else None
        if profile is not None and profile.strip():
            doc["profile"] = profile.strip()
        errors: list[RowError] = []
        cells = row.cells
        for name, at, code in self._texts:
            text = cells[at]
            self._set(doc, name, (text.strip() if code else text) if text is not None else None)
        for name, at in self._values:
            text = cells[at]
            try:
                self._set(doc, name, None if text is None else self._read(name, text))
            except CellError as exc:
                errors.append(RowError(row.line, name, str(exc)))
        if "currency" in cols or "tiers" in cols:
            price = dict(doc.get("price") or {})
            currency = cols.get(row, "currency")
            price.pop("currency", None)
            if currency is not None:
                price["currency"] = currency.strip()
            tiers = cols.get(row, "tiers")
            price.pop("tiers", None)
            try:
                if tiers is not None:
                    price["tiers"] = read_tiers(tiers, self.numbers)
            except CellError as exc:
                errors.append(RowError(row.line, "tiers", str(exc)))
            doc["price"] = price
        if self._cutting:
            cutting = dict(doc.get("cutting") or {})
            for column, field_name, at in self._cutting:
                text = cells[at]
                cutting.pop(field_name, None)
                try:
                    if text is not None:
                        cutting[field_name] = read_bool(text) if field_name == "rotation" else self.numbers.read(text)
                except CellError as exc:
                    errors.append(RowError(row.line, column, str(exc)))
            doc["cutting"] = cutting or None
        dims = dict(doc.get("dimensions_mm") or {})
        for column, name, at in self._dims:
            text = cells[at]
            dims.pop(name, None)
            try:
                if text is not None:
                    dims[name] = self.numbers.read(text)
            except CellError as exc:
                errors.append(RowError(row.line, column, str(exc)))
        doc["dimensions_mm"] = dims
        attributes = dict(doc.get("attributes") or {})
        for key, at in self._attributes:
            text = cells[at]
            if text is not None:
                attributes[key] = text
            elif attributes.get(key) != "":  # an empty value exports as an empty cell: keep it
                attributes.pop(key, None)
        doc["attributes"] = attributes
        return doc, errors

    def _read(self, name: str, text: str) -> Any:
        if name in QUANTITIES:
            return read_quantity(text, self.numbers)
        if name == "lead_time_days":
            return read_int(text)
        if name == "active":
            return read_bool(text)
        return self.numbers.read(text)

    @staticmethod
    def _set(doc: dict[str, Any], name: str, value: Any) -> None:
        if value is not None:
            doc[name] = value
        elif name in REQUIRED:
            doc.pop(name, None)  # the schema then says "is required"
        else:
            doc[name] = EMPTY.get(name)

    def write(self, conn: Connection, checked: list[Checked]) -> list[RowError]:
        """Insert the new products and update the changed ones in bulk; their search documents and events follow."""
        new = [c.product for c in checked if c.outcome is Outcome.CREATED]
        changed = [c for c in checked if c.outcome is Outcome.UPDATED]
        repo.insert_products(conn, new)
        repo.update_products(conn, [(c.stored.id, c.product) for c in changed if c.stored is not None])
        ids = repo.product_ids(conn, [p.sku for p in new]) if new else {}
        search_index.reindex_products(
            conn, [(ids[p.sku], p) for p in new] + [(c.stored.id, c.product) for c in changed if c.stored]
        )
        emit_many(
            conn,
            PRODUCT_CHANGED,
            [product_changed(sku=p.sku, change="created", active=p.active, version=1) for p in new]
            + [
                product_changed(
                    sku=c.product.sku, change="updated", active=c.product.active, version=c.stored.version + 1
                )
                for c in changed
                if c.stored is not None
            ],
        )
        emit_many(
            conn,
            PRICE_CHANGED,
            [
                price_changed(sku=c.product.sku, currency=c.product.price.currency, tiers=c.product.price.tiers)
                for c in changed
                if c.stored is not None and c.stored.product.price != c.product.price
            ],
        )
        return []


# ---- export -------------------------------------------------------------------------------------------------


def attribute_keys(conn: Connection) -> list[str]:
    """Every attribute name in the catalogue (one column each in the export), sorted."""
    keys: set[str] = set()
    for (attributes,) in conn.execute(select(products.c.attributes)):
        keys.update(attributes)
    return sorted(keys)


def export_header(keys: list[str]) -> list[str]:
    return [*ORDER, *(ATTRIBUTE + k for k in keys)]


def export_rows(conn: Connection, keys: list[str], numbers: Numbers) -> Iterator[list[Cell]]:
    for stored in repo.iter_products(conn):
        yield product_cells(stored.product, keys, numbers)


def product_cells(p: Product, keys: list[str], numbers: Numbers) -> list[Cell]:
    """One product as a row of the products file (the columns of `export_header(keys)`)."""

    def quantity(q: Any) -> str | None:
        return None if q is None else f"{numbers.write(q.value)} {q.unit}"

    tiers = write_tiers(
        [(t.min_quantity.value, t.min_quantity.unit, t.unit_price, t.per) for t in p.price.tiers], numbers
    )
    dims: list[Cell] = [p.dimensions_mm.get(name) for name in DIMENSIONS.values()]
    return [
        p.sku,
        p.name,
        p.family,
        p.grade,
        p.form,
        p.density_kg_m3,
        *dims,
        p.stock_unit,
        p.piece_name,
        quantity(p.piece_content),
        quantity(p.min_order),
        quantity(p.increment),
        p.price.currency,
        tiers,
        p.cut_fee,
        *(None if p.cutting is None else getattr(p.cutting, name) for name in CUTTING.values()),
        p.lead_time_days,
        p.active,
        p.description or None,
        *(p.attributes.get(k) for k in keys),
    ]
