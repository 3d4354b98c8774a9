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

PATTERN_LIMIT = 5_000
"""The most patterns listed; beyond, the model is not built (its size, not the solver, would be the cost)."""


def load_solver() -> ModuleType:
    """OR-Tools' CP-SAT, imported on first use (0.3 s, 50 MB): the API calls this at start-up so no quote waits."""
    from ortools.sat.python import cp_model

    return cp_model


def _patterns(sizes: list[int], counts: list[int], capacity: int, slack: int, deadline: float) -> list[list[int]]:
    """Every way to cut one bar (counts per size) that leaves at most `slack`; [] when there are too many."""
    found: list[list[int]] = []
    take = [0] * len(sizes)
    nodes = 0
    overflow = False

    def dfs(i: int, room: int) -> None:
        nonlocal nodes, overflow
        if overflow:
            return
        nodes += 1
        if len(found) >= PATTERN_LIMIT or (nodes % 1024 == 0 and time.perf_counter() > deadline):
            overflow = True
            return
        if room <= slack and room < capacity:  # an empty bar is no pattern: the bar count is at most `bars`
            found.append(take.copy())
        for j in range(i, len(sizes)):
            if sizes[j] <= room and take[j] < counts[j]:
                take[j] += 1
                dfs(j, room - sizes[j])
                take[j] -= 1

    dfs(0, capacity)
    return [] if overflow else found


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
    left = solved_by - time.perf_counter()
    if not patterns or left <= 0.005:
        return None, False
    cp_model = load_solver()

    model = cp_model.CpModel()
    uses = [
        model.new_int_var(0, min(counts[i] // k for i, k in enumerate(p) if k), f"p{n}") for n, p in enumerate(patterns)
    ]
    model.add(sum(uses) <= bars)
    for i, count in enumerate(counts):
        model.add(sum(p[i] * x for p, x in zip(patterns, uses, strict=True) if p[i]) == count)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = left
    solver.parameters.num_workers = 1  # one core: a quote shares the machine; and the same job, the same plan
    # The full LP relaxation at every node: a pattern model's relaxation is tight (Gilmore-Gomory), and it led the
    # search to the triplets' exact plans several times faster than the default (figures in docs/cutting.md).
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status == cp_model.INFEASIBLE
    plan: list[list[int]] = []
    for p, x in zip(patterns, uses, strict=True):
        bar = [sizes[i] for i, k in enumerate(p) for _ in range(k)]
        plan.extend([list(bar) for _ in range(solver.value(x))])
    return plan, False
