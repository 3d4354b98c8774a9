"""What one client may take: the route group of a request, the rates of each group, and who the client is.

Pure rules (no web framework): `STEELYARD_RATE_LIMITS` parsed into rates per group, the group a method and path
belong to, the key a client is counted under, and the seconds a limited client is told to wait. The counting itself
is the `limits` library's (ops/guard.py); see docs/security.md.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from limits import RateLimitItem, parse_many

# The groups and their defaults (documented in docs/security.md). `reservations` is counted by the quote route
# itself, on top of `quotes`, for the quotes that hold stock: the middleware cannot see `reserve` in the body.
GROUPS = ("quotes", "estimates", "search", "reservations")
DEFAULT_RATE_LIMITS = "quotes=60/minute,estimates=600/minute,search=1200/minute,reservations=10/minute"

_BY_ROUTE: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/quotes"): "quotes",
    ("POST", "/api/v1/estimates"): "estimates",
    ("GET", "/api/v1/search"): "search",
    ("GET", "/api/v1/search/suggest"): "search",
    ("GET", "/"): "search",  # the storefront page searches as it renders
}


@dataclass(frozen=True, slots=True)
class RatePlan:
    """The rates of each limited group; a group that is absent is not limited."""

    rates: Mapping[str, tuple[RateLimitItem, ...]]

    @property
    def enabled(self) -> bool:
        return bool(self.rates)

    def describe(self) -> str:
        return ",".join(f"{group}={';'.join(str(r) for r in rates)}" for group, rates in self.rates.items()) or "off"


def parse_rate_limits(text: str) -> RatePlan:
    """`quotes=60/minute,search=1200/minute;20000/hour` over the defaults; `off` alone, or `group=off`, lifts them.

    Groups not named keep their default. Several rates for one group are separated by `;` (all must hold).
    Raises ValueError with a message naming the part that is wrong.
    """
    text = text.strip()
    if text.lower() == "off":
        return RatePlan({})
    rates = {group: tuple(parse_many(value)) for group, value in _pairs(DEFAULT_RATE_LIMITS)}
    for group, value in _pairs(text):
        if group not in GROUPS:
            raise ValueError(f"STEELYARD_RATE_LIMITS: unknown group {group!r}; the groups are {', '.join(GROUPS)}")
        if value.lower() == "off":
            rates.pop(group, None)
            continue
        try:
            rates[group] = tuple(parse_many(value))
        except ValueError:
            raise ValueError(
                f"STEELYARD_RATE_LIMITS: {group}={value!r} is not a rate; write e.g. {group}=60/minute "
                "(per second, minute, hour or day; several joined by ';')"
            ) from None
    return RatePlan(rates)


def _pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        group, sep, value = part.partition("=")
        if not sep or not value.strip():
            raise ValueError(f"STEELYARD_RATE_LIMITS: {part!r} should be group=rate, e.g. quotes=60/minute, or 'off'")
        pairs.append((group.strip().lower(), value.strip()))
    return pairs


def group_of(method: str, path: str) -> str | None:
    """The rate group of a request (None: not rate limited)."""
    return _BY_ROUTE.get((method, path.rstrip("/") or "/"))


def limited_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation a rate group covers, for the OpenAPI document."""
    return list(_BY_ROUTE)


def body_limit_for(path: str, default: int, by_prefix: Mapping[str, int]) -> int:
    """The body limit of a path: its route's own (uploads), else the default (STEELYARD_BODY_LIMIT_BYTES)."""
    for prefix, limit in by_prefix.items():
        if path == prefix or path.startswith(prefix + "/"):
            return limit
    return default


@lru_cache(maxsize=4096)  # asked on every request; a client's next request is usually close behind its last
def client_key(host: str | None) -> str:
    """Who a request is counted against: its address, an IPv6 client by its /64 (one host's usual share)."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]  # not an address (a test client's name, a Unix socket): count it as given
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


@lru_cache(maxsize=16)
def _networks(allow: str) -> tuple[bool, tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...], frozenset[str]]:
    everyone = False
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    names: set[str] = set()
    for item in (part.strip() for part in allow.split(",")):
        if item == "*":
            everyone = True
        elif item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                names.add(item)  # a Unix socket path or a name, as uvicorn allows: matched as written
    return everyone, tuple(networks), frozenset(names)


def trusted_proxy(host: str | None, allow: str) -> bool:
    """Whether `host` is one of the proxies named in `allow` (uvicorn's FORWARDED_ALLOW_IPS: addresses, networks,
    `*`). A proxy's connections carry many clients, so they are not counted as one client's (docs/security.md)."""
    if not host:
        return False
    everyone, networks, names = _networks(allow)
    if everyone or host in names:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == network.version and address in network for network in networks)


def retry_after(reset_at: float, now: float) -> int:
    """Whole seconds until the window lets the client in again (at least 1: `Retry-After: 0` invites a storm)."""
    return max(1, math.ceil(reset_at - now))


class ClientSlots:
    """At most `limit` of something at a time per client, in one process (open event streams, requests in flight).

    Runs on the event loop only, so it needs no lock. `limit` 0 means no limit.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: dict[str, int] = {}

    def take(self, client: str) -> bool:
        held = self._held.get(client, 0)
        if self.limit and held >= self.limit:
            return False
        self._held[client] = held + 1
        return True

    def give_back(self, client: str) -> None:
        held = self._held.get(client, 0) - 1
        if held > 0:
            self._held[client] = held
        else:
            self._held.pop(client, None)

    def held(self, client: str) -> int:
        return self._held.get(client, 0)
