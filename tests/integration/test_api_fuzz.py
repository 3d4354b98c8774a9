"""schemathesis, the release's own CLI with every check and every phase, against a real server holding the demo
catalogue on the test database, with a staff token: no answer may be a 500, and every answer must match the
status codes, media types, headers and schemas the OpenAPI document declares; schema-violating requests must be
refused, schema-valid ones accepted (see schemathesis.toml for the 422s a schema cannot foresee).

Deterministic (`--generation-deterministic`, one worker, the same demo seed), so CI gives the same answer twice.
`make fuzz` runs the same thing for minutes with random generation, to find new cases outside CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fuzzing import prepare, schemathesis
from servers import running_server

EXAMPLES = 20  # per operation and phase; about a minute on SQLite


@pytest.mark.slow
def test_schemathesis_finds_nothing(db_url: str, tmp_path: Path) -> None:
    token = prepare(db_url, products=300)
    with running_server(db_url, workers=1) as (base, _):
        done = schemathesis(base, token, seed=None, deterministic=True, max_examples=EXAMPLES, report_dir=tmp_path)
    assert "Selected: " in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-2000:]
