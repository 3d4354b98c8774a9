"""The planner's tests depend on no clock but thread CPU time and CP-SAT's deterministic time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from steelyard.cutting import patterns


@pytest.fixture(autouse=True)
def no_wall_clock_cap() -> Iterator[None]:
    """Without CP-SAT's wall-clock backstop a search ends on its budget alone, so a busy machine (another suite,
    a benchmark) delays a plan but cannot change it: the same job, the same plan, on every run."""
    saved, patterns.WALL_CLOCK_FACTOR = patterns.WALL_CLOCK_FACTOR, None
    yield
    patterns.WALL_CLOCK_FACTOR = saved
