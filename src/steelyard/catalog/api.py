"""Products and warehouses over HTTP: parse, call a service, return a schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from steelyard.access.deps import StaffPrincipal
from steelyard.api import (
    NOT_MODIFIED,
    CursorQuery,
    DbDep,
    IfNoneMatch,
    LimitQuery,
    problem_responses,
)
from steelyard.catalog import service
from steelyard.catalog.documents import BatchedReads, Document, ProductDocuments, document, etag_matches
from steelyard.catalog.repository import Level, StoredProduct
from steelyard.catalog.schemas import (
    SKU_PATTERN,
    PhysicsOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    ProductSummary,
    StockLevelOut,
    StockOut,
    StockTotalOut,
    WarehouseIn,
    WarehouseOut,
)
from steelyard.db import Database
from steelyard.units.quantity import Quantity
from steelyard.wire import Page, QuantityOut, decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["catalogue"], responses=problem_responses(422))
SkuPath = Annotated[str, Path(pattern=SKU_PATTERN, description="the product's SKU")]


def _q(q: Quantity | None) -> QuantityOut | None:
    return None if q is None else QuantityOut(value=q.value, unit=q.unit)


def summary(stored: StoredProduct) -> dict[str, Any]:
    return {
        "sku": stored.product.sku,
        **service.product_fields(stored.product),
        "cutting": service.cutting_in_force(stored.product),  # the form's defaults when it has none of its own
        "created_at": stored.created_at,
        "updated_at": stored.updated_at,
    }


def stock_out(stored: StoredProduct, levels: list[Level]) -> StockOut:
    on_hand = sum((lv.on_hand for lv in levels), Decimal(0))
    reserved = sum((lv.reserved for lv in levels), Decimal(0))
    return StockOut(
        sku=stored.product.sku,
        unit=stored.product.stock_unit,
        total=StockTotalOut(on_hand=on_hand, reserved=reserved, available=on_hand - reserved),
        warehouses=[
            StockLevelOut(code=lv.code, on_hand=lv.on_hand, reserved=lv.reserved, available=lv.available)
            for lv in levels
        ],
    )


def product_out(view: service.ProductView) -> ProductOut:
    return ProductOut(
        **summary(view.stored),
        units=view.units,
        physics=PhysicsOut(**view.physics),
        availability=stock_out(view.stored, view.levels),
    )


@router.post(
    "/products",
    status_code=status.HTTP_201_CREATED,
    response_model=ProductOut,
    responses=problem_responses(401, 403, 409),
)
def create_product(body: ProductIn, db: DbDep, _: StaffPrincipal) -> ProductOut:
    with db.write() as conn:
        stored = service.create_product(conn, data=body)
        return product_out(service.get_product_view(conn, sku=stored.product.sku))


@router.get("/products", response_model=Page[ProductSummary])
def list_products(
    db: DbDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    family: Annotated[str | None, Query(max_length=40)] = None,
    form: Annotated[str | None, Query(max_length=40)] = None,
    active: Annotated[bool | None, Query(description="true: on sale; false: archived; omit: both")] = None,
) -> Page[ProductSummary]:
    with db.read() as conn:
        rows = service.list_products(
            conn, after_sku=decode_cursor(cursor, str), limit=limit + 1, family=family, form=form, active=active
        )
    items = [ProductSummary(**summary(r)) for r in rows[:limit]]
    return Page(items=items, next_cursor=encode_cursor(items[-1].sku) if len(rows) > limit else None)


def document_response(doc: Document, if_none_match: str | None) -> Response:
    """The document with its ETag, or 304 when the client's copy is this one. `no-cache`: a client (or proxy) may
    keep it but must revalidate before each use, since it carries live stock."""
    headers = {"ETag": doc.etag, "Cache-Control": "no-cache"}
    if if_none_match is not None and etag_matches(doc.etag, if_none_match):
        return Response(status_code=304, headers=headers)
    return Response(content=doc.body, media_type="application/json", headers=headers)


def _document(view: service.ProductView) -> Document:
    return document(product_out(view).model_dump_json(by_alias=True).encode())


def _read_product(db: Database, sku: str, cache: ProductDocuments | None) -> Document:
    epoch = cache.begin() if cache is not None else 0  # before the read: see ProductDocuments.put
    with db.read() as conn:
        view = service.get_product_view(conn, sku=sku)
    doc = _document(view)
    if cache is not None:
        cache.put(sku, doc, epoch)
    return doc


def read_documents(db: Database, cache: ProductDocuments | None, skus: list[str]) -> dict[str, Document]:
    """The documents of those of `skus` that exist, in one statement, kept in the cache (`BatchedReads`)."""
    epoch = cache.begin() if cache is not None else 0
    with db.read() as conn:
        views = service.get_product_views(conn, skus=skus)
    docs = {sku: _document(view) for sku, view in views.items()}
    if cache is not None:
        for sku, doc in docs.items():
            cache.put(sku, doc, epoch)
    return docs


@router.get(
    "/products/{sku}",
    response_model=ProductOut,
    responses={304: NOT_MODIFIED, **problem_responses(404)},
)
async def get_product(sku: SkuPath, request: Request, db: DbDep, if_none_match: IfNoneMatch = None) -> Response:
    """The product with its live stock. Send the `ETag` of a copy you hold as `If-None-Match` to get a 304 while
    it is current; a copy may trail a change by the event bus's delay (docs/api.md, "Product documents")."""
    cache: ProductDocuments | None = getattr(request.app.state, "product_documents", None)
    doc = cache.get(sku) if cache is not None else None
    if doc is None:
        if db.sqlite:
            # One indexed SQLite read (~20 µs in the database, ~0.3 ms in all) never waits for a writer in WAL mode,
            # so it runs on the event loop: no thread-pool trip, and no 40 threads fighting over the GIL.
            doc = _read_product(db, sku, cache)
        else:
            reads: BatchedReads | None = getattr(request.app.state, "product_reads", None)
            if reads is None:  # an app run without its lifespan (a test's): one trip per read
                doc = await run_in_threadpool(_read_product, db, sku, cache)
            else:  # PostgreSQL: a network round trip, shared with the misses that come meanwhile
                doc = await reads.get(sku)
                if doc is None:
                    raise service.no_such_product(sku)
    return document_response(doc, if_none_match)


@router.patch("/products/{sku}", response_model=ProductOut, responses=problem_responses(401, 403, 404))
def update_product(sku: SkuPath, body: ProductPatch, db: DbDep, _: StaffPrincipal) -> ProductOut:
    with db.write() as conn:
        service.update_product(conn, sku=sku, patch=body)
        return product_out(service.get_product_view(conn, sku=sku))


@router.delete(
    "/products/{sku}",
    response_model=ProductOut,
    responses=problem_responses(401, 403, 404),
    summary="Archive a product (it stays readable, marked active: false)",
)
def archive_product(sku: SkuPath, db: DbDep, _: StaffPrincipal) -> ProductOut:
    with db.write() as conn:
        service.archive_product(conn, sku=sku)
        return product_out(service.get_product_view(conn, sku=sku))


@router.get("/products/{sku}/stock", response_model=StockOut, responses=problem_responses(404))
def get_stock(sku: SkuPath, db: DbDep) -> StockOut:
    with db.read() as conn:
        stored, levels = service.get_stock(conn, sku=sku)
    return stock_out(stored, levels)


def _warehouse_out(row: Any) -> WarehouseOut:
    return WarehouseOut(code=row.code, name=row.name, address=row.address, created_at=row.created_at)


@router.post(
    "/warehouses",
    status_code=status.HTTP_201_CREATED,
    response_model=WarehouseOut,
    responses=problem_responses(401, 403, 409),
)
def create_warehouse(body: WarehouseIn, db: DbDep, _: StaffPrincipal) -> WarehouseOut:
    with db.write() as conn:
        return _warehouse_out(service.create_warehouse(conn, data=body))


@router.get("/warehouses", response_model=Page[WarehouseOut])
def list_warehouses(db: DbDep, limit: LimitQuery = 50, cursor: CursorQuery = None) -> Page[WarehouseOut]:
    with db.read() as conn:
        rows = service.list_warehouses(conn, after_code=decode_cursor(cursor, str), limit=limit + 1)
    items = [_warehouse_out(r) for r in rows[:limit]]
    return Page(items=items, next_cursor=encode_cursor(items[-1].code) if len(rows) > limit else None)


@router.get("/warehouses/{code}", response_model=WarehouseOut, responses=problem_responses(404))
def get_warehouse(code: Annotated[str, Path(max_length=16)], db: DbDep) -> WarehouseOut:
    with db.read() as conn:
        return _warehouse_out(service.get_warehouse(conn, code=code))
