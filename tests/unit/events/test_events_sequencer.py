"""Outbox rows are delivered in id order, exactly once, whatever order their transactions commit in."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from steelyard.events.sequencer import Sequencer


def test_in_order_rows_flow_straight_through() -> None:
    seq = Sequencer(0)
    assert seq.advance([1, 2, 3]) == [1, 2, 3]
    assert seq.cursor == 3
    assert not seq.waiting


def test_a_hole_waits_for_its_transaction_to_commit() -> None:
    seq = Sequencer(0)
    assert seq.advance([1, 3]) == [1]  # 2 belongs to a transaction that may still commit
    assert seq.waiting and seq.hole == 2
    seq.observe_emitters({"tx-2", "tx-9"})
    assert seq.advance([3]) == []
    seq.observe_emitters({"tx-2"})  # still open
    assert seq.advance([3]) == []
    assert seq.advance([2, 3]) == [2, 3]  # it committed: delivered in order
    assert seq.cursor == 3 and not seq.waiting


def test_a_hole_whose_transaction_rolled_back_is_skipped_once_its_witnesses_are_gone() -> None:
    seq = Sequencer(0)
    assert seq.advance([1, 3, 4]) == [1]
    seq.observe_emitters({"tx-2", "tx-7"})
    assert seq.advance([3, 4]) == []
    seq.observe_emitters({"tx-8"})  # new emitters cannot own id 2: it was drawn before 3 was committed
    assert seq.advance([3, 4]) == [3, 4]
    assert seq.cursor == 4 and not seq.waiting


def test_no_emitters_at_all_settles_a_hole_at_once() -> None:
    seq = Sequencer(5)
    assert seq.advance([7]) == []
    seq.observe_emitters(set())
    assert seq.advance([7]) == [7]


def test_serialised_writers_never_leave_a_pending_hole() -> None:
    seq = Sequencer(0)
    assert seq.advance([2, 5, 6], serialised=True) == [2, 5, 6]
    assert not seq.waiting


def test_rows_already_delivered_are_ignored() -> None:
    seq = Sequencer(3)
    assert seq.advance([2, 3, 4]) == [4]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=2, max_value=30), st.randoms(use_true_random=False))
def test_any_interleaving_delivers_every_committed_id_once_in_order(n: int, rnd: random.Random) -> None:
    """Simulate writers: each draws an id, then commits or rolls back in random order; the tailer reads in between."""
    open_tx: dict[int, str] = {}  # id -> transaction name
    committed: set[int] = set()
    rolled_back: set[int] = set()
    next_id = 1
    seq = Sequencer(0)
    delivered: list[int] = []
    while next_id <= n or open_tx:
        action = rnd.random()
        if next_id <= n and action < 0.4:
            open_tx[next_id] = f"tx-{next_id}"
            next_id += 1
        elif open_tx and action < 0.8:
            id_ = rnd.choice(sorted(open_tx))
            del open_tx[id_]
            (committed if rnd.random() < 0.8 else rolled_back).add(id_)
        else:
            if seq.waiting:
                seq.observe_emitters(set(open_tx.values()))
            visible = sorted(i for i in committed if i > seq.cursor)
            delivered += seq.advance(visible)
    seq.observe_emitters(set())  # everyone has finished: one more read settles every hole that is left
    delivered += seq.advance(sorted(i for i in committed if i > seq.cursor))
    if seq.waiting:  # the last hole was first seen in that read: its witnesses are listed now
        seq.observe_emitters(set())
        delivered += seq.advance(sorted(i for i in committed if i > seq.cursor))
    assert delivered == sorted(committed)
    assert not seq.waiting
