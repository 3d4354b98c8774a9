"""A small production layout on one machine: two Steelyard nodes, each in its own network namespace, behind nginx,
sharing one PostgreSQL and one Redis that this module starts for them (docs/deployment.md describes the real one).

    root namespace: nginx on 127.0.0.1:<port>, PostgreSQL and Redis on 10.213.1.1 and 10.213.2.1
    sy-node-a (10.213.1.2) <- veth -> 10.213.1.1        sy-node-b (10.213.2.2) <- veth -> 10.213.2.1

Every address is one of the test's own hosts on veth pairs it creates; nothing leaves the machine. Everything is
torn down on exit, also when the test fails, and stale namespaces of an interrupted run are removed first.
Needs root (ip netns), Debian's nginx and PostgreSQL 15 server binaries, and redis-server: a missing one fails the
test with the command that installs it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from servers import UNLIMITED, free_port, stop

PG_BIN = Path("/usr/lib/postgresql/15/bin")
NODES = {"a": ("sy-node-a", "10.213.1.1", "10.213.1.2"), "b": ("sy-node-b", "10.213.2.1", "10.213.2.2")}
NODE_PORT = 8000


@dataclass
class Node:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL the whole node (supervisor and workers), as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@dataclass
class Cluster:
    proxy_url: str  # nginx, as the buyers see the service
    database_url: str  # the shared PostgreSQL, reachable from this namespace
    nodes: dict[str, Node]
    folder: Path  # PostgreSQL's data, nginx's configuration and the nodes' logs: removed on exit
    redis_port: int


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


def _require() -> None:
    missing = []
    if os.geteuid() != 0:
        missing.append("root (for ip netns)")
    for tool, hint in (("nginx", "apt-get install nginx"), ("redis-server", "apt-get install redis-server")):
        if shutil.which(tool) is None:
            missing.append(f"{tool} ({hint})")
    if not (PG_BIN / "initdb").exists():
        missing.append("PostgreSQL 15 server binaries (apt-get install postgresql-15)")
    if missing:
        raise RuntimeError("the multi-node test needs " + ", ".join(missing))


def _remove_namespaces() -> None:
    for key, (ns, _, _) in NODES.items():
        # The host end first: deleting one end of a veth pair deletes both at once. Left to the namespace's deletion,
        # the kernel removes the pair later, and a check right after teardown still found `syb0` (a CI run).
        subprocess.run(["ip", "link", "del", f"sy{key}0"], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


@contextmanager
def _namespaces() -> Iterator[None]:
    _remove_namespaces()
    try:
        for key, (ns, host_ip, node_ip) in NODES.items():
            outside, inside = f"sy{key}0", f"sy{key}1"
            _run("ip", "netns", "add", ns)
            _run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
            _run("ip", "link", "set", inside, "netns", ns)
            _run("ip", "addr", "add", f"{host_ip}/30", "dev", outside)
            _run("ip", "link", "set", outside, "up")
            _run("ip", "netns", "exec", ns, "ip", "addr", "add", f"{node_ip}/30", "dev", inside)
            _run("ip", "netns", "exec", ns, "ip", "link", "set", inside, "up")
            _run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
        yield
    finally:
        _remove_namespaces()


@contextmanager
def _postgres(folder: Path) -> Iterator[str]:
    data, sockets = folder / "pg", folder / "pg-sockets"
    sockets.mkdir(parents=True)
    shutil.chown(folder, "postgres")
    shutil.chown(sockets, "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"]
    _run(*as_postgres, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write("host all all 10.213.0.0/16 trust\n")
    port = free_port()
    listen = ",".join(["127.0.0.1", *(host for _, host, _ in NODES.values())])
    options = f"-p {port} -c listen_addresses='{listen}' -c unix_socket_directories='{sockets}' -c fsync=off"
    _run(
        *as_postgres,
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(folder / "pg.log"),
        "-w",
        "start",
    )
    try:
        _run(*as_postgres, str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "steelyard")
        yield f"postgresql://postgres@{{host}}:{port}/steelyard"
    finally:
        subprocess.run(
            [*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )


@contextmanager
def _redis() -> Iterator[int]:
    port = free_port()
    binds = ["127.0.0.1", *(host for _, host, _ in NODES.values())]
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", *binds, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout == b"PONG\n")
        yield port
    finally:
        stop(process)


def _wait(ready: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not ready():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError("a cluster service did not start in time")
        time.sleep(0.1)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def _nginx(folder: Path) -> Iterator[str]:
    port = free_port()
    upstreams = "\n".join(
        f"    server {node_ip}:{NODE_PORT} max_fails=1 fail_timeout=10s;" for _, _, node_ip in NODES.values()
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  client_body_temp_path {folder}/nginx-body;
  proxy_temp_path {folder}/nginx-proxy;
  fastcgi_temp_path {folder}/nginx-fastcgi;
  uwsgi_temp_path {folder}/nginx-uwsgi;
  scgi_temp_path {folder}/nginx-scgi;
  upstream steelyard {{
{upstreams}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://steelyard;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Request-ID $request_id;
      proxy_buffering off;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }}
  }}
}}
"""
    )
    process = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(folder), "-g", "daemon off;"], start_new_session=True
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@contextmanager
def _node(key: str, database: str, redis_port: int, folder: Path) -> Iterator[Node]:
    ns, host_ip, node_ip = NODES[key]
    env = {
        **os.environ,
        "STEELYARD_DATABASE_URL": database.format(host=host_ip),
        "STEELYARD_EVENTS_URL": f"redis://{host_ip}:{redis_port}/0",
        # Every buyer reaches a node through nginx, so all of them are one client to it: no per-client limits.
        **UNLIMITED,
        # The buyers' rush reserves one product from 20 accounts, 10 quotes each: the per-account hold caps (tested
        # in test_stock_griefing.py) would refuse most of them; this test is about nodes, not caps.
        "STEELYARD_HOLD_LIMITS": "off",
        "STEELYARD_SESSION_SECRET": "multi-node-test-session-secret-0123456789",
        "STEELYARD_DB_POOL_SIZE": "10",
        "STEELYARD_DB_MAX_OVERFLOW": "10",
    }
    log = (folder / f"node-{key}.log").open("wb")
    command = [sys.executable, "-m", "steelyard.cli", "serve", "--host", node_ip, "--port", str(NODE_PORT)]
    process = subprocess.Popen(
        ["ip", "netns", "exec", ns, *command, "--workers", "2", "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    node = Node(key, f"http://{node_ip}:{NODE_PORT}", process)
    try:
        _wait(lambda: process.poll() is not None or _answers(f"{node.url}/readyz"), seconds=60)
        if process.poll() is not None:
            raise RuntimeError(f"node {key} exited: {(folder / f'node-{key}.log').read_text()[-2000:]}")
        yield node
    finally:
        stop(process)
        log.close()


@contextmanager
def cluster() -> Iterator[Cluster]:
    """Two nodes behind nginx on one migrated PostgreSQL and one Redis; everything stops on exit."""
    _require()
    from steelyard.migrate import migrate

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="steelyard-cluster-")))
        folder.chmod(0o755)
        stack.enter_context(_namespaces())
        database = stack.enter_context(_postgres(folder / "db"))
        migrate(database.format(host="127.0.0.1"), "head")
        redis_port = stack.enter_context(_redis())
        nodes = {key: stack.enter_context(_node(key, database, redis_port, folder)) for key in NODES}
        proxy = stack.enter_context(_nginx(folder))
        _wait(lambda: _answers(f"{proxy}/readyz"))
        yield Cluster(proxy, database.format(host="127.0.0.1"), nodes, folder, redis_port)
