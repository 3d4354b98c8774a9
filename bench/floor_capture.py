"""Capture the answers the floor app sends (bench/floor_app.py): one real estimate, stored quote and search page.

    .venv/bin/python bench/floor_capture.py        # writes bench/data/floor/*.json

Seeds the demo catalogue into a scratch SQLite database, asks the app in process for the requests the harness's
`estimate`, `quote_1` and `search` scenarios send (one line in pounds; the trade query "steel plate", a full page of
20 hits), and writes each answer as it came. The floor app answers every request with these, so its figures are what
FastAPI and Pydantic cost for a request and an answer of that shape, with no database and no pricing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "data" / "floor"


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="steelyard-floor-"))
    url = f"sqlite:///{work}/floor.db"
    env = {**os.environ, "STEELYARD_DATABASE_URL": url}
    steelyard = str(Path(sys.executable).parent / "steelyard")
    subprocess.run([steelyard, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([steelyard, "seed", "--demo", "--products", "2000"], env=env, check=True, capture_output=True)
    os.environ["STEELYARD_DATABASE_URL"] = url

    from fastapi.testclient import TestClient

    from steelyard.app import create_app

    with TestClient(create_app()) as client:
        items = client.get("/api/v1/products", params={"limit": 100}).json()["items"]
        product = next(p for p in items if p["stock_unit"] == "kg" and not p.get("min_order"))
        body = {"lines": [{"sku": product["sku"], "quantity": {"value": "55", "unit": "lb"}}]}
        answers = {
            "estimate": client.post("/api/v1/estimates", json=body),
            "quote": client.post("/api/v1/quotes", json=body),
            "search": client.get("/api/v1/search", params={"q": "steel plate", "limit": 20}),
        }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, answer in answers.items():
        answer.raise_for_status()
        (OUT / f"{name}.json").write_text(json.dumps(answer.json(), indent=1) + "\n", encoding="utf-8")
        print(f"{name}: {answer.status_code}, {len(answer.content)} bytes -> {OUT / (name + '.json')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
