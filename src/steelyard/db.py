"""The engine factory, the shared table metadata and the unit of work.

SQLite runs in WAL mode with foreign keys on; write transactions start with BEGIN IMMEDIATE so that two
writers queue on the busy timeout instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    bindparam,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING_CONVENTION)

STOCK_SCALE = 6
"""Stock quantities are held as integers of 10^-6 of the stock unit (1 mg, 1 µm, 1 µL): exact on both databases."""
_SCALE = Decimal(10) ** STOCK_SCALE


class Micro(TypeDecorator[Decimal]):
    """A Decimal stored exactly as a BIGINT count of millionths, so SQL arithmetic and CHECKs stay exact."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Any) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * _SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {STOCK_SCALE} decimal places")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value).scaleb(-STOCK_SCALE)


def from_micro(value: int) -> Decimal:
    return Decimal(value).scaleb(-STOCK_SCALE)


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal kept as its exact text (SQLite has no exact NUMERIC); for values SQL never adds up."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and always read back timezone-aware (SQLite itself keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC) if dialect.name == "postgresql" else value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else utc(value)


def normalise_url(url: str) -> str:
    """postgresql:// and postgres:// mean psycopg 3; everything else is taken as written."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalise_url(url)).get_backend_name() == "sqlite"


def make_engine(
    url: str,
    *,
    pool_size: int = 20,
    max_overflow: int = 20,
    busy_timeout_ms: int = 30_000,
    statement_timeout_ms: int = 0,
) -> Engine:
    """`statement_timeout_ms` (PostgreSQL; 0: none) cancels any one statement that runs longer: the server's own
    bound on a query, which the app's engine sets (STEELYARD_DB_STATEMENT_TIMEOUT_MS) and migrations do not."""
    url = normalise_url(url)
    # hide_parameters: no statement's parameters (a webhook's secret, a session id) in a log line or an error message.
    if not is_sqlite(url):
        connect_args = {"options": f"-c statement_timeout={int(statement_timeout_ms)}"} if statement_timeout_ms else {}
        return create_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=True,
            hide_parameters=True,
            connect_args=connect_args,
        )
    engine = create_engine(
        url,
        hide_parameters=True,
        # As many connections as before at most, but all kept: an overflow connection is closed when returned,
        # and reopening one (file open plus four PRAGMAs) on nearly every request under load is pure waste.
        pool_size=pool_size + max_overflow,
        max_overflow=0,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN IMMEDIATE can be issued for writes.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


AfterCommit = Callable[[], None]


class Database:
    """Owns the engine; hands out read connections and write transactions (the unit of work)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        # SQLite has one writer at a time. Without this lock every thread of a process waiting to write polls the
        # file lock on the busy timeout, which is not first come, first served: under load some writers wait
        # seconds. With it, at most one thread per process contends for the file lock and the others queue on a
        # process-local lock that hands over at once. Re-entrant, so a nested write behaves as it did before.
        self._write_lock: threading.RLock | None = threading.RLock() if self.sqlite else None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction; commits when the block ends without error, then runs the after-commit hooks."""
        with self.engine.connect() as conn:
            if self.sqlite:
                conn.execution_options(sqlite_immediate=True)
            hooks: list[AfterCommit] = []
            conn.info["after_commit"] = hooks
            conn.info["database"] = self  # for after-commit work that needs a transaction of its own
            try:
                with self._write_lock or contextlib.nullcontext(), conn.begin():
                    yield conn
            finally:
                # The connection goes back to the pool: a later read() must not look like a write transaction.
                conn.info.pop("after_commit", None)
                conn.info.pop("database", None)
            for hook in hooks:
                hook()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def after_commit(conn: Connection, hook: AfterCommit) -> None:
    """Run `hook` once the current write transaction has committed (never if it rolls back)."""
    hooks: list[AfterCommit] | None = conn.info.get("after_commit")
    if hooks is None:
        raise RuntimeError("after_commit needs a connection from Database.write()")
    hooks.append(hook)


def database_of(conn: Connection) -> Database:
    """The Database whose `write()` gave `conn` (an after-commit hook opens its own transaction with it)."""
    db: Database | None = conn.info.get("database")
    if db is None:
        raise RuntimeError("database_of needs a connection from Database.write()")
    return db


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored moment is UTC, so say so."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class InLists:
    """A statement with `IN (...)` lists, built and compiled once for each length of its lists.

    Why not one statement with `bindparam(..., expanding=True)`: SQLAlchemy renders an expanding list into the SQL
    string anew at every execution (`_literal_execute_expanding_parameter`), which was 17.6 % of the CPU an estimate
    spent holding the GIL (bench/profiles/after/sqlite-estimate.txt). A statement whose list holds one plain bind
    parameter per value is compiled once, and later executions only bind values. Lists longer than `longest`, and
    new lengths once 256 are kept, use the expanding form.

    `build` takes one list of bind parameters per keyword of `columns` (typed as that column) and returns the
    statement: `InLists(lambda codes: select(t).where(t.c.code.in_(codes)), codes=t.c.code)`.
    """

    def __init__(self, build: Callable[..., Any], *, longest: int = 32, **columns: Any) -> None:
        self._build = build
        self._columns = columns
        self._longest = longest
        self._built: dict[tuple[int, ...], Any] = {}
        self._expanding = build(
            **{name: bindparam(name, expanding=True, type_=column.type) for name, column in columns.items()}
        )

    def __call__(self, **lists: Sequence[Any]) -> tuple[Any, dict[str, Any]]:
        """The statement for these lists' lengths, and its parameters."""
        lengths = tuple(len(lists[name]) for name in self._columns)
        if max(lengths, default=0) > self._longest or (lengths not in self._built and len(self._built) >= 256):
            return self._expanding, {name: list(values) for name, values in lists.items()}
        statement = self._built.get(lengths)
        if statement is None:  # a race builds it twice: both are the same statement
            statement = self._built[lengths] = self._build(
                **{
                    name: [bindparam(f"{name}_{i}", type_=column.type) for i in range(length)]
                    for (name, column), length in zip(self._columns.items(), lengths, strict=True)
                }
            )
        return statement, {f"{name}_{i}": value for name, values in lists.items() for i, value in enumerate(values)}
