"""Page cursors: signed with the server's secret, their keys type-checked and bounded to 64 bits."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from steelyard.errors import InvalidInput
from steelyard.wire import MAX_INT32, MAX_INT64, decode_cursor, encode_cursor, fits, use_cursor_secret


@pytest.fixture(autouse=True)
def secret() -> None:
    use_cursor_secret("a test secret of enough length")


def unsigned(key: Any) -> str:
    """A cursor as the old code made them: base64 of JSON, no signature (what an attacker can write)."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


@pytest.mark.parametrize("key", [1, MAX_INT64, "AL-6061-SH-2", ["2026-11-30T06:00:00+00:00", "Q1"]])
def test_a_cursor_gives_back_its_key(key: Any) -> None:
    expected: Any = (str, str) if isinstance(key, list) else type(key)
    assert decode_cursor(encode_cursor(key), expected) == key


@pytest.mark.parametrize(
    "cursor",
    [unsigned(5), unsigned(10**300), "", ".", "x.y", "%%%", unsigned(5) + ".AAAAAAAAAAAAAAAAAAAAAA"],
    ids=["unsigned", "unsigned-huge", "empty", "dot", "garbage-signature", "not-base64", "wrong-signature"],
)
def test_forged_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        decode_cursor(cursor, int)
    assert caught.value.problems[0].field == "cursor"


def test_a_cursor_from_another_secret_is_refused_and_the_same_secret_accepts_it() -> None:
    cursor = encode_cursor(42)
    use_cursor_secret("another secret, another server")
    with pytest.raises(InvalidInput):
        decode_cursor(cursor, int)
    use_cursor_secret("a test secret of enough length")  # a second worker configured alike
    assert decode_cursor(cursor, int) == 42


@pytest.mark.parametrize(
    ("key", "shape"),
    [
        (10**300, int),
        (MAX_INT64 + 1, int),
        (-(2**63) - 1, int),
        (True, int),
        ("5", int),
        (5, str),
        ([], (str, str)),
        (["a"], (str, str)),
        (["a", 1], (str, str)),
        (["a", "b", "c"], (str, str)),
        ({"s": "x"}, list),
        (float("inf"), int | float),
        ([1, 2, None], (int | float, int, str)),
    ],
)
def test_signed_keys_of_the_wrong_shape_are_refused(key: Any, shape: Any) -> None:
    """Even a correctly signed cursor (a key leak, an old release) must not reach SQL with the wrong type."""
    assert not fits(key, shape)
    with pytest.raises(InvalidInput):
        decode_cursor(encode_cursor(key), shape)


def test_keys_of_an_integer_column_are_bounded_to_32_bits_when_asked() -> None:
    """Accounts, tokens and webhooks have INTEGER keys: PostgreSQL answers a larger bind value with an error."""
    assert decode_cursor(encode_cursor(MAX_INT32), int, largest=MAX_INT32) == MAX_INT32
    for key in (MAX_INT32 + 1, -MAX_INT32 - 2):
        with pytest.raises(InvalidInput):
            decode_cursor(encode_cursor(key), int, largest=MAX_INT32)
