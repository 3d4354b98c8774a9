"""Keys the outermost middleware (ops/middleware.py) leaves in each request's ASGI scope for the routes."""

from __future__ import annotations

# The server's own `send`. An event stream sends its response's start through every middleware (they add the
# request id and count the status) and then writes its frames straight to the server: the middlewares pass a body
# through untouched, and with 1,000 streams each event is written 1,000 times, so their wrappers were most of a
# delivery's cost (docs/benchmarks.md, "SSE fan-out").
SERVER_SEND = "steelyard.server_send"
