"""Weighed weights of shipped order lines, and what an order is billed on (the rules are pure; the storage is at
the end).

Stock is booked in theoretical quantities (pieces, lengths, and their theoretical mass from section and density),
so the ledger and the levels never change with a scale's reading: what is left on the shelf is what the lots say,
and differences between theoretical and real mass show at the stocktake, as adjustments. The weighed weight is a
fact of the delivery: recorded per line, shown beside the theoretical weight with the difference, and billed on
when the account says so (`billing_weight: actual`), provided it lies within the account's tolerance of the
theoretical weight. A reading outside it is refused: the goods on the scale are not what the order says, or the
scale is wrong, and either needs a person before the goods leave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, insert, select

from steelyard.errors import FieldProblem
from steelyard.pricing.money import round_money
from steelyard.pricing.tax import Totals, quote_totals
from steelyard.quotes.lines import QuoteLine
from steelyard.quotes.tables import shipped_weights
from steelyard.units import UNITS, Kind, convert, kind_of
from steelyard.wire import format_decimal

HUNDRED = Decimal(100)
MAX_WEIGHT_KG = Decimal(10) ** 9  # a million tonnes: no line weighs that; keeps every stored figure bounded
PCT_STEP = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Billing:
    """How an account's orders are billed: on which weight, and how far a weighed weight may differ (%)."""

    basis: str  # theoretical | actual
    tolerance_pct: Decimal


@dataclass(frozen=True, slots=True)
class LineWeight:
    line: int
    theoretical_kg: Decimal | None
    actual_kg: Decimal | None
    billed_kg: Decimal | None

    @property
    def difference_kg(self) -> Decimal | None:
        if self.theoretical_kg is None or self.actual_kg is None:
            return None
        return self.actual_kg - self.theoretical_kg

    @property
    def difference_pct(self) -> Decimal | None:
        if self.difference_kg is None or not self.theoretical_kg:
            return None
        return (self.difference_kg * HUNDRED / self.theoretical_kg).quantize(PCT_STEP, ROUND_HALF_UP)


def allowed_range(theoretical: Decimal, tolerance_pct: Decimal) -> tuple[Decimal, Decimal]:
    share = theoretical * tolerance_pct / HUNDRED
    return theoretical - share, theoretical + share


def weighed_problems(
    weighed: Mapping[int, Decimal], lines: Sequence[QuoteLine], billing: Billing, field: str = "lines"
) -> list[FieldProblem]:
    """What is wrong with the weights staff typed for the lines (by line number), one problem per line."""
    by_number = {ln.line: ln for ln in lines}
    problems: list[FieldProblem] = []
    for i, (number, actual) in enumerate(weighed.items()):
        line = by_number.get(number)
        if line is None:
            problems.append(FieldProblem(f"{field}[{i}].line", f"the order has lines 1 to {len(lines)}, not {number}"))
            continue
        if not 0 < actual <= MAX_WEIGHT_KG:
            problems.append(
                FieldProblem(
                    f"{field}[{i}].actual_weight_kg",
                    f"a weighed weight is more than 0 and at most {MAX_WEIGHT_KG:,} kg",
                )
            )
            continue
        if billing.basis != "actual" or line.weight_kg is None:
            continue
        low, high = allowed_range(line.weight_kg, billing.tolerance_pct)
        if not low <= actual <= high:
            problems.append(
                FieldProblem(
                    f"{field}[{i}].actual_weight_kg",
                    f"line {number} weighed {format_decimal(actual)} kg; its theoretical weight is "
                    f"{format_decimal(line.weight_kg)} kg and the account is billed on actual weight within "
                    f"±{format_decimal(billing.tolerance_pct)} % ({format_decimal(low)} to {format_decimal(high)} "
                    "kg): check the scale or the goods",
                )
            )
    return problems


def line_weights(lines: Sequence[QuoteLine], weighed: Mapping[int, Decimal], billing: Billing) -> list[LineWeight]:
    """Per line: the theoretical weight, the weighed one (if weighed), and the weight billed on."""
    out = []
    for line in lines:
        actual = weighed.get(line.line)
        billed = actual if billing.basis == "actual" and actual is not None else line.weight_kg
        out.append(LineWeight(line.line, line.weight_kg, actual, billed))
    return out


def billed_subtotal(line: QuoteLine, weight: LineWeight, minor_units: int) -> Decimal:
    """The line's subtotal on the weight billed. Priced per unit of mass, the goods are the billed weight times
    the unit price (190 kg x 1.60 EUR/kg), as an invoice writes it; priced otherwise (per piece, per metre), they
    scale with the weight (as do market surcharges, which are per mass). Fees (cutting) do not change with it."""
    if weight.billed_kg is None or not weight.theoretical_kg or weight.billed_kg == weight.theoretical_kg:
        return line.subtotal
    fees = sum((f.amount for f in line.fees), Decimal(0))
    if line.base is None and line.per in UNITS and kind_of(line.per) is Kind.MASS:
        goods = convert(weight.billed_kg, "kg", line.per) * line.unit_price
    else:
        goods = (line.subtotal - fees) * weight.billed_kg / weight.theoretical_kg
    return round_money(goods, minor_units) + fees


def billed_totals(
    lines: Sequence[QuoteLine], weights: Sequence[LineWeight], tax_rate: Decimal, minor_units: int
) -> tuple[list[Decimal], Totals]:
    subtotals = [billed_subtotal(ln, w, minor_units) for ln, w in zip(lines, weights, strict=True)]
    return subtotals, quote_totals(subtotals, tax_rate, minor_units)


# -- storage ------------------------------------------------------------------------------------------------------


def record_weighed(conn: Connection, order_id: str, weighed: Mapping[int, Decimal]) -> None:
    if weighed:
        conn.execute(
            insert(shipped_weights),
            [{"order_id": order_id, "line_no": n, "actual_weight_kg": w} for n, w in weighed.items()],
        )


def weighed_of(conn: Connection, order_id: str) -> dict[int, Decimal]:
    rows = conn.execute(
        select(shipped_weights.c.line_no, shipped_weights.c.actual_weight_kg).where(
            shipped_weights.c.order_id == order_id
        )
    )
    return {r.line_no: r.actual_weight_kg for r in rows}
