"""What every router shares: problem responses, page and cursor query parameters, the database dependency."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel

from steelyard.db import Database
from steelyard.wire import Problem


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Bad request",
        401: "No valid bearer token",
        403: "The token's role may not do this",
        404: "Not found",
        409: "Conflict with the current state",
        413: "The request body is larger than this route accepts",
        422: "Invalid input",
        501: "Not implemented",
        503: "Service unavailable",
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions.get(status, "Error"),
            "content": {"application/problem+json": {}},
        }
        for status in statuses
    }


LimitQuery = Annotated[int, Query(ge=1, le=500, description="page size (1-500)")]
CursorQuery = Annotated[str | None, Query(max_length=512, description="next_cursor from the previous page")]


async def get_db(request: Request) -> Database:
    # async: a plain attribute read, so FastAPI need not hop to the thread pool for it on every request
    db: Database = request.app.state.db
    return db


DbDep = Annotated[Database, Depends(get_db)]


def model_response(model: BaseModel, status_code: int = 200) -> Response:
    """`model` as the JSON FastAPI would send for it as the route's response_model, without FastAPI's response step.

    For a sync route FastAPI re-validates the returned model in a second trip through the thread pool before
    serialising it; the hot routes (product read, quote) return this instead: the same bytes (Pydantic's JSON of
    the model, by alias), the same media type, one thread-pool trip fewer. Keep `response_model=` on the route
    for the OpenAPI document.
    """
    return Response(
        content=model.model_dump_json(by_alias=True), status_code=status_code, media_type="application/json"
    )
