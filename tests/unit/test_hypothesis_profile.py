"""`make test` runs the property tests on the `gate` profile (tests/conftest.py): the same examples on every run and
no clock, so a property test can only fail on a real counterexample, never on the draw or on a loaded machine."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.fixture
def gate(request: pytest.FixtureRequest) -> None:
    if (request.config.getoption("hypothesis_profile") or "gate") != "gate":
        pytest.skip("make fuzz-properties explores fresh random examples on purpose")


@pytest.mark.usefixtures("gate")
def test_each_run_draws_the_same_examples() -> None:
    drawn: list[tuple[int, str]] = []

    @given(st.integers(), st.text(max_size=12))
    def draw(number: int, word: str) -> None:
        drawn.append((number, word))

    draw()
    first = list(drawn)
    drawn.clear()
    draw()
    assert len(first) > 10
    assert drawn == first  # random generation would draw other examples the second time


@pytest.mark.usefixtures("gate")
def test_no_clock_decides_a_property_test() -> None:
    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check
    assert settings.default.database is None  # nothing an earlier run stored changes this one
