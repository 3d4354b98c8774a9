"""Search over HTTP: `GET /api/v1/search` and `GET /api/v1/search/suggest` (public)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from steelyard.api import CursorQuery, DbDep, WholeNumber, problem_responses
from steelyard.search import service
from steelyard.search.cache import SearchCache, SearchConfig, cache_for
from steelyard.search.schemas import SearchOut, SuggestOut
from steelyard.units.forms import DIMENSION_NAMES
from steelyard.wire import DecimalIn, format_decimal

router = APIRouter(prefix="/api/v1/search", tags=["search"], responses=problem_responses(422))
# 1,000 characters: far more than any search, and small enough that a valid query, however it is percent-encoded
# (12 bytes a character at most), fits under the server's 64 KiB request-line limit (ops/server.py).
Text = Annotated[
    str, Query(max_length=1_000, description="free text: words, grades, sizes (`ss 316 tube 25.4x1.65`)")
]
Names = Annotated[list[str] | None, Query(max_length=20)]
Size = Annotated[DecimalIn | None, Query(description="mm")]


def _json(body: Any) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), media_type="application/json")


def _cache(request: Request, db: DbDep) -> SearchCache:
    settings = request.app.state.settings
    config = SearchConfig(settings.search_synonyms_file, settings.search_cache_entries)
    return cache_for(db.engine, config)


@router.get("", response_model=SearchOut)
def search(
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
    in_stock: Annotated[bool | None, Query(description="true: available now; false: not available")] = None,
    warehouse: Annotated[
        str | None, Query(max_length=16, description="stock (and `available`) at this warehouse")
    ] = None,
    remnant: Annotated[
        bool | None, Query(description="true: only products with remnant lots (offcuts) available; false: none")
    ] = None,
    sort: Annotated[Literal["relevance", "price", "-price", "name"] | None, Query()] = None,
    limit: Annotated[int, WholeNumber, Query(ge=1, le=100)] = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Trade-aware search over the catalogue with live availability; see docs/search.md."""
    sizes = locals()
    ranges: dict[str, tuple[Decimal | None, Decimal | None]] = {
        name: (sizes[f"{name}_min"], sizes[f"{name}_max"])
        for name in DIMENSION_NAMES
        if sizes[f"{name}_min"] is not None or sizes[f"{name}_max"] is not None
    }
    body = service.SearchRequest(
        q=q,
        families=tuple(family or ()),
        forms=tuple(form or ()),
        grades=tuple(grade or ()),
        ranges=ranges,
        in_stock=in_stock,
        warehouse=warehouse,
        remnant=remnant,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )
    with db.read() as conn:
        result = service.search(conn, request=body, cache=_cache(request, db))
    return Response(render(result), media_type="application/json")


_AVAILABLE = "@@available@@"
_REMNANT = "@@remnant@@"


def render(result: service.SearchResult) -> bytes:
    """The answer as JSON. All of it but the live stock is rendered once per (cached) page; each request only
    fills in the availability of its hits."""
    page = result.page
    parts: list[str] | None = page.memo.get("parts")
    if parts is None:
        template = answer(result, available=False)
        parts = json.dumps(template, separators=(",", ":")).split(json.dumps(_AVAILABLE))
        page.memo["parts"] = parts
    out = [parts[0]]
    for hit, part in zip(page.hits, parts[1:], strict=True):
        out.append('"' + format_decimal(result.available.get(hit["product_id"], Decimal(0))) + '"')
        out.append(part)
    # The remnant facet is live stock, like `available`: filled in on every answer, never cached.
    return "".join(out).replace(json.dumps(_REMNANT), json.dumps(result.remnant, separators=(",", ":")), 1).encode()


def answer(result: service.SearchResult, *, available: bool = True) -> dict[str, Any]:
    page, reading = result.page, result.reading
    hits = [
        {
            **{k: v for k, v in h.items() if k not in ("product_id", "key", "score", "price_from")},
            "available": format_decimal(result.available.get(h["product_id"], Decimal(0))) if available else _AVAILABLE,
            "price_from": h["price_from"],
            "score": h["score"],
        }
        for h in page.hits
    ]
    return {
        "total": page.total,
        "hits": hits,
        "facets": {**page.facets, "remnant": result.remnant if available else _REMNANT},
        "next_cursor": page.next_cursor,
        "query": {
            "text": reading.text,
            "families": sorted(reading.families),
            "forms": sorted(reading.forms),
            "grades": sorted(reading.grades),
            "dimensions_mm": [[format_decimal(v) for v in g.values_mm] for g in reading.dimensions],
            "words": list(reading.words),
            "corrections": [{"typed": t, "read_as": r} for t, r in reading.corrections],
            "ignored": list(reading.ignored),
            "step": page.step,
            "sort": page.sort,
        },
    }


@router.get("/suggest", response_model=SuggestOut)
def suggest(
    request: Request,
    db: DbDep,
    q: Annotated[str, Query(max_length=200, description="what has been typed so far")] = "",
    limit: Annotated[int, WholeNumber, Query(ge=1, le=20)] = 8,
) -> Response:
    """Type-ahead: completions of the word being typed (typo-tolerant) and the first products they find."""
    with db.read() as conn:
        found = service.suggest(conn, q=q, limit=limit, cache=_cache(request, db))
    return _json({"suggestions": found.completions, "products": found.products})
