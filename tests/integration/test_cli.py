"""The `steelyard` command: tokens, migrations and the demo seed, run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from steelyard.access.service import resolve_token
from steelyard.access.tables import accounts
from steelyard.db import Database, make_engine
from steelyard.migrate import current_revision


def cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "steelyard.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "STEELYARD_DATABASE_URL": db_url},
        timeout=120,
    )


def test_token_create_prints_the_token_last_and_a_customer_gets_an_account(db_url: str) -> None:
    staff = cli(db_url, "token", "create", "--role", "staff", "--name", "Sam")
    assert staff.returncode == 0, staff.stderr
    customer = cli(db_url, "token", "create", "--role", "customer", "--name", "Acme GmbH")
    assert customer.returncode == 0, customer.stderr
    db = Database(make_engine(db_url, pool_size=1, max_overflow=0))
    with db.read() as conn:
        sam = resolve_token(conn, staff.stdout.strip().splitlines()[-1])
        acme = resolve_token(conn, customer.stdout.strip().splitlines()[-1])
        names = [r.name for r in conn.execute(select(accounts.c.name))]
    db.dispose()
    assert sam is not None and sam.role == "staff" and sam.account_id is None
    assert acme is not None and acme.role == "customer" and acme.account_id is not None
    assert names == ["Acme GmbH"]
    wrong = cli(db_url, "token", "create", "--role", "staff", "--name", "X", "--account", "1")
    assert wrong.returncode == 2 and "only for customer" in wrong.stderr
    missing = cli(db_url, "token", "create", "--role", "customer", "--name", "X", "--account", "999")
    assert missing.returncode == 2 and "999" in missing.stderr


def test_migrate_down_and_up_again(db_url: str) -> None:
    assert cli(db_url, "migrate", "--to", "20261124_0001").returncode == 0
    assert current_revision(db_url) == "20261124_0001"
    assert cli(db_url, "migrate").returncode == 0
    head = current_revision(db_url)
    assert head is not None and head > "20261124_0001"
    bad = cli(db_url, "migrate", "--to", "nonsense")
    assert bad.returncode == 2 and "unknown revision" in bad.stderr


def test_seed_if_empty_seeds_once(db_url: str) -> None:
    first = cli(db_url, "seed", "--demo", "--products", "150", "--if-empty")
    assert first.returncode == 0 and "seeded 150 products" in first.stdout
    second = cli(db_url, "seed", "--demo", "--if-empty")
    assert second.returncode == 0 and "not seeding" in second.stdout


def test_token_list_and_revoke_by_id_or_by_the_token_itself(db_url: str) -> None:
    made = cli(db_url, "token", "create", "--role", "staff", "--name", "Temp", "--expires-in-days", "1")
    assert made.returncode == 0, made.stderr
    info, token = made.stdout.strip().splitlines()[-2:]
    assert info.startswith("token ") and "expires" in info
    token_id = info.split()[1]
    other = cli(db_url, "token", "create", "--role", "admin", "--name", "Ops").stdout.strip().splitlines()[-1]
    listed = cli(db_url, "token", "list").stdout
    assert f"{token_id}\tstaff\tTemp\tlive, expires" in listed and token not in listed
    revoked = cli(db_url, "token", "revoke", token_id)
    assert revoked.returncode == 0 and f"revoked token {token_id} for Temp" in revoked.stdout
    assert cli(db_url, "token", "revoke", other).returncode == 0  # by the token itself, e.g. a leaked one
    db = Database(make_engine(db_url, pool_size=1, max_overflow=0))
    with db.read() as conn:
        assert resolve_token(conn, token) is None and resolve_token(conn, other) is None
    db.dispose()
    assert "revoked" in cli(db_url, "token", "list").stdout.splitlines()[0]
    unknown = cli(db_url, "token", "revoke", "sy_nonsense")
    assert unknown.returncode == 2 and "no such token" in unknown.stderr
