"""Fan-out: filters, bounded queues that overflow into a resync without touching other subscribers, the ring."""

from __future__ import annotations

from datetime import UTC, datetime

from steelyard.events.hub import Hub
from steelyard.events.wire import Event


def ev(id_: int, sku: str = "A", type_: str = "stock.changed") -> Event:
    return Event(id=id_, type=type_, sku=sku, data="{}", created_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_filters_by_sku_and_type() -> None:
    hub = Hub(0)
    everything = hub.subscribe()
    only_b = hub.subscribe(skus=["B"])
    b_prices = hub.subscribe(skus=["B", "C"], types=["price.changed"])
    for event in (ev(1, "A"), ev(2, "B"), ev(3, "B", "price.changed"), ev(4, "C", "price.changed")):
        hub.publish(event)
    assert [e.id for e in everything.take()[1]] == [1, 2, 3, 4]
    assert [e.id for e in only_b.take()[1]] == [2, 3]
    assert [e.id for e in b_prices.take()[1]] == [3, 4]
    assert hub.subscribers == 3


def test_a_full_queue_drops_its_backlog_and_marks_a_resync_while_others_get_everything() -> None:
    hub = Hub(0)
    slow = hub.subscribe(limit=3)
    fast = hub.subscribe(limit=100)
    for i in range(1, 6):
        hub.publish(ev(i))
    overflow, pending = slow.take()
    assert overflow == 4  # the event that did not fit: reload, then carry on after it
    assert [e.id for e in pending] == [5]
    assert [e.id for e in fast.take()[1]] == [1, 2, 3, 4, 5]
    assert hub.overflows == 1
    assert slow.take() == (None, [])


def test_publish_ignores_what_it_has_seen() -> None:
    hub = Hub(10)
    sub = hub.subscribe()
    hub.publish(ev(10))
    hub.publish(ev(11))
    hub.publish(ev(11))
    assert [e.id for e in sub.take()[1]] == [11]
    assert hub.cursor == 11


def test_ring_answers_recent_replays_and_knows_how_far_back_it_reaches() -> None:
    hub = Hub(100, ring_size=3)
    for i in (101, 102, 104, 105):
        hub.publish(ev(i))
    assert hub.ring_floor == 101
    recent = hub.recent(101, 105)
    assert recent is not None and [e.id for e in recent] == [102, 104, 105]
    assert hub.recent(100, 105) is None  # 101 has left the ring
    assert hub.recent(105, 105) == []


def test_unsubscribe_and_close() -> None:
    hub = Hub(0)
    a = hub.subscribe(skus=["A"])
    b = hub.subscribe()
    hub.unsubscribe(a)
    hub.publish(ev(1))
    assert a.take() == (None, [])
    hub.close_all()
    assert b.closed and b.wakeup.is_set()
    assert hub.subscribers == 1


def test_a_heartbeat_is_due_only_after_a_whole_quiet_period() -> None:
    """One tick of the hub per period: a stream that wrote nothing between two ticks is woken for a heartbeat;
    one that wrote (an event or a heartbeat) since the last tick is left alone, filtered streams included."""
    hub = Hub(0)
    idle, busy, by_sku = hub.subscribe(), hub.subscribe(), hub.subscribe(skus=["A", "B"])
    hub.beat()  # the first tick starts the period: nobody has been quiet for a whole one yet
    assert not any(s.beat_due or s.wakeup.is_set() for s in (idle, busy, by_sku))
    busy.wrote()
    hub.beat()
    assert idle.beat_due and idle.wakeup.is_set() and by_sku.beat_due
    assert not busy.beat_due and not busy.wakeup.is_set()
    idle.take()
    idle.wrote()  # the heartbeat went out: the next one is a whole period away again
    hub.beat()
    assert not idle.beat_due and busy.beat_due


def test_an_event_frame_is_encoded_once_and_shared() -> None:
    event = ev(7, "A")
    assert event.frame() == b"id: 7\nevent: stock.changed\ndata: {}\n\n"
    assert event.frame() is event.frame()
    assert event == ev(7, "A")  # the cached bytes take no part in equality
