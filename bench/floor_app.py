"""The floor: Steelyard's estimate, stored-quote and search routes with their real signatures and no work.

Each route takes exactly what Steelyard's route takes (the same request schemas, query parameters, header and
dependencies: `DbDep`, `MaybePrincipal`) and answers a real answer captured from the demo catalogue
(bench/data/floor/, made by bench/floor_capture.py) through the same serialisation (Pydantic's validation of the
answer model and its JSON, as `model_response` does; search's answer as bytes, as its cached page is). No database,
no middleware, no pricing. So its throughput is the most any implementation of these routes can reach on this stack
(FastAPI, Pydantic, uvicorn), this machine and this contract: `make bench` measures it in the same run as the
baseline and the real routes, and a goal above the floor is a goal for the framework, not for Steelyard's code.

    .venv/bin/uvicorn floor_app:create_app --factory --app-dir bench --workers 2 --no-access-log
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Header, Query, Request, Response, status

from steelyard.access.deps import MaybePrincipal
from steelyard.api import CursorQuery, DbDep, WholeNumber, model_response
from steelyard.quotes.schemas import EstimateIn, EstimateOut, QuoteIn, QuoteOut
from steelyard.search.api import Names, Size, Text
from steelyard.search.schemas import SearchOut

DATA = Path(__file__).resolve().parent / "data" / "floor"
AcceptLanguage = Annotated[str | None, Header()]


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def create_app() -> FastAPI:
    estimate_answer, quote_answer = _load("estimate"), _load("quote")
    search_answer = json.dumps(_load("search"), separators=(",", ":")).encode()
    app = FastAPI(title="Steelyard benchmark floor")
    app.state.db = None  # DbDep reads it; no route here touches a database

    @app.post("/api/v1/estimates", response_model=EstimateOut)
    def estimate(
        body: EstimateIn, request: Request, db: DbDep, principal: MaybePrincipal, accept_language: AcceptLanguage = None
    ) -> Response:
        return model_response(EstimateOut.model_validate(estimate_answer))

    @app.post("/api/v1/quotes", status_code=status.HTTP_201_CREATED, response_model=QuoteOut)
    def create_quote(
        body: QuoteIn, request: Request, db: DbDep, principal: MaybePrincipal, accept_language: AcceptLanguage = None
    ) -> Response:
        return model_response(QuoteOut.model_validate(quote_answer), status.HTTP_201_CREATED)

    @app.get("/api/v1/search", response_model=SearchOut)
    def search(  # the parameters of steelyard.search.api.search, one for one
        request: Request,
        db: DbDep,
        q: Text = "",
        family: Names = None,
        form: Names = None,
        grade: Names = None,
        thickness_min: Size = None,
        thickness_max: Size = None,
        width_min: Size = None,
        width_max: Size = None,
        length_min: Size = None,
        length_max: Size = None,
        diameter_min: Size = None,
        diameter_max: Size = None,
        outer_diameter_min: Size = None,
        outer_diameter_max: Size = None,
        wall_min: Size = None,
        wall_max: Size = None,
        height_min: Size = None,
        height_max: Size = None,
        in_stock: Annotated[bool | None, Query()] = None,
        warehouse: Annotated[str | None, Query(max_length=16)] = None,
        remnant: Annotated[bool | None, Query()] = None,
        sort: Annotated[Literal["relevance", "price", "-price", "name"] | None, Query()] = None,
        limit: Annotated[int, WholeNumber, Query(ge=1, le=100)] = 20,
        cursor: CursorQuery = None,
    ) -> Response:
        return Response(search_answer, media_type="application/json")

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    return app
