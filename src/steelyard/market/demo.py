"""The demo market (`steelyard seed --demo`): USD, four indices with 45 days of illustrative values, and rules for
brass and 304 stainless, so `make run` shows surcharges. The values are made up, shaped like the real ones."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from steelyard.currencies.rates import get_currencies, put_currency
from steelyard.market import rules, service
from steelyard.market.model import Row
from steelyard.market.rulebook import PriceRule
from steelyard.pricing.surcharges import ExtraRule, SurchargeRule

DAYS = 62  # the whole previous month, whatever today is (an average basis needs it)
INDICES = (
    ("LME-CU", "t", "USD", "day", "LME copper grade A, cash (demo values)"),
    ("LME-ZN", "t", "USD", "day", "LME special high grade zinc, cash (demo values)"),
    ("ALLOY-1.4301", "t", "EUR", "month", "alloy surcharge for 1.4301 / 304 (demo values)"),
    ("SCRAP-E3", "t", "EUR", "month", "steel scrap grade E3 (demo values)"),
)


def _daily(today: date) -> list[Row]:
    rows: list[Row] = []
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue  # the LME trades on weekdays
        wiggle = (day.toordinal() * 37) % 11 - 5  # -5..5, the same for the same day on every run
        rows.append(Row(len(rows) + 1, "LME-CU", day.isoformat(), str(9600 + wiggle * 24)))
        rows.append(Row(len(rows) + 1, "LME-ZN", day.isoformat(), str(Decimal(2900) + wiggle * Decimal("12.5"))))
    return rows


def _monthly(today: date) -> list[Row]:
    this = today.replace(day=1)
    last = (this - timedelta(days=1)).replace(day=1)
    return [
        Row(1, "ALLOY-1.4301", last.isoformat(), "1985"),
        Row(2, "ALLOY-1.4301", this.isoformat(), "2040"),
        Row(3, "SCRAP-E3", last.isoformat(), "345"),
        Row(4, "SCRAP-E3", this.isoformat(), "352"),
    ]


def _rules() -> list[PriceRule]:
    def brass(basis: str) -> tuple[SurchargeRule, ...]:
        return (
            SurchargeRule(index="LME-CU", share=Decimal("0.58"), reference=Decimal(8000), basis=basis),  # type: ignore[arg-type]
            SurchargeRule(index="LME-ZN", share=Decimal("0.39"), reference=Decimal(2500), basis=basis),  # type: ignore[arg-type]
        )

    certificates = (
        ExtraRule(kind="certificate", value="3.1", amount=Decimal(25)),
        ExtraRule(kind="certificate", value="3.2", amount=Decimal(150)),
    )
    return [
        PriceRule(scope="grade", key="CW617N", currency="EUR", surcharges=brass("order_date")),
        PriceRule(scope="grade", key="CW614N", currency="EUR", surcharges=brass("period_average")),
        PriceRule(
            scope="grade",
            key="304",
            currency="EUR",
            surcharges=(SurchargeRule(index="ALLOY-1.4301", share=Decimal(1), reference=Decimal(1500)),),
            extras=certificates,
        ),
    ]


def seed_market(conn: Connection, *, today: date) -> int:
    """Add the demo market (an index or rule that exists already is set again); the number of values posted."""
    if "USD" not in get_currencies(conn, {"USD"}):
        put_currency(conn, code="USD", rate=Decimal("1.08"), minor_units=2)
    for name, unit, currency, period, description in INDICES:
        service.put_index(conn, name=name, unit=unit, currency=currency, period=period, description=description)  # type: ignore[arg-type]
    posted = service.post_many(conn, _daily(today) + _monthly(today), today=today, actor="demo seed")
    for rule in _rules():
        rules.put_rule(conn, rule)
    return posted
