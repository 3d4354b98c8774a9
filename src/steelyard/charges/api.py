"""Order-charge and freight rules over HTTP (staff): parse, call a service, return a schema."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response, status

from steelyard.access.deps import StaffPrincipal
from steelyard.api import DbDep, problem_responses
from steelyard.charges import service
from steelyard.charges.schemas import FreightRuleIn, FreightRuleOut, OrderChargeIn, OrderChargeOut
from steelyard.wire import Page

router = APIRouter(prefix="/api/v1", tags=["charges"], responses=problem_responses(401, 403, 422))
Scope = Annotated[
    str, Path(pattern=r"^(global|[0-9]{1,10})$", description='"global", or an account id for its own rule')
]
Kind = Annotated[Literal["minimum_order", "small_quantity"], Path(description="which charge")]
RuleName = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="the rule's name, e.g. parcel-de")
]


@router.get("/order-charges", response_model=Page[OrderChargeOut])
def list_order_charges(db: DbDep, _: StaffPrincipal) -> Page[OrderChargeOut]:
    """Every order-charge rule, global and per account (one page: one rule per kind and scope)."""
    with db.read() as conn:
        rules = service.list_charges(conn)
    return Page(items=[OrderChargeOut.of(r) for r in rules], next_cursor=None)


@router.put("/order-charges/{scope}/{kind}", response_model=OrderChargeOut, responses=problem_responses(404))
def put_order_charge(scope: Scope, kind: Kind, body: OrderChargeIn, db: DbDep, _: StaffPrincipal) -> OrderChargeOut:
    """Set the minimum order value or the small-quantity charge, globally or for one account."""
    with db.write() as conn:
        rule = service.put_charge(
            conn, scope=scope, kind=kind, threshold=body.threshold, amount=body.amount, currency=body.currency
        )
    return OrderChargeOut.of(rule)


@router.delete(
    "/order-charges/{scope}/{kind}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
def delete_order_charge(scope: Scope, kind: Kind, db: DbDep, _: StaffPrincipal) -> Response:
    """Remove a rule: an account then follows the global rule again."""
    with db.write() as conn:
        service.delete_charge(conn, scope=scope, kind=kind)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/freight-rules", response_model=Page[FreightRuleOut])
def list_freight_rules(db: DbDep, _: StaffPrincipal) -> Page[FreightRuleOut]:
    """Every carrier rule (one page: a handful per carrier)."""
    with db.read() as conn:
        rules = service.list_freight_rules(conn)
    return Page(items=[FreightRuleOut.model_validate(r) for r in rules], next_cursor=None)


@router.put("/freight-rules/{name}", response_model=FreightRuleOut)
def put_freight_rule(name: RuleName, body: FreightRuleIn, db: DbDep, _: StaffPrincipal) -> FreightRuleOut:
    """Create or replace a carrier rule: limits by weight and longest piece, countries, price."""
    with db.write() as conn:
        rule = service.put_freight_rule(conn, body.to_rule(name))
    return FreightRuleOut.model_validate(rule)


@router.delete("/freight-rules/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404))
def delete_freight_rule(name: RuleName, db: DbDep, _: StaffPrincipal) -> Response:
    with db.write() as conn:
        service.delete_freight_rule(conn, name=name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
