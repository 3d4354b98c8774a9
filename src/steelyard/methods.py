"""405 Method Not Allowed done right, from the OpenAPI document (the methods a client is promised):

- an `Allow` header naming every method the path serves (Starlette answers 405 from the first route whose path
  matches, so `OPTIONS /api/v1/accounts/1` listed only `GET`, not `PATCH`);
- a literal path (`/api/v1/accounts/me`) answers 405 for the methods it does not serve instead of falling into a
  sibling route with a path parameter (`PATCH /api/v1/accounts/me` reached `PATCH /accounts/{account_id}`, 422).
"""

from __future__ import annotations

import re
from functools import cache

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@cache
def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")


def _served(document: dict[str, object]) -> dict[str, set[str]]:
    paths = document.get("paths", {})
    assert isinstance(paths, dict)
    return {path: {m.upper() for m in item if m in HTTP_METHODS} for path, item in paths.items()}


def allowed_methods(served: dict[str, set[str]], path: str) -> list[str]:
    """The methods documented for `path`; a literal path's own methods win over parametrised templates."""
    matching = [template for template in served if _template(template).match(path)]
    if not matching:
        return []
    fewest = min(t.count("{") for t in matching)
    return sorted({m for t in matching if t.count("{") == fewest for m in served[t]})


def method_not_allowed_headers(request: Request) -> dict[str, str]:
    methods = allowed_methods(_served(request.app.openapi()), request.url.path)
    return {"Allow": ", ".join(methods)} if methods else {}


async def _refuse(request: Request) -> None:
    raise HTTPException(405)


def guard_literal_paths(app: FastAPI) -> None:
    """Route the undeclared methods of each literal path that a parametrised template also matches to a 405
    (call once, after including every router)."""
    served = _served(app.openapi())
    for path, methods in served.items():
        if "{" in path:
            continue
        shadowing = [t for t in served if "{" in t and _template(t).match(path) and served[t] - methods]
        others = sorted({m for t in shadowing for m in served[t]} - methods)
        if others:
            app.router.routes.insert(0, Route(path, _refuse, methods=others, include_in_schema=False))
