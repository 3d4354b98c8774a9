"""Wire shapes of webhooks and their delivery log. The secret goes in, never out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from steelyard.webhooks.targets import without_credentials
from steelyard.wire import BoolIn

EventType = Literal["stock.changed", "price.changed", "product.changed"]


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// URL, e.g. https://erp.example.com/hooks/steelyard")
    return value


def _events(value: list[str]) -> list[str]:
    return list(dict.fromkeys(value))  # each type once, in the order given


WebhookUrl = Annotated[str, Field(min_length=8, max_length=2000), AfterValidator(_url)]
EventList = Annotated[list[EventType], Field(min_length=1, max_length=3), AfterValidator(_events)]
Secret = Annotated[
    str,
    Field(min_length=16, max_length=256, description="shared secret for the HMAC-SHA256 signature; never shown again"),
]


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: WebhookUrl = Field(examples=["https://erp.example.com/hooks/steelyard"])
    events: EventList = Field(examples=[["stock.changed", "price.changed"]])
    secret: Secret
    active: BoolIn = True


class WebhookPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: WebhookUrl | None = None
    events: EventList | None = None
    secret: Secret | None = None
    active: BoolIn | None = None


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> WebhookOut:
        return cls(
            id=row.id,
            url=without_credentials(row.url),  # a URL stored before credentials were refused shows none
            events=list(row.events),
            active=row.active,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class AttemptOut(BaseModel):
    attempt: int
    at: datetime
    status_code: int | None = Field(description="the receiver's HTTP status; null when no answer came")
    error: str | None = Field(
        description="`HTTP <status>`, `no answer` (no connection, or no answer in time) or `refused: ...` (the "
        "target's address is not one webhooks may reach); never the receiver's body"
    )
    duration_ms: int


class DeliveryOut(BaseModel):
    id: int
    webhook_id: int
    event_id: int
    event_type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None = Field(description="when the next try is due (pending only)")
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[AttemptOut]
