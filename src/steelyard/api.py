"""What every router shares: problem responses, page and cursor query parameters, the database dependency."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

import anyio.from_thread
from fastapi import Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator

from steelyard.db import Database
from steelyard.errors import SteelyardError
from steelyard.ops.rates import client_key
from steelyard.wire import MAX_INT32, PROBLEM, Problem, problem_document, problem_fields


def problem(
    path: str, status: int, title: str, detail: str, slug: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """An `application/problem+json` answer (RFC 9457); the one shape of every error the service sends."""
    body = problem_fields(slug, title, status, detail, path, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def error_problem(path: str, exc: SteelyardError) -> JSONResponse:
    """The problem answer of one of the service's own errors (errors.py), with its headers (Retry-After...)."""
    return JSONResponse(problem_document(exc, path), status_code=exc.status, media_type=PROBLEM, headers=exc.headers)


def status_problem(path: str, status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The problem answer of a plain HTTP status (routing, the framework, the request limits)."""
    title = HTTPStatus(status).phrase
    return problem(path, status, title, detail, title.lower().replace(" ", "-"), headers)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Bad request",
        401: "No valid bearer token",
        403: "The token's role may not do this",
        404: "Not found",
        409: "Conflict with the current state",
        413: "The request body is larger than this route accepts (docs/security.md)",
        422: "Invalid input",
        429: "Past this client's limit; `Retry-After` says when to try again (docs/security.md)",
        431: "The request line and headers are over the server's limit (64 KiB; docs/security.md): send long values "
        "in a body",
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


def _digits_only(value: object) -> object:
    """A number in a path or query string as people write one: digits only. Pydantic would read "10.0" as 10, so a
    client's float (or a typo) would pass unseen; the OpenAPI document says integer and this holds it to that."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError(f"must be a whole number written with digits only, e.g. 10 (got {value[:40]!r})")
    return value


WholeNumber = BeforeValidator(_digits_only)
def problem_refs(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`problem_responses` for a route whose success answer is not JSON (a PDF, a page): FastAPI files a response
    `model` under the route's own media type as well, so these name the Problem schema under problem+json only."""
    return {
        status: {
            "description": answer["description"],
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status, answer in problem_responses(*statuses).items()
    }


IdPath = Annotated[int, WholeNumber, Path(ge=1, le=MAX_INT32, description="the record's id (at most 2147483647)")]
LimitQuery = Annotated[int, WholeNumber, Query(ge=1, le=500, description="page size (1-500)")]
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


IfNoneMatch = Annotated[
    str | None,
    Header(max_length=2048, description="the ETag of the copy you hold: a 304 without a body while it is current"),
]
NOT_MODIFIED: dict[str, Any] = {"description": "Not modified: the copy whose ETag was sent as If-None-Match is current"}


def limit_rate(request: Request, group: str) -> None:
    """Count this request against the rate `group` of its client, or raise TooManyRequests (429).

    For the groups the middleware cannot see from the path (`reservations`: quotes whose body says reserve), called
    by a sync route, so from one of the server's worker threads: the count runs on the event loop.
    """
    rates = request.app.state.rates
    if group in rates.plan.rates:
        anyio.from_thread.run(rates.check, group, client_key(request.client.host if request.client else None))


def declare_problem_422s(app: FastAPI) -> None:
    """Every validation answer is a problem document (app.py maps RequestValidationError once), but FastAPI
    declares its own `HTTPValidationError` as application/json on each route that does not list 422 itself. Rewrite
    those in the OpenAPI document once, so no route can forget it (schemathesis checks the media type)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        problem = problem_responses(422)[422]
        for item in document.get("paths", {}).values():
            for operation in item.values():
                answer = operation.get("responses", {}).get("422") if isinstance(operation, dict) else None
                if answer is not None and "application/json" in answer.get("content", {}):
                    operation["responses"]["422"] = {
                        "description": problem["description"],
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    }
        schemas = document.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
