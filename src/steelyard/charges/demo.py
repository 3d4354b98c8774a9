"""Demo order-charge and freight rules, so a fresh `make run` shows charges and freight on its quotes.

The figures are plausible for a German stockholder (parcel services take about 31.5 kg and 1.75 m; a Euro pallet
1.2 x 0.8 m carries long goods up to about 2.4 m overhanging; longer bars go on a long-goods truck); they are
examples for the demo, not any carrier's tariff.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, func, select

from steelyard.charges import service
from steelyard.charges.tables import freight_rules, order_charges
from steelyard.pricing.freight import FreightRule

EU = ("AT", "BE", "CZ", "DK", "FR", "LU", "NL", "PL", "CH")

DEMO_FREIGHT = (
    FreightRule(
        "parcel-de", "parcel", Decimal("6.90"), Decimal("0.35"), "EUR", ("DE",), Decimal("31.5"), Decimal(1600)
    ),
    FreightRule("parcel-eu", "parcel", Decimal("14.50"), Decimal("0.60"), "EUR", EU, Decimal("31.5"), Decimal(1600)),
    FreightRule("pallet-de", "pallet", Decimal("55"), Decimal("0.08"), "EUR", ("DE",), Decimal(1000), Decimal(2400)),
    FreightRule("pallet-eu", "pallet", Decimal("95"), Decimal("0.12"), "EUR", EU, Decimal(1000), Decimal(2400)),
    FreightRule("long-goods-de", "truck", Decimal("180"), Decimal("0.04"), "EUR", ("DE",), Decimal(24000), None),
    FreightRule("long-goods-eu", "truck", Decimal("320"), Decimal("0.06"), "EUR", EU, Decimal(24000), None),
)


def seed_rules(conn: Connection) -> int:
    """Add the demo rules unless staff have set some already; how many were added."""
    if conn.execute(select(func.count()).select_from(freight_rules)).scalar_one():
        return 0
    if conn.execute(select(func.count()).select_from(order_charges)).scalar_one():
        return 0
    for rule in DEMO_FREIGHT:
        service.put_freight_rule(conn, rule)
    service.put_charge(conn, scope="global", kind="minimum_order", threshold=Decimal(50), amount=None, currency="EUR")
    service.put_charge(
        conn, scope="global", kind="small_quantity", threshold=Decimal(250), amount=Decimal(15), currency="EUR"
    )
    return len(DEMO_FREIGHT) + 2
