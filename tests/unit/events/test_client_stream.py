"""An event stream's response: its start through the middlewares' `send`, its frames straight to the server's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from steelyard.events.api import ClientStream
from steelyard.ops.scope import SERVER_SEND


async def _frames() -> AsyncIterator[bytes]:
    yield b"retry: 2000\n\n"
    yield b"id: 1\nevent: ready\ndata: {}\n\n"


def _run(scope_extra: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    through_middlewares: list[dict[str, Any]] = []
    to_server: list[dict[str, Any]] = []
    released = 0

    async def send(message: dict[str, Any]) -> None:
        through_middlewares.append(message)

    async def server_send(message: dict[str, Any]) -> None:
        to_server.append(message)

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(3600)  # the client never leaves during the test
        return {"type": "http.disconnect"}

    def release() -> None:
        nonlocal released
        released += 1

    scope = {"type": "http", "asgi": {"spec_version": "2.3"}, **scope_extra}
    if scope_extra.get(SERVER_SEND) is True:
        scope[SERVER_SEND] = server_send
    stream = ClientStream(_frames(), release=release, headers={"Cache-Control": "no-cache"})
    asyncio.run(stream(scope, receive, send))  # type: ignore[arg-type]
    return through_middlewares, to_server, released


def test_the_start_goes_through_the_middlewares_and_the_frames_straight_to_the_server() -> None:
    middlewares, server, released = _run({SERVER_SEND: True})
    assert [m["type"] for m in middlewares] == ["http.response.start"]
    assert (b"cache-control", b"no-cache") in middlewares[0]["headers"]
    assert [m.get("body") for m in server] == [b"retry: 2000\n\n", b"id: 1\nevent: ready\ndata: {}\n\n", b""]
    assert [m["more_body"] for m in server] == [True, True, False]
    assert released == 1  # the client's stream slot is given back


def test_without_the_server_send_in_the_scope_everything_goes_through_the_middlewares() -> None:
    middlewares, server, released = _run({})
    assert [m["type"] for m in middlewares] == ["http.response.start", *["http.response.body"] * 3]
    assert server == [] and released == 1
