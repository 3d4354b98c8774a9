"""Market indices: staff define them and post dated values (API, CLI, CSV); anyone reads the series; every bad
name, date, value or unit is a 4xx problem that changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

IX = "/api/v1/indices"


def define(client: TestClient, staff: dict[str, str], name: str, unit: str, currency: str, period: str) -> None:
    r = client.put(f"{IX}/{name}", json={"unit": unit, "currency": currency, "period": period}, headers=staff)
    assert r.status_code in (200, 201), r.text


@pytest.fixture
def usd(client: TestClient, admin: dict[str, str]) -> None:
    # 1 EUR = 1.08 USD: 9720 USD/t is exactly 9000 EUR/t
    r = client.put("/api/v1/currencies/USD", json={"rate": "1.08", "minor_units": 2}, headers=admin)
    assert r.status_code == 200, r.text


@pytest.fixture
def copper(client: TestClient, staff: dict[str, str], usd: None) -> None:
    define(client, staff, "LME-CU", "t", "USD", "day")


def test_define_post_and_read_a_series(client: TestClient, staff: dict[str, str], copper: None) -> None:
    again = client.put(
        f"{IX}/LME-CU",
        json={"unit": "tonne", "currency": "USD", "period": "day", "description": "LME copper grade A"},
        headers=staff,
    )
    assert again.status_code == 200 and again.json()["unit"] == "t"  # the alias is read as the canonical unit
    for day, value in (("2026-11-02", "9500"), ("2026-11-03", "9612.25"), ("2026-11-04", "9720")):
        r = client.post(f"{IX}/LME-CU/values", json={"date": day, "value": value}, headers=staff)
        assert r.status_code == 201, r.text
        assert r.json()["replaced"] is None
    corrected = client.post(f"{IX}/LME-CU/values", json={"date": "2026-11-03", "value": "9612.5"}, headers=staff)
    assert corrected.status_code == 200 and corrected.json()["replaced"] == "9612.25"
    index = client.get(f"{IX}/LME-CU").json()  # anyone reads it
    assert index["description"] == "LME copper grade A"
    assert [(v["date"], v["value"]) for v in index["values"]] == [
        ("2026-11-02", "9500"),
        ("2026-11-03", "9612.5"),
        ("2026-11-04", "9720"),
    ]
    assert index["latest"]["date"] == "2026-11-04"
    window = client.get(f"{IX}/LME-CU", params={"from": "2026-11-03", "to": "2026-11-03"}).json()
    for bad in ({"to": "0"}, {"from": "2026-02-30"}):  # a number is no date; nor is 30 February
        assert client.get(f"{IX}/LME-CU", params=bad).status_code == 422
    assert [v["date"] for v in window["values"]] == ["2026-11-03"]
    # Through the rate table (1 EUR = 1.08 USD): 9720 / 1.08 = 9000, 9500 / 1.08 = 8796.296296 (6 places, half-up)
    euros = client.get(f"{IX}/LME-CU", params={"currency": "EUR"}).json()
    assert euros["converted_currency"] == "EUR"
    assert [v["converted"] for v in euros["values"]] == ["8796.296296", "8900.462963", "9000"]
    listed = client.get(IX).json()["items"]
    assert [(i["name"], i["latest"]["value"]) for i in listed] == [("LME-CU", "9720")]


def _series(client: TestClient, name: str) -> list[tuple[str, str]]:
    return [(v["date"], v["value"]) for v in client.get(f"{IX}/{name}").json()["values"]]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"date": "2026-11-05", "value": "0"}, "value", "above zero"),
        ({"date": "2026-11-05", "value": "-9500"}, "value", "above zero"),
        ({"date": "2026-11-05", "value": "2000000000"}, "value", "at most"),
        ({"date": "2026-11-05", "value": "9500.1234567"}, "value", "decimal places"),
        ({"date": "2026-11-05", "value": "NaN"}, "value", "finite"),
        ({"date": "2026-11-05", "value": 9500.5}, "value", "strings"),
        ({"date": "2026-11-05", "value": "nine thousand"}, "value", "not a decimal"),
        ({"date": "2026-13-01", "value": "9500"}, "date", ""),
        ({"date": 1793404800, "value": "9500"}, "date", "as a string"),
        ({"date": "1989-12-31", "value": "9500"}, "date", "1990-01-01 or later"),
        ({"date": "2099-01-01", "value": "9500"}, "date", "days ahead"),
        ({"date": "2026-11-05"}, "value", ""),
        ({"date": "2026-11-05", "value": "9500", "currency": "EUR"}, "currency", ""),
    ],
)
def test_a_bad_value_or_date_is_a_422_and_changes_nothing(
    client: TestClient, staff: dict[str, str], copper: None, body: dict[str, object], field: str, words: str
) -> None:
    assert client.post(f"{IX}/LME-CU/values", json={"date": "2026-11-02", "value": "9500"}, headers=staff).is_success
    r = client.post(f"{IX}/LME-CU/values", json=body, headers=staff)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert any(e["field"] == field for e in problem["errors"]), problem
    assert words in problem["detail"]
    assert _series(client, "LME-CU") == [("2026-11-02", "9500")]


def test_a_monthly_index_is_dated_on_the_first_and_named_errors_are_clear(
    client: TestClient, staff: dict[str, str], usd: None, customer: dict[str, str]
) -> None:
    define(client, staff, "ALLOY-1.4301", "t", "EUR", "month")
    r = client.post(f"{IX}/ALLOY-1.4301/values", json={"date": "2026-11-15", "value": "2150"}, headers=staff)
    assert r.status_code == 422 and "2026-11-01" in r.json()["detail"]
    assert client.post(
        f"{IX}/ALLOY-1.4301/values", json={"date": "2026-11-01", "value": "2150"}, headers=staff
    ).is_success
    # unknown index, a name that is not one, a unit that is no mass, a currency without a rate
    assert (
        client.post(f"{IX}/LME-NI/values", json={"date": "2026-11-02", "value": "1"}, headers=staff).status_code == 404
    )
    assert client.get(f"{IX}/LME-NI").status_code == 404
    assert client.get(f"{IX}/lme cu").status_code == 422
    bad_unit = client.put(f"{IX}/LME-AL", json={"unit": "m", "currency": "USD", "period": "day"}, headers=staff)
    assert bad_unit.status_code == 422 and "unit of mass" in bad_unit.json()["detail"]
    no_rate = client.put(f"{IX}/LME-AL", json={"unit": "t", "currency": "XYZ", "period": "day"}, headers=staff)
    assert no_rate.status_code == 422 and "XYZ" in no_rate.json()["detail"]
    bad_period = client.put(f"{IX}/LME-AL", json={"unit": "t", "currency": "USD", "period": "week"}, headers=staff)
    assert bad_period.status_code == 422
    assert client.get(f"{IX}/LME-AL").status_code == 404  # none of those defined it
    # an index with values keeps its unit, currency and period: its history would be misread
    moved = client.put(f"{IX}/ALLOY-1.4301", json={"unit": "kg", "currency": "EUR", "period": "month"}, headers=staff)
    assert moved.status_code == 409 and "unit t -> kg" in moved.json()["detail"]
    assert client.get(f"{IX}/ALLOY-1.4301").json()["unit"] == "t"
    # only staff post
    body = {"date": "2026-11-01", "value": "1"}
    assert client.post(f"{IX}/ALLOY-1.4301/values", json=body).status_code == 401
    assert client.post(f"{IX}/ALLOY-1.4301/values", json=body, headers=customer).status_code == 403
    assert _series(client, "ALLOY-1.4301") == [("2026-11-01", "2150")]


def cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "steelyard.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "STEELYARD_DATABASE_URL": db_url},
        timeout=120,
    )


def test_the_cli_defines_posts_and_imports_a_csv_all_or_nothing(
    client: TestClient, db_url: str, usd: None, tmp_path: Path
) -> None:
    defined = cli(db_url, "indices", "define", "LME-ZN", "--unit", "t", "--currency", "USD", "--period", "day")
    assert defined.returncode == 0, defined.stderr
    assert (
        cli(db_url, "indices", "define", "SCRAP-E3", "--unit", "t", "--currency", "EUR", "--period", "month").returncode
        == 0
    )
    posted = cli(db_url, "indices", "post", "LME-ZN", "2026-11-02", "2810.5")
    assert posted.returncode == 0, posted.stderr
    refused = cli(db_url, "indices", "post", "LME-ZN", "2026-11-03", "0")
    assert refused.returncode == 2 and "above zero" in refused.stderr
    good = tmp_path / "good.csv"
    good.write_text("index,date,value\nLME-ZN,2026-11-03,2790\nSCRAP-E3,2026-11-01,312.5\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    bad.write_text(
        f"index,date,value\nLME-ZN,{yesterday},2800\nLME-ZN,2026-11-04,abc\nSCRAP-E3,2026-11-15,300\nLME-XX,2026-11-04,1\n",
        encoding="utf-8",
    )
    rejected = cli(db_url, "indices", "import", str(bad))
    assert rejected.returncode == 1
    for words in ("line 2.value", "line 3.date", "line 4.name", "3 problem(s) in 4 rows: nothing was posted"):
        assert words in rejected.stderr, rejected.stderr
    assert _series(client, "LME-ZN") == [("2026-11-02", "2810.5")]  # the good first row was not posted either
    imported = cli(db_url, "indices", "import", str(good))
    assert imported.returncode == 0 and "posted 2 values" in imported.stdout, imported.stderr
    assert _series(client, "LME-ZN") == [("2026-11-02", "2810.5"), ("2026-11-03", "2790")]
    assert _series(client, "SCRAP-E3") == [("2026-11-01", "312.5")]


def test_many_values_in_one_request_all_or_nothing(client: TestClient, staff: dict[str, str], copper: None) -> None:
    define(client, staff, "LME-ZN", "t", "USD", "day")
    bad = {
        "values": [
            {"index": "LME-CU", "date": "2026-11-02", "value": "9500"},
            {"index": "LME-ZN", "date": "2026-11-02", "value": "-1"},
            {"index": "LME-XX", "date": "2026-11-02", "value": "1"},
        ]
    }
    r = client.post(f"{IX}/values", json=bad, headers=staff)
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["values[1].value", "values[2].index"]
    assert _series(client, "LME-CU") == [] and _series(client, "LME-ZN") == []
    good = {
        "values": [
            {"index": "LME-CU", "date": "2026-11-02", "value": "9500"},
            {"index": "LME-ZN", "date": "2026-11-02", "value": "2810.5"},
        ]
    }
    assert client.post(f"{IX}/values", json=good).status_code == 401
    r = client.post(f"{IX}/values", json=good, headers=staff)
    assert r.status_code == 200 and r.json() == {"posted": 2}
    assert _series(client, "LME-ZN") == [("2026-11-02", "2810.5")]
