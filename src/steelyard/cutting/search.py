"""One stock piece fewer by local search: the improvement phase of the one-dimensional planner (pure, no I/O).

After the constructive heuristics (linear.py), a plan of `m` bars is improved toward `m - 1` as the consistent
neighbourhood search of Buljubašić and Vasquez (Computers & OR 2016) does: the two emptiest bars are emptied
into a set of loose parts, and the search moves parts between the set and the other bars until the loose parts
fit in one bar (then that bar is added: a plan of `m - 1` bars, and the search starts again one bar lower).
The moves:
- *fill a bar*: the subset of (a bar's parts plus the loose parts) that fills the bar the most (an exact search
  over at most ~20 parts); it is taken when the bar ends fuller, so the loose set gets lighter;
- *swap*: one or two of a bar's parts for one or two loose parts, the heaviest that still fit; when no swap
  lightens the set, the best one that does not (a sideways or worsening move) is made, and the parts it puts
  back into the set may not go into a bar again for a few moves (tabu), so the search does not undo it;
- *kick*: when no move is allowed at all, a random part of a random bar goes back to the set.
Everything is seeded by the caller, so the same job always gets the same plan.
"""

from __future__ import annotations

import random
import time
from bisect import bisect_right
from itertools import combinations

Bins = list[list[int]]

_FILL_NODES = 2000
"""Depth-first nodes one fill-a-bar search may visit."""


def _fullest(pool: list[int], capacity: int) -> tuple[int, list[int]]:
    """The largest sum of a subset of `pool` not above `capacity`, and the indices of that subset."""
    order = sorted(range(len(pool)), key=lambda i: -pool[i])
    suffix = [0] * (len(order) + 1)
    for k in range(len(order) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + pool[order[k]]
    best = 0
    best_set: list[int] = []
    chosen: list[int] = []
    nodes = 0

    def dfs(k: int, filled: int) -> None:
        nonlocal best, best_set, nodes
        if filled > best:
            best, best_set = filled, chosen.copy()
        if k >= len(order) or nodes >= _FILL_NODES or best == capacity or filled + suffix[k] <= best:
            return
        nodes += 1
        size = pool[order[k]]
        if filled + size <= capacity:
            chosen.append(order[k])
            dfs(k + 1, filled + size)
            chosen.pop()
        nxt = k + 1
        while nxt < len(order) and pool[order[nxt]] == size:  # leaving out one of equal parts: leave all out
            nxt += 1
        dfs(nxt, filled)

    dfs(0, 0)
    return best, best_set


def _groups(items: list[int]) -> list[tuple[int, tuple[int, ...]]]:
    """(sum, indices) of every subset of one or two of `items`."""
    out: list[tuple[int, tuple[int, ...]]] = [(x, (i,)) for i, x in enumerate(items)]
    out += [(items[i] + items[j], (i, j)) for i, j in combinations(range(len(items)), 2)]
    return out


class _Search:
    def __init__(self, bins: Bins, capacity: int, rng: random.Random) -> None:
        order = sorted(range(len(bins)), key=lambda i: sum(bins[i]))
        self.loose = [x for i in order[:2] for x in bins[i]]
        self.bars = [list(bins[i]) for i in order[2:]]
        self.fill = [sum(b) for b in self.bars]
        self.capacity = capacity
        self.rng = rng
        self.tabu: dict[int, int] = {}  # part length -> move number until which it stays loose
        self.moves = 0

    def done(self) -> Bins | None:
        return [*self.bars, self.loose] if sum(self.loose) <= self.capacity else None

    def fill_a_bar(self) -> bool:
        for b in self.rng.sample(range(len(self.bars)), len(self.bars)):
            pool = self.bars[b] + self.loose
            filled, chosen = _fullest(pool, self.capacity)
            if filled > self.fill[b]:
                taken = set(chosen)
                self.bars[b] = [pool[i] for i in chosen]
                self.loose = [x for i, x in enumerate(pool) if i not in taken]
                self.fill[b] = filled
                return True
        return False

    def swap(self) -> bool:
        """The best swap of up to two parts each way; False when none is allowed."""
        loose = sorted(_groups(self.loose))
        sums = [s for s, _ in loose]
        best: tuple[tuple[int, int, float], int, tuple[int, ...], tuple[int, ...]] | None = None
        for b, bar in enumerate(self.bars):
            room = self.capacity - self.fill[b]
            for out_sum, out in [(0, ()), *_groups(bar)]:
                j = bisect_right(sums, out_sum + room) - 1
                for _ in range(6):  # the heaviest few that fit; skip tabu ones and no-change swaps
                    if j < 0:
                        break
                    in_sum, into = loose[j]
                    gain = in_sum - out_sum
                    if best is not None and gain < best[0][0]:
                        break
                    same = sorted(bar[i] for i in out) == sorted(self.loose[i] for i in into)
                    allowed = gain > 0 or all(self.tabu.get(self.loose[i], 0) < self.moves for i in into)
                    if not same and allowed:
                        key = (gain, -len(into), self.rng.random())
                        if best is None or key > best[0]:
                            best = (key, b, out, into)
                        break
                    j -= 1
        if best is None:
            return False
        (gain, _, _), b, out, into = best
        bar = self.bars[b]
        leaving = [bar[i] for i in out]
        entering = [self.loose[i] for i in into]
        self.bars[b] = [x for i, x in enumerate(bar) if i not in out] + entering
        self.loose = [x for i, x in enumerate(self.loose) if i not in into] + leaving
        self.fill[b] += gain
        if gain <= 0:
            for x in leaving:
                self.tabu[x] = self.moves + self.rng.randint(3, 10)
        return True

    def kick(self) -> None:
        b = self.rng.randrange(len(self.bars))
        if self.bars[b]:
            x = self.bars[b].pop(self.rng.randrange(len(self.bars[b])))
            self.loose.append(x)
            self.fill[b] -= x
            self.tabu[x] = self.moves + self.rng.randint(3, 10)


def one_fewer(bins: Bins, capacity: int, deadline: float, rng: random.Random) -> Bins | None:
    """A plan with one bar fewer than `bins` (at least 3 bars), or None when the deadline comes first."""
    search = _Search(bins, capacity, rng)
    while time.thread_time() < deadline:
        found = search.done()
        if found is not None:
            return found
        search.moves += 1
        if search.moves % 2 == 0 and search.fill_a_bar():
            continue
        if not search.swap():
            search.kick()
    return None


def improve(bins: Bins, capacity: int, bound: int, deadline: float, rng: random.Random) -> Bins:
    """The best plan the search finds before `deadline`, stopping at `bound` (a lower bound)."""
    best = bins
    while len(best) > max(bound, 2) and time.thread_time() < deadline:
        found = one_fewer(best, capacity, deadline, rng)
        if found is None:
            break
        best = [b for b in found if b]
    return best
