"""`GET /api/v1/events`: live stock, price and product changes as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import StringConstraints
from starlette.types import Receive, Scope, Send

from steelyard.api import WholeNumber, problem_responses
from steelyard.errors import ServiceUnavailable, TooManyRequests
from steelyard.events.bus import EventBus
from steelyard.events.wire import parse_last_event_id
from steelyard.ops.rates import ClientSlots, client_key
from steelyard.ops.scope import SERVER_SEND

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
        **problem_responses(422, 429, 503),
    },
)
async def events(
    request: Request,
    sku: Annotated[list[SkuFilter], Query(max_length=200, description="only these products (repeatable)")] = [],  # noqa: B006
    type: Annotated[list[EventType], Query(description="only these event types (repeatable)")] = [],  # noqa: B006
    last_event_id: Annotated[
        int | None,
        WholeNumber,
        Query(ge=0, le=2**63 - 1, description="resume after this id (EventSource sends the header)"),
    ] = None,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID", include_in_schema=True)] = None,
) -> StreamingResponse:
    """Stock, price and product changes, pushed as they commit; resumable with `Last-Event-ID`."""
    bus: EventBus | None = getattr(request.app.state, "events", None)
    if bus is None:
        raise ServiceUnavailable("the event bus is not running in this process; try again shortly")
    slots: ClientSlots = request.app.state.event_streams
    client = client_key(request.client.host if request.client else None)
    if not slots.take(client):
        raise TooManyRequests(
            f"this client has {slots.limit} event streams open already (STEELYARD_EVENTS_STREAMS_PER_CLIENT); "
            "close one: one stream can follow many SKUs (repeat ?sku=)",
            retry_after=5,
        )
    resume = parse_last_event_id(last_event_id_header) if last_event_id_header is not None else last_event_id
    stream = bus.stream(skus=frozenset(sku), types=frozenset(type), last_event_id=resume)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return ClientStream(stream, release=lambda: slots.give_back(client), headers=headers)


class ClientStream(StreamingResponse):
    """An event stream that gives its client's slot back when it ends, however it ends (also on a disconnect).

    Its start goes through every middleware; its frames go straight to the server's `send` (see SERVER_SEND)."""

    media_type = "text/event-stream"

    def __init__(self, content: AsyncIterator[bytes], *, release: Callable[[], None], headers: dict[str, str]) -> None:
        super().__init__(content, media_type=self.media_type, headers=headers)
        self._release = release
        self._frames_to: Send | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._frames_to = scope.get(SERVER_SEND)
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._release()

    async def stream_response(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        write = self._frames_to or send
        async for chunk in self.body_iterator:
            await write({"type": "http.response.body", "body": chunk, "more_body": True})
        await write({"type": "http.response.body", "body": b"", "more_body": False})
