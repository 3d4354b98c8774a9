"""Webhook use cases for the API. Services take a connection and never commit: the caller's unit of work does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Row

from steelyard.db import utc
from steelyard.errors import FieldProblem, InvalidInput, NotFound
from steelyard.webhooks import repository as repo
from steelyard.webhooks.schemas import AttemptOut, DeliveryOut, WebhookIn, WebhookPatch
from steelyard.webhooks.targets import Network, url_problem


def check_target(url: str | None, allow: Sequence[Network]) -> None:
    """Refuse a URL with credentials or a literal address webhooks may not reach (the rest is checked when sending)."""
    problem = None if url is None else url_problem(url, allow)
    if problem is not None:
        raise InvalidInput.from_problems([FieldProblem("url", problem)])


def register(conn: Connection, *, data: WebhookIn, allow: Sequence[Network]) -> Row[Any]:
    check_target(data.url, allow)
    now = datetime.now(UTC)
    webhook_id = repo.insert_webhook(
        conn, url=data.url, events=list(data.events), secret=data.secret, active=data.active, now=now
    )
    return get(conn, webhook_id)


def get(conn: Connection, webhook_id: int) -> Row[Any]:
    row = repo.get_webhook(conn, webhook_id)
    if row is None:
        raise NotFound(f"no webhook with id {webhook_id}")
    return row


def list_all(conn: Connection, *, after_id: int | None, limit: int) -> Sequence[Row[Any]]:
    return repo.list_webhooks(conn, after_id=after_id, limit=limit)


def change(conn: Connection, webhook_id: int, *, patch: WebhookPatch, allow: Sequence[Network]) -> Row[Any]:
    check_target(patch.url, allow)
    get(conn, webhook_id)
    values = {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None}
    if values:
        repo.update_webhook(conn, webhook_id, values, datetime.now(UTC))
    return get(conn, webhook_id)


def remove(conn: Connection, webhook_id: int) -> None:
    if not repo.delete_webhook(conn, webhook_id):
        raise NotFound(f"no webhook with id {webhook_id}")


def deliveries(
    conn: Connection, webhook_id: int, *, status: str | None, before_id: int | None, limit: int
) -> list[DeliveryOut]:
    get(conn, webhook_id)
    rows, attempts = repo.list_deliveries(conn, webhook_id, status=status, before_id=before_id, limit=limit)
    return [
        DeliveryOut(
            id=r.id,
            webhook_id=r.webhook_id,
            event_id=r.event_id,
            event_type=r.event_type,
            status=r.status,
            attempts=r.attempts,
            next_attempt_at=utc(r.next_attempt_at) if r.status == repo.PENDING else None,
            last_status_code=r.last_status_code,
            last_error=public_error(r.last_error),
            created_at=utc(r.created_at),
            delivered_at=None if r.delivered_at is None else utc(r.delivered_at),
            log=[
                AttemptOut(
                    attempt=a.attempt,
                    at=utc(a.at),
                    status_code=a.status_code,
                    error=public_error(a.error),
                    duration_ms=a.duration_ms,
                )
                for a in attempts[r.id]
            ],
        )
        for r in rows
    ]


def public_error(error: str | None) -> str | None:
    """What the log shows of a failure: the status code or a fixed phrase, also for attempts logged before the
    dispatcher stopped keeping the receiver's answer (`HTTP 500: <its body>`) and connection errors."""
    if error is None or error.startswith("refused: "):
        return error
    if error.startswith("HTTP "):
        return error.split(":", 1)[0]
    return "no answer"
