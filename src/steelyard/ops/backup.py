"""`steelyard backup FILE`: a consistent copy of a live database, while it serves.

SQLite: the library's online backup API (pages are copied under a read transaction, so writers may go on and the
copy is one consistent moment). PostgreSQL: `pg_dump --format=custom` (one snapshot; restore with pg_restore).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from steelyard.db import is_sqlite, normalise_url


class BackupError(Exception):
    pass


def backup(database_url: str, destination: Path) -> str:
    """Write a backup of `database_url` to `destination`; returns what was done, for the operator."""
    url = normalise_url(database_url)
    if destination.exists():
        raise BackupError(f"{destination} exists already; choose a new file so no backup is overwritten")
    if is_sqlite(url):
        source_path = make_url(url).database
        if not source_path or source_path == ":memory:":
            raise BackupError("an in-memory SQLite database has nothing on disk to back up")
        source_db = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        with closing(source_db) as source, closing(sqlite3.connect(destination)) as target:
            source.backup(target)
            target_ok = target.execute("PRAGMA integrity_check").fetchone()[0]
        if target_ok != "ok":
            raise BackupError(f"the copy failed its integrity check: {target_ok}")
        return f"SQLite online backup of {source_path} written to {destination}"
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not on PATH (Debian: apt-get install postgresql-client)")
    libpq_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--file", str(destination), libpq_url],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        destination.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    restore = f"pg_restore --no-owner -d <database> {destination}"
    return f"pg_dump (custom format) written to {destination}; restore with {restore}"
