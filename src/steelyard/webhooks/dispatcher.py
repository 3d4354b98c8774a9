"""Webhook delivery, riding on the event bus.

Whenever this process's bus publishes new events, the dispatcher turns them into delivery rows for every active
webhook that wants them (once, whichever process gets there first: the webhook row is locked while its cursor moves).
Then every process leases due deliveries (a lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL), POSTs them signed, and
records each attempt; a failure is retried after an exponential back-off until the retry window of the event ends.
Delivery is at least once: a process that dies between the POST and the record leaves a lease that runs out, and
the delivery is sent again (receivers dedupe on X-Steelyard-Event-Id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

import httpx

from steelyard import __version__
from steelyard.config import Settings
from steelyard.db import Database
from steelyard.events.bus import EventBus
from steelyard.ops import metrics
from steelyard.webhooks import repository as repo
from steelyard.webhooks.signing import SIGNATURE_HEADER, backoff_delay, signature_header
from steelyard.webhooks.targets import parse_networks
from steelyard.webhooks.transport import TargetRefused, checked_client

log = logging.getLogger("steelyard.webhooks")
LEASE = timedelta(minutes=2)
BATCH = 20
# What the delivery log keeps of a failure: the status code, or one of these. Never the receiver's body nor why a
# connection failed (refused, reset, timed out...): with those the log would read back internal services and map
# their ports.
NO_ANSWER = "no answer"
REFUSED = "refused: the target's address is not one webhooks may reach (STEELYARD_WEBHOOK_ALLOW_NETWORKS)"


class Dispatcher:
    def __init__(self, db: Database, bus: EventBus, settings: Settings) -> None:
        self.db = db
        self.bus = bus
        self.base = settings.webhook_backoff_seconds
        self.cap = settings.webhook_backoff_max_seconds
        self.window = timedelta(hours=settings.webhook_retry_hours)
        self.poll = settings.webhook_poll_seconds
        self.timeout = settings.webhook_timeout_seconds
        self.allow = parse_networks(settings.webhook_allow_networks)
        self._enqueue_wake = asyncio.Event()
        self._send_wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._client: httpx.AsyncClient | None = None
        self._due_in: float | None = None  # seconds until the next retry is due, as last seen

    async def start(self) -> None:
        self._client = checked_client(self.allow, self.timeout)
        self.bus.on_advance(lambda _cursor: self._enqueue_wake.set())
        self._enqueue_wake.set()
        self._tasks = [
            asyncio.create_task(self._forever(self._enqueue_once, self._enqueue_wake, False), name="webhooks-enqueue"),
            asyncio.create_task(self._forever(self._send_once, self._send_wake, True), name="webhooks-send"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._client is not None:
            await self._client.aclose()

    async def _forever(self, step: Any, wake: asyncio.Event, until_due: bool) -> None:
        while True:
            try:
                again = await step()
            except Exception as exc:
                log.warning("webhooks: %s", exc)
                again = False
            if again:
                continue
            wait = self.poll
            if until_due and self._due_in is not None:
                wait = max(0.001, min(wait, self._due_in))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await wake.wait()
            wake.clear()

    # -- events -> deliveries ---------------------------------------------------------------------------------
    async def _enqueue_once(self) -> bool:
        created, more = await asyncio.to_thread(self.enqueue, self.bus.cursor)
        if created:
            self._send_wake.set()
        return more

    def enqueue(self, upto: int) -> tuple[int, bool]:
        """Create the deliveries for events up to `upto` (all settled); (how many, whether more remain)."""
        with self.db.read() as conn:
            behind = repo.lagging(conn, upto)
        if not behind:
            return 0, False
        created, more = 0, False
        now = datetime.now(UTC)
        with self.db.write() as conn:
            for webhook_id in behind:
                n, rest = repo.enqueue(conn, webhook_id, upto, now)
                created, more = created + n, more or rest
        return created, more

    # -- deliveries -> HTTP -----------------------------------------------------------------------------------
    async def _send_once(self) -> bool:
        claimed = await asyncio.to_thread(self._claim)
        if not claimed:
            return False
        groups = [
            list(g) for _, g in groupby(sorted(claimed, key=lambda c: (c.webhook_id, c.id)), lambda c: c.webhook_id)
        ]
        await asyncio.gather(*(self._send_group(group) for group in groups))
        return True

    def _claim(self) -> list[repo.Claimed]:
        now = datetime.now(UTC)
        with self.db.read() as conn:
            due = repo.next_due(conn)
        self._due_in = None if due is None else (due - now).total_seconds()
        if due is None or due > now:
            return []
        self._due_in = None
        with self.db.write() as conn:
            return repo.claim(conn, now=now, lease=LEASE, limit=BATCH)

    async def _send_group(self, group: list[repo.Claimed]) -> None:
        for delivery in group:  # one webhook's deliveries in event order
            await self.send(delivery)

    async def send(self, delivery: repo.Claimed) -> None:
        assert self._client is not None
        body = delivery.payload.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"Steelyard-Webhooks/{__version__}",
            "X-Steelyard-Event": delivery.event_type,
            "X-Steelyard-Event-Id": str(delivery.event_id),
            "X-Steelyard-Delivery": str(delivery.id),
            SIGNATURE_HEADER: signature_header(delivery.secret, body),
        }
        started = time.perf_counter()
        status_code: int | None = None
        error: str | None = None
        try:
            # The receiver's body is never read: only its status matters, and a body could be large or telling.
            async with self._client.stream("POST", delivery.url, content=body, headers=headers) as response:
                status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except TargetRefused as exc:
            error = REFUSED
            log.warning("webhooks: delivery %s to webhook %s refused: %s", delivery.id, delivery.webhook_id, exc)
        except httpx.HTTPError:
            error = NO_ANSWER
        elapsed_ms = int((time.perf_counter() - started) * 1000)
        metrics.WEBHOOK_DELIVERIES.labels("failed" if error else "ok").inc()
        retry_in = await asyncio.to_thread(self._record, delivery, status_code, error, elapsed_ms)
        if retry_in is not None:
            self._due_in = retry_in if self._due_in is None else min(self._due_in, retry_in)

    def _record(
        self, delivery: repo.Claimed, status_code: int | None, error: str | None, duration_ms: int
    ) -> float | None:
        """Log the attempt and decide what comes next; returns seconds until the retry, None when done."""
        now = datetime.now(UTC)
        outcome, next_at = repo.DELIVERED, None
        if error is not None:
            next_at = now + timedelta(seconds=backoff_delay(delivery.attempts + 1, base=self.base, cap=self.cap))
            outcome = repo.FAILED if next_at > delivery.created_at + self.window else repo.PENDING
            if outcome == repo.FAILED:
                next_at = None
                log.warning("webhooks: giving up delivery %s to %s: %s", delivery.id, delivery.url, error)
        with self.db.write() as conn:
            repo.record_attempt(
                conn,
                delivery,
                at=now,
                status_code=status_code,
                error=error,
                duration_ms=duration_ms,
                outcome=outcome,
                next_attempt_at=next_at,
            )
        return None if next_at is None else (next_at - now).total_seconds()


@asynccontextmanager
async def running_webhooks(bus: EventBus, settings: Settings, db: Database) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher(db, bus, settings)
    await dispatcher.start()
    try:
        yield dispatcher
    finally:
        await dispatcher.stop()
