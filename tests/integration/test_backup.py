"""`steelyard backup` of a live database, restored and read back (SQLite online backup; pg_dump and pg_restore)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from stock_helpers import move

from conftest import sheet_body
from steelyard.app import create_app
from steelyard.config import Settings
from steelyard.db import is_sqlite, make_engine, normalise_url


def _backup(db_url: str, destination: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STEELYARD_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "steelyard.cli", "backup", str(destination)], env=env, capture_output=True, text=True
    )


def _reads_back(url: str, sku: str) -> None:
    with TestClient(create_app(Settings(database_url=url))) as restored:
        assert restored.get(f"/api/v1/products/{sku}").json()["name"] == sheet_body()["name"]
        stock = restored.get(f"/api/v1/products/{sku}/stock").json()
        assert stock["total"]["on_hand"] == "250"


def test_backup_of_a_live_database_restores_and_reads(
    client: TestClient, staff: dict[str, str], warehouses: list[str], db_url: str, tmp_path: Path
) -> None:
    sku = client.post("/api/v1/products", json=sheet_body(), headers=staff).json()["sku"]
    move(client, staff, sku, "DUI", "receipt", "250", "kg")
    archive = tmp_path / "steelyard.backup"
    done = _backup(db_url, archive)  # the app (client) is still open: a backup of a serving database
    assert done.returncode == 0, done.stderr
    assert archive.stat().st_size > 0
    if is_sqlite(db_url):
        _reads_back(f"sqlite:///{archive}", sku)
        return
    restored_name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = make_engine(db_url, pool_size=1, max_overflow=0).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{restored_name}"'))
    restored = make_url(normalise_url(db_url)).set(database=restored_name)
    try:
        libpq = restored.set(drivername="postgresql").render_as_string(hide_password=False)
        done = subprocess.run(["pg_restore", "--no-owner", "-d", libpq, str(archive)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        _reads_back(restored.render_as_string(hide_password=False), sku)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{restored_name}" WITH (FORCE)'))
        admin.dispose()


def test_backup_refuses_to_overwrite(db_url: str, tmp_path: Path) -> None:
    existing = tmp_path / "kept.backup"
    existing.write_text("an older backup")
    done = _backup(db_url, existing)
    assert done.returncode == 2 and "exists already" in done.stderr
    assert existing.read_text() == "an older backup"
