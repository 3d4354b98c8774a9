"""Market indices and price rules over HTTP: parse, call a service, return a schema."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from steelyard.access.deps import StaffPrincipal
from steelyard.api import CursorQuery, DbDep, LimitQuery, WholeNumber, problem_responses
from steelyard.errors import FieldProblem, InvalidInput
from steelyard.market import rules, service
from steelyard.market.model import NAME_PATTERN, IndexValue, MarketIndex, Row
from steelyard.market.rulebook import PriceRule, Scope
from steelyard.market.schemas import (
    ExtraRuleIO,
    IndexIn,
    IndexOut,
    IndexRowsIn,
    IndexRowsOut,
    IndexValueIn,
    IndexValueOut,
    PostedOut,
    PriceRuleIn,
    PriceRuleOut,
    SurchargeRuleIO,
)
from steelyard.pricing.surcharges import ExtraRule, SurchargeRule
from steelyard.wire import Page, bad_cursor, decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["market"], responses=problem_responses(422))
IndexName = Annotated[str, Path(pattern=NAME_PATTERN, description="e.g. LME-CU, ALLOY-1.4301")]
RuleKey = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}$", description="the SKU, grade or family")]
_SIX = Decimal("0.000001")


ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.from_problems([FieldProblem(field, f"'{text}' is not a date like 2026-11-30")]) from None


def today() -> date:
    return datetime.now(UTC).date()


def _point(item: IndexValue, fx: Decimal | None) -> IndexValueOut:
    converted = None if fx is None else (item.value * fx).quantize(_SIX, ROUND_HALF_UP)
    return IndexValueOut(date=item.date, value=item.value, converted=converted)


def _index_out(
    index: MarketIndex, latest: IndexValue | None, values: list[IndexValue], fx: Decimal | None, currency: str | None
) -> IndexOut:
    return IndexOut(
        name=index.name,
        unit=index.unit,
        currency=index.currency,
        period=index.period,
        description=index.description,
        latest=None if latest is None else _point(latest, fx),
        converted_currency=None if fx is None else currency,
        values=[_point(v, fx) for v in values],
    )


@router.get("/indices", response_model=Page[IndexOut])
def list_indices(db: DbDep) -> Page[IndexOut]:
    """Every market index with its newest value (one page: there are few)."""
    with db.read() as conn:
        found = [(i, service.latest(conn, i.name)) for i in service.list_indices(conn)]
    return Page(items=[_index_out(i, v, [], None, None) for i, v in found], next_cursor=None)


@router.get("/indices/{name}", response_model=IndexOut, responses=problem_responses(404))
def get_index(
    name: IndexName,
    db: DbDep,
    start: Annotated[str | None, Query(alias="from", pattern=ISO_DATE, description="first date: 2026-11-01")] = None,
    end: Annotated[str | None, Query(alias="to", pattern=ISO_DATE, description="last date: 2026-11-30")] = None,
    currency: Annotated[
        str | None, Query(pattern=r"^[A-Z]{3}$", description="also give each value in this currency (rate table)")
    ] = None,
    limit: Annotated[
        int, WholeNumber, Query(ge=1, le=service.MAX_SERIES, description="at most this many newest values")
    ] = 1000,
) -> IndexOut:
    """The index and its series of dated values, oldest first."""
    with db.read() as conn:
        index = service.get_index(conn, name)
        fx = service.conversion(conn, index, currency)
        values = service.series(conn, name, start=_day(start, "from"), end=_day(end, "to"), limit=limit)
        newest = service.latest(conn, name)
    return _index_out(index, newest, values, fx, currency)


@router.put(
    "/indices/{name}",
    response_model=IndexOut,
    responses={**problem_responses(401, 403, 409), 201: {"model": IndexOut, "description": "Created"}},
)
def put_index(name: IndexName, body: IndexIn, response: Response, db: DbDep, _: StaffPrincipal) -> IndexOut:
    """Define an index (201) or change its description (200); unit, currency and period are fixed once it has values."""
    with db.write() as conn:
        index, created = service.put_index(
            conn,
            name=name,
            unit=body.unit,
            currency=body.currency,
            period=body.period,
            description=body.description,
        )
        newest = service.latest(conn, name)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return _index_out(index, newest, [], None, None)


@router.post(
    "/indices/{name}/values",
    status_code=status.HTTP_201_CREATED,
    response_model=PostedOut,
    responses={**problem_responses(401, 403, 404), 200: {"model": PostedOut, "description": "Corrected"}},
)
def post_value(
    name: IndexName, body: IndexValueIn, response: Response, db: DbDep, principal: StaffPrincipal
) -> PostedOut:
    """Post the value effective on `date` (201), or correct that date's value (200); prices follow at once."""
    with db.write() as conn:
        posted = service.post_value(
            conn, name=name, when=body.date, value=body.value, today=today(), actor=principal.name
        )
    if posted.replaced is not None:
        response.status_code = status.HTTP_200_OK
    return PostedOut(name=name, date=posted.value.date, value=posted.value.value, replaced=posted.replaced)


@router.post("/indices/values", response_model=IndexRowsOut, responses=problem_responses(401, 403))
def post_values(body: IndexRowsIn, db: DbDep, principal: StaffPrincipal) -> IndexRowsOut:
    """Post many values of any indices in one transaction (staff): all, or none with every bad row in the 422
    (`values[i].date`...). A date posted again is corrected. Prices follow at once, one event per product."""
    rows = [Row(i, v.index, v.date.isoformat(), str(v.value)) for i, v in enumerate(body.values)]
    with db.write() as conn:
        posted = service.post_many(conn, rows, today=today(), actor=principal.name, field="values")
    return IndexRowsOut(posted=posted)


def _rule_out(rule: PriceRule) -> PriceRuleOut:
    return PriceRuleOut(
        scope=rule.scope,
        key=rule.key,
        currency=rule.currency,
        surcharges=[
            SurchargeRuleIO(index=s.index, share=s.share, reference=s.reference, per=s.per, basis=s.basis)
            for s in rule.surcharges
        ],
        extras=[ExtraRuleIO(kind=e.kind, value=e.value, amount=e.amount, per=e.per) for e in rule.extras],
        remnant_discount_percent=rule.remnant_discount_percent,
    )


@router.get("/price-rules", response_model=Page[PriceRuleOut])
def list_rules(db: DbDep, limit: LimitQuery = 50, cursor: CursorQuery = None) -> Page[PriceRuleOut]:
    """Every price rule, by scope and key."""
    key = decode_cursor(cursor, (str, str))
    if key is not None and key[0] not in ("family", "grade", "product"):
        raise bad_cursor()
    with db.read() as conn:
        found = rules.list_rules(conn, after=None if key is None else (key[0], key[1]), limit=limit + 1)
    more = len(found) > limit
    found = found[:limit]
    next_cursor = encode_cursor([found[-1].scope, found[-1].key]) if more else None
    return Page(items=[_rule_out(r) for r in found], next_cursor=next_cursor)


@router.get("/price-rules/{scope}/{key}", response_model=PriceRuleOut, responses=problem_responses(404))
def get_rule(scope: Scope, key: RuleKey, db: DbDep) -> PriceRuleOut:
    with db.read() as conn:
        return _rule_out(rules.get_rule(conn, scope, key))


@router.put(
    "/price-rules/{scope}/{key}",
    response_model=PriceRuleOut,
    responses={**problem_responses(401, 403, 404), 201: {"model": PriceRuleOut, "description": "Created"}},
)
def put_rule(
    scope: Scope, key: RuleKey, body: PriceRuleIn, response: Response, db: DbDep, _: StaffPrincipal
) -> PriceRuleOut:
    """Set the surcharges and extras of a product (SKU), grade or family (staff); 404: no product of that SKU."""
    rule = PriceRule(
        scope=scope,
        key=key,
        currency=body.currency,
        surcharges=tuple(
            SurchargeRule(index=s.index, share=s.share, reference=s.reference, per=s.per, basis=s.basis)
            for s in body.surcharges
        ),
        extras=tuple(ExtraRule(kind=e.kind, amount=e.amount, per=e.per, value=e.value) for e in body.extras),
        remnant_discount_percent=body.remnant_discount_percent,
    )
    with db.write() as conn:
        stored, created = rules.put_rule(conn, rule)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return _rule_out(stored)


@router.delete(
    "/price-rules/{scope}/{key}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
def delete_rule(scope: Scope, key: RuleKey, db: DbDep, _: StaffPrincipal) -> Response:
    """Remove a rule (staff): its products fall back to the next rule, or to their base price alone."""
    with db.write() as conn:
        rules.delete_rule(conn, scope, key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
