"""GET /api/v1/search over HTTP: the answer's shape, an index that follows the catalogue in the same transaction,
live stock, filters, facets, cursors that survive concurrent writes, bad input, and type-ahead."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, text
from stock_helpers import move

from conftest import sheet_body
from steelyard.catalog.tables import products
from steelyard.db import Database

S = "/api/v1/search"
P = "/api/v1/products"


def body(sku: str, *, thickness: str = "2", grade: str = "6061-T6", family: str = "aluminium", **extra: Any) -> Any:
    name = f"{family.capitalize()} sheet {grade} {thickness} x 1250 x 2500 mm"
    return sheet_body(
        sku=sku,
        name=name,
        family=family,
        grade=grade,
        dimensions_mm={"thickness": thickness, "width": "1250", "length": "2500"},
        **extra,
    )


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    r = client.get(S, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    return dict(r.json())


def skus(answer: dict[str, Any]) -> list[str]:
    return [h["sku"] for h in answer["hits"]]


@pytest.fixture
def sheets(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> list[str]:
    made = []
    for sku, thickness, grade, family in [
        ("AL-6061-SH-2", "2", "6061-T6", "aluminium"),
        ("AL-6061-SH-3", "3", "6061-T6", "aluminium"),
        ("AL-5083-SH-2", "2", "5083", "aluminium"),
        ("SS-304-SH-2", "2", "304", "stainless"),
        ("SS-316-SH-1.5", "1.5", "316", "stainless"),
    ]:
        r = client.post(P, json=body(sku, thickness=thickness, grade=grade, family=family), headers=staff)
        assert r.status_code == 201, r.text
        made.append(sku)
    return made


def test_the_answer_has_the_documented_shape(client: TestClient, sheets: list[str], staff: dict[str, str]) -> None:
    move(client, staff, "AL-6061-SH-2", "DUI", "receipt", "125.5", "kg")
    answer = search(client, q="alumnium sheet 2mm")
    assert answer["total"] == 2
    assert set(skus(answer)) == {"AL-6061-SH-2", "AL-5083-SH-2"}
    hit = next(h for h in answer["hits"] if h["sku"] == "AL-6061-SH-2")
    assert hit == {
        "sku": "AL-6061-SH-2",
        "name": "Aluminium sheet 6061-T6 2 x 1250 x 2500 mm",
        "family": "aluminium",
        "grade": "6061-T6",
        "form": "sheet",
        "dimensions_mm": {"thickness": "2", "width": "1250", "length": "2500"},
        "stock_unit": "kg",
        "available": "125.5",
        "price_from": {"value": "5.40", "currency": "EUR", "per": "kg"},
        "score": 1000,
    }
    assert answer["facets"] == {
        "family": {"aluminium": 2},
        "form": {"sheet": 2},
        "grade": {"5083": 1, "6061-T6": 1},
        "remnant": {"true": 0, "false": 2},
    }
    assert answer["next_cursor"] is None
    assert answer["query"]["corrections"] == [{"typed": "alumnium", "read_as": "aluminium"}]
    assert answer["query"]["dimensions_mm"] == [["2"]]


def test_the_index_follows_create_update_and_archive(client: TestClient, staff: dict[str, str]) -> None:
    assert search(client, q="6061")["total"] == 0
    assert client.post(P, json=body("AL-NEW-1"), headers=staff).status_code == 201
    assert skus(search(client, q="6061")) == ["AL-NEW-1"]
    patch = {
        "grade": "7075-T6",
        "name": "Aluminium sheet 7075-T6 2 x 1250 x 2500 mm",
        "attributes": {"finish": "brushed"},
    }
    assert client.patch(f"{P}/AL-NEW-1", json=patch, headers=staff).status_code == 200
    assert search(client, q="6061")["total"] == 0
    assert skus(search(client, q="7075 sheet brushed")) == ["AL-NEW-1"]
    assert skus(search(client, q="brushd")) == ["AL-NEW-1"]  # a word that only this product uses, mistyped
    assert client.delete(f"{P}/AL-NEW-1", headers=staff).status_code == 200
    assert search(client, q="7075")["total"] == 0
    assert search(client)["total"] == 0


def test_a_failed_catalogue_change_leaves_the_index_alone(client: TestClient, staff: dict[str, str]) -> None:
    assert client.post(P, json=body("AL-OK"), headers=staff).status_code == 201
    bad = {"dimensions_mm": {"thickness": "-1", "width": "1250", "length": "2500"}, "grade": "2024-T3"}
    assert client.patch(f"{P}/AL-OK", json=bad, headers=staff).status_code == 422
    assert search(client, q="2024")["total"] == 0
    assert skus(search(client, q="6061")) == ["AL-OK"]


def test_a_deleted_product_is_never_shown(client: TestClient, db: Database, sheets: list[str]) -> None:
    with db.write() as conn:
        conn.execute(delete(products).where(products.c.sku == "AL-6061-SH-2"))
    assert "AL-6061-SH-2" not in skus(search(client, q="aluminium sheet"))


def test_stock_is_live(client: TestClient, staff: dict[str, str], sheets: list[str]) -> None:
    assert search(client, q="6061 sheet 2", in_stock="true")["total"] == 0
    first = search(client, q="6061 sheet 2")
    assert first["hits"][0]["available"] == "0"
    move(client, staff, "AL-6061-SH-2", "MIL", "receipt", "40", "kg")
    move(client, staff, "AL-6061-SH-2", "RTM", "receipt", "2.5", "kg")
    again = search(client, q="6061 sheet 2")
    assert again["hits"][0]["available"] == "42.5"
    assert skus(search(client, q="6061 sheet 2", in_stock="true")) == ["AL-6061-SH-2"]
    at = search(client, q="6061 sheet 2", warehouse="RTM")
    assert (skus(at), at["hits"][0]["available"]) == (["AL-6061-SH-2"], "2.5")
    assert search(client, q="6061 sheet 2", warehouse="DUI")["total"] == 0
    assert "AL-6061-SH-2" not in skus(search(client, q="sheet", in_stock="false"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"family": "stainless"}, {"SS-304-SH-2", "SS-316-SH-1.5"}),
        ({"family": ["stainless", "aluminium"], "grade": "316"}, {"SS-316-SH-1.5"}),
        (
            {"form": "sheet", "thickness_min": "2", "thickness_max": "2.5"},
            {"AL-6061-SH-2", "AL-5083-SH-2", "SS-304-SH-2"},
        ),
        ({"q": "sheet", "thickness_max": "1.5"}, {"SS-316-SH-1.5"}),
        ({"q": "aluminium", "grade": "5083"}, {"AL-5083-SH-2"}),
        ({"q": "sheet 1250x2500", "family": "stainless"}, {"SS-304-SH-2", "SS-316-SH-1.5"}),
        ({"q": "copper"}, set()),
    ],
)
def test_filters(client: TestClient, sheets: list[str], params: dict[str, Any], expected: set[str]) -> None:
    answer = search(client, **params)
    assert set(skus(answer)) == expected
    assert answer["total"] == len(expected)
    assert sum(answer["facets"]["family"].values()) == len(expected)


def test_sorting(client: TestClient, staff: dict[str, str], sheets: list[str]) -> None:
    cheap = body("AL-CHEAP", thickness="4")
    cheap["price"] = {
        "currency": "EUR",
        "tiers": [{"min_quantity": {"value": "0", "unit": "kg"}, "unit_price": "1.10", "per": "kg"}],
    }
    assert client.post(P, json=cheap, headers=staff).status_code == 201
    assert skus(search(client, q="sheet", sort="price"))[0] == "AL-CHEAP"
    assert skus(search(client, q="sheet", sort="-price"))[-1] == "AL-CHEAP"
    names = [h["name"] for h in search(client, sort="name")["hits"]]
    assert names == sorted(names)


def test_sizes_rank_the_closest_first_when_none_match_exactly(client: TestClient, sheets: list[str]) -> None:
    answer = search(client, q="aluminium sheet 2.8mm")
    assert answer["query"]["step"] == "near_sizes"
    assert skus(answer) == ["AL-6061-SH-3"]
    assert answer["hits"][0]["score"] == 1000 - 1000 * 200 // 2800
    mixed = search(client, q="sheet 1.7")  # 1.5 mm is 0.2 away, 2 mm 0.3: the closer first
    assert skus(mixed)[0] == "SS-316-SH-1.5"
    scores = [h["score"] for h in mixed["hits"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_cursor_pages_are_stable_under_concurrent_writes(
    client: TestClient, staff: dict[str, str], sheets: list[str]
) -> None:
    for sort in ("relevance", "name", "price", "-price"):
        seen: list[str] = []
        page = search(client, q="sheet", sort=sort, limit=2)
        seen += skus(page)
        # a product that sorts first by every order, and a change to one already seen, arrive between pages
        extra = body(f"AA-{sort.replace('-', 'DESC').upper()}", thickness="9")
        extra["name"] = "A sheet"
        assert client.post(P, json=extra, headers=staff).status_code == 201
        while page["next_cursor"]:
            page = search(client, q="sheet", sort=sort, limit=2, cursor=page["next_cursor"])
            seen += skus(page)
        assert len(seen) == len(set(seen)), sort
        assert set(sheets) <= set(seen), sort


def test_a_cursor_belongs_to_its_search(client: TestClient, sheets: list[str]) -> None:
    cursor = search(client, q="sheet", limit=1)["next_cursor"]
    r = client.get(S, params={"q": "aluminium", "cursor": cursor})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "cursor"
    assert client.get(S, params={"q": "sheet", "cursor": "not-a-cursor"}).status_code == 422


def test_an_empty_query_browses_the_catalogue(client: TestClient, sheets: list[str]) -> None:
    answer = search(client, limit=3)
    assert answer["total"] == len(sheets)
    assert len(answer["hits"]) == 3
    assert answer["next_cursor"]
    assert answer["facets"]["family"] == {"aluminium": 3, "stainless": 2}


@pytest.mark.parametrize(
    "q",
    [
        "x" * 1_000,
        "stainless " * 100,  # 1,000 characters: the longest q accepted, of which the first 256 are read
        '"unbalanced quote',
        "steel'",
        "NEAR(steel sheet, 2)",
        "alu*",
        "*",
        '"',
        "a AND b OR NOT c",
        "'; DROP TABLE products; --",
        "1=1 UNION SELECT * FROM tokens",
        "sheet {col}: ^ + - : ( )",
        "\u00d8 20 \u00bd\u2033 \u2014 \u00e9\u00e8 \U0001f600",
        "%_\\",
        "2/0 in 0x0 1e9999 mm",
    ],
)
def test_bad_queries_give_results_never_a_500(client: TestClient, sheets: list[str], q: str) -> None:
    r = client.get(S, params={"q": q})
    assert r.status_code == 200, r.text
    assert r.json()["total"] >= 0
    s = client.get(f"{S}/suggest", params={"q": q[:200]})
    assert s.status_code == 200, s.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 20_000}, "q"),
        ({"family": "unobtainium"}, "family"),
        ({"form": "blob"}, "form"),
        ({"thickness_min": "3", "thickness_max": "2"}, "thickness_min"),
        ({"thickness_min": "-1"}, "thickness_min"),
        ({"width_max": "abc"}, "width_max"),
        ({"warehouse": "NOPE"}, "warehouse"),
        ({"sort": "colour"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
        ({"in_stock": "maybe"}, "in_stock"),
    ],
)
def test_bad_filters_are_a_clear_422(client: TestClient, sheets: list[str], params: dict[str, Any], field: str) -> None:
    r = client.get(S, params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in {e["field"] for e in r.json()["errors"]}


def test_suggest(client: TestClient, sheets: list[str]) -> None:
    r = client.get(f"{S}/suggest", params={"q": "stainless she"})
    assert r.status_code == 200
    found = r.json()
    assert found["suggestions"][0] == {"text": "stainless sheet"}
    assert {p["sku"] for p in found["products"]} == {"SS-304-SH-2", "SS-316-SH-1.5"}
    typo = client.get(f"{S}/suggest", params={"q": "alumnium"}).json()
    assert typo["suggestions"][0] == {"text": "aluminium"}
    assert client.get(f"{S}/suggest", params={"q": ""}).json() == {"suggestions": [], "products": []}


def test_a_rolled_back_change_never_reaches_the_index(db: Database, client: TestClient, staff: dict[str, str]) -> None:
    from steelyard.catalog import service
    from steelyard.catalog.schemas import ProductIn

    with pytest.raises(RuntimeError), db.write() as conn:
        service.create_product(conn, data=ProductIn.model_validate(body("AL-ROLLED-BACK")))
        raise RuntimeError("the unit of work fails after the product was written")
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM search_documents")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM search_fts")).scalar() == 0
    assert search(client, q="6061")["total"] == 0


def test_the_index_follows_the_commit(db: Database, client: TestClient, staff: dict[str, str]) -> None:
    """The catalogue does not import search: the index is its after-commit subscriber (catalog/changes.py)."""
    from steelyard.catalog import service
    from steelyard.catalog.schemas import ProductIn

    with db.write() as conn:
        service.create_product(conn, data=ProductIn.model_validate(body("AL-COMMITTED")))
        # not yet: the subscriber runs once this transaction has committed
        assert conn.execute(text("SELECT count(*) FROM search_documents")).scalar() == 0
    assert search(client, q="6061")["total"] == 1


def test_a_failing_subscriber_leaves_the_change_and_the_others(
    db: Database, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A subscriber that fails after the commit is logged; the change stands and the index still follows it."""
    from steelyard.catalog import changes, service
    from steelyard.catalog.schemas import ProductIn

    def broken(_db: Database, _ids: frozenset[int]) -> None:
        raise RuntimeError("a copy that cannot keep up")

    changes.subscribe(broken)
    try:
        with caplog.at_level("ERROR", logger="steelyard.catalog"), db.write() as conn:
            service.create_product(conn, data=ProductIn.model_validate(body("AL-DESPITE")))
    finally:
        changes.unsubscribe(broken)
    assert "after-commit subscriber broken failed" in caplog.text
    assert client.get("/api/v1/products/AL-DESPITE").status_code == 200
    assert search(client, q="6061")["total"] == 1
