"""Typed FastAPI dependencies for who is calling."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from steelyard.access.model import Principal, Role
from steelyard.access.service import resolve_token
from steelyard.api import DbDep
from steelyard.db import Database
from steelyard.errors import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="A token from `steelyard token create`")


def _resolve(db: Database, token: str) -> Principal | None:
    with db.read() as conn:
        return resolve_token(conn, token)


async def optional_principal(
    db: DbDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    # async: an anonymous call (the product page's estimator, a public quote) costs no thread-pool trip; FastAPI
    # would send a sync dependency to the pool even to answer None.
    if credentials is None:
        return None
    principal = await run_in_threadpool(_resolve, db, credentials.credentials)
    if principal is None:
        raise Unauthorized("the bearer token is unknown or revoked; create one with `steelyard token create`")
    return principal


def require_principal(principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        raise Unauthorized("this needs a bearer token: send 'Authorization: Bearer <token>'")
    return principal


def require_staff(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
    if not principal.is_staff:
        raise Forbidden(f"this needs a staff or admin token; yours is a {principal.role} token")
    return principal


def require_admin(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
    if principal.role is not Role.ADMIN:
        raise Forbidden(f"this needs an admin token; yours is a {principal.role} token")
    return principal


def require_customer(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
    if principal.role is not Role.CUSTOMER or principal.account_id is None:
        raise Forbidden(f"this needs a customer token; yours is a {principal.role} token")
    return principal


MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
ANONYMOUS_TOO: dict[str, Any] = {"security": [{}]}
"""`openapi_extra` for a route taking MaybePrincipal: FastAPI lists the bearer scheme as required; the empty
requirement added beside it tells clients (and schemathesis) that calling without a token is allowed."""
AnyPrincipal = Annotated[Principal, Depends(require_principal)]
StaffPrincipal = Annotated[Principal, Depends(require_staff)]
AdminPrincipal = Annotated[Principal, Depends(require_admin)]
CustomerPrincipal = Annotated[Principal, Depends(require_customer)]
