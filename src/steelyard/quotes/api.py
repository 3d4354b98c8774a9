"""Quotes and currencies over HTTP: parse, call a service, return a schema."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from steelyard.access.deps import ANONYMOUS_TOO, AnyPrincipal, MaybePrincipal, StaffPrincipal
from steelyard.api import CursorQuery, DbDep, LimitQuery, limit_rate, model_response, problem_responses
from steelyard.config import Settings
from steelyard.errors import FieldProblem, InvalidInput
from steelyard.idempotency import request_hash, run_once
from steelyard.inventory.api import IdempotencyKey
from steelyard.inventory.schemas import OrderOut, ShipIn
from steelyard.quotes import currencies, orders, pricing, reservations, service
from steelyard.quotes.schemas import CurrencyIn, CurrencyOut, EstimateIn, EstimateOut, QuoteIn, QuoteOut
from steelyard.wire import Page

router = APIRouter(prefix="/api/v1", tags=["quotes"], responses=problem_responses(422))
QuoteId = Annotated[str, Path(pattern=r"^[A-Z0-9]{1,40}$", description="the quote's id")]
OrderStatus = Literal["accepted", "shipped", "cancelled"]
AcceptLanguage = Annotated[
    str | None,
    Header(
        description="reads thousands separators and decimal marks of quantities sent as text, unless the "
        "account has a locale (e.g. de-DE: 1.500,5)"
    ),
]
CurrencyCodePath = Annotated[str, Path(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def now() -> datetime:
    return datetime.now(UTC)


@router.post(
    "/quotes",
    status_code=status.HTTP_201_CREATED,
    response_model=QuoteOut,
    responses=problem_responses(401, 403, 409),
    openapi_extra=ANONYMOUS_TOO,
)
def create_quote(
    body: QuoteIn, request: Request, db: DbDep, principal: MaybePrincipal, accept_language: AcceptLanguage = None
) -> Response:
    """Price every line in any unit the product converts to; `reserve: true` (customer) also holds the stock."""
    settings = _settings(request)
    if body.reserve:
        limit_rate(request, "reservations")
    lines = body.line_requests()
    if body.reserve or not db.sqlite:
        with db.write() as conn:
            quote = service.create_quote(
                conn,
                lines=lines,
                currency=body.currency,
                reserve=body.reserve,
                principal=principal,
                settings=settings,
                now=now(),
                accept_language=accept_language,
                delivery_country=body.delivery_country,
            )
    else:
        # A quote that holds nothing only reads to price itself: on SQLite, whose one write lock all processes
        # queue on, price it in a read transaction and take the write lock only to store it. The prices are
        # those of a snapshot taken a moment before the insert, as if the quote had been stored then.
        with db.read() as conn:
            priced = pricing.price_quote(
                conn,
                lines=lines,
                currency=body.currency,
                principal=principal,
                settings=settings,
                accept_language=accept_language,
                delivery_country=body.delivery_country,
            )
        with db.write() as conn:
            quote = service.store_quote(
                conn, priced=priced, reserve=False, principal=principal, settings=settings, now=now()
            )
    return model_response(QuoteOut.model_validate(quote), status.HTTP_201_CREATED)


@router.post(
    "/estimates", response_model=EstimateOut, responses=problem_responses(401, 409), openapi_extra=ANONYMOUS_TOO
)
def estimate(
    body: EstimateIn, request: Request, db: DbDep, principal: MaybePrincipal, accept_language: AcceptLanguage = None
) -> Response:
    """Price lines as a quote would, from live prices and stock, and store nothing (the page's estimator)."""
    with db.read() as conn:
        priced = pricing.price_quote(
            conn,
            lines=body.line_requests(),
            currency=body.currency,
            principal=principal,
            settings=_settings(request),
            accept_language=accept_language,
            delivery_country=body.delivery_country,
        )
    return model_response(EstimateOut.model_validate(pricing.estimate_document(priced)))


@router.get("/quotes", response_model=Page[QuoteOut], responses=problem_responses(401))
def list_quotes(
    db: DbDep, principal: AnyPrincipal, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[QuoteOut]:
    """Newest first: a customer's own quotes, or every quote for staff."""
    with db.read() as conn:
        items, next_cursor = service.list_quotes(conn, principal=principal, cursor=cursor, limit=limit, now=now())
    return Page(items=[QuoteOut.model_validate(q) for q in items], next_cursor=next_cursor)


@router.get(
    "/quotes/{quote_id}", response_model=QuoteOut, responses=problem_responses(404), openapi_extra=ANONYMOUS_TOO
)
def get_quote(quote_id: QuoteId, db: DbDep, principal: MaybePrincipal) -> QuoteOut:
    with db.read() as conn:
        return QuoteOut.model_validate(service.get_quote(conn, quote_id=quote_id, principal=principal, now=now()))


@router.post(
    "/quotes/{quote_id}/accept",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderOut,
    responses=problem_responses(401, 403, 404, 409),
)
def accept_quote(
    quote_id: QuoteId, request: Request, db: DbDep, principal: AnyPrincipal, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Turn the quote into an order for the whole of every line, or 409 with what is short. 200: it was already."""

    def work(conn: Connection) -> tuple[int, Any]:
        order, made = orders.accept(conn, quote_id=quote_id, principal=principal, now=now())
        return (201 if made else 200), OrderOut.model_validate(order).model_dump(mode="json")

    status_code, document = run_once(
        db,
        scope=f"accept:{principal.token_id}",
        key=idempotency_key,
        fingerprint=request_hash("POST", request.url.path, None),
        work=work,
    )
    return JSONResponse(document, status_code=status_code)


@router.post("/quotes/{quote_id}/cancel", response_model=QuoteOut, responses=problem_responses(401, 404, 409))
def cancel_quote(quote_id: QuoteId, db: DbDep, principal: AnyPrincipal) -> QuoteOut:
    """Cancel the quote and give back what it holds (its customer or staff); cancelling again changes nothing."""
    with db.write() as conn:
        row = reservations.cancel_quote(conn, quote_id=quote_id, principal=principal, now=now())
        return QuoteOut.model_validate(service.quote_document(row, now()))


@router.get("/orders", response_model=Page[OrderOut], responses=problem_responses(401))
def list_orders(
    db: DbDep,
    principal: AnyPrincipal,
    status: OrderStatus | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[OrderOut]:
    """A customer's own orders, or all for staff (oldest first: the shipping queue)."""
    with db.read() as conn:
        items, next_cursor = orders.list_orders(conn, principal=principal, status=status, cursor=cursor, limit=limit)
    return Page(items=[OrderOut.model_validate(o) for o in items], next_cursor=next_cursor)


@router.get("/orders/{order_id}", response_model=OrderOut, responses=problem_responses(401, 404))
def get_order(order_id: QuoteId, db: DbDep, principal: AnyPrincipal) -> OrderOut:
    with db.read() as conn:
        return OrderOut.model_validate(orders.get_order(conn, order_id=order_id, principal=principal))


@router.post("/orders/{order_id}/ship", response_model=OrderOut, responses=problem_responses(401, 403, 404, 409))
def ship_order(
    order_id: QuoteId, request: Request, db: DbDep, principal: StaffPrincipal, body: ShipIn | None = None
) -> OrderOut:
    """Move the order's reserved stock out of the warehouses (staff), with what the weighed lines weighed."""
    weighed = weighed_lines(body)
    with db.write() as conn:
        return OrderOut.model_validate(
            orders.ship(
                conn,
                order_id=order_id,
                principal=principal,
                now=now(),
                weighed=weighed,
                tolerance_pct=_settings(request).weight_tolerance_pct,
            )
        )


def weighed_lines(body: ShipIn | None) -> dict[int, Decimal]:
    """The weights by line number; a line named twice is a 422 on the second."""
    weighed: dict[int, Decimal] = {}
    for i, entry in enumerate(body.lines if body else []):
        if entry.line in weighed:
            raise InvalidInput.from_problems([FieldProblem(f"lines[{i}].line", f"line {entry.line} is named twice")])
        weighed[entry.line] = entry.actual_weight_kg
    return weighed


@router.post("/orders/{order_id}/cancel", response_model=OrderOut, responses=problem_responses(401, 404, 409))
def cancel_order(order_id: QuoteId, db: DbDep, principal: AnyPrincipal) -> OrderOut:
    """Give the order's reserved stock back (staff, or the order's own customer)."""
    with db.write() as conn:
        return OrderOut.model_validate(orders.cancel(conn, order_id=order_id, principal=principal, now=now()))


@router.get("/currencies", response_model=Page[CurrencyOut])
def list_currencies(db: DbDep) -> Page[CurrencyOut]:
    """Every currency quotes can be made in; rates are units per 1 EUR (one page: the table is small)."""
    with db.read() as conn:
        rows = currencies.list_currencies(conn)
    return Page(
        items=[CurrencyOut(code=c.code, rate=c.rate, minor_units=c.minor_units) for c in rows], next_cursor=None
    )


@router.put("/currencies/{code}", response_model=CurrencyOut, responses=problem_responses(401, 403))
def put_currency(code: CurrencyCodePath, body: CurrencyIn, db: DbDep, _: StaffPrincipal) -> CurrencyOut:
    """Create a currency or change its rate (staff)."""
    with db.write() as conn:
        c = currencies.put_currency(conn, code=code, rate=body.rate, minor_units=body.minor_units)
    return CurrencyOut(code=c.code, rate=c.rate, minor_units=c.minor_units)
