"""The baseline: a bare FastAPI app with one GET endpoint returning a small JSON document.

Served by uvicorn with the same settings as `steelyard serve` (workers, log level, no access log), it is the
ceiling the benchmark compares Steelyard's endpoints against: what this machine, this Python, uvicorn and
FastAPI do when the handler does (almost) nothing.

    .venv/bin/uvicorn baseline_app:create_app --factory --app-dir bench --workers 2 --no-access-log
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

DOCUMENT: dict[str, Any] = {
    "sku": "AL-6061T6-SH-2X1250X2500",
    "name": "Aluminium sheet 6061-T6 2 x 1250 x 2500 mm",
    "available": "1250.5",
    "unit": "kg",
}


def create_app() -> FastAPI:
    app = FastAPI(title="Steelyard benchmark baseline")

    @app.get("/baseline")
    def baseline() -> dict[str, Any]:
        return DOCUMENT

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    return app
