"""`GET /metrics`: Prometheus text, for a scrape token or a staff token (or on its own port, see docs/operation.md)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from steelyard.access.service import resolve_token
from steelyard.api import DbDep, problem_responses
from steelyard.config import Settings
from steelyard.errors import Forbidden, NotFound, Unauthorized
from steelyard.ops import metrics

_bearer = HTTPBearer(auto_error=False, description="the metrics token (STEELYARD_METRICS_TOKEN) or a staff token")


def metrics_router() -> APIRouter:
    router = APIRouter(tags=["operation"])

    @router.get(
        "/metrics",
        response_class=Response,
        responses={
            200: {"description": "Prometheus text exposition", "content": {metrics.CONTENT_TYPE: {}}},
            **problem_responses(401, 403, 404),
        },
    )
    def scrape(
        request: Request, db: DbDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> Response:
        """Request counts and latency by route, pool use, outbox lag, SSE subscribers, holds, webhooks, imports."""
        settings: Settings = request.app.state.settings
        if settings.metrics_port is not None:
            raise NotFound(f"metrics are served on port {settings.metrics_port}, not here")
        if credentials is None:
            raise Unauthorized("this needs the metrics token or a staff token: send 'Authorization: Bearer <token>'")
        wanted = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        if not (wanted and hmac.compare_digest(credentials.credentials.encode(), wanted.encode())):
            with db.read() as conn:
                principal = resolve_token(conn, credentials.credentials)
            if principal is None:
                raise Unauthorized("the bearer token is neither the metrics token nor a known token")
            if not principal.is_staff:
                raise Forbidden(f"metrics need the metrics token or a staff token; yours is a {principal.role} token")
        request.app.state.refresh_gauges()  # this process's gauges as of now (app.py)
        return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

    return router
