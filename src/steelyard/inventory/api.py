"""Stock movements and the ledger over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Request, status
from fastapi.responses import JSONResponse

from steelyard.access.deps import StaffPrincipal
from steelyard.api import CursorQuery, DbDep, LimitQuery, problem_responses
from steelyard.catalog.schemas import SKU_PATTERN
from steelyard.inventory import lots, movements
from steelyard.inventory.schemas import LedgerEntryOut, LotOut, MovementIn, MovementOut
from steelyard.wire import Page

router = APIRouter(prefix="/api/v1/stock", tags=["inventory"], responses=problem_responses(401, 403, 422))
lots_router = APIRouter(prefix="/api/v1", tags=["inventory"], responses=problem_responses(422))
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, description="the same key and body replays the first answer"),
]


@router.post(
    "/movements", status_code=status.HTTP_201_CREATED, response_model=MovementOut, responses=problem_responses(409)
)
def post_movement(
    body: MovementIn, request: Request, db: DbDep, principal: StaffPrincipal, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Receipt, adjustment (signed), scrap or transfer, in any unit the product converts to."""
    status_code, document = movements.post_movement_once(
        db, body=body, actor=principal, key=idempotency_key, now=datetime.now(UTC)
    )
    return JSONResponse(document, status_code=status_code)


@router.get("/movements", response_model=Page[LedgerEntryOut], responses=problem_responses(404))
def list_movements(
    db: DbDep,
    _: StaffPrincipal,
    sku: Annotated[str, Query(pattern=SKU_PATTERN, description="the product whose ledger to read")],
    warehouse: Annotated[str | None, Query(max_length=16)] = None,
    order: Annotated[Literal["asc", "desc"], Query(description="desc: newest first")] = "desc",
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[LedgerEntryOut]:
    """The append-only ledger of one product: who, when, what, why, and the levels after each row."""
    with db.read() as conn:
        items, next_cursor = movements.list_ledger(
            conn, sku=sku, warehouse=warehouse, cursor=cursor, limit=limit, newest_first=order == "desc"
        )
    return Page(items=[LedgerEntryOut.model_validate(i) for i in items], next_cursor=next_cursor)


@lots_router.get("/products/{sku}/lots", response_model=Page[LotOut], responses=problem_responses(404))
def list_lots(
    db: DbDep,
    sku: Annotated[str, Path(pattern=SKU_PATTERN)],
    warehouse: Annotated[str | None, Query(max_length=16)] = None,
    remnant: Annotated[bool | None, Query(description="true: only remnant lots; false: none")] = None,
    heat: Annotated[str | None, Query(max_length=64)] = None,
    include_empty: Annotated[bool, Query(description="also lots with nothing left on hand")] = False,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[LotOut]:
    """A product's lots: heat, mill, certificate, origin, where, and how much is on hand, reserved, available."""
    with db.read() as conn:
        items, next_cursor = lots.list_lots(
            conn,
            sku=sku,
            warehouse=warehouse,
            remnant=remnant,
            heat=heat,
            include_empty=include_empty,
            cursor=cursor,
            limit=limit,
        )
    return Page(items=[LotOut.model_validate(i) for i in items], next_cursor=next_cursor)
