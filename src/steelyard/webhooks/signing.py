"""Webhook signatures and the retry schedule (pure).

Every delivery carries

    X-Steelyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>

A receiver recomputes the HMAC over the timestamp, a dot and the exact bytes of the body, compares it in constant
time, and refuses timestamps too far from its clock (a replayed request keeps its old timestamp). `verify` does that.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from collections.abc import Callable

SIGNATURE_HEADER = "X-Steelyard-Signature"
SCHEME = "v1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`."""
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The value of X-Steelyard-Signature for `body`, signed now (or at `timestamp`)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},{SCHEME}={signature(secret, t, body)}"


def verify(secret: str, header: str, body: bytes, *, tolerance_seconds: int = 300, now: float | None = None) -> bool:
    """Whether `header` is a valid, recent signature of `body` under `secret` (what a receiver should check)."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        t = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - t) > tolerance_seconds:
        return False
    expected = signature(secret, t, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in parts.get(SCHEME, []))


def backoff_delay(
    attempt: int, *, base: float, cap: float, jitter: float = 0.1, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...): base * 2^(attempt-1), capped, -jitter."""
    if attempt < 1:
        raise ValueError("attempts are counted from 1")
    delay = min(cap, base * 2.0 ** min(attempt - 1, 62))
    return delay * (1.0 - jitter * rand())


def schedule(*, base: float, cap: float, window: float) -> list[float]:
    """The retry delays (without jitter) that fit in `window` seconds after the first attempt."""
    delays: list[float] = []
    elapsed = 0.0
    attempt = 1
    while True:
        delay = backoff_delay(attempt, base=base, cap=cap, jitter=0.0)
        if elapsed + delay > window:
            return delays
        delays.append(delay)
        elapsed += delay
        attempt += 1
