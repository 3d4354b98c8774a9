"""The request limits at the door, as one plain ASGI middleware: rates per client, requests in flight, body size.

It runs before routing and before any body is read, so a client past its limit costs a dictionary look-up, and a
body past the limit is refused from its `Content-Length`, or stopped as it streams in, never held in memory.
The rules are in ops/rates.py; the counting is the `limits` library's: in process memory, or in Redis when
STEELYARD_EVENTS_URL names one, so that every worker and server shares one count per client (docs/security.md).
"""

from __future__ import annotations

import logging
import time

from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from steelyard.api import error_problem
from steelyard.errors import PayloadTooLarge, TooManyRequests
from steelyard.ops.rates import ClientSlots, RatePlan, body_limit_for, client_key, group_of, retry_after

log = logging.getLogger("steelyard.ops")

_REDIS_SCHEMES = {"redis": "async+redis", "rediss": "async+rediss", "unix": "async+redis+unix"}


def make_storage(events_url: str | None, prefix: str) -> Storage:
    """Redis (shared by every process) when the events URL is one, else this process's memory."""
    scheme, sep, rest = (events_url or "").partition("://")
    if sep and scheme in _REDIS_SCHEMES:
        return RedisStorage(
            f"{_REDIS_SCHEMES[scheme]}://{rest}", implementation="redispy", key_prefix=prefix, socket_timeout=1
        )
    return MemoryStorage()


class ClientRates:
    """The rate plan counted per client; a store that fails lets requests through (and says so in the log)."""

    def __init__(self, plan: RatePlan, storage: Storage) -> None:
        self.plan = plan
        self.storage = storage
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self._failing = False

    async def wait(self, group: str, client: str) -> int | None:
        """None when `client` may go on (and the request is counted), else the seconds it must wait."""
        rates: tuple[RateLimitItem, ...] = self.plan.rates.get(group, ())
        try:
            for rate in rates:
                if not await self.limiter.hit(rate, group, client):
                    stats = await self.limiter.get_window_stats(rate, group, client)
                    return retry_after(stats.reset_time, time.time())
        except Exception as exc:  # the shared store is down: serving beats refusing everyone
            if not self._failing:
                log.warning("rate limits are not enforced: their store failed (%s)", exc)
            self._failing = True
            return None
        self._failing = False
        return None

    async def check(self, group: str, client: str) -> None:
        """Raise TooManyRequests when `client` is past the rate of `group`."""
        wait = await self.wait(group, client)
        if wait is not None:
            raise self.past(group, wait)

    def past(self, group: str, wait: int) -> TooManyRequests:
        rates = " and ".join(str(r) for r in self.plan.rates[group])
        return TooManyRequests(
            f"too many {group} requests from this client; try again in {wait} s (limit: {rates})", retry_after=wait
        )


class BodyTooLarge(HTTPException):
    """Raised from `receive` as the body passes the limit; FastAPI passes HTTP errors raised there on as they are,
    and app.py answers it with `too_large`."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"past {limit} bytes")
        self.limit = limit


def too_large(path: str, limit: int) -> JSONResponse:
    """413, and close the connection: what the client is still sending is never read."""
    error = PayloadTooLarge(f"the request body is larger than this route takes: at most {limit} bytes; send less")
    error.headers = {"Connection": "close"}
    return error_problem(path, error)


class GuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        rates: ClientRates,
        in_flight: ClientSlots,
        body_limit: int,
        body_limits: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.rates = rates
        self.in_flight = in_flight
        self.body_limit = body_limit
        self.body_limits = body_limits or {}  # routes (path prefixes) that take larger bodies: uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        client = client_key(scope["client"][0] if scope.get("client") else None)
        group = group_of(scope["method"], path)
        if group is not None and self.rates.plan.enabled:
            wait = await self.rates.wait(group, client)
            if wait is not None:
                await error_problem(path, self.rates.past(group, wait))(scope, receive, send)
                return
        limit = body_limit_for(path, self.body_limit, self.body_limits)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            # Answer without reading a byte of it, and close: the rest of the body is never read either.
            await too_large(path, limit)(scope, receive, send)
            return
        if not self.in_flight.take(client):
            detail = f"this client has {self.in_flight.limit} requests in progress already; wait for one to finish"
            await error_problem(path, TooManyRequests(detail, retry_after=1))(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _counted(receive, limit), send_tracked)
        except BodyTooLarge:  # raised in a middleware that reads the body before any route does
            if started:
                raise
            await too_large(path, limit)(scope, receive, send)
        finally:
            self.in_flight.give_back(client)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _counted(receive: Receive, limit: int) -> Receive:
    """`receive` that stops a body (chunked, or longer than it said) once it passes `limit` bytes."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return counted
