"""What the pages show, gathered from the domain services (the pages never run SQL themselves).

Each function returns plain data in the API's wire shapes, so a template reads the same fields a front-end
developer reads from /api/v1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError

from steelyard.access.model import Principal
from steelyard.access.service import resolve_token
from steelyard.access.sessions import end_session, session_principal, start_session
from steelyard.catalog import service as catalog
from steelyard.catalog.api import product_out
from steelyard.config import Settings
from steelyard.db import Database
from steelyard.errors import FieldProblem, InvalidInput, NotFound, SteelyardError
from steelyard.inventory import lots, movements
from steelyard.inventory.schemas import LedgerEntryOut, LotOut, MovementIn, OrderOut
from steelyard.quotes import orders
from steelyard.quotes.cutting import FLAT_SECTIONS
from steelyard.search import service as search
from steelyard.search.api import answer
from steelyard.search.cache import SearchConfig, cache_for
from steelyard.units import FORMS
from steelyard.units.text import NumberFormat, split_quantity_text
from steelyard.web.render import unit_label
from steelyard.wire import format_decimal, validation_problems

SORTS = {"": "Best match", "price": "Price: low to high", "-price": "Price: high to low", "name": "Name"}
PAGE_SIZE = 20
FACET_OPTIONS = 40  # per group, chosen ones first: keeps a page of a large catalogue small
SKU = re.compile(r"^[A-Z0-9._-]{1,64}$")


# ---- storefront ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StorefrontQuery:
    """What the storefront URL holds: `/?q=…&family=…&form=…&grade=…&in_stock=1&sort=…&cursor=…`."""

    q: str = ""
    families: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    in_stock: bool = False
    sort: str | None = None
    cursor: str | None = None

    def url(self, **changes: Any) -> str:
        pairs: list[tuple[str, str]] = []
        values = {
            "q": self.q,
            "family": self.families,
            "form": self.forms,
            "grade": self.grades,
            "in_stock": self.in_stock,
            "sort": self.sort,
            "cursor": None,
            **changes,
        }
        for name, value in values.items():
            if isinstance(value, tuple):
                pairs += [(name, v) for v in value]
            elif value is True:
                pairs.append((name, "1"))
            elif value:
                pairs.append((name, str(value)))
        return "/?" + urlencode(pairs) if pairs else "/"


def storefront_query(
    q: str,
    families: list[str],
    forms: list[str],
    grades: list[str],
    in_stock: str | None,
    sort: str | None,
    cursor: str | None,
) -> StorefrontQuery:
    return StorefrontQuery(
        q=q.strip()[:500],
        families=tuple(dict.fromkeys(f for f in families if f)),
        forms=tuple(dict.fromkeys(f for f in forms if f)),
        grades=tuple(dict.fromkeys(g for g in grades if g)),
        in_stock=(in_stock or "").lower() in ("1", "true", "on", "yes"),
        sort=sort if sort in SORTS and sort else None,
        cursor=cursor or None,
    )


def facet_groups(query: StorefrontQuery, facets: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Family, form and grade options with their counts (the most frequent first); a chosen one is always listed."""
    groups = []
    for name, label, chosen in (
        ("family", "Material", query.families),
        ("form", "Form", query.forms),
        ("grade", "Grade", query.grades),
    ):
        counts = dict(facets.get(name, {}))
        for value in chosen:
            counts.setdefault(value, 0)
        options = sorted(counts.items(), key=lambda kv: (kv[0] not in chosen, -kv[1], kv[0]))
        groups.append(
            {
                "name": name,
                "label": label,
                "options": [{"value": v, "count": c, "checked": v in chosen} for v, c in options[:FACET_OPTIONS]],
            }
        )
    return groups


def storefront(db: Database, settings: Settings, query: StorefrontQuery) -> dict[str, Any]:
    """The search answer (the wire shape of GET /api/v1/search) and what the page needs around it."""
    request = search.SearchRequest(
        q=query.q,
        families=query.families,
        forms=query.forms,
        grades=query.grades,
        in_stock=True if query.in_stock else None,
        sort=query.sort,
        limit=PAGE_SIZE,
        cursor=query.cursor,
    )
    cache = cache_for(db.engine, SearchConfig(settings.search_synonyms_file, settings.search_cache_entries))
    error = None
    try:
        with db.read() as conn:
            result: dict[str, Any] = answer(search.search(conn, request=request, cache=cache))
    except SteelyardError as exc:
        error = exc.detail
        result = {"total": 0, "hits": [], "facets": {}, "next_cursor": None, "query": None}
    return {
        "query": query,
        "result": result,
        "error": error,
        "facet_groups": facet_groups(query, result["facets"]),
        "sorts": SORTS,
        "next_url": query.url(cursor=result["next_cursor"]) if result["next_cursor"] else None,
        "first_url": query.url() if query.cursor else None,
        "filtered": bool(query.families or query.forms or query.grades or query.in_stock),
    }


# ---- product page -------------------------------------------------------------------------------------------


def cut_mode(form: str, mass_per_m: Any) -> str | None:
    """'flat' (length and width), 'length' (bars, tubes, profiles) or None (not cut to size)."""
    spec = FORMS.get(form)
    if spec is not None and spec.section in FLAT_SECTIONS:
        return "flat"
    return "length" if mass_per_m is not None else None


def product_page(db: Database, sku: str) -> dict[str, Any] | None:
    """The product (the wire shape of GET /api/v1/products/{sku}) with warehouse names; None if there is none."""
    if not SKU.match(sku):
        return None
    try:
        with db.read() as conn:
            product = product_out(catalog.get_product_view(conn, sku=sku)).model_dump(mode="json")
            names = {w.code: w.name for w in catalog.list_warehouses(conn, after_code=None, limit=500)}
    except NotFound:
        return None
    stock_unit, piece = product["stock_unit"], product["piece_name"]
    units = [stock_unit] if stock_unit in product["units"] else []
    units += [u for u in product["units"] if u != stock_unit]
    named = {stock_unit, *units, *(t["per"] for t in product["price"]["tiers"])}
    return {
        "product": product,
        "warehouse_names": names,
        "units": units,
        "labels": {u: [unit_label(u, piece, 1), unit_label(u, piece)] for u in sorted(named)},
        "cut": cut_mode(product["form"], product["physics"]["mass_per_m_kg"]),
    }


# ---- staff --------------------------------------------------------------------------------------------------


def staff_principal(db: Database, session_id: Any) -> Principal | None:
    """Who the session belongs to, if it is live and its token is a live staff or admin token."""
    if not isinstance(session_id, str) or not session_id:
        return None
    with db.read() as conn:
        principal = session_principal(conn, session_id, datetime.now(UTC))
    return principal if principal is not None and principal.is_staff else None


def sign_in(db: Database, token: str, lifetime: timedelta) -> tuple[str | None, str | None]:
    """(session id, None) for a live staff or admin token, or (None, why it cannot sign in to /staff)."""
    problem = sign_in_problem(db, token)
    if problem is not None:
        return None, problem
    with db.write() as conn:
        principal = resolve_token(conn, token)
        if principal is None:  # revoked in the moment since it was checked
            return None, "This token is unknown or revoked, or has expired."
        return start_session(conn, token_id=principal.token_id, lifetime=lifetime, now=datetime.now(UTC)), None


def sign_out(db: Database, session_id: Any) -> None:
    if isinstance(session_id, str) and session_id:
        with db.write() as conn:
            end_session(conn, session_id)


def sign_in_problem(db: Database, token: str) -> str | None:
    """Why this token cannot sign in to /staff, or None when it can."""
    if not token:
        return "Paste a staff token (from `steelyard token create --role staff`)."
    with db.read() as conn:
        principal = resolve_token(conn, token)
    if principal is None:
        return (
            "This token is unknown or revoked, or has expired. Create one with `steelyard token create --role staff`."
        )
    if not principal.is_staff:
        return f"This is a {principal.role} token; the staff pages need a staff or admin token."
    return None


@dataclass(slots=True)
class StaffData:
    warehouses: list[dict[str, str]] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    ledger_sku: str = ""
    ledger_unit: str = ""
    ledger_error: str | None = None
    orders: list[dict[str, Any]] = field(default_factory=list)
    lots: list[dict[str, Any]] = field(default_factory=list)


def staff_data(db: Database, principal: Principal, sku: str) -> StaffData:
    data = StaffData(ledger_sku=sku)
    with db.read() as conn:
        data.warehouses = [
            {"code": w.code, "name": w.name} for w in catalog.list_warehouses(conn, after_code=None, limit=500)
        ]
        found, _ = orders.list_orders(conn, principal=principal, status="accepted", cursor=None, limit=50)
        data.orders = [OrderOut.model_validate(o).model_dump(mode="json") for o in found]
        if sku:
            try:
                rows, _ = movements.list_ledger(conn, sku=sku, warehouse=None, cursor=None, limit=50, newest_first=True)
                data.ledger = [LedgerEntryOut.model_validate(r).model_dump(mode="json") for r in rows]
                data.ledger_unit = catalog.get_product_view(conn, sku=sku).stored.product.stock_unit
                found_lots, _ = lots.list_lots(
                    conn, sku=sku, warehouse=None, remnant=None, heat=None, include_empty=False, cursor=None, limit=100
                )
                data.lots = [LotOut.model_validate(lot).model_dump(mode="json") for lot in found_lots]
            except SteelyardError as exc:
                data.ledger_error = exc.detail
    return data


def parse_quantity(text: str, fmt: NumberFormat | None = None) -> dict[str, str]:
    """`"120 kg"`, `"-3 sheets"`, `"1.500,5 t"` (de-DE) -> {"value", "unit"}: the one quantity reader
    (units/text.py), signed for adjustments; the unit is resolved against the product by the movement itself."""
    value, unit = split_quantity_text(text, fmt=fmt, allow_negative=True)
    if not unit:
        raise InvalidInput.from_problems(
            [FieldProblem("quantity", f"type a number and a unit, e.g. 120 kg or 3 sheets (got '{text}')")]
        )
    return {"value": format_decimal(value), "unit": unit}


def movement_body(fields: dict[str, str], fmt: NumberFormat | None = None) -> MovementIn:
    """The movement a staff form describes, validated like the API's body."""
    kind = fields.get("kind", "")
    document: dict[str, Any] = {
        "sku": fields.get("sku", "").strip().upper(),
        "warehouse": fields.get("warehouse", ""),
        "kind": kind,
        "quantity": parse_quantity(fields.get("quantity", ""), fmt),
        "to_warehouse": (fields.get("to_warehouse") or None) if kind == "transfer" else None,
        "reason": fields.get("reason") or None,
    }
    if kind == "receipt" and fields.get("heat", "").strip():  # a receipt with its heat: a new traced lot
        document["lot"] = {
            "heat": fields["heat"].strip(),
            "mill": fields.get("mill", "").strip() or None,
            "certificate_type": fields.get("certificate_type") or None,
        }
    try:
        return MovementIn.model_validate(document)
    except ValidationError as exc:
        raise InvalidInput.from_problems(validation_problems(exc.errors())) from None


def post_movement(db: Database, principal: Principal, body: MovementIn, key: str | None) -> dict[str, Any]:
    """Post a movement exactly as POST /api/v1/stock/movements does (movements.post_movement_once)."""
    _, document = movements.post_movement_once(db, body=body, actor=principal, key=key, now=datetime.now(UTC))
    return document


def ship_order(db: Database, principal: Principal, order_id: str) -> dict[str, Any]:
    with db.write() as conn:
        shipped = orders.ship(conn, order_id=order_id, principal=principal, now=datetime.now(UTC))
    return OrderOut.model_validate(shipped).model_dump(mode="json")
