"""Webhook signatures (HMAC-SHA256 over "<t>.<body>") and the exponential back-off schedule."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from steelyard.webhooks.signing import backoff_delay, schedule, signature_header, verify

SECRET = "whsec-0123456789abcdef"
BODY = b'{"id":1,"type":"stock.changed","created_at":"2026-11-24T00:00:00+00:00","data":{"sku":"A"}}'


def test_signature_header_is_hmac_sha256_of_timestamp_dot_body() -> None:
    header = signature_header(SECRET, BODY, timestamp=1_764_000_000)
    expected = hmac.new(SECRET.encode(), b"1764000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1764000000,v1={expected}"


def test_verify_accepts_the_real_thing_and_refuses_tampering() -> None:
    header = signature_header(SECRET, BODY, timestamp=1_764_000_000)
    assert verify(SECRET, header, BODY, now=1_764_000_010)
    assert not verify(SECRET, header, BODY + b" ", now=1_764_000_010)
    assert not verify("another-secret-of-length", header, BODY, now=1_764_000_010)
    assert not verify(SECRET, header, BODY, now=1_764_000_000 + 301)  # too old: a replay
    assert not verify(SECRET, "v1=abc", BODY)
    assert not verify(SECRET, "t=x,v1=abc", BODY)


def test_backoff_doubles_up_to_the_cap_and_jitter_only_shortens() -> None:
    assert [backoff_delay(n, base=2, cap=60, jitter=0) for n in (1, 2, 3, 4, 5, 6, 7)] == [2, 4, 8, 16, 32, 60, 60]
    assert backoff_delay(3, base=2, cap=60, jitter=0.1, rand=lambda: 1.0) == pytest.approx(7.2)
    assert backoff_delay(10_000, base=2, cap=900) == pytest.approx(900, rel=0.11)
    with pytest.raises(ValueError):
        backoff_delay(0, base=1, cap=1)


def test_schedule_is_bounded_by_the_retry_window() -> None:
    delays = schedule(base=2, cap=900, window=24 * 3600)
    assert delays[:4] == [2, 4, 8, 16]
    assert sum(delays) <= 24 * 3600
    assert len(delays) == 9 + 94  # 2..512 s, then 94 of 900 s
