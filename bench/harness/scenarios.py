"""The scenarios: one small declarative entry each, and the catalogue sample their requests are drawn from.

A scenario of kind "http" names its method and path (for the table), a generator that turns the seeded catalogue
into the list of requests wrk cycles through, the token it needs and whether it needs a seeded catalogue. The
runner probes the first request before measuring: 404, 405 or 501 means the endpoint is not in this build and the
scenario is reported as "not available in this build" (never a figure). So a scenario written against the SPEC
lights up, without code changes, on the day its endpoint lands.

Bodies follow SPEC §3 (stock movements), §4 (quotes, reservations) and §5 (search).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlencode

import httpx
from sqlalchemy import text

from harness.servers import LOAD_TEST_ENV
from harness.wrk import Call
from steelyard.db import make_engine
from steelyard.wire import encode_cursor, use_cursor_secret

Kind = Literal["http", "sse", "cold_start", "seed"]
Auth = Literal["none", "staff", "customer"]

SAMPLE_SIZE = 1500
"""Products drawn from the catalogue (spread evenly over it) for the requests; >= 1,000 for the spread scenario."""
SPREAD = 1000
"""How many distinct products the spread reservation scenario touches."""


@dataclass(frozen=True)
class Catalogue:
    """What a seeded server offers the scenarios: product summaries spread over the whole catalogue (as
    `GET /api/v1/products` returns them), the warehouse codes and the best candidates for the hot product."""

    size: int
    products: tuple[dict[str, Any], ...]
    warehouses: tuple[str, ...]
    hot: tuple[str, ...]
    hot_index: int = 0

    @property
    def hot_sku(self) -> str:
        return self.hot[self.hot_index % len(self.hot)] if self.hot else self.products[0]["sku"]


Generator = Callable[[Catalogue], list[Call]]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    kind: Kind = "http"
    method: str = "GET"
    path: str = ""
    calls: Generator | None = None
    auth: Auth = "none"
    needs_seed: bool = True
    plugin: str | None = None
    """For kind "sse": the script in bench/ that measures it (see bench/README.md for its interface)."""
    workers: tuple[int, ...] = field(default=())
    """Worker counts the scenario runs with; empty: all of the plan's."""
    largest_only: bool = False
    """Run only at the largest catalogue size of each database (for costs that do not grow with the catalogue)."""


# --- request bodies -------------------------------------------------------------------------------------------

_SMALL = {"kg": "10", "t": "1", "g": "500", "lb": "20", "m": "6", "mm": "500", "L": "20", "m3": "1", "piece": "2"}


def quantity_for(product: dict[str, Any], i: int = 0) -> dict[str, str]:
    """A quantity the product can certainly be sold in: its minimum order if it has one, else a small amount of
    its stock unit (every other mass-stocked line asks in pounds, so unit conversion is on the path)."""
    if product.get("min_order"):
        return {"value": str(product["min_order"]["value"]), "unit": str(product["min_order"]["unit"])}
    if product.get("increment"):
        return {"value": str(product["increment"]["value"]), "unit": str(product["increment"]["unit"])}
    unit = str(product["stock_unit"])
    if unit == "kg" and i % 2:
        return {"value": "55", "unit": "lb"}
    return {"value": _SMALL.get(unit, "2"), "unit": unit}


def _json(body: Any) -> str:
    return json.dumps(body, separators=(",", ":"))


def product_reads(cat: Catalogue) -> list[Call]:
    return [Call("GET", f"/api/v1/products/{quote(p['sku'], safe='')}") for p in cat.products]


def _words(form: str) -> str:
    return form.replace("_", " ")


def search_mix(cat: Catalogue) -> list[Call]:
    """The SPEC §5 cases (typos, synonyms, dimensions in the text, filters, sorts) and trade queries built from
    real products (grade + form, names), 20 hits a page."""
    warehouse = cat.warehouses[0] if cat.warehouses else "DUI"
    fixed: list[dict[str, str]] = [
        {"q": "alumnium"},
        {"q": "aluminum sheet 2mm"},
        {"q": "ss 304 round bar"},
        {"q": "10x1250x2500"},
        {"q": "ms plate 10 mm"},
        {"q": "copper tube", "in_stock": "true"},
        {"family": "stainless", "form": "tube", "sort": "price"},
        {"family": "aluminium", "thickness_min": "2", "thickness_max": "5"},
        {"q": "6061-T6", "sort": "name"},
        {"q": "brass hex bar", "warehouse": warehouse},
        {"q": "polypropylene sheet"},
        {"q": "titanium round bar 20 mm"},
    ]
    rng = random.Random(5)
    picks = rng.sample(list(cat.products), min(28, len(cat.products)))
    built = [
        {"q": f"{p['grade']} {_words(p['form'])}"} if i % 2 else {"q": str(p["name"])} for i, p in enumerate(picks)
    ]
    return [Call("GET", "/api/v1/search?" + urlencode({**params, "limit": "20"})) for params in fixed + built]


def suggest_mix(cat: Catalogue) -> list[Call]:
    prefixes = ["alu", "stain", "6061", "s355", "copp", "brass h", "titan", "304l"]
    rng = random.Random(6)
    for p in rng.sample(list(cat.products), min(24, len(cat.products))):
        word = str(p["name"]).split()[0]
        prefixes.append(word[: max(3, len(word) // 2)].lower())
    return [Call("GET", "/api/v1/search/suggest?" + urlencode({"q": q})) for q in prefixes]


def _quote_body(lines: list[dict[str, Any]], *, reserve: bool = False) -> str:
    body: dict[str, Any] = {"lines": lines}
    if reserve:
        body["reserve"] = True
    return _json(body)


def quotes(lines: int, count: int = 300) -> Generator:
    """`count` quotes of `lines` distinct products each, without reservation (public)."""

    def generate(cat: Catalogue) -> list[Call]:
        products = list(cat.products)
        rng = random.Random(lines)
        calls = []
        for i in range(count):
            chosen = rng.sample(products, min(lines, len(products)))
            body = [{"sku": p["sku"], "quantity": quantity_for(p, i + j)} for j, p in enumerate(chosen)]
            calls.append(Call("POST", "/api/v1/quotes", _quote_body(body)))
        return calls

    return generate


def estimates(cat: Catalogue) -> list[Call]:
    """300 one-line estimates (the product page's estimator): priced with live stock, nothing stored (SPEC §11)."""
    products = list(cat.products)
    rng = random.Random(11)
    calls = []
    for i in range(300):
        p = rng.choice(products)
        line = {"sku": p["sku"], "quantity": quantity_for(p, i)}
        calls.append(Call("POST", "/api/v1/estimates", _quote_body([line])))
    return calls


def reserve_hot(cat: Catalogue) -> list[Call]:
    """Every request holds 1 kg of the same product: all writers queue on one stock row."""
    line = {"sku": cat.hot_sku, "quantity": {"value": "1", "unit": "kg"}}
    return [Call("POST", "/api/v1/quotes", _quote_body([line], reserve=True))]


def reserve_spread(cat: Catalogue) -> list[Call]:
    """Each request holds a small quantity of one of 1,000 products: little contention, many rows."""
    products = list(cat.products)[:SPREAD]
    return [
        Call("POST", "/api/v1/quotes", _quote_body([{"sku": p["sku"], "quantity": quantity_for(p, i)}], reserve=True))
        for i, p in enumerate(products)
    ]


def stock_movements(cat: Catalogue) -> list[Call]:
    """Receipts of a small quantity over 1,000 products and every warehouse (no Idempotency-Key: each is new)."""
    products = list(cat.products)[:SPREAD]
    codes = list(cat.warehouses) or ["DUI"]
    calls = []
    for i, p in enumerate(products):
        body = {
            "sku": p["sku"],
            "warehouse": codes[i % len(codes)],
            "kind": "receipt",
            "quantity": {"value": _SMALL.get(str(p["stock_unit"]), "1"), "unit": p["stock_unit"]},
            "reason": "benchmark receipt",
        }
        calls.append(Call("POST", "/api/v1/stock/movements", _json(body)))
    return calls


def baseline_calls(_: Catalogue) -> list[Call]:
    return [Call("GET", "/baseline")]


BASELINE = Scenario(
    "baseline", "Baseline: bare FastAPI GET, small JSON", path="/baseline", calls=baseline_calls, needs_seed=False
)

FLOOR_DATA = Path(__file__).resolve().parents[1] / "data" / "floor"


def floor_catalogue() -> Catalogue:
    """The products the floor's requests name: the hits of the captured search page (bench/floor_capture.py). The
    floor answers the same whatever they name; they only give its requests the real requests' shape and size."""
    page = json.loads((FLOOR_DATA / "search.json").read_text(encoding="utf-8"))
    products = tuple({"form": "plate", "grade": "S355JR", **hit} for hit in page["hits"])
    return Catalogue(size=0, products=products, warehouses=("DUI",), hot=())


FLOORS: dict[str, Scenario] = {
    # Steelyard's scenario -> the same requests sent to bench/floor_app.py: the route's signature, no work.
    "estimate": Scenario(
        "estimate_floor", "Floor: the estimate route, no work", method="POST", path="/api/v1/estimates", calls=estimates
    ),
    "quote_1": Scenario(
        "quote_1_floor", "Floor: the quote route, no work", method="POST", path="/api/v1/quotes", calls=quotes(1)
    ),
    "search": Scenario("search_floor", "Floor: the search route, no work", path="/api/v1/search", calls=search_mix),
}

SCENARIOS: list[Scenario] = [
    Scenario("product_read", "Product read", path="/api/v1/products/{sku}", calls=product_reads),
    Scenario("search", "Search query mix", path="/api/v1/search", calls=search_mix),
    Scenario("search_suggest", "Search type-ahead", path="/api/v1/search/suggest", calls=suggest_mix),
    Scenario("estimate", "Estimate, 1 line, nothing stored", method="POST", path="/api/v1/estimates", calls=estimates),
    Scenario("quote_1", "Quote, 1 line", method="POST", path="/api/v1/quotes", calls=quotes(1)),
    Scenario("quote_20", "Quote, 20 lines", method="POST", path="/api/v1/quotes", calls=quotes(20)),
    Scenario(
        "reserve_hot",
        "Reservation, one hot product",
        method="POST",
        path="/api/v1/quotes",
        calls=reserve_hot,
        auth="customer",
    ),
    Scenario(
        "reserve_spread",
        "Reservation over 1,000 products",
        method="POST",
        path="/api/v1/quotes",
        calls=reserve_spread,
        auth="customer",
    ),
    Scenario(
        "stock_movement",
        "Stock movement post",
        method="POST",
        path="/api/v1/stock/movements",
        calls=stock_movements,
        auth="staff",
    ),
    Scenario(
        "sse_fanout",
        "SSE fan-out, commit to receipt",
        kind="sse",
        path="/api/v1/events",
        auth="staff",
        plugin="sse_bench.py",
        workers=(2,),
        largest_only=True,
    ),
    Scenario("cold_start", "Cold start, spawn to first 200 on /readyz", kind="cold_start", needs_seed=False),
    Scenario("seed", "Catalogue seed (steelyard seed --demo)", kind="seed", needs_seed=False),
]


# --- the catalogue sample ------------------------------------------------------------------------------------


def _anchors(db_url: str, count: int) -> list[str]:
    """`count` SKUs evenly spaced over the catalogue in SKU order (the starting points of the listing pages)."""
    engine = make_engine(db_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            total = int(conn.execute(text("SELECT count(*) FROM products")).scalar_one())
            step = max(1, total // count)
            rows = conn.execute(
                text(
                    "SELECT sku FROM (SELECT sku, row_number() OVER (ORDER BY sku) AS n FROM products) AS numbered "
                    "WHERE (n - 1) % :step = 0 ORDER BY sku"
                ),
                {"step": step},
            )
            return [str(r[0]) for r in rows][:count]
    finally:
        engine.dispose()


def build_catalogue(base_url: str, db_url: str, size: int, pages: int = 30) -> Catalogue:
    """Sample the seeded catalogue through the public API: `pages` listing pages that start at SKUs spread evenly
    over the catalogue (so a 100k catalogue is not represented by its first 1,500 SKUs, all aluminium), the
    warehouses, and the stock of a dozen kg-stocked products to pick the hot one."""
    per_page = math.ceil(SAMPLE_SIZE / pages)
    # Cursors are signed with a key from the server's secret: the bench servers all get the one in LOAD_TEST_ENV.
    use_cursor_secret(LOAD_TEST_ENV["STEELYARD_SESSION_SECRET"])
    seen: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for i, anchor in enumerate(_anchors(db_url, pages)):
            params: dict[str, Any] = {"limit": per_page}
            if i:  # the first page starts at the very beginning
                params["cursor"] = encode_cursor(anchor)
            r = client.get("/api/v1/products", params=params)
            r.raise_for_status()
            for item in r.json()["items"]:
                seen.setdefault(item["sku"], item)
        r = client.get("/api/v1/warehouses", params={"limit": 50})
        r.raise_for_status()
        warehouses = tuple(w["code"] for w in r.json()["items"])
        candidates = [
            p
            for p in seen.values()
            if p["stock_unit"] == "kg" and not p.get("min_order") and not p.get("increment") and p.get("active", True)
        ][:12]
        stocked: list[tuple[float, str]] = []
        for p in candidates:
            r = client.get(f"/api/v1/products/{quote(p['sku'], safe='')}/stock")
            if r.status_code == 200:
                stocked.append((float(r.json()["total"]["available"]), p["sku"]))
    products = [p for p in seen.values() if p.get("active", True)]
    random.Random(7).shuffle(products)
    hot = tuple(sku for _, sku in sorted(stocked, reverse=True))
    return Catalogue(size=size, products=tuple(products), warehouses=warehouses, hot=hot)
