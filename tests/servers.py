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
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[1]

# What a load test sets: no per-client limits (its clients all come from 127.0.0.1), one session secret for every
# worker. Tests of the limits themselves turn them back on.
UNLIMITED = {
    "STEELYARD_RATE_LIMITS": "off",
    "STEELYARD_REQUESTS_PER_CLIENT": "0",
    "STEELYARD_EVENTS_STREAMS_PER_CLIENT": "0",
    "STEELYARD_CONNECTIONS_PER_CLIENT": "0",
    "STEELYARD_SESSION_SECRET": "tests-session-secret-0123456789abcdef",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(
    database_url: str,
    *,
    workers: int,
    env: dict[str, str],
    output: IO[bytes] | None = None,
    log_level: str = "warning",
    inherit_settings: bool = True,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `steelyard serve` on a free port in its own session; (process, base URL). Stop it with `stop`.

    `inherit_settings=False` drops every STEELYARD_ variable of this process's environment first, so the server
    sees only `env`."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if inherit_settings or not k.startswith("STEELYARD_")}
    environment.update({"STEELYARD_DATABASE_URL": database_url, **env})
    command = [sys.executable, "-m", "steelyard.cli", "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        [*command, "--log-level", log_level],
        cwd=ROOT,
        env=environment,
        stdout=output,
        stderr=output,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_ready(process: subprocess.Popen[bytes], base: str, timeout: float = 120.0) -> None:
    """Until `base`/readyz answers 200; RuntimeError if the process exits first or the time runs out (generous: two
    workers took 45 s to start at a load average of 16 on the 2-core test machine)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"steelyard serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"steelyard serve on {base} did not become ready in {timeout:.0f} s")
        time.sleep(0.1)


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
    settings = {
        "STEELYARD_DB_POOL_SIZE": "8",
        "STEELYARD_DB_MAX_OVERFLOW": "8",
        "STEELYARD_SESSION_SECRET": UNLIMITED["STEELYARD_SESSION_SECRET"],
        # Uploads (certificates) of a test server go to a folder of their own, never into the working tree.
        "STEELYARD_FILES_DIR": tempfile.mkdtemp(prefix="steelyard-files-"),
        **(env or {}),
    }
    process, base = start(database_url, workers=workers, env=settings, output=output, log_level=log_level)
    try:
        wait_ready(process, base)
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
