"""`GET /api/v1/events`: live stock, price and product changes as Server-Sent Events."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import StringConstraints

from steelyard.api import problem_responses
from steelyard.errors import ServiceUnavailable
from steelyard.events.bus import EventBus
from steelyard.events.wire import parse_last_event_id

router = APIRouter(prefix="/api/v1", tags=["events"])

SkuFilter = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9._-]{1,64}$")]
EventType = Literal["stock.changed", "price.changed", "product.changed"]
STREAM_DOC = """A `text/event-stream`. Each event has `id` (monotonic), `event` (its type) and one `data` line of JSON:

    id: 42
    event: stock.changed
    data: {"sku":"AL-6061-SH-2","warehouse":"DUI","on_hand":"120.5","reserved":"20","available":"100.5"}

The stream first sends `retry`, the missed events when resuming, then `ready` (its `id` is where the stream stands);
`heartbeat` comes when nothing else was sent for a while, `resync` when events were lost to this client (reload the
state you show, then carry on). See docs/events.md."""


FRAME_SCHEMA = {
    "description": "one event of the stream (OpenAPI 3.1: the schema of each event)",
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {
            "type": "string",
            "enum": ["stock.changed", "price.changed", "product.changed", "ready", "resync", "heartbeat"],
        },
        "data": {"type": "string", "description": "one line of JSON"},
        "id": {"type": "string", "pattern": "^[0-9]+$"},
        "retry": {"type": "integer"},
    },
}


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {"schema": FRAME_SCHEMA}}, "description": STREAM_DOC},
        **problem_responses(503),
    },
)
async def events(
    request: Request,
    sku: Annotated[list[SkuFilter], Query(max_length=200, description="only these products (repeatable)")] = [],  # noqa: B006
    type: Annotated[list[EventType], Query(description="only these event types (repeatable)")] = [],  # noqa: B006
    last_event_id: Annotated[
        int | None, Query(ge=0, description="resume after this id (EventSource sends the header)")
    ] = None,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID", include_in_schema=True)] = None,
) -> StreamingResponse:
    """Stock, price and product changes, pushed as they commit; resumable with `Last-Event-ID`."""
    bus: EventBus | None = getattr(request.app.state, "events", None)
    if bus is None:
        raise ServiceUnavailable("the event bus is not running in this process; try again shortly")
    resume = parse_last_event_id(last_event_id_header) if last_event_id_header is not None else last_event_id
    stream = bus.stream(skus=frozenset(sku), types=frozenset(type), last_event_id=resume)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)
