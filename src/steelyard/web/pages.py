"""The website the back end serves: `/` (storefront), `/products/{sku}`, `/staff`, and their static files.

Server-rendered Jinja2 with a little plain JavaScript (web/static); no build step and nothing from another origin.
See docs/web.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from steelyard.api import DbDep
from steelyard.web import views
from steelyard.web.render import DOCS_CSP, assets, page, static_response
from steelyard.web.staff import router as staff_router
from steelyard.web.staff_imports import router as staff_imports_router
from steelyard.web.staff_lots import router as staff_lots_router

router = APIRouter(include_in_schema=False)
Names = Annotated[list[str], Query(max_length=20)]


@router.get("/", response_class=HTMLResponse)
def storefront(
    request: Request,
    db: DbDep,
    q: str = "",
    family: Names = [],  # noqa: B006 - FastAPI copies query defaults
    form: Names = [],  # noqa: B006
    grade: Names = [],  # noqa: B006
    in_stock: str | None = None,
    sort: str | None = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> HTMLResponse:
    """Search box with type-ahead, facets and hits with live stock; the URL holds the whole search."""
    query = views.storefront_query(q, family, form, grade, in_stock, sort, cursor)
    context = views.storefront(db, request.app.state.settings, query)
    return page(request, "storefront.html", context, status=422 if context["error"] else 200)


@router.get("/products/{sku}", response_class=HTMLResponse)
def product(request: Request, sku: str, db: DbDep) -> HTMLResponse:
    """The product's data, live stock per warehouse and the estimator."""
    context = views.product_page(db, sku)
    if context is None:
        return page(request, "not_found.html", {"sku": sku}, status=404)
    return page(request, "product.html", context)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI on /openapi.json, under a policy like every page's: no inline script, no framing."""
    return page(request, "api_docs.html", {}, csp=DOCS_CSP)


@router.get("/static/{name}")
def static(request: Request, name: str) -> Response:
    asset = assets().get(name)
    if asset is None:
        raise HTTPException(404, f"no static file '{name}'")
    return static_response(request, asset)


router.include_router(staff_router)
router.include_router(staff_imports_router)
router.include_router(staff_lots_router)
