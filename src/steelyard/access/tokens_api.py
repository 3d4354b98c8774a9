"""Bearer tokens over HTTP (admin): list them, revoke one. `steelyard token create/list/revoke` does the same."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path

from steelyard.access import service
from steelyard.access.deps import AdminPrincipal
from steelyard.access.schemas import TokenOut
from steelyard.api import CursorQuery, DbDep, LimitQuery, WholeNumber, problem_responses
from steelyard.wire import MAX_INT32, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1/tokens", tags=["accounts"], responses=problem_responses(401, 403, 422))
TokenId = Annotated[int, WholeNumber, Path(ge=1, le=2**31 - 1, description="the token's id (from GET /api/v1/tokens)")]


@router.get("", response_model=Page[TokenOut])
def list_tokens(db: DbDep, _: AdminPrincipal, limit: LimitQuery = 50, cursor: CursorQuery = None) -> Page[TokenOut]:
    """Every token, oldest first: who it is for, its role, when it expires or was revoked."""
    with db.read() as conn:
        rows = service.list_tokens(conn, after_id=decode_cursor(cursor, int, largest=MAX_INT32), limit=limit + 1)
    items = [TokenOut.from_row(r) for r in rows[:limit]]
    return Page(items=items, next_cursor=encode_cursor(items[-1].id) if len(rows) > limit else None)


@router.post("/{token_id}/revoke", response_model=TokenOut, responses=problem_responses(404))
def revoke_token(token_id: TokenId, db: DbDep, _: AdminPrincipal) -> TokenOut:
    """Revoke the token at once, and end every /staff sign-in made with it; revoking again changes nothing."""
    with db.write() as conn:
        return TokenOut.from_row(service.revoke_token(conn, token_id, datetime.now(UTC)))
