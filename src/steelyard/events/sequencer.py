"""Delivering outbox rows in id order, exactly once, when ids can commit out of order (pure).

Event ids come from a sequence when the row is inserted, not when its transaction commits. On PostgreSQL two writers
can therefore commit out of order: id 11 may be visible while id 10 belongs to a transaction still open (it will
commit: deliver 10 then 11) or rolled back (10 will never exist: skip it). The tailer must not move past 10 until it
knows which.

It knows from the *emitters*: every transaction that writes an event first takes a shared advisory lock (no writer
waits for another), and the tailer can list the transactions holding it. The owner of a missing id took that lock
before its id was drawn, so before the higher id was committed and seen. Hence: record who held the lock after the
hole was seen (the witnesses); once none of them holds it any more, one more read settles the hole: the row is there
(deliver it in order) or it never will be (skip it).

On SQLite writers are serialised (BEGIN IMMEDIATE), ids are handed out in commit order and a rollback returns its id,
so a hole is never pending: the tailer passes `emitters=None` and holes are skipped at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class Sequencer:
    """Tracks the cursor (every id <= cursor is delivered or known never to exist) and the hole it waits on."""

    cursor: int
    hole: int | None = None  # first missing id we are waiting on
    horizon: int = 0  # highest id seen in the read before the witnesses were listed: holes below it are theirs
    witnesses: frozenset[str] | None = None  # emitters listed after the hole appeared; None: not listed yet
    settled: bool = field(default=False)  # the witnesses have all finished: the next read decides the holes

    @property
    def waiting(self) -> bool:
        return self.hole is not None

    def observe_emitters(self, emitters: Iterable[str] | None) -> None:
        """Call with the current emitters *before* each read while waiting; decides whether the read is final."""
        if self.hole is None:
            return
        current = None if emitters is None else frozenset(emitters)
        if current is None:
            self.settled = True
        elif self.witnesses is None:
            self.witnesses = current
            self.settled = not current
        else:
            self.settled = not (self.witnesses & current)

    def advance(self, ids: Sequence[int], *, serialised: bool = False) -> list[int]:
        """The ids (ascending, all > cursor) that may be delivered now, in order; moves the cursor past them.

        `serialised` says holes cannot be pending (SQLite); otherwise holes are skipped only once settled, and only
        those below the horizon (a hole above it may belong to a transaction the witnesses do not include).
        """
        deliver: list[int] = []
        expected = self.cursor + 1
        stopped = False
        for id_ in ids:
            if id_ < expected:
                continue
            if id_ > expected and not (serialised or (self.settled and id_ <= self.horizon)):
                stopped = True
                break
            deliver.append(id_)
            expected = id_ + 1
        self.cursor = expected - 1
        if not stopped:
            self.hole, self.witnesses, self.settled = None, None, False
        elif self.hole != expected or self.settled:
            # A new hole, or the old one still open after its witnesses left (only if a row above the horizon
            # was missing too): list witnesses afresh after this read.
            self.hole, self.witnesses, self.settled, self.horizon = expected, None, False, ids[-1]
        elif self.witnesses is None:
            self.horizon = ids[-1]
        return deliver
