"""Cells both ways (pure): decimals with a point or a comma, quantities, tiers, yes/no, and the formula escape."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steelyard.errors import FieldProblem
from steelyard.io.cells import (
    CellError,
    Numbers,
    escape,
    read_bool,
    read_int,
    read_quantity,
    read_tiers,
    unescape,
    write_tiers,
)
from steelyard.io.model import Report, RowError, problems_to_errors

POINT, COMMA = Numbers(), Numbers(comma=True)


def test_decimals_with_a_point_or_a_comma() -> None:
    assert POINT.read(" 3.20 ") == "3.20" and COMMA.read("3,20") == "3.20" and COMMA.read("1 250,5") == "1250.5"
    with pytest.raises(CellError, match="with a point"):
        POINT.read("3,20")
    with pytest.raises(CellError, match="with a comma"):
        COMMA.read("1.250,5")
    assert POINT.write(Decimal("6.20")) == "6.20" and COMMA.write(Decimal("1E+3")) == "1000"
    assert COMMA.write(Decimal("0.000001")) == "0,000001"


def test_quantities_and_tiers() -> None:
    assert read_quantity("25 kg", POINT) == {"value": "25", "unit": "kg"}
    assert read_quantity("2,5 short_ton", COMMA) == {"value": "2.5", "unit": "short_ton"}
    assert read_quantity("3 sheets", POINT) == {"value": "3", "unit": "sheets"}
    with pytest.raises(CellError, match="not a quantity"):
        read_quantity("kg 25", POINT)
    text = "0 kg: 6.20/kg; 500 kg: 5.80/kg; 2 t: 5.40/kg"
    tiers = read_tiers(text, POINT)
    assert tiers[2] == {"min_quantity": {"value": "2", "unit": "t"}, "unit_price": "5.40", "per": "kg"}
    back = [
        (Decimal(t["min_quantity"]["value"]), t["min_quantity"]["unit"], Decimal(t["unit_price"]), t["per"])  # type: ignore[index]
        for t in tiers
    ]
    assert write_tiers(back, POINT) == text
    assert read_tiers("0 m: 4,10/m", COMMA)[0]["unit_price"] == "4.10"
    with pytest.raises(CellError, match="tier 2"):
        read_tiers("0 kg: 6.20/kg; 500 kg 5.80", POINT)


def test_yes_no_and_whole_numbers() -> None:
    assert read_bool("Yes") and not read_bool("false") and read_int("12") == 12 and read_int("3.0") == 3
    with pytest.raises(CellError):
        read_bool("maybe")
    with pytest.raises(CellError):
        read_int("1.5")


@pytest.mark.parametrize("text", ["=1+1", "+44", "-3", "@SUM(A1)", "\tx", "\rx", "'quoted"])
def test_risky_cells_are_escaped(text: str) -> None:
    assert escape(text) == "'" + text and unescape(escape(text)) == text


@given(st.text())
def test_escaping_reads_back_every_text(text: str) -> None:
    assert unescape(escape(text)) == text
    assert not escape(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_field_problems_become_row_errors_in_their_column() -> None:
    columns = {"price": "tiers", "price.currency": "currency", "name": "name"}
    errors = problems_to_errors(
        7,
        [FieldProblem("name", "is required"), FieldProblem("price.tiers[1].per", "unknown unit 'x'")],
        columns,
        "sku",
    )
    assert errors == [RowError(7, "name", "is required"), RowError(7, "tiers", "price.tiers[1].per: unknown unit 'x'")]


def test_a_report_lists_a_bounded_number_of_errors_but_counts_them_all() -> None:
    report = Report(kind="products", dry_run=True)
    report.add(RowError(n, "sku", "bad") for n in range(5000))
    assert report.bad == 5000 and len(report.errors) == 1000
