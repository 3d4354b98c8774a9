"""Where webhooks may connect: the address rules, the URL check at registration, and the connection made to the
address that was checked (DNS rebinding), with a fake resolver and a fake network (nothing leaves the process)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpcore
import pytest

from steelyard.webhooks.targets import literal_address, parse_networks, refusal, url_problem, without_credentials
from steelyard.webhooks.transport import CheckedBackend, TargetRefused

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("100.64.0.1", "not a public"),  # shared (carrier-grade NAT) space
    ("100.100.100.200", "not a public"),  # Alibaba Cloud's metadata service
    ("169.254.169.254", "link-local"),  # AWS, GCP, Azure metadata service
    ("fd00:ec2::254", "private"),  # AWS metadata over IPv6 (unique-local)
    ("fe80::1%eth0", "link-local"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
    ("::ffff:169.254.169.254", "link-local"),
    ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
    ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "private"),
    ("255.255.255.255", "private"),
]


@pytest.mark.parametrize(("address", "kind"), REFUSED)
def test_internal_addresses_are_refused(address: str, kind: str) -> None:
    why = refusal(address)
    assert why is not None and kind in why


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(address) is None


def test_the_allowlist_opens_only_its_networks() -> None:
    allow = parse_networks("10.1.2.0/24, 127.0.0.1, fd00:1::/64")
    assert refusal("10.1.2.99", allow) is None
    assert refusal("127.0.0.1", allow) is None and refusal("::ffff:127.0.0.1", allow) is None
    assert refusal("fd00:1::5", allow) is None
    assert refusal("10.1.3.1", allow) is not None
    assert refusal("127.0.0.2", allow) is not None
    assert refusal("169.254.169.254", allow) is not None
    with pytest.raises(ValueError, match="STEELYARD_WEBHOOK_ALLOW_NETWORKS: 'intranet' is not a network"):
        parse_networks("10.0.0.0/8,intranet")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://0x7f000001/hook",
        "http://2130706433/hook",
        "http://0177.0.0.1/hook",
        "http://127.1/hook",
        "http://[::1]:8080/hook",
        "http://[::ffff:7f00:1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:6379/",
    ],
)
def test_literal_addresses_in_any_spelling_are_refused_at_registration(url: str) -> None:
    problem = url_problem(url)
    assert problem is not None and "STEELYARD_WEBHOOK_ALLOW_NETWORKS" in problem


def test_spellings_are_read_as_the_resolver_reads_them() -> None:
    assert str(literal_address("0x7f000001")) == "127.0.0.1"
    assert str(literal_address("2130706433")) == "127.0.0.1"
    assert str(literal_address("0177.0.0.1")) == "127.0.0.1"
    assert str(literal_address("127.1")) == "127.0.0.1"
    assert literal_address("erp.example.com") is None


def test_credentials_in_the_url_are_refused_and_never_shown() -> None:
    for url in ("https://user:secret@erp.example.com/h", "https://token@erp.example.com/h"):
        problem = url_problem(url)
        assert problem is not None and "credentials" in problem and "secret" not in problem
    assert without_credentials("https://user:secret@erp.example.com:8443/h?x=1") == "https://erp.example.com:8443/h?x=1"
    assert url_problem("https://erp.example.com/hooks/steelyard") is None
    assert url_problem("http://10.1.2.3/h", parse_networks("10.1.2.0/24")) is None


class FakeNetwork(httpcore.AsyncNetworkBackend):
    """Records where it was asked to connect, and connects nowhere."""

    def __init__(self) -> None:
        self.connected: list[str] = []

    async def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        self.connected.append(host)
        return httpcore.AsyncMockStream([])

    async def sleep(self, seconds: float) -> None:
        return None


def resolver(*answers: list[str]) -> Any:
    """A resolver answering each call with the next list (a rebinding name: public first, internal after)."""
    queue = list(answers)

    async def resolve(host: str, port: int) -> list[str]:
        return queue.pop(0)

    return resolve


def test_the_connection_goes_to_the_checked_address_not_the_name() -> None:
    network = FakeNetwork()
    backend = CheckedBackend(resolver=resolver(["93.184.216.34"], ["127.0.0.1"]), inner=network)
    asyncio.run(backend.connect_tcp("rebind.example", 443))
    # The name was resolved once, checked, and the connection asked for the checked address: a resolver that now
    # answers 127.0.0.1 is never asked again for this connection.
    assert network.connected == ["93.184.216.34"]
    with pytest.raises(TargetRefused, match="loopback"):
        asyncio.run(backend.connect_tcp("rebind.example", 443))  # the next connection checks afresh
    assert network.connected == ["93.184.216.34"]


def test_a_name_with_any_internal_address_is_refused_before_connecting() -> None:
    network = FakeNetwork()
    backend = CheckedBackend(resolver=resolver(["93.184.216.34", "169.254.169.254"]), inner=network)
    with pytest.raises(TargetRefused, match="link-local"):
        asyncio.run(backend.connect_tcp("mixed.example", 80))
    assert network.connected == []


def test_the_allowlist_reaches_the_backend() -> None:
    network = FakeNetwork()
    backend = CheckedBackend(parse_networks("10.1.2.0/24"), resolver=resolver(["10.1.2.3"]), inner=network)
    asyncio.run(backend.connect_tcp("erp.intranet", 443))
    assert network.connected == ["10.1.2.3"]
