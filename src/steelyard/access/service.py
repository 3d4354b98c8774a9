"""Tokens and customer accounts. Services never commit: the caller's unit of work does."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import RowMapping

from steelyard.access.model import Principal, Role
from steelyard.access.tables import accounts, staff_sessions, tokens
from steelyard.errors import FieldProblem, InvalidInput, NotFound
from steelyard.warehouses import warehouses

TOKEN_PREFIX = "sy_"


def hash_token(token: str) -> str:
    # Tokens are 256-bit random strings, so one round of SHA-256 is enough; no salt or slow hash is needed.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    conn: Connection, *, role: Role, name: str, account_id: int | None = None, expires_at: datetime | None = None
) -> str:
    """Store a new token's hash and return the token itself (shown once, never stored); `expires_at`: it stops
    working then (None: only when revoked)."""
    if role is Role.CUSTOMER and account_id is None:
        raise InvalidInput.from_problems([FieldProblem("account_id", "a customer token needs an account")])
    if role is not Role.CUSTOMER and account_id is not None:
        raise InvalidInput.from_problems([FieldProblem("account_id", "only customer tokens belong to an account")])
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        insert(tokens).values(
            name=name, role=role.value, account_id=account_id, token_hash=hash_token(token), expires_at=expires_at
        )
    )
    return token


def token_is_live() -> Any:
    """The SQL condition of a token that works now (the moment is the `now` parameter)."""
    return and_(
        tokens.c.revoked_at.is_(None), or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > bindparam("now"))
    )


# Built once: every authenticated request runs it. Not cached: a revoked token stops working at once.
_TOKEN_BY_HASH = select(tokens.c.id, tokens.c.name, tokens.c.role, tokens.c.account_id).where(
    tokens.c.token_hash == bindparam("token_hash"), token_is_live()
)


def principal_of(row: Any) -> Principal:
    return Principal(token_id=row.id, name=row.name, role=Role(row.role), account_id=row.account_id)


def resolve_token(conn: Connection, token: str) -> Principal | None:
    """Who a live token belongs to; None if it is unknown, revoked or expired."""
    row = conn.execute(_TOKEN_BY_HASH, {"token_hash": hash_token(token), "now": datetime.now(UTC)}).first()
    return None if row is None else principal_of(row)


def token_id_of(conn: Connection, token: str) -> int:
    """The id of a token given as itself (revoked or not); NotFound if it was never made here."""
    found = conn.execute(select(tokens.c.id).where(tokens.c.token_hash == hash_token(token))).scalar()
    if found is None:
        raise NotFound("no such token")
    return int(found)


def get_token(conn: Connection, token_id: int) -> RowMapping:
    row = conn.execute(select(tokens).where(tokens.c.id == token_id)).mappings().first()
    if row is None:
        raise NotFound(f"no token with id {token_id}")
    return row


def list_tokens(conn: Connection, *, after_id: int | None, limit: int) -> list[RowMapping]:
    query = select(tokens).order_by(tokens.c.id).limit(limit)
    if after_id is not None:
        query = query.where(tokens.c.id > after_id)
    return list(conn.execute(query).mappings())


def revoke_token(conn: Connection, token_id: int, now: datetime) -> RowMapping:
    """Revoke a token (again: no change) and end every /staff session made with it, at once."""
    conn.execute(update(tokens).where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None)).values(revoked_at=now))
    conn.execute(delete(staff_sessions).where(staff_sessions.c.token_id == token_id))
    return get_token(conn, token_id)


def _warehouse_id(conn: Connection, code: str | None) -> int | None:
    if code is None:
        return None
    found = conn.execute(select(warehouses.c.id).where(warehouses.c.code == code)).scalar()
    if found is None:
        raise InvalidInput.from_problems([FieldProblem("home_warehouse", f"no warehouse with code '{code}'")])
    return int(found)


def create_account(
    conn: Connection,
    *,
    name: str,
    currency: str,
    tax_rate: Decimal | None = None,
    discount_percent: Decimal = Decimal(0),
    price_list: dict[str, Decimal] | None = None,
    home_warehouse: str | None = None,
    credit_limit: Decimal | None = None,
    hold_limit_kg: Decimal | None = None,
    locale: str | None = None,
    billing_weight: str = "theoretical",
    weight_tolerance_pct: Decimal | None = None,
) -> int:
    result = conn.execute(
        insert(accounts).values(
            name=name,
            currency=currency,
            tax_rate=tax_rate,
            discount_percent=discount_percent,
            price_list={k: str(v) for k, v in (price_list or {}).items()},
            home_warehouse_id=_warehouse_id(conn, home_warehouse),
            credit_limit=credit_limit,
            hold_limit_kg=hold_limit_kg,
            locale=locale,
            billing_weight=billing_weight,
            weight_tolerance_pct=weight_tolerance_pct,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


_REQUIRED_ACCOUNT_FIELDS = ("name", "currency", "discount_percent", "price_list", "billing_weight")


def update_account(conn: Connection, account_id: int, changes: dict[str, Any]) -> None:
    """Apply a partial update; `tax_rate`, `home_warehouse` and the limits may be set to null, the rest may not."""
    nulls = [
        FieldProblem(k, "may not be null; leave it out to keep the current value")
        for k in _REQUIRED_ACCOUNT_FIELDS
        if k in changes and changes[k] is None
    ]
    if nulls:
        raise InvalidInput.from_problems(nulls)
    values = dict(changes)
    if "home_warehouse" in values:
        values["home_warehouse_id"] = _warehouse_id(conn, values.pop("home_warehouse"))
    if "price_list" in values:
        values["price_list"] = {k: str(v) for k, v in values["price_list"].items()}
    if not values:
        get_account(conn, account_id)
        return
    if conn.execute(update(accounts).where(accounts.c.id == account_id).values(**values)).rowcount == 0:
        raise NotFound(f"no account with id {account_id}")


def _account_query() -> Any:
    return select(accounts, warehouses.c.code.label("home_warehouse")).select_from(
        accounts.outerjoin(warehouses, accounts.c.home_warehouse_id == warehouses.c.id)
    )


def get_account(conn: Connection, account_id: int) -> RowMapping:
    row = conn.execute(_account_query().where(accounts.c.id == account_id)).mappings().first()
    if row is None:
        raise NotFound(f"no account with id {account_id}")
    return row


def list_accounts(conn: Connection, *, after_id: int | None, limit: int) -> list[RowMapping]:
    query = _account_query().order_by(accounts.c.id).limit(limit)
    if after_id is not None:
        query = query.where(accounts.c.id > after_id)
    return list(conn.execute(query).mappings())
