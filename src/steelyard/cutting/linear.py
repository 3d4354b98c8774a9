"""One-dimensional cutting: pack integer lengths into stock lengths of one capacity (pure, no I/O).

The kerf is folded in by the caller: every part is `length + kerf` long and the stock `usable + kerf`, so the
last part on a bar may end flush with the bar's end without a cut after it.

The method (the figures behind the choice are in docs/cutting.md and docs/benchmarks.md):
1. Lower bound L2 of Martello and Toth (1990): the plan stops as soon as it meets it, proven optimal.
2. First-fit decreasing (FFD).
3. Above the bound, on up to 80 % of the budget: when the slack the bound leaves is small enough for
   the ways of cutting one bar to be listed, the pattern model of patterns.py, solved exactly by OR-Tools CP-SAT.
4. The minimum-bin-slack heuristic MBS' (Gupta and Ho 1999, with the largest part fixed in each bar as in Fleszar
   and Hindi 2002): every bar is filled with the subset of the remaining parts that leaves the least slack, found
   by a bounded depth-first search over the distinct lengths.
5. Then one depth-first bin completion (Korf 2002) for one bar fewer on a quarter of what is left
   (it settles most small jobs, or proves that one bar fewer is impossible), then the local search of
   search.py (a consistent neighbourhood search) until the bound is met or the budget is spent.
The best plan found is kept. Every step works on counts of distinct lengths, so 40 parts of one length cost
no more than one.
"""

from __future__ import annotations

import random
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence

from steelyard.cutting import patterns, search

Bins = list[list[int]]
"""A plan: one list of part lengths per stock piece."""

DEFAULT_BUDGET_S = 0.05
"""CPU-time budget (of the planning thread, `time.thread_time`) of the improvement phase: a busy machine delays a
plan but does not make it worse. The first plan is always complete whatever the budget."""
MAX_BUDGET_S = 2.0
"""The most a large job may take (a line of several hundred parts): the planner's quality setting (docs/cutting.md)."""


def budget_for(parts: int) -> float:
    """The improvement budget of a job: 50 ms plus 0.5 ms a part up to 50 parts (a quote line answers at once),
    then 4 ms a part more, up to `MAX_BUDGET_S` (about 500 parts)."""
    if parts <= 50:
        return DEFAULT_BUDGET_S + parts * 0.0005
    return min(MAX_BUDGET_S, DEFAULT_BUDGET_S + 0.025 + (parts - 50) * 0.004)


_NODE_LIMIT = 20_000
"""Depth-first nodes one bar's subset search may visit before it keeps the best fill found."""
NODE_BUDGET = 20_000
"""Nodes the bin-completion search may visit in all."""


def lower_bound(lengths: Sequence[int], capacity: int) -> int:
    """Martello and Toth's L2 bound: no plan can use fewer stock pieces than this."""
    if not lengths:
        return 0
    items = sorted(lengths)
    prefix = [0]
    for x in items:
        prefix.append(prefix[-1] + x)
    n = len(items)
    best = -(-prefix[-1] // capacity)  # L1: total length over capacity, rounded up
    half = capacity / 2
    alphas = {0} | {x for x in items if x <= half}
    for alpha in alphas:
        # J1: longer than capacity - alpha; J2: in (capacity/2, capacity - alpha]; J3: in [alpha, capacity/2]
        j1_start = bisect_right(items, capacity - alpha)
        j2_start = bisect_right(items, capacity // 2)
        j3_start = bisect_left(items, alpha)
        n1 = n - j1_start
        n2 = max(0, j1_start - j2_start)
        sum2 = prefix[j1_start] - prefix[j2_start] if n2 else 0
        sum3 = prefix[j2_start] - prefix[j3_start]
        spare = n2 * capacity - sum2
        extra = max(0, -(-(sum3 - spare) // capacity))
        best = max(best, n1 + n2 + extra)
    return best


def first_fit_decreasing(lengths: Sequence[int], capacity: int) -> Bins:
    bins: Bins = []
    room: list[int] = []
    for x in sorted(lengths, reverse=True):
        for i, r in enumerate(room):
            if x <= r:
                bins[i].append(x)
                room[i] -= x
                break
        else:
            bins.append([x])
            room.append(capacity - x)
    return bins


def best_subset(
    sizes: list[int], counts: list[int], cap: int, *, start: int = 0, enough: int = 0, limit: int = _NODE_LIMIT
) -> list[int]:
    """How many of each size (from `start`) to take so their sum is the largest not above `cap`.

    `sizes` are distinct and descending; stops early once the slack is at most `enough`, or after
    `limit` nodes with the best found so far.
    """
    m = len(sizes)
    take = [0] * m
    best_take = [0] * m
    if cap <= 0 or start >= m:
        return best_take
    suffix = [0] * (m + 1)  # what all remaining sizes could add: a bound that prunes hopeless branches
    for i in range(m - 1, -1, -1):
        suffix[i] = suffix[i + 1] + sizes[i] * counts[i]
    best = 0
    nodes = 0

    def dfs(i: int, room: int, filled: int) -> bool:
        nonlocal best, best_take, nodes
        if filled > best:
            best = filled
            best_take = take.copy()
            if cap - best <= enough:
                return True
        if i >= m or nodes >= limit or filled + min(room, suffix[i]) <= best:
            return False
        nodes += 1
        size = sizes[i]
        most = min(counts[i], room // size)
        for k in range(most, -1, -1):
            take[i] = k
            if dfs(i + 1, room - k * size, filled + k * size):
                take[i] = 0
                return True
        take[i] = 0
        return False

    dfs(start, cap, 0)
    return best_take


def _mbs(
    sizes: list[int], counts: list[int], capacity: int, allowance: int, skip: int, deadline: float = float("inf")
) -> Bins:
    """MBS': each bar takes the longest remaining part, then the subset of the rest leaving the least slack.

    With `allowance`, a fill within that much of the capacity is accepted at once; `skip` starts the
    subset search that many distinct lengths further down on every other bar (a sampling of the search).
    Past `deadline`, each bar's search is cut to a few hundred nodes.
    """
    left = counts.copy()
    bins: Bins = []
    bar = 0
    while True:
        first = next((i for i, c in enumerate(left) if c), None)
        if first is None:
            return bins
        limit = _NODE_LIMIT if time.thread_time() < deadline else 300
        left[first] -= 1
        room = capacity - sizes[first]
        start = first + (skip if bar % 2 else 0)
        take = best_subset(sizes, left, room, start=start, enough=allowance, limit=limit)
        if start > first and sum(t * s for t, s in zip(take, sizes, strict=True)) < room - allowance:
            take = best_subset(sizes, left, room, start=first, enough=allowance, limit=limit)
        parts = [sizes[first]]
        for i, t in enumerate(take):
            if t:
                left[i] -= t
                parts.extend([sizes[i]] * t)
        bins.append(parts)
        bar += 1


def _completions(
    sizes: list[int], left: list[int], room: int, lowest: int, limit: int, budget: list[int]
) -> list[tuple[int, list[int]]]:
    """Up to `limit` ways (fill, counts) to fill `room` to at least `lowest`, fullest first, each maximal.

    Maximal: no remaining part would still fit (a bar left with room for one more part is never better).
    `budget` is a one-element node counter shared by the whole search.
    """
    m = len(sizes)
    suffix = [0] * (m + 1)
    for i in range(m - 1, -1, -1):
        suffix[i] = suffix[i + 1] + sizes[i] * left[i]
    found: list[tuple[int, list[int]]] = []
    take = [0] * m
    ascending = [-x for x in sizes]

    def maximal(rest: int) -> bool:
        j = bisect_left(ascending, -rest)  # the first size that fits in `rest`
        return all(left[k] == take[k] for k in range(j, m))

    def dfs(i: int, rest: int) -> None:
        budget[0] -= 1
        filled = room - rest
        if filled >= lowest and maximal(rest):
            found.append((filled, take.copy()))
        j = max(i, bisect_left(ascending, -rest))
        while j < m and len(found) < limit * 4 and budget[0] > 0:
            if filled + min(rest, suffix[j]) < lowest:
                return
            if left[j] > take[j]:
                take[j] += 1
                dfs(j, rest - sizes[j])
                take[j] -= 1
            j += 1

    dfs(0, room)
    found.sort(key=lambda f: -f[0])
    return found[:limit]


def _complete(
    sizes: list[int],
    counts: list[int],
    capacity: int,
    bars: int,
    budget: list[int],
    rng: random.Random | None,
    deadline: float,
) -> Bins | None:
    """Bin completion (Korf 2002): fill `bars` stock pieces exactly enough, or None (or out of budget).

    Each bar takes the longest part left and one of the fullest maximal completions; the slack all bars may
    leave together is `bars x capacity - total`, so a wasteful completion is cut off early. With `rng`, the
    completions of each bar are tried in a shuffled order (a randomised restart of the search).
    """
    left = counts.copy()
    slack = bars * capacity - sum(s * c for s, c in zip(sizes, counts, strict=True))
    chosen: Bins = []

    def search(slack_left: int) -> bool:
        if budget[0] <= 0 or time.thread_time() > deadline:
            budget[0] = 0  # out of time: give up like out of nodes, keeping the best plan found so far
            return False
        first = next((i for i, c in enumerate(left) if c), None)
        if first is None:
            return True
        if len(chosen) >= bars:
            return False
        left[first] -= 1
        room = capacity - sizes[first]
        options = _completions(sizes, left, room, room - slack_left, 4, budget)
        if rng is not None and len(options) > 1:
            rng.shuffle(options)
        for filled, take in options:
            for i, t in enumerate(take):
                left[i] -= t
            chosen.append([sizes[first]] + [sizes[i] for i, t in enumerate(take) for _ in range(t)])
            if search(slack_left - (room - filled)):
                return True
            chosen.pop()
            for i, t in enumerate(take):
                left[i] += t
        left[first] += 1
        return False

    if slack < 0:
        return None
    return chosen if search(slack) else None


def pack(lengths: Sequence[int], capacity: int, *, budget_s: float = DEFAULT_BUDGET_S) -> Bins:
    """The fewest stock pieces of `capacity` found for `lengths` (each at most `capacity`)."""
    if not lengths:
        return []
    if max(lengths) > capacity:
        raise ValueError("a part is longer than the stock piece")
    bound = lower_bound(lengths, capacity)
    best = first_fit_decreasing(lengths, capacity)
    if len(best) <= bound:
        return best
    tally = Counter(lengths)
    sizes = sorted(tally, reverse=True)
    counts = [tally[s] for s in sizes]
    patterns.load_solver()  # its one-time import (0.3 s, on the first tight job of a process) is not the job's time
    started = time.thread_time()
    deadline = started + budget_s
    # A tight job (little slack at the bound) is decided exactly by the pattern model, for each bar count in turn;
    # listing the patterns of a job that is not tight stops early (too many), leaving the time to the heuristics.
    for bars in range(bound, len(best)):
        exact, impossible = patterns.solve(
            sizes, counts, capacity, bars, listed_by=started + budget_s / 4, solved_by=started + budget_s * 0.8
        )
        if exact is not None:
            return exact
        if not impossible:
            break
        bound = bars + 1  # proven: no plan with `bars` bars; the bound rises (and may meet the plan in hand)
    if len(best) <= bound:
        return best
    now = time.thread_time()
    candidate = _mbs(sizes, counts, capacity, 0, 0, now + max(0.0, deadline - now) * 0.8)
    if len(candidate) < len(best):
        best = candidate
    if len(best) <= bound:
        return best
    # One depth-first bin completion for one bar fewer, on a quarter of what is left: it settles the easy jobs.
    budget = [NODE_BUDGET]
    now = time.thread_time()
    found = _complete(sizes, counts, capacity, len(best) - 1, budget, None, now + max(0.0, deadline - now) / 4)
    if found is not None:
        best = found
    elif budget[0] > 0:
        return best  # the search ran out of options, not of time: one bar fewer is impossible
    rng = random.Random(len(lengths))  # seeded: the same job always gets the same plan
    return search.improve(best, capacity, bound, deadline, rng)
