"""Catalogue use cases. Services take a connection and never commit: the caller's unit of work does."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from steelyard.catalog import repository as repo
from steelyard.catalog.changes import products_changed
from steelyard.catalog.model import Price, PriceTier, Product
from steelyard.catalog.rules import default_piece_name, normalise, physics_of
from steelyard.catalog.schemas import ProductFields, ProductIn, ProductPatch, WarehouseIn
from steelyard.cutting.settings import settings_for
from steelyard.errors import Conflict, FieldProblem, InvalidInput, NotFound
from steelyard.events import PRICE_CHANGED, PRODUCT_CHANGED, emit
from steelyard.events.wire import price_changed, product_changed
from steelyard.units import corner_rule, describe, sellable_units
from steelyard.units.quantity import Quantity
from steelyard.units.sections import find_profile
from steelyard.wire import QuantityIn, invalid_input


@dataclass(frozen=True, slots=True)
class ProductView:
    """A product as a page or API shows it: data, the units it sells in, its physics and live stock."""

    stored: repo.StoredProduct
    units: list[str]
    physics: dict[str, Any]
    levels: list[repo.Level]


def _quantity(q: QuantityIn | None) -> Quantity | None:
    return None if q is None else Quantity(q.value, q.unit)


def _profiled(f: ProductFields) -> tuple[dict[str, Any], dict[str, str]]:
    """(dimensions, attributes) of a product, filled from its `profile` designation when it has one."""
    dimensions, attributes = dict(f.dimensions_mm), dict(f.attributes)
    if f.profile is None:
        return dimensions, attributes
    section = find_profile(f.profile)
    problems = []
    if section.form != f.form:
        problems.append(FieldProblem("form", f"{section.name} is a {section.form}; send form '{section.form}'"))
    for name, value in dimensions.items():
        if name in section.dimensions_mm and section.dimensions_mm[name] != value:
            message = f"{section.name} has {name} {section.dimensions_mm[name]} mm; leave it out to use the table"
            problems.append(FieldProblem(f"dimensions_mm.{name}", message))
    if problems:
        raise InvalidInput.from_problems(problems)
    attributes["profile"] = section.name
    attributes.setdefault("standard", section.standard)
    return {**section.dimensions_mm, **dimensions}, attributes


def product_from_fields(sku: str, f: ProductFields) -> Product:
    """The domain product for an API body (units not yet checked: see rules.normalise)."""
    dimensions, attributes = _profiled(f)
    return Product(
        sku=sku,
        name=f.name,
        family=f.family,
        grade=f.grade,
        form=f.form,
        density_kg_m3=f.density_kg_m3,
        dimensions_mm=dimensions,
        stock_unit=f.stock_unit,
        piece_name=f.piece_name or default_piece_name(f.form),
        piece_content=_quantity(f.piece_content),
        min_order=_quantity(f.min_order),
        increment=_quantity(f.increment),
        price=Price(
            currency=f.price.currency,
            tiers=tuple(
                PriceTier(
                    min_quantity=Quantity(t.min_quantity.value, t.min_quantity.unit), unit_price=t.unit_price, per=t.per
                )
                for t in f.price.tiers
            ),
        ),
        cut_fee=f.cut_fee,
        lead_time_days=f.lead_time_days,
        cutting=None if f.cutting is None else settings_for(f.form, f.cutting.model_dump(exclude_none=True)),
        attributes=attributes,
        description=f.description,
        active=f.active,
    )


def create_product(conn: Connection, *, data: ProductIn) -> repo.StoredProduct:
    product = normalise(product_from_fields(data.sku, data))
    if repo.sku_exists(conn, product.sku):
        raise Conflict(f"a product with SKU '{product.sku}' exists already; PATCH it to change it")
    try:
        with conn.begin_nested():
            repo.insert_product(conn, product)
    except IntegrityError:
        raise Conflict(f"a product with SKU '{product.sku}' exists already; PATCH it to change it") from None
    created = _require(conn, product.sku)
    products_changed(conn, [created.id])
    return _announce(conn, created, "created")


def update_product(conn: Connection, *, sku: str, patch: ProductPatch) -> repo.StoredProduct:
    stored = repo.get_product(conn, sku, for_update=True)
    if stored is None:
        raise no_such_product(sku)
    changes = patch.model_dump(exclude_unset=True)
    nullable = {"cut_fee", "min_order", "increment", "piece_name", "piece_content", "profile", "cutting"}
    nulls = [
        FieldProblem(k, "may not be null; leave it out to keep the current value")
        for k, v in changes.items()
        if v is None and k not in nullable
    ]
    if nulls:
        raise InvalidInput.from_problems(nulls)
    fields = {**product_fields(stored.product), **changes}
    if "profile" in changes and changes["profile"] is None:  # dropped: the dimensions are the product's own again
        fields["attributes"] = {k: v for k, v in fields["attributes"].items() if k != "profile"}
    try:
        merged = ProductFields.model_validate(fields)
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    product = normalise(product_from_fields(sku, merged))
    repo.update_product(conn, stored.id, product)
    products_changed(conn, [stored.id])
    updated = _announce(conn, _require(conn, sku), "updated")
    if updated.product.price != stored.product.price:
        price = updated.product.price
        emit(conn, PRICE_CHANGED, price_changed(sku=sku, currency=price.currency, tiers=price.tiers))
    return updated


def archive_product(conn: Connection, *, sku: str) -> repo.StoredProduct:
    stored = repo.get_product(conn, sku, for_update=True)
    if stored is None:
        raise no_such_product(sku)
    if stored.product.active:
        repo.update_product(conn, stored.id, replace(stored.product, active=False))
        products_changed(conn, [stored.id])
        return _announce(conn, _require(conn, sku), "archived")
    return _require(conn, sku)


def _announce(conn: Connection, stored: repo.StoredProduct, change: str) -> repo.StoredProduct:
    """Emit product.changed for `stored` (subscribers get it when the caller's transaction commits)."""
    data = product_changed(sku=stored.product.sku, change=change, active=stored.product.active, version=stored.version)
    emit(conn, PRODUCT_CHANGED, data)
    return stored


def product_fields(p: Product) -> dict[str, Any]:
    """A product's fields as the API shapes them (ProductFields, and ProductSummary without SKU and times)."""

    def q(x: Quantity | None) -> dict[str, Any] | None:
        return None if x is None else {"value": x.value, "unit": x.unit}

    return {
        "name": p.name,
        "family": p.family,
        "grade": p.grade,
        "form": p.form,
        "profile": p.attributes.get("profile"),
        "density_kg_m3": p.density_kg_m3,
        "dimensions_mm": p.dimensions_mm,
        "stock_unit": p.stock_unit,
        "piece_name": p.piece_name,
        "piece_content": q(p.piece_content),
        "min_order": q(p.min_order),
        "increment": q(p.increment),
        "price": {
            "currency": p.price.currency,
            "tiers": [
                {"min_quantity": q(t.min_quantity), "unit_price": t.unit_price, "per": t.per} for t in p.price.tiers
            ],
        },
        "cut_fee": p.cut_fee,
        "lead_time_days": p.lead_time_days,
        "cutting": None if p.cutting is None else p.cutting.as_json(),
        "attributes": p.attributes,
        "description": p.description,
        "active": p.active,
    }


def cutting_in_force(p: Product) -> dict[str, Any] | None:
    """The product's cutting settings in force: its own, else its form's defaults (None: not cut to size)."""
    settings = settings_for(p.form, None if p.cutting is None else p.cutting.as_json())
    return None if settings is None else settings.as_json()


def _require(conn: Connection, sku: str) -> repo.StoredProduct:
    stored = repo.get_product(conn, sku)
    if stored is None:
        raise no_such_product(sku)
    return stored


def no_such_product(sku: str) -> NotFound:
    return NotFound(f"no product with SKU '{sku}'")


def get_product_view(conn: Connection, *, sku: str) -> ProductView:
    found = repo.get_product_with_levels(conn, sku)  # one round trip for the product and its stock
    if found is None:
        raise no_such_product(sku)
    return _view(*found)


def get_product_views(conn: Connection, *, skus: list[str]) -> dict[str, ProductView]:
    """The views of those of `skus` that exist, in one round trip."""
    return {sku: _view(*found) for sku, found in repo.get_products_with_levels(conn, skus).items()}


def _view(stored: repo.StoredProduct, levels: list[repo.Level]) -> ProductView:
    physics = physics_of(stored.product)
    figures = describe(physics, places=6)  # to the milligram: enough for any buyer, short on the wire
    return ProductView(
        stored=stored,
        units=sellable_units(physics),
        physics={
            **{f"{name}_kg": figures[name] for name in ("mass_per_m", "mass_per_m2", "mass_per_piece")},
            "corner_rule": corner_rule(physics),
        },
        levels=levels,
    )


def get_stock(conn: Connection, *, sku: str) -> tuple[repo.StoredProduct, list[repo.Level]]:
    stored = _require(conn, sku)
    return stored, repo.levels_for(conn, stored.id)


def create_warehouse(conn: Connection, *, data: WarehouseIn) -> Any:
    if repo.get_warehouse(conn, data.code) is not None:
        raise Conflict(f"a warehouse with code '{data.code}' exists already")
    repo.insert_warehouse(conn, code=data.code, name=data.name, address=data.address)
    return repo.get_warehouse(conn, data.code)


def get_warehouse(conn: Connection, *, code: str) -> Any:
    row = repo.get_warehouse(conn, code)
    if row is None:
        raise NotFound(f"no warehouse with code '{code}'")
    return row


def list_products(
    conn: Connection,
    *,
    after_sku: str | None,
    limit: int,
    family: str | None = None,
    form: str | None = None,
    active: bool | None = None,
) -> list[repo.StoredProduct]:
    return repo.list_products(conn, after_sku=after_sku, limit=limit, family=family, form=form, active=active)


def list_warehouses(conn: Connection, *, after_code: str | None, limit: int) -> list[Any]:
    return repo.list_warehouses(conn, after_code=after_code, limit=limit)
