"""Server processes under test: start one (timing its cold start), sample its memory, stop it."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

MB = 1024 * 1024
# A benchmark's clients all come from 127.0.0.1: it lifts the per-client limits (docs/security.md), and gives every
# worker one session secret (several workers, or PostgreSQL, refuse to start without one).
LOAD_TEST_ENV = {
    "STEELYARD_RATE_LIMITS": "off",
    "STEELYARD_REQUESTS_PER_CLIENT": "0",
    "STEELYARD_EVENTS_STREAMS_PER_CLIENT": "0",
    "STEELYARD_CONNECTIONS_PER_CLIENT": "0",
    "STEELYARD_SESSION_SECRET": "benchmark-session-secret-0123456789",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _status(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


@dataclass
class Server:
    """A server process group that this harness started (and so may stop)."""

    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    cold_start_s: float = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, grace_s: float = 10.0) -> None:
        if self.proc.poll() is not None:
            return
        # The server runs in its own session (start_new_session), so its group id is its pid: stop the master and
        # the workers it spawned, and nothing else.
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)

    def log_tail(self, chars: int = 800) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def start(
    name: str,
    cmd: list[str],
    *,
    port: int,
    env: dict[str, str],
    cwd: Path,
    ready_path: str = "/readyz",
    timeout_s: float = 60.0,
) -> Server:
    """Spawn `cmd` and wait for the first 200 on `ready_path`; the time from spawn to that answer is the cold start."""
    log = cwd / f"{name}.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(name=name, proc=proc, port=port, log=log)
    deadline = started + timeout_s
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode} before it was ready: {server.log_tail()}")
        if _status(port, ready_path) == 200:
            server.cold_start_s = time.perf_counter() - started
            return server
        time.sleep(0.01)
    server.stop()
    raise RuntimeError(f"{name} was not ready on {ready_path} within {timeout_s:.0f} s: {server.log_tail()}")


@dataclass
class RssPeak:
    worker_mb: float
    total_mb: float
    workers: int


@dataclass
class RssSampler:
    """Samples the resident memory of a process tree in a background thread: the peak of any one worker process
    and the peak of the whole tree's sum (the master, the workers and helpers; shared pages count in each)."""

    root_pid: int
    interval_s: float = 0.1
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _kinds: dict[int, bool] = field(default_factory=dict)
    worker_peak: int = 0
    total_peak: int = 0
    worker_count: int = 0

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.sample()

    @property
    def peak(self) -> RssPeak:
        return RssPeak(worker_mb=self.worker_peak / MB, total_mb=self.total_peak / MB, workers=self.worker_count)

    def _is_worker(self, proc: psutil.Process) -> bool:
        kind = self._kinds.get(proc.pid)
        if kind is None:
            try:
                kind = any("spawn_main" in part for part in proc.cmdline())
            except psutil.Error:
                kind = False
            self._kinds[proc.pid] = kind
        return kind

    def sample(self) -> None:
        try:
            root = psutil.Process(self.root_pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        total = 0
        worker_rss: list[int] = []
        root_rss = 0
        for proc in tree:
            try:
                rss = int(proc.memory_info().rss)
            except psutil.Error:
                continue
            total += rss
            if proc.pid == self.root_pid:
                root_rss = rss
            elif self._is_worker(proc):
                worker_rss.append(rss)
        if not worker_rss:  # one worker: uvicorn serves in the master process itself
            worker_rss = [root_rss]
        self.total_peak = max(self.total_peak, total)
        self.worker_peak = max(self.worker_peak, *worker_rss)
        self.worker_count = max(self.worker_count, len(worker_rss))

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)
