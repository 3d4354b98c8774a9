"""Webhooks over HTTP (admin only): register, list, change, remove, and read the delivery log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from steelyard.access.deps import AdminPrincipal
from steelyard.api import CursorQuery, DbDep, IdPath, LimitQuery, problem_responses
from steelyard.webhooks import service
from steelyard.webhooks.schemas import DeliveryOut, WebhookIn, WebhookOut, WebhookPatch
from steelyard.webhooks.targets import Network, parse_networks
from steelyard.wire import MAX_INT32, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], responses=problem_responses(401, 403, 422))
NOT_FOUND = problem_responses(404)


def _allow(request: Request) -> tuple[Network, ...]:
    return parse_networks(request.app.state.settings.webhook_allow_networks)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookOut)
def register(body: WebhookIn, request: Request, db: DbDep, _: AdminPrincipal) -> WebhookOut:
    """POST each event of the listed types to `url`, signed with `secret` (see docs/events.md).

    The URL may carry no credentials, and its address must be public unless allowed (docs/security.md)."""
    with db.write() as conn:
        return WebhookOut.from_row(service.register(conn, data=body, allow=_allow(request)))


@router.get("", response_model=Page[WebhookOut])
def list_webhooks(db: DbDep, _: AdminPrincipal, limit: LimitQuery = 50, cursor: CursorQuery = None) -> Page[WebhookOut]:
    with db.read() as conn:
        rows = service.list_all(conn, after_id=decode_cursor(cursor, int, largest=MAX_INT32), limit=limit + 1)
    items = [WebhookOut.from_row(r) for r in rows[:limit]]
    return Page(items=items, next_cursor=encode_cursor(items[-1].id) if len(rows) > limit else None)


@router.get("/{webhook_id}", response_model=WebhookOut, responses=NOT_FOUND)
def get_webhook(webhook_id: IdPath, db: DbDep, _: AdminPrincipal) -> WebhookOut:
    with db.read() as conn:
        return WebhookOut.from_row(service.get(conn, webhook_id))


@router.patch("/{webhook_id}", response_model=WebhookOut, responses=NOT_FOUND)
def change_webhook(
    webhook_id: IdPath, body: WebhookPatch, request: Request, db: DbDep, _: AdminPrincipal
) -> WebhookOut:
    """Change the URL, event types or secret, or pause it (`active: false`; it skips what happens meanwhile)."""
    with db.write() as conn:
        return WebhookOut.from_row(service.change(conn, webhook_id, patch=body, allow=_allow(request)))


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=NOT_FOUND)
def remove_webhook(webhook_id: IdPath, db: DbDep, _: AdminPrincipal) -> Response:
    """Remove it and its delivery log."""
    with db.write() as conn:
        service.remove(conn, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries", response_model=Page[DeliveryOut], responses=NOT_FOUND)
def deliveries(
    webhook_id: IdPath,
    db: DbDep,
    _: AdminPrincipal,
    status_: Annotated[Literal["pending", "delivered", "failed"] | None, Query(alias="status")] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[DeliveryOut]:
    """Every delivery of this webhook, newest first, each with the log of its attempts."""
    with db.read() as conn:
        items = service.deliveries(conn, webhook_id, status=status_, before_id=decode_cursor(cursor), limit=limit + 1)
    page = items[:limit]
    return Page(items=page, next_cursor=encode_cursor(page[-1].id) if len(items) > limit else None)
