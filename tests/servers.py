"""Real `steelyard serve` processes for tests that need several workers or several servers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx

# What a load test sets: no per-client limits (its clients all come from 127.0.0.1), one session secret for every
# worker. Tests of the limits themselves turn them back on.
UNLIMITED = {
    "STEELYARD_RATE_LIMITS": "off",
    "STEELYARD_REQUESTS_PER_CLIENT": "0",
    "STEELYARD_EVENTS_STREAMS_PER_CLIENT": "0",
    "STEELYARD_SESSION_SECRET": "tests-session-secret-0123456789abcdef",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running_server(
    database_url: str,
    *,
    workers: int = 2,
    env: dict[str, str] | None = None,
    output: IO[bytes] | None = None,
    log_level: str = "warning",
) -> Iterator[tuple[str, int]]:
    """Start `steelyard serve` on a free port; yield (base URL, supervisor pid); stop it whatever happens.

    `output` receives the server's stdout and stderr (its JSON log lines) when given."""
    port = free_port()
    environment = {
        **os.environ,
        "STEELYARD_DATABASE_URL": database_url,
        "STEELYARD_DB_POOL_SIZE": "8",
        "STEELYARD_DB_MAX_OVERFLOW": "8",
        "STEELYARD_SESSION_SECRET": UNLIMITED["STEELYARD_SESSION_SECRET"],
        # Uploads (certificates) of a test server go to a folder of their own, never into the working tree.
        "STEELYARD_FILES_DIR": tempfile.mkdtemp(prefix="steelyard-files-"),
        **(env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "steelyard.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            log_level,
        ],
        env=environment,
        stdout=output,
        stderr=output,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"steelyard serve exited with {process.returncode}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("steelyard serve did not become ready in 30 s")
            time.sleep(0.1)
        yield base, process.pid
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a process started in its own session, and everything it started: SIGTERM, then SIGKILL after 15 s.

    The whole group is signalled even when its leader has exited, so no worker it left behind survives."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:  # the group is gone already
        process.wait()
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
