"""The application factory: settings, database, routers and the one error mapping."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from steelyard import __version__
from steelyard.api import (
    DbDep,
    declare_problem_422s,
    error_problem,
    problem_refs,
    problem_responses,
    status_problem,
)
from steelyard.api import problem as api_problem
from steelyard.catalog.api import read_documents
from steelyard.catalog.documents import BatchedReads, ProductDocuments
from steelyard.config import Settings, get_settings
from steelyard.db import Database, make_engine
from steelyard.errors import SteelyardError
from steelyard.events import register_commit_listener, unregister_commit_listener
from steelyard.inventory.filestore import file_store
from steelyard.methods import guard_literal_paths, method_not_allowed_headers
from steelyard.ops import metrics
from steelyard.ops.guard import BodyTooLarge, ClientRates, GuardMiddleware, make_storage, too_large
from steelyard.ops.middleware import RequestMiddleware
from steelyard.ops.rates import ClientSlots, parse_rate_limits
from steelyard.textguard import TextGuard
from steelyard.wire import invalid_input, use_cursor_secret

log = logging.getLogger("steelyard")


def problem(request: Request, status: int, title: str, detail: str, slug: str, **extra: Any) -> JSONResponse:
    return api_problem(request.url.path, status, title, detail, slug, **extra)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SteelyardError)
    async def _steelyard(request: Request, exc: SteelyardError) -> JSONResponse:
        return error_problem(request.url.path, exc)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return too_large(request.url.path, exc.limit)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_problem(request.url.path, invalid_input(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing is served at {request.url.path}; see /docs for the API"
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}; see /docs for the methods it takes"
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers.update(method_not_allowed_headers(request))
        return status_problem(request.url.path, exc.status_code, detail, headers)

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> JSONResponse:
        metrics.DB_UNAVAILABLE.inc()
        log.error("database error on %s %s: %s", request.method, request.url.path, exc.orig)
        detail = "the database did not answer; try again shortly"
        if "statement timeout" in str(exc.orig):
            detail = (
                "the database took longer than the service allows one statement (STEELYARD_DB_STATEMENT_TIMEOUT_MS) "
                "and cancelled it; nothing was changed: try again shortly, or ask for less at once"
            )
        return problem(request, 503, "Service unavailable", detail, "service-unavailable")


async def sweep_holds(db: Database, every_seconds: float) -> None:
    """Give back expired holds, and delete expired anonymous quotes, now and then for ever, whether or not requests
    arrive (once at start-up too)."""
    from steelyard.inventory.holds import sweep
    from steelyard.quotes.expiry import sweep_anonymous

    while True:
        try:
            await anyio.to_thread.run_sync(sweep, db, datetime.now(UTC))  # counts steelyard_holds_expired_total
            await anyio.to_thread.run_sync(sweep_anonymous, db, datetime.now(UTC))
        except Exception:  # a failed sweep is retried on the next tick; the server must not stop sweeping
            log.exception("sweeping expired holds or anonymous quotes failed")
        await asyncio.sleep(every_seconds)


def product_documents(bus: Any, settings: Settings) -> ProductDocuments | None:
    """This process's product document cache, emptied of each SKU the bus announces (catalog/documents.py)."""
    if settings.product_cache_entries == 0:
        return None
    cache = ProductDocuments(
        fresh_at=lambda: bus.fresh_at,
        max_lag=bus.config.poll_seconds + 1.0,  # a pass is due every poll_seconds; past this the bus is behind
        max_entries=settings.product_cache_entries,
    )
    bus.on_events(lambda events: cache.invalidate({e.sku for e in events}))  # from the other processes
    return cache


def refresh_gauges(app: FastAPI) -> None:
    """Pool use, SSE subscribers and outbox lag of this process, for /metrics (a read of the outbox's head): every
    few seconds, and before each scrape this process answers (app.state.refresh_gauges), so no scrape shows a gauge
    older than itself."""
    from steelyard.events import outbox

    db: Database = app.state.db
    bus = getattr(app.state, "events", None)
    head = None
    if bus is not None:
        with db.read() as conn:
            head = outbox.head(conn)
    metrics.refresh_gauges(
        pool=db.engine.pool,
        subscribers=bus.hub.subscribers if bus is not None else None,
        outbox_head=head,
        bus_cursor=bus.cursor if bus is not None else None,
    )


async def refresh_gauges_forever(app: FastAPI, every_seconds: float) -> None:
    while True:
        try:
            await anyio.to_thread.run_sync(refresh_gauges, app)
        except Exception:  # metrics must never take the server down
            log.exception("refreshing the metrics gauges failed")
        await asyncio.sleep(every_seconds)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.require_shared_secret()
    db = Database(
        make_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            statement_timeout_ms=settings.db_statement_timeout_ms,
        )
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        sweeper = asyncio.create_task(sweep_holds(db, settings.hold_sweep_seconds))
        gauges = asyncio.create_task(refresh_gauges_forever(app, settings.metrics_refresh_seconds))
        # OR-Tools (the cutting solver, ~50 MB a worker) is not imported here: only a tight cut plan needs it, and
        # that plan's worker imports it then (0.3 s, once; cutting/patterns.py). Issue 16's memory goal.
        from steelyard.events.bus import running_bus
        from steelyard.webhooks.dispatcher import running_webhooks

        async with running_bus(app.state, settings, db) as bus, running_webhooks(bus, settings, db):
            documents = app.state.product_documents = product_documents(bus, settings)
            if not db.sqlite:  # SQLite reads a miss on the event loop (catalog/api.py)
                app.state.product_reads = BatchedReads(functools.partial(read_documents, db, documents))
            if documents is not None:
                register_commit_listener(documents.invalidate)  # this process's own writes: before they answer
            # Everything made while starting (modules, routes, schemas, tables: ~200,000 objects) lives as long as
            # the process: out of the collector's sight, a full collection no longer walks it. Measured under load
            # (docs/benchmarks.md, "Garbage collection"): full collections took 224-239 ms at worst, 2.4-2.7 s in
            # all per worker over the benchmark's scenarios; frozen, 112-116 ms and 0.7 s.
            gc.freeze()
            yield
            gc.unfreeze()  # a process that starts apps again and again (the tests) gets its garbage collected
            app.state.product_documents = app.state.product_reads = None
            if documents is not None:
                unregister_commit_listener(documents.invalidate)
        for task in (sweeper, gauges):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        db.dispose()

    app = FastAPI(
        title="Steelyard",
        version=__version__,
        summary="Back end for raw-materials suppliers: exact quantities, live stock, trade-aware search.",
        lifespan=lifespan,
        docs_url=None,  # /docs is a page of ours (web/pages.py): FastAPI's has an inline script and no policy
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.refresh_gauges = lambda: refresh_gauges(app)
    use_cursor_secret((settings.cursor_secret or settings.session_secret).get_secret_value())
    app.state.db = db
    app.state.file_store = file_store(
        folder=settings.files_dir,
        s3_bucket=settings.files_s3_bucket,
        s3_endpoint_url=settings.files_s3_endpoint_url,
        s3_region=settings.files_s3_region,
    )
    install_error_handlers(app)
    app.add_middleware(
        SessionMiddleware,  # the /staff pages' sign-in; see docs/web.md
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie="steelyard_staff",
        max_age=settings.session_max_age_seconds,
        path="/staff",
        same_site="strict",
        https_only=settings.session_https_only,
    )
    # Before the session and every route: none of them ever sees a control character (see textguard.py).
    app.add_middleware(TextGuard)
    rates = ClientRates(
        parse_rate_limits(settings.rate_limits),
        make_storage(settings.events_url, prefix=f"steelyard-rates-{settings.events_channel}"),
    )
    app.state.rates = rates
    app.state.event_streams = ClientSlots(settings.events_streams_per_client)
    app.add_middleware(  # before anything reads the request: a client past its limits costs nothing further
        GuardMiddleware,
        rates=rates,
        in_flight=ClientSlots(settings.requests_per_client),
        body_limit=settings.body_limit_bytes,
        body_limits={
            "/api/v1/imports": settings.import_max_bytes,  # streamed to disk by the route, capped there
            "/api/v1/lots": settings.certificate_max_bytes,  # certificate PDFs; the route checks the size again
            "/staff/lots": settings.certificate_max_bytes,  # the staff page's upload form
        },
    )
    # Outermost, so its latency covers the session middleware too and every answer carries the request id.
    app.add_middleware(RequestMiddleware, access_log_enabled=settings.access_log)
    for router in routers():
        app.include_router(router)
    declare_limit_responses(app)
    declare_problem_422s(app)
    guard_literal_paths(app)
    return app


def declare_limit_responses(app: FastAPI) -> None:
    """Declare in the OpenAPI document what the limits at the door (ops/guard.py) may answer before any route runs:
    429 on every operation (requests in flight, and rates for some), 413 on every one that takes a body."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    # any request can be refused by the server's header limit (431) or the client's rate (429)
                    statuses = [429, 431, 413] if "requestBody" in operation else [429, 431]
                    for status in statuses:
                        operation.setdefault("responses", {}).setdefault(str(status), _problem_response(status))
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


def _problem_response(status: int) -> dict[str, Any]:
    answer = problem_refs(status)[status]
    if status == 429:
        wait = {"type": "integer", "minimum": 1}
        answer["headers"] = {"Retry-After": {"description": "seconds to wait", "schema": wait}}
    return answer


def routers() -> list[APIRouter]:
    """Every router the service serves; each domain adds its own line."""
    from steelyard.access.api import router as accounts
    from steelyard.access.tokens_api import router as tokens
    from steelyard.catalog import changes
    from steelyard.catalog.api import router as catalogue
    from steelyard.charges.api import router as charges
    from steelyard.documents.api import router as documents
    from steelyard.events.api import router as events
    from steelyard.inventory.api import lots_router
    from steelyard.inventory.api import router as inventory
    from steelyard.inventory.certificates_api import router as certificates
    from steelyard.io.api import router as imports
    from steelyard.market.api import router as market
    from steelyard.ops.api import metrics_router
    from steelyard.quotes.api import router as quotes
    from steelyard.quotes.certificates_api import router as order_certificates
    from steelyard.search import indexer  # its import subscribes the index to catalogue changes (catalog/changes.py)
    from steelyard.search.api import router as search
    from steelyard.web.pages import router as pages
    from steelyard.webhooks.api import router as webhooks

    assert indexer.on_products_changed in changes.subscribers()
    return [
        ops_router(),
        metrics_router(),
        catalogue,
        accounts,
        tokens,
        documents,  # before quotes: /quotes/{id}.pdf must not be read as /quotes/{id}
        quotes,
        charges,
        inventory,
        imports,
        lots_router,
        market,
        certificates,
        order_certificates,
        events,
        webhooks,
        search,
        pages,
    ]


class Health(BaseModel):
    status: str


def ops_router() -> APIRouter:
    router = APIRouter(tags=["operation"])

    @router.get("/healthz", response_model=Health)
    def healthz() -> Health:
        """The process is up (does not touch the database)."""
        return Health(status="ok")

    @router.get("/readyz", response_model=Health, responses=problem_responses(503))
    def readyz(db: DbDep) -> Health:
        """The database answers."""
        db.ping()
        return Health(status="ready")

    return router
