"""Fan-out inside one process (pure asyncio): subscribers, their bounded queues, and the recent-events ring.

Everything here runs on the event loop thread, so it needs no locks. `publish` never waits: it appends the event
(whose frame was encoded once, when the process read it) to each matching subscriber's queue. A subscriber whose
queue is full loses what is queued and is marked for a `resync` at the id of the event that did not fit; the others
are not slowed at all.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable

from steelyard.events.wire import Event


class Subscriber:
    """One stream's filters and its bounded queue of events still to be written."""

    __slots__ = ("beat_due", "closed", "limit", "overflow_at", "queue", "quiet", "skus", "types", "wakeup")

    def __init__(self, *, skus: frozenset[str], types: frozenset[str], limit: int) -> None:
        self.skus = skus
        self.types = types
        self.limit = limit
        self.queue: deque[Event] = deque()
        self.overflow_at: int | None = None
        self.closed = False
        self.wakeup = asyncio.Event()
        self.quiet = False  # nothing written since the hub's last beat
        self.beat_due = False  # a whole beat period passed with nothing written: send a heartbeat

    def offer(self, event: Event) -> None:
        if self.types and event.type not in self.types:
            return
        if len(self.queue) >= self.limit:
            self.queue.clear()
            self.overflow_at = event.id
        else:
            self.queue.append(event)
        self.wakeup.set()

    def take(self) -> tuple[int | None, list[Event]]:
        """What is pending: the resync point if the queue overflowed, then the queued events (all newer)."""
        overflow, self.overflow_at = self.overflow_at, None
        events = list(self.queue)
        self.queue.clear()
        self.wakeup.clear()
        return overflow, events

    def wrote(self) -> None:
        """The stream sent something: no heartbeat is due until a whole period passes without one."""
        self.quiet = False
        self.beat_due = False

    def beat(self) -> None:
        """The hub's periodic tick: quiet since the last tick means quiet for a whole period, so wake for a
        heartbeat. One tick for all the process's streams costs less than a timer per stream and per wait."""
        if self.quiet:
            self.beat_due = True
            self.wakeup.set()
        self.quiet = True

    def close(self) -> None:
        self.closed = True
        self.wakeup.set()


class Hub:
    """Every subscriber of this process, indexed by SKU, and a ring of the latest events for cheap resumes."""

    def __init__(self, cursor: int, *, ring_size: int = 4096) -> None:
        self.cursor = cursor  # id of the newest event published (or the start point)
        self.ring: deque[Event] = deque()
        self.ring_size = ring_size
        self.ring_floor = cursor  # every event with id in (ring_floor, cursor] is in the ring
        self._everyone: set[Subscriber] = set()
        self._by_sku: dict[str, set[Subscriber]] = {}
        self.published = 0
        self.overflows = 0

    def reset(self, cursor: int) -> None:
        """Start over at `cursor` with an empty ring (the subscribers stay)."""
        self.cursor = self.ring_floor = cursor
        self.ring.clear()

    @property
    def subscribers(self) -> int:
        return len(self._every_subscriber())

    def _every_subscriber(self) -> set[Subscriber]:
        """Each subscriber once: the unfiltered ones and those filtered by SKU (listed under each of their SKUs)."""
        return self._everyone | {sub for group in self._by_sku.values() for sub in group}

    def subscribe(self, *, skus: Iterable[str] = (), types: Iterable[str] = (), limit: int = 1000) -> Subscriber:
        sub = Subscriber(skus=frozenset(skus), types=frozenset(types), limit=limit)
        if sub.skus:
            for sku in sub.skus:
                self._by_sku.setdefault(sku, set()).add(sub)
        else:
            self._everyone.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        sub.closed = True
        self._everyone.discard(sub)
        for sku in sub.skus:
            group = self._by_sku.get(sku)
            if group is not None:
                group.discard(sub)
                if not group:
                    del self._by_sku[sku]

    def publish(self, event: Event) -> None:
        if event.id <= self.cursor:
            return
        self.cursor = event.id
        self.published += 1
        self.ring.append(event)
        if len(self.ring) > self.ring_size:
            self.ring_floor = self.ring.popleft().id
        for sub in self._everyone:
            self._offer(sub, event)
        for sub in self._by_sku.get(event.sku, ()):
            self._offer(sub, event)

    def _offer(self, sub: Subscriber, event: Event) -> None:
        before = sub.overflow_at
        sub.offer(event)
        if sub.overflow_at is not None and sub.overflow_at != before:
            self.overflows += 1

    def recent(self, after: int, upto: int) -> list[Event] | None:
        """Events in (after, upto] from the ring, or None when the ring does not reach back that far."""
        if after < self.ring_floor:
            return None
        return [e for e in self.ring if after < e.id <= upto]

    def beat(self) -> None:
        """Tick every subscriber (see `Subscriber.beat`): called every heartbeat period by the bus."""
        for sub in self._every_subscriber():
            sub.beat()

    def close_all(self) -> None:
        for sub in self._every_subscriber():
            sub.close()
