"""Plan quality against references nobody here wrote: instances built by Falkenauer's published rules.

E. Falkenauer, "A hybrid grouping genetic algorithm for bin packing", J. Heuristics 2:5-30 (1996):
- *triplets*: bars of 1000; each bar is filled exactly by three parts: the first uniform in [380, 490], the
  second uniform in [250, (1000 - first) / 2], the third what is left (so every part is over 250 and at most
  three share a bar). The optimum is n / 3 bars by construction, and only a plan with every bar cut exactly
  full reaches it: first-fit decreasing and the textbook heuristics miss it (BPPLIB's Falkenauer T set).
- *uniform*: bars of 150, parts uniform in [20, 100]; the reference is Martello and Toth's bound L2 (1990),
  which the published optima of this class meet or exceed by one (BPPLIB's Falkenauer U set): no plan may be
  more than one bar above it (the issue's goal).
The budgets are generous (quality, not speed, is tested here; speed is measured by `make bench-cutting`).
"""

from __future__ import annotations

import random

import pytest

from steelyard.cutting.linear import first_fit_decreasing, lower_bound, pack


def triplets(n_bars: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    parts = []
    for _ in range(n_bars):
        first = rng.randint(380, 490)
        second = rng.randint(250, (1000 - first) // 2)
        parts += [first, second, 1000 - first - second]
    rng.shuffle(parts)
    return parts


def _valid(bins: list[list[int]], parts: list[int], capacity: int) -> bool:
    return sorted(x for b in bins for x in b) == sorted(parts) and all(sum(b) <= capacity for b in bins)


@pytest.mark.parametrize(("n_bars", "seed"), [(20, 1), (20, 2), (40, 3), (40, 4), (83, 5)])
def test_triplets_are_cut_into_the_optimum_of_n_over_3_bars(n_bars: int, seed: int) -> None:
    parts = triplets(n_bars, seed)
    assert all(250 <= x <= 500 for x in parts) and sum(parts) == 1000 * n_bars
    bins = pack(parts, 1000, budget_s=10.0)
    assert _valid(bins, parts, 1000)
    assert len(bins) == n_bars, f"{len(bins)} bars for a job cut exactly into {n_bars}"
    assert len(first_fit_decreasing(parts, 1000)) > n_bars  # the reference is not a trivial one


def test_uniform_jobs_are_never_more_than_one_bar_above_the_bound() -> None:
    for seed in range(6):
        rng = random.Random(100 + seed)
        parts = [rng.randint(20, 100) for _ in range(120)]
        bins = pack(parts, 150, budget_s=5.0)
        assert _valid(bins, parts, 150)
        bound = lower_bound(parts, 150)
        assert bound <= len(bins) <= bound + 1, f"seed {seed}: {len(bins)} bars, bound {bound}"
        assert len(bins) <= len(first_fit_decreasing(parts, 150))
