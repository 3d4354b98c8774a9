"""The HTTP server around the app: uvicorn's httptools protocol with deadlines for a request's headers and body.

Uvicorn closes an idle kept-alive connection (`timeout_keep_alive`) but bounds neither how long a client may take to
send a request's headers (a fresh connection that sends nothing, or half a header line, stays open for ever) nor its
body, nor the size of its headers, nor how many connections one client holds open. This protocol adds those, so a
client that trickles bytes ("slowloris") holds a connection for at most `header_timeout` + `body_timeout` seconds
and at most `header_limit` bytes of headers:

    connect / first byte of a request --header_timeout--> headers complete --body_timeout--> body complete
    (the app's own time is not bounded here: an event stream lasts as long as its client wants)

and one client address holds at most `connections_per_client` connections to a worker: without that, one client's
2,100 half-sent connections filled uvicorn's `limit_concurrency` and every other client got 503 for as long as it kept
them coming (issue 19). A trusted proxy's connections (FORWARDED_ALLOW_IPS) are not counted: they carry many clients.

Settings (docs/security.md): STEELYARD_HEADER_TIMEOUT_SECONDS, STEELYARD_BODY_TIMEOUT_SECONDS,
STEELYARD_KEEP_ALIVE_SECONDS, STEELYARD_CONNECTIONS_PER_CLIENT, STEELYARD_LIMIT_CONCURRENCY; `steelyard serve` passes
them to uvicorn.
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from steelyard.config import Settings, get_settings
from steelyard.ops.rates import ClientSlots, client_key, trusted_proxy

HEADER_LIMIT = 64 * 1024  # request line and headers; a real browser's are a few KB


_DETAILS = {
    408: "the request's headers or body did not arrive in time (STEELYARD_HEADER_TIMEOUT_SECONDS, "
    "STEELYARD_BODY_TIMEOUT_SECONDS); send it again",
    429: "this client has too many connections open to this server (STEELYARD_CONNECTIONS_PER_CLIENT); "
    "close some, or send its requests over fewer kept-alive connections",
    431: f"the request line and headers are over {HEADER_LIMIT // 1024} KiB; send long values in a body",
}
RETRY_AFTER_SECONDS = 1  # a refused connection frees nothing for its client; one of its others may close soon


def _reply(status: int) -> bytes:
    """A problem document (RFC 9457) written by the server itself, before any route sees the request; it closes the
    connection, since the rest of what the client sends cannot be read as a request."""
    title = HTTPStatus(status).phrase
    slug = title.lower().replace(" ", "-")
    body = json.dumps({"type": f"about:blank#{slug}", "title": title, "status": status, "detail": _DETAILS[status]})
    head = (
        f"HTTP/1.1 {status} {title}\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\n"
        + (f"retry-after: {RETRY_AFTER_SECONDS}\r\n" if status == 429 else "")
        + "connection: close\r\n\r\n"
    )
    return (head + body).encode()


class DeadlineProtocol(HttpToolsProtocol):
    """HttpToolsProtocol with a deadline for the headers and one for the body of each request.

    Uvicorn makes one per connection, in each worker process; the deadlines come from that process's settings
    (the environment), since uvicorn hands its workers a protocol class, not an instance.
    """

    header_limit: int = HEADER_LIMIT
    _connections: ClientSlots | None = None  # open connections per client, in this process (made on first use)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.header_timeout = settings.header_timeout_seconds
        self.body_timeout = settings.body_timeout_seconds
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes: int | None = None  # bytes of the headers read so far; None while a body is being read
        self._client: str | None = None  # the client this connection is counted against, if it is counted
        if DeadlineProtocol._connections is None:
            DeadlineProtocol._connections = ClientSlots(settings.connections_per_client)
        allow = self.config.forwarded_allow_ips
        self._trusted = allow if isinstance(allow, str) else ",".join(allow)

    # -- connection -------------------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_bytes = 0
        host = self.client[0] if self.client else None
        slots = DeadlineProtocol._connections
        if slots is not None and slots.limit and not trusted_proxy(host, self._trusted):
            client = client_key(host)
            if not slots.take(client):
                self._refuse(429)
                return
            self._client = client
        self._arm(self.header_timeout)  # a connection that never sends a request is closed as a slow one

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._client is not None and DeadlineProtocol._connections is not None:
            DeadlineProtocol._connections.give_back(self._client)
            self._client = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # Counted before the parser sees the bytes: a request whose line and headers come in one read larger than the
        # limit is refused with a 431 too, not left to the parser (which answers a plain-text 400 past 64 KiB).
        if self._header_bytes is not None and not self.transport.is_closing():
            end = data.find(b"\r\n\r\n")
            self._header_bytes += len(data) if end < 0 else end + 4  # a body in the same read is not header
            if self._header_bytes > self.header_limit:
                self._refuse(431)
                return
        super().data_received(data)

    # -- parser callbacks -------------------------------------------------------------------------------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:  # a later request on a kept-alive connection: its headers get their deadline
            self._arm(self.header_timeout)

    def on_headers_complete(self) -> None:
        self._header_bytes = None
        self._arm(self.body_timeout)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        # The next bytes on a kept-alive connection are the next request's headers: they are counted from the first,
        # before the parser reads them (a request of schemathesis's on a reused connection reached it uncounted).
        self._header_bytes = 0
        super().on_message_complete()

    # -- deadlines --------------------------------------------------------------------------------------------
    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self._header_bytes is not None and (self.cycle is None or self.cycle.response_complete):
            self._refuse(408)  # no request is being answered: say why, then close
        elif not self.transport.is_closing():
            self.transport.close()  # a body that stopped coming: the app's receive() sees a disconnect

    def _refuse(self, status: int) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(_reply(status))
            self.transport.close()


def uvicorn_options(settings: Settings | None = None) -> dict[str, Any]:
    """The uvicorn settings that bound connections (the protocol above, keep-alive and concurrency) and how long the
    supervisor waits for a worker's health check before replacing it."""
    settings = settings or get_settings()
    return {
        "http": DeadlineProtocol,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.limit_concurrency,
        "timeout_worker_healthcheck": settings.worker_healthcheck_seconds,
    }
