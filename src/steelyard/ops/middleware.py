"""One ASGI middleware for every request: its id (`X-Request-ID` in and out), its metrics and its log line.

Plain ASGI rather than Starlette's BaseHTTPMiddleware: it adds no task or stream per request, and it sees the
route template the router wrote into the scope, so metrics are labelled `/api/v1/products/{sku}`, not by SKU.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from steelyard.ops import metrics
from steelyard.ops.logs import REQUEST_ID
from steelyard.ops.scope import SERVER_SEND

access_log = logging.getLogger("steelyard.access")
HEADER = b"x-request-id"
# A caller's id is kept when it is short and plain (so it cannot forge log lines); otherwise we make one.
_SAFE_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None) if route is not None else None
    return str(path) if path else "unmatched"


class RequestMiddleware:
    def __init__(self, app: ASGIApp, *, access_log_enabled: bool = True) -> None:
        self.app = app
        self.access_log_enabled = access_log_enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = next((v for k, v in scope["headers"] if k == HEADER), None)
        request_id = given.decode() if given is not None and _SAFE_ID.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        status = 500
        header_value = request_id.encode()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER, header_value)]
            await send(message)

        scope[SERVER_SEND] = send  # for the frames of an event stream (see SERVER_SEND)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_of(scope)
            method = scope["method"]
            metrics.REQUESTS.labels(route, method, str(status)).inc()
            metrics.LATENCY.labels(route, method, str(status)).observe(elapsed)
            if self.access_log_enabled and access_log.isEnabledFor(logging.INFO):
                extra: dict[str, Any] = {
                    "method": method,
                    "route": route,
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 3),
                }
                client = scope.get("client")
                if client:
                    extra["client"] = client[0]
                access_log.info("request", extra=extra)
            REQUEST_ID.reset(token)
