"""Customer accounts, managed by staff; a customer reads its own."""

from __future__ import annotations

from fastapi import APIRouter, status

from steelyard.access import service
from steelyard.access.deps import CustomerPrincipal, StaffPrincipal
from steelyard.access.schemas import AccountIn, AccountOut, AccountPatch
from steelyard.api import CursorQuery, DbDep, IdPath, LimitQuery, problem_responses
from steelyard.wire import MAX_INT32, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"], responses=problem_responses(401, 403, 422))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AccountOut)
def create_account(body: AccountIn, db: DbDep, _: StaffPrincipal) -> AccountOut:
    with db.write() as conn:
        account_id = service.create_account(conn, **body.model_dump())
        return AccountOut.from_row(service.get_account(conn, account_id))


@router.get("", response_model=Page[AccountOut])
def list_accounts(db: DbDep, _: StaffPrincipal, limit: LimitQuery = 50, cursor: CursorQuery = None) -> Page[AccountOut]:
    with db.read() as conn:
        rows = service.list_accounts(conn, after_id=decode_cursor(cursor, int, largest=MAX_INT32), limit=limit + 1)
    items = [AccountOut.from_row(r) for r in rows[:limit]]
    return Page(items=items, next_cursor=encode_cursor(items[-1].id) if len(rows) > limit else None)


@router.get("/me", response_model=AccountOut)
def my_account(db: DbDep, principal: CustomerPrincipal) -> AccountOut:
    assert principal.account_id is not None
    with db.read() as conn:
        return AccountOut.from_row(service.get_account(conn, principal.account_id))


@router.get("/{account_id}", response_model=AccountOut, responses=problem_responses(404))
def get_account(account_id: IdPath, db: DbDep, _: StaffPrincipal) -> AccountOut:
    with db.read() as conn:
        return AccountOut.from_row(service.get_account(conn, account_id))


@router.patch("/{account_id}", response_model=AccountOut, responses=problem_responses(404))
def update_account(account_id: IdPath, body: AccountPatch, db: DbDep, _: StaffPrincipal) -> AccountOut:
    with db.write() as conn:
        service.update_account(conn, account_id, body.model_dump(exclude_unset=True))
        return AccountOut.from_row(service.get_account(conn, account_id))
