"""Exact one-dimensional plans for tight jobs: a cutting pattern model solved by OR-Tools CP-SAT (pure, no I/O).

When the lower bound leaves little slack (`bound x capacity - total`: for Falkenauer's triplets none at all,
every bar cut exactly full), the ways one bar can be cut within that slack are few, and the job becomes the
pattern formulation of Gilmore and Gomory (1961): how many bars to cut with each pattern so every length is
cut exactly as often as asked, with `bound` bars. CP-SAT decides that integer program in milliseconds where the
heuristics and the local search wander for seconds (figures in docs/cutting.md). A job whose patterns are too
many to list within `PATTERN_LIMIT` is left to the heuristics: it is not tight, and they do well on it.
"""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

PATTERN_LIMIT = 5_000
"""The most patterns listed; beyond, the model is not built (its size, not the solver, would be the cost)."""


def load_solver() -> ModuleType:
    """OR-Tools' CP-SAT, imported on first use (0.3 s, about 50 MB of resident memory): only a tight plan needs it,
    so a worker that never plans one never carries it (the first tight plan of each worker waits for the import)."""
    from ortools.sat.python import cp_model

    return cp_model


Pattern = list[tuple[int, int]]
"""One way to cut a bar: (index of a size, how many of it), only the sizes it uses."""


def _patterns(sizes: list[int], counts: list[int], capacity: int, slack: int, deadline: float) -> list[Pattern]:
    """Every way to cut one bar that leaves at most `slack`; [] when there are too many."""
    found: list[Pattern] = []
    take = [0] * len(sizes)
    stack: list[int] = []  # the sizes taken, in order (so a pattern is read off without scanning every size)
    nodes = 0
    overflow = False

    def dfs(i: int, room: int) -> None:
        nonlocal nodes, overflow
        if overflow:
            return
        nodes += 1
        if len(found) >= PATTERN_LIMIT or (nodes % 1024 == 0 and time.thread_time() > deadline):
            overflow = True
            return
        if room <= slack and room < capacity:  # an empty bar is no pattern: the bar count is at most `bars`
            found.append([(j, take[j]) for j in dict.fromkeys(stack)])
        for j in range(i, len(sizes)):
            if sizes[j] <= room and take[j] < counts[j]:
                take[j] += 1
                stack.append(j)
                dfs(j, room - sizes[j])
                stack.pop()
                take[j] -= 1

    dfs(0, capacity)
    return [] if overflow else found


WALL_CLOCK_FACTOR: float | None = 4.0
"""CP-SAT's wall-clock cap, as a multiple of its budget: a backstop for a pathologically slow run in a server. The
tests set None (tests/unit/cutting/conftest.py): on a starved machine the cap, not the budget, could end a search,
and the same job would then get another plan; the deterministic-time budget alone gives the same plan every run."""


def solve(
    sizes: list[int], counts: list[int], capacity: int, bars: int, *, listed_by: float, solved_by: float
) -> tuple[list[list[int]] | None, bool]:
    """A plan of at most `bars` bars (lengths per bar) or None, and whether none exists (proven by the model).

    `sizes` are distinct; `counts` how many parts of each. The patterns must be listed by `listed_by` (else the
    job is not tight enough for the model) and the model solved by `solved_by`.
    """
    slack = bars * capacity - sum(s * c for s, c in zip(sizes, counts, strict=True))
    if slack < 0:
        return None, True
    patterns = _patterns(sizes, counts, capacity, slack, listed_by)
    left = solved_by - time.thread_time()
    if not patterns or left <= 0.005:
        return None, False
    cp_model = load_solver()

    model = cp_model.CpModel()
    uses = [model.new_int_var(0, min(counts[i] // k for i, k in p), f"p{n}") for n, p in enumerate(patterns)]
    model.add(cp_model.LinearExpr.sum(uses) <= bars)
    terms: list[tuple[list[Any], list[int]]] = [([], []) for _ in sizes]
    for p, x in zip(patterns, uses, strict=True):
        for i, k in p:
            terms[i][0].append(x)
            terms[i][1].append(k)
    for (xs, ks), count in zip(terms, counts, strict=True):
        model.add(cp_model.LinearExpr.weighted_sum(xs, ks) == count)
    left = solved_by - time.thread_time()
    if left <= 0.005:
        return None, False
    solver = cp_model.CpSolver()
    # CP-SAT on one worker runs in this thread, and its deterministic time tracks this thread's CPU seconds on
    # x86-64 (0.49 for 0.50 s measured on a triplet job): the same budget as the rest of the planner, so a busy
    # machine delays a plan but does not change it. The wall-clock limit only stops a pathologically slow run.
    solver.parameters.max_deterministic_time = left
    if WALL_CLOCK_FACTOR is not None:
        solver.parameters.max_time_in_seconds = WALL_CLOCK_FACTOR * left + 0.1
    solver.parameters.num_workers = 1  # one core: a quote shares the machine; and the same job, the same plan
    # The full LP relaxation at every node: a pattern model's relaxation is tight (Gilmore-Gomory), and it led the
    # search to the triplets' exact plans several times faster than the default (figures in docs/cutting.md).
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status == cp_model.INFEASIBLE
    plan: list[list[int]] = []
    for p, x in zip(patterns, uses, strict=True):
        bar = [sizes[i] for i, k in p for _ in range(k)]
        plan.extend([list(bar) for _ in range(solver.value(x))])
    return plan, False
