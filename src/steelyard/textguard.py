"""Every text a request carries is checked once, before any route sees it, for characters no stored text may hold.

Why here and not per field: PostgreSQL text cannot hold NUL at all, neither database can store a lone surrogate
(UTF-8 has no encoding for one), and other control characters corrupt SKUs, names and logs silently. Checking the
decoded path, the query string, the request headers and every string (and key) of a JSON or form body in one
place means no route, schema or SQL statement can forget it: such a request gets one clear 422 problem naming
the field and the character, and nothing is read or written.

Allowed: tab, line feed and carriage return in bodies (free text may span lines). Refused: the other C0 controls,
DEL, the C1 controls (U+0080-U+009F) and lone surrogates. Header values are bytes; there only C0 controls other
than tab, and DEL, are refused (bytes 0x80-0xFF are legal obs-text, and UTF-8 sent in a header uses them).
A JSON body that cannot be decoded at all (not UTF-8, nested too deeply) is answered here as a 422 as well.
"""

from __future__ import annotations

import email.message
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from steelyard.errors import FieldProblem, InvalidInput
from steelyard.wire import PROBLEM, problem_document

# Bodies may carry tab, LF and CR; everything else here is refused.
_BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Path and query values: a line break or tab in a SKU, grade or search is never meant, but harmless to search; the
# same rule as bodies keeps it one rule.
_HEADER_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def refused_character(text: str) -> str | None:
    """The first character of `text` that no stored or searched text may hold, or None."""
    found = _BODY_CONTROL.search(text)
    return found.group() if found else None


def printable(text: str) -> str:
    """`text` with each refused character shown as its code point, safe to echo back in a problem document."""
    return _BODY_CONTROL.sub(lambda m: f"<{describe(m.group())}>", text)


def _strings(document: Any) -> Iterator[tuple[str, str]]:
    """(field path, text) for every string and object key of a decoded JSON document, named like validation errors.

    Iterative: a deeply nested document must not exhaust the interpreter's stack here."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path or "body", value
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                yield child, key
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))


def text_problems(fields: Iterator[tuple[str, str]]) -> list[FieldProblem]:
    problems = []
    for field, text in fields:
        char = refused_character(text)
        if char is not None:
            message = f"contains the control character {describe(char)}; remove it and send again"
            problems.append(FieldProblem(printable(field), message))
    return problems


def check_query(query_string: bytes) -> list[FieldProblem]:
    # Decoded exactly as Starlette decodes it for the routes.
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return text_problems(item for key, value in pairs for item in ((key, key), (key, value)))


def check_headers(headers: list[tuple[bytes, bytes]]) -> list[FieldProblem]:
    problems = []
    for name, value in headers:
        found = _HEADER_CONTROL.search(value)
        if found:
            byte = found.group()[0]
            problems.append(
                FieldProblem(name.decode("latin-1"), f"header contains the control character U+{byte:04X}; remove it")
            )
    return problems


def _media_type(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"content-type":
            message = email.message.Message()
            message["content-type"] = value.decode("latin-1")
            return message.get_content_type()
    return None


def check_body(body: bytes, media_type: str | None) -> list[FieldProblem]:
    if not body:
        return []
    if media_type == "application/x-www-form-urlencoded":
        return check_query(body)
    if media_type is not None and not (media_type == "application/json" or media_type.endswith("+json")):
        return []
    try:
        decoded = json.loads(body)
    except json.JSONDecodeError:
        return []  # FastAPI answers these with its own 422 naming the position
    except (UnicodeDecodeError, RecursionError, ValueError):
        return [FieldProblem("body", "is not valid JSON: send UTF-8 text, nested at most a few hundred levels")]
    return text_problems(_strings(decoded))


class TextGuard:
    """ASGI middleware: a request carrying a refused character is answered 422 before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problems = text_problems(iter([("path", scope["path"])]))
        problems += check_query(scope.get("query_string", b""))
        problems += check_headers(scope["headers"])
        if not problems and scope["method"] in _BODY_METHODS:
            body, receive = await _buffered(receive)
            problems = check_body(body, _media_type(scope["headers"]))
        if problems:
            document = problem_document(InvalidInput.from_problems(problems), printable(scope["path"]))
            response = JSONResponse(document, status_code=document["status"], media_type=PROBLEM)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole body (the routes would read it anyway) and give the app a `receive` that replays it."""
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            # The client went away before sending its body: let the app see the disconnect.
            pending: list[Message] = [message]
            return b"", _replay(pending, receive)
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    return body, _replay([{"type": "http.request", "body": body, "more_body": False}], receive)


def _replay(pending: list[Message], receive: Receive) -> Receive:
    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
