"""Shared fixtures. Integration tests run against the database named by STEELYARD_TEST_DB:
`sqlite` (default, a fresh file per session) or a postgresql:// URL (its tables are dropped and rebuilt).
An unreachable PostgreSQL fails the run; it never skips."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from steelyard.db import is_sqlite, make_engine, normalise_url
from steelyard.schema import UNMANAGED, metadata

# Every server and app the tests start shares one session secret, as production processes must (a PostgreSQL URL or
# several workers refuse to start without it); test_security_pages.py checks that refusal with it unset.
os.environ.setdefault("STEELYARD_SESSION_SECRET", "tests-session-secret-0123456789abcdef")

# Hypothesis, like schemathesis (tests/fuzzing.py), runs two ways. `gate`, the default and what `make test` and CI
# use: derandomized (each property test draws the same examples on every run and every machine), no example database
# (nothing a previous run left behind changes the next), and no clock (no per-example deadline, no too-slow health
# check), so a loaded machine makes a run slower but never makes it fail. `explore` (`make fuzz-properties`, which
# passes pytest's --hypothesis-profile=explore): fresh random examples, 1,000 a test where it sets no number of its own
# (100 in `gate`), failures kept in .hypothesis/ and tried first on the next explore run.
settings.register_profile(
    "gate", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile("gate")


def _test_db() -> str:
    return os.environ.get("STEELYARD_TEST_DB", "sqlite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test session."""
    from steelyard.migrate import migrate

    target = _test_db()
    if target == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'steelyard-test.db'}"
    else:
        url = target
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        except Exception as exc:
            message = f"PostgreSQL at {url} cannot be reached ({exc}); start it, see README.md (Two commands)"
            pytest.fail(message, pytrace=False)
        finally:
            engine.dispose()
    migrate(url, "head")
    yield url


def clean(url: str) -> None:
    """Empty every table, keeping the schema."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    names = [t.name for t in reversed(metadata.sorted_tables)] + sorted(UNMANAGED)
    with engine.begin() as conn:
        if is_sqlite(url):
            for name in names:
                conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        # The base currency and the pricing version are reference data the migrations insert.
        conn.execute(text("INSERT INTO currencies (code, rate, minor_units) VALUES ('EUR', '1', 2)"))
        conn.execute(text("INSERT INTO reference_versions (name, version) VALUES ('pricing', 1)"))
    engine.dispose()


@pytest.fixture
def db_url(database_url: str) -> Iterator[str]:
    clean(database_url)
    yield database_url


@pytest.fixture
def backend(database_url: str) -> str:
    return "sqlite" if is_sqlite(database_url) else "postgresql"


def pg_url() -> str:
    return normalise_url(os.environ.get("STEELYARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))


ROOT = Path(__file__).resolve().parents[1]
