"""`/staff`: sign in with a staff token, post stock movements, read a product's ledger, ship orders.

Signing in stores a session row server-side (access/sessions.py); the signed, HttpOnly, SameSite=Strict cookie
(path /staff, Secure unless STEELYARD_SESSION_HTTPS_ONLY=false) carries only its random id, never the token.
Signing out deletes the row, so a saved copy of the cookie signs nobody in. Every POST carries the session's CSRF
token; every page answer is `Cache-Control: no-store`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from steelyard.access.model import Principal
from steelyard.api import DbDep
from steelyard.config import Settings
from steelyard.errors import SteelyardError
from steelyard.units.text import number_format, preferred_locale
from steelyard.web import views
from steelyard.web.render import form_fields, page, plain

router = APIRouter(prefix="/staff", include_in_schema=False)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return token


def csrf_ok(request: Request, fields: dict[str, str]) -> bool:
    expected = request.session.get("csrf")
    return isinstance(expected, str) and secrets.compare_digest(fields.get("csrf", ""), expected)


def signed_in(request: Request, db: DbDep) -> Principal | None:
    principal = views.staff_principal(db, request.session.get("sid"))
    if principal is None:
        request.session.pop("sid", None)
    return principal


def back(request: Request, message: str, *, error: bool = False, to: str = "/staff") -> RedirectResponse:
    """Post/redirect/get: the message shows once on the page redirected to."""
    request.session["flash"] = {"text": message, "error": error}
    return RedirectResponse(to, status_code=303, headers={"Cache-Control": "no-store"})


def signin_page(request: Request, message: str | None = None, status: int = 200) -> HTMLResponse:
    return page(
        request, "staff_signin.html", {"csrf": csrf_token(request), "error": message}, status=status, private=True
    )


def staff_page(
    request: Request, db: DbDep, principal: Principal, sku: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    context = {
        "principal": principal,
        "csrf": csrf_token(request),
        "flash": request.session.pop("flash", None),
        "data": views.staff_data(db, principal, sku.strip().upper()[:64]),
        "form": {},
        "form_key": secrets.token_urlsafe(16),
        "certificate_max_bytes": request.app.state.settings.certificate_max_bytes,
        **extra,
    }
    return page(request, "staff.html", context, status=status, private=True)


@router.get("", response_class=HTMLResponse)
def staff_home(request: Request, db: DbDep, sku: str = "") -> HTMLResponse:
    principal = signed_in(request, db)
    if principal is None:
        return signin_page(request)
    return staff_page(request, db, principal, sku)


@router.post("/session", response_class=HTMLResponse)
async def sign_in(request: Request, db: DbDep) -> Response:
    fields = await form_fields(request)
    if not csrf_ok(request, fields):
        return signin_page(request, "The form had expired; sign in again.", status=403)
    settings: Settings = request.app.state.settings
    lifetime = timedelta(seconds=settings.session_max_age_seconds)
    session_id, problem = views.sign_in(db, fields.get("token", ""), lifetime)
    if session_id is None:
        return signin_page(request, problem, status=401)
    views.sign_out(db, request.session.get("sid"))  # signing in again ends the session it replaces
    request.session.clear()
    request.session.update(sid=session_id, csrf=secrets.token_urlsafe(24))
    return RedirectResponse("/staff", status_code=303, headers={"Cache-Control": "no-store"})


@router.post("/signout")
async def sign_out(request: Request, db: DbDep) -> Response:
    fields = await form_fields(request)
    if csrf_ok(request, fields):
        views.sign_out(db, request.session.get("sid"))
        request.session.clear()
    return RedirectResponse("/staff", status_code=303, headers={"Cache-Control": "no-store"})


@router.post("/movements", response_class=HTMLResponse)
async def post_movement(request: Request, db: DbDep) -> Response:
    fields = await form_fields(request)
    principal = signed_in(request, db)
    if principal is None or not csrf_ok(request, fields):
        return signin_page(request, "Sign in again to post a movement.", status=401)
    try:
        language = number_format(preferred_locale(request.headers.get("accept-language")))
        body = views.movement_body(fields, language)
        done = views.post_movement(db, principal, body, fields.get("idempotency_key"))
    except SteelyardError as exc:
        return staff_page(
            request, db, principal, fields.get("sku", ""), status=exc.status, form=fields, error=exc.detail
        )
    what = f"{plain(body.quantity.value)} {body.quantity.unit} of {body.sku}"
    return back(
        request, f"{body.kind.capitalize()} of {what} posted ({done['id']}).", to=f"/staff?sku={body.sku}#ledger"
    )


@router.post("/orders/{order_id}/ship")
async def ship(request: Request, order_id: str, db: DbDep) -> Response:
    fields = await form_fields(request)
    principal = signed_in(request, db)
    if principal is None or not csrf_ok(request, fields):
        return signin_page(request, "Sign in again to ship an order.", status=401)
    try:
        views.ship_order(db, principal, order_id)
    except SteelyardError as exc:
        return back(request, exc.detail, error=True, to="/staff#orders")
    return back(request, f"Order {order_id} shipped.", to="/staff#orders")
