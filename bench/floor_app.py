"""The floor: Steelyard's estimate, stored-quote and search routes with their real signatures and no work.

Each route takes exactly what Steelyard's route takes (its signature, taken from the route itself: the same
request schemas, query parameters, header and dependencies such as `DbDep` and `MaybePrincipal`) and answers a real
answer captured from the demo catalogue (bench/data/floor/, made by bench/floor_capture.py) through the same
serialisation (Pydantic's validation of the answer model and its JSON, as `model_response` does; search's answer as
bytes, as its cached page is). No database, no middleware, no pricing. So its throughput is the most any
implementation of these routes can reach on this stack (FastAPI, Pydantic, uvicorn), this machine and this contract:
`make bench` measures it in the same run as the baseline and the real routes, and a goal above the floor is a goal for
the framework, not for Steelyard's code.

    .venv/bin/uvicorn floor_app:create_app --factory --app-dir bench --workers 2 --no-access-log
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Response, status

from steelyard.api import model_response
from steelyard.quotes import api as quotes_api
from steelyard.quotes.schemas import EstimateOut, QuoteOut
from steelyard.search import api as search_api
from steelyard.search.schemas import SearchOut

DATA = Path(__file__).resolve().parent / "data" / "floor"


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def create_app() -> FastAPI:
    estimate_answer, quote_answer = _load("estimate"), _load("quote")
    search_answer = json.dumps(_load("search"), separators=(",", ":")).encode()
    app = FastAPI(title="Steelyard benchmark floor")
    app.state.db = None  # DbDep reads it; no route here touches a database

    # functools.wraps gives each route the signature of Steelyard's own (FastAPI reads it through __wrapped__):
    # the same body schema, query parameters, header and dependencies, parsed and validated the same way, and sync
    # like the real routes (so each request makes the same thread-pool trip).
    @functools.wraps(quotes_api.estimate)
    def estimate(*_: Any, **__: Any) -> Response:
        return model_response(EstimateOut.model_validate(estimate_answer))

    @functools.wraps(quotes_api.create_quote)
    def create_quote(*_: Any, **__: Any) -> Response:
        return model_response(QuoteOut.model_validate(quote_answer), status.HTTP_201_CREATED)

    @functools.wraps(search_api.search)
    def search(*_: Any, **__: Any) -> Response:
        return Response(search_answer, media_type="application/json")

    app.post("/api/v1/estimates", response_model=EstimateOut)(estimate)
    app.post("/api/v1/quotes", status_code=status.HTTP_201_CREATED, response_model=QuoteOut)(create_quote)
    app.get("/api/v1/search", response_model=SearchOut)(search)

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    return app
