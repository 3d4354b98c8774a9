"""Two nodes in their own network namespaces behind nginx, on one PostgreSQL and one Redis (tests/cluster.py).

It starts its own PostgreSQL and Redis (the nodes cannot reach the machine's loopback-only ones), so it runs once,
in the PostgreSQL pass of `make test`; without root, nginx or the PostgreSQL binaries it fails, it does not skip.
"""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any

import httpx
import psutil
import pytest
from test_concurrency import CLIENTS, _check, _prepare, _rush, _stock_the_plate
from test_events_support import SseClient, reprice, set_up_catalogue

from cluster import cluster
from steelyard.ops.metrics import sample

pytestmark = pytest.mark.slow


@pytest.fixture
def postgres_pass(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("runs once, in the PostgreSQL pass (it starts its own PostgreSQL and Redis for the nodes)")


def _accepts_served(node_url: str, staff: dict[str, str]) -> float:
    text = httpx.get(f"{node_url}/metrics", headers=staff, timeout=10).content
    labels = {"route": "/api/v1/quotes/{quote_id}/accept", "method": "POST"}
    return sum(
        sample("steelyard_http_requests_total", {**labels, "status": status}, text) or 0.0 for status in ("201", "409")
    )


@pytest.mark.usefixtures("postgres_pass")
def test_events_cross_nodes_and_200_buyers_over_both_get_exactly_the_stock() -> None:
    with cluster() as c:
        a, b = c.nodes["a"], c.nodes["b"]
        db, staff, customers = _prepare(c.database_url)
        _stock_the_plate(c.proxy_url, staff)
        # An event committed on node A reaches an SSE client of node B (through the shared Redis). A price change,
        # so that the stock the buyers race for below stays the only stock there is.
        set_up_catalogue(a.url, staff, ["MN-1"])
        stream = SseClient(b.url, "sku=MN-1")
        try:
            assert stream.ready()["data"]["backend"] == "redis"
            reprice(a.url, staff, "MN-1", "7.15")
            frame = stream.until(lambda f: f["event"] == "price.changed")[-1]
            assert frame["data"]["sku"] == "MN-1" and "7.15" in str(frame["data"])
        finally:
            stream.close()
        # 200 buyers through nginx, which spreads them over both nodes: exactly the 50 plates that exist are sold.
        results = asyncio.run(_rush(c.proxy_url, customers, reserve=True))
        assert sorted({status for status, _ in results}) == [201, 409]
        _check(db, results)
        served = {key: _accepts_served(node.url, staff) for key, node in c.nodes.items()}
        assert sum(served.values()) == CLIENTS and all(served.values()), served
        db.dispose()


@pytest.mark.usefixtures("postgres_pass")
def test_node_a_killed_mid_traffic_loses_nothing_and_nginx_sends_the_rest_to_b() -> None:
    with cluster() as c:
        db, staff, customers = _prepare(c.database_url)
        _stock_the_plate(c.proxy_url, staff)
        finished_at_kill: list[int] = []

        async def kill_node_a(tasks: list[asyncio.Task[Any]]) -> None:
            await asyncio.sleep(0.3)  # let the rush get going
            finished_at_kill.append(sum(t.done() for t in tasks))
            c.nodes["a"].kill()

        results = asyncio.run(_rush(c.proxy_url, customers, reserve=False, tries=30, during=kill_node_a))
        assert finished_at_kill[0] < CLIENTS  # the kill came in the middle of the traffic
        assert c.nodes["a"].process.poll() is not None  # node A is really gone...
        assert httpx.get(f"{c.proxy_url}/readyz", timeout=10).status_code == 200  # ...and nginx still serves, from B
        _check(db, results)  # exactly 50 orders, none twice, levels and ledger agree
        assert _accepts_served(c.nodes["b"].url, staff) > 0
        db.dispose()


def _processes_of(c: Any) -> list[psutil.Process]:
    """Every process the cluster started: the nodes (supervisors and workers), nginx, PostgreSQL and Redis."""
    found = []
    for node in c.nodes.values():
        supervisor = psutil.Process(node.process.pid)
        found += [supervisor, *supervisor.children(recursive=True)]
    for process in psutil.process_iter(["cmdline", "name"]):
        command = " ".join(process.info["cmdline"] or [])
        if str(c.folder) in command or ("redis" in (process.info["name"] or "") and f":{c.redis_port}" in command):
            found.append(process)
    return found


def _gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.usefixtures("postgres_pass")
def test_a_failing_test_still_tears_everything_down() -> None:
    """The cluster's promise to every test above: when one fails inside it, nothing it started is left running."""
    kept: dict[str, Any] = {}
    with pytest.raises(RuntimeError, match="a test failed inside the cluster"), cluster() as c:
        kept["processes"] = _processes_of(c)
        kept["folder"] = c.folder
        names = {p.name() for p in kept["processes"]}
        assert {"nginx", "redis-server", "postgres"} <= names, names
        assert len(kept["processes"]) >= 2 * 3 + 3  # each node: supervisor and 2 workers
        raise RuntimeError("a test failed inside the cluster")
    left = [p for p in kept["processes"] if not _gone(p)]
    assert not left, [(p.pid, p.name()) for p in left]
    assert not kept["folder"].exists()
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert "sy-node-a" not in namespaces and "sy-node-b" not in namespaces
    for link in ("sya0", "syb0"):  # the host ends of the veth pairs
        assert subprocess.run(["ip", "link", "show", link], capture_output=True).returncode != 0, link
