"""The webhook HTTP client's connections: resolve the name, check every address, connect to one that was checked.

httpcore asks its network backend for a TCP connection to (host, port); this backend resolves the host itself,
refuses the connection when any address is one webhooks may not reach (webhooks/targets.py), and otherwise connects
to the checked address, never to the name: the name is not resolved a second time, so DNS rebinding cannot swap in
another address between the check and the connection. TLS still verifies the certificate against the name (httpcore
takes the server name from the URL, not from the connected address).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence

import httpcore
import httpx

from steelyard.webhooks.targets import Network, refusal

Resolver = Callable[[str, int], Awaitable[list[str]]]


class TargetRefused(Exception):
    """The webhook's host resolves to an address webhooks may not reach."""


async def resolve(host: str, port: int) -> list[str]:
    """Every address of `host` (a literal address resolves to itself), in the resolver's order."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class CheckedBackend(httpcore.AsyncNetworkBackend):
    def __init__(
        self,
        allow: Sequence[Network] = (),
        *,
        resolver: Resolver = resolve,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.allow = tuple(allow)
        self.resolver = resolver
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.resolver(host, port)
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError("the name did not resolve") from exc
        for address in addresses:
            why = refusal(address, self.allow)
            if why is not None:
                raise TargetRefused(f"the target resolves to {why}")
        if not addresses:
            raise httpcore.ConnectError("the name did not resolve")
        failure: Exception | None = None
        for address in addresses:  # every one was checked above; connect to the first that answers
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise TargetRefused("webhooks do not connect to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def checked_client(
    allow: Sequence[Network], timeout: float, backend: CheckedBackend | None = None
) -> httpx.AsyncClient:
    """An httpx client whose every connection goes through CheckedBackend: no proxy from the environment (it would
    connect for us, unchecked), no redirects (a 30x could point anywhere)."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx builds its connection pool without a way to pass a network backend; build the same pool with ours.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=backend or CheckedBackend(allow),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
    )
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False)
