"""Which addresses a webhook may reach, and which URLs may be registered (pure rules; see docs/security.md).

A webhook makes the server send requests to a URL an administrator chose, from inside the server's network. So it
may reach only globally routable addresses: never loopback, private, shared (CGNAT), link-local (with the cloud
metadata service at 169.254.169.254), unique-local, multicast, reserved or unspecified ones, nor an IPv6 address
that carries one of those (IPv4-mapped `::ffff:127.0.0.1`, NAT64 `64:ff9b::7f00:1`, 6to4 `2002:7f00:1::`) - unless
its network is on the allowlist (STEELYARD_WEBHOOK_ALLOW_NETWORKS) for receivers on an intranet.

The address is checked where the connection is made, after the name is resolved, and the connection goes to the
address that was checked (webhooks/transport.py), so a name that resolves elsewhere the second time (DNS
rebinding) gains nothing. Registration refuses what can be refused without resolving anything: credentials in the
URL, and a literal address in any spelling (`0x7f000001`, `2130706433`, `0177.0.0.1` and `127.1` are 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@lru_cache(maxsize=8)
def parse_networks(text: str) -> tuple[Network, ...]:
    """`10.1.2.0/24, 127.0.0.1/32, fd00::/8` (a bare address is its own /32 or /128)."""
    networks = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"STEELYARD_WEBHOOK_ALLOW_NETWORKS: {part!r} is not a network; write e.g. 10.1.2.0/24,fd00:1::/64"
            ) from None
    return tuple(networks)


def carried(address: Address) -> list[Address]:
    """The address and every IPv4 address it carries, any of which the packets may end up at."""
    found: list[Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            found.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            found.append(address.sixtofour)
        if address.teredo is not None:
            found.extend(address.teredo)
        if address in NAT64:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _public(address: Address) -> bool:
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def refusal(address: str, allow: Sequence[Network] = ()) -> str | None:
    """Why a webhook may not connect to `address` (an IP as getaddrinfo gives it), or None when it may."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (`fe80::1%eth0`) is not part of it
    except ValueError:
        return "not an IP address"
    every = carried(ip)
    if any(a in network for network in allow for a in every if a.version == network.version):
        return None
    for a in reversed(every):  # name the IPv4 address a wrapper carries, the one the packets would reach
        if not _public(a):
            return f"{a} is {_kind(a)}"
    return None


def _kind(address: Address) -> str:
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (cloud metadata services live there)"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private address"
    return "not a public address"


def literal_address(host: str) -> Address | None:
    """The address a URL's host names literally, in any spelling a resolver accepts, or None for a name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:  # the C library's inet_aton accepts 0x7f000001, 2130706433, 0177.0.0.1 and 127.1 (no DNS involved)
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def url_problem(url: str, allow: Sequence[Network] = ()) -> str | None:
    """What is wrong with `url` as a webhook target (checked at registration), or None."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return (
            "must not carry credentials (user:password@): they would be stored and shown in clear; the receiver "
            "checks the X-Steelyard-Signature header instead"
        )
    address = literal_address(parts.hostname or "")
    if address is not None:
        why = refusal(str(address), allow)
        if why is not None:
            return (
                f"{why}, which webhooks may not reach; an intranet receiver's network goes in "
                "STEELYARD_WEBHOOK_ALLOW_NETWORKS"
            )
    return None


def without_credentials(url: str) -> str:
    """`url` with any user:password@ removed (for showing URLs stored before credentials were refused)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
