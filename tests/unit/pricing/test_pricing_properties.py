"""Properties of pricing: never negative, monotone within a tier, half-up rounding, exact totals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import floor

from hypothesis import assume, given
from hypothesis import strategies as st

from steelyard.catalog.model import PriceTier
from steelyard.errors import UnitError
from steelyard.pricing import estimate_line, quote_totals, round_money
from steelyard.units.quantity import Quantity

D = Decimal
KG_PER = {"kg": D(1), "t": D(1000), "lb": D("0.45359237"), "sheet": D("39.25"), "m2": D("15.7")}


def sheet(q: Quantity, unit: str) -> Decimal:
    try:
        return q.value * KG_PER[q.unit] / KG_PER[unit]
    except KeyError:
        raise UnitError(f"cannot express {q.unit} in {unit}") from None


def reference_half_up(amount: Decimal, places: int) -> Decimal:
    """Round half away from zero with exact fractions, independently of the decimal module's rounding."""
    exact = Fraction(amount) * 10**places
    magnitude = floor(abs(exact) + Fraction(1, 2))
    signed = -magnitude if exact < 0 else magnitude
    return Decimal(signed).scaleb(-places)


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(high), places=places, allow_nan=False, allow_infinity=False)


prices = decimals("0", "5000", 4)
quantities = decimals("0.001", "100000", 3)
units = st.sampled_from(sorted(KG_PER))


@given(amount=decimals("-1000000000", "1000000000", 6), places=st.integers(0, 4))
def test_round_money_matches_a_half_up_reference(amount: Decimal, places: int) -> None:
    result = round_money(amount, places)
    assert result == reference_half_up(amount, places)
    assert result.as_tuple().exponent == -places


@given(
    value=quantities,
    unit=units,
    low=prices,
    mid=prices,
    high=prices,
    discount=decimals("0", "100", 2),
    fx=decimals("0.0001", "1000", 4),
    minor=st.integers(0, 3),
    increment=st.none() | decimals("0.5", "50", 1),
    discrete=st.booleans(),
)
def test_subtotal_is_never_negative(
    value: Decimal,
    unit: str,
    low: Decimal,
    mid: Decimal,
    high: Decimal,
    discount: Decimal,
    fx: Decimal,
    minor: int,
    increment: Decimal | None,
    discrete: bool,
) -> None:
    tiers = (
        PriceTier(Quantity(D(0), "kg"), low, "kg"),
        PriceTier(Quantity(D(100), "kg"), mid, "m2"),
        PriceTier(Quantity(D(1), "t"), high, "sheet"),
    )
    est = estimate_line(
        requested=Quantity(value, unit),
        stock_unit="sheet" if discrete else "kg",
        tiers=tiers,
        convert=sheet,
        discrete=discrete,
        increment=None if increment is None else Quantity(increment, "kg"),
        discount_percent=discount,
        fx_rate=fx,
        minor_units=minor,
    )
    assert est.subtotal >= 0
    assert est.subtotal.as_tuple().exponent == -minor
    assert est.stock_quantity.value >= 0


@given(
    a=quantities,
    b=quantities,
    unit=units,
    increment=st.none() | decimals("0.5", "50", 1),
    prices_=st.tuples(prices, prices, prices),
)
def test_subtotal_does_not_fall_as_quantity_grows_within_a_tier(
    a: Decimal, b: Decimal, unit: str, increment: Decimal | None, prices_: tuple[Decimal, Decimal, Decimal]
) -> None:
    low, high = sorted((a, b))
    floors = (D(0), D(100), D(1000))
    tiers = tuple(PriceTier(Quantity(m, "kg"), p, "kg") for m, p in zip(floors, prices_, strict=True))

    def estimate(value: Decimal) -> tuple[int, Decimal]:
        est = estimate_line(
            requested=Quantity(value, unit),
            stock_unit="kg",
            tiers=tiers,
            convert=sheet,
            increment=None if increment is None else Quantity(increment, "kg"),
        )
        return est.tier_index, est.subtotal

    low_tier, low_subtotal = estimate(low)
    high_tier, high_subtotal = estimate(high)
    assume(low_tier == high_tier)
    assert low_subtotal <= high_subtotal


@given(
    value=quantities,
    price=prices,
    discount=decimals("0", "100", 2),
    fx=decimals("0.0001", "1000", 4),
    minor=st.integers(0, 3),
)
def test_line_subtotal_is_the_exact_product_rounded_half_up_once(
    value: Decimal, price: Decimal, discount: Decimal, fx: Decimal, minor: int
) -> None:
    est = estimate_line(
        requested=Quantity(value, "kg"),
        stock_unit="kg",
        tiers=(PriceTier(Quantity(D(0), "kg"), price, "kg"),),
        convert=sheet,
        discount_percent=discount,
        fx_rate=fx,
        minor_units=minor,
    )
    exact = Fraction(value) * Fraction(price) * (100 - Fraction(discount)) / 100 * Fraction(fx)
    expected = floor(exact * 10**minor + Fraction(1, 2))
    assert est.subtotal == Decimal(expected).scaleb(-minor)


@given(
    lines=st.lists(decimals("0", "1000000", 3), max_size=20),
    rate=decimals("0", "0.3", 4),
    minor=st.integers(0, 3),
)
def test_total_is_subtotal_plus_tax_exactly(lines: list[Decimal], rate: Decimal, minor: int) -> None:
    totals = quote_totals(lines, rate, minor)
    assert totals.total == totals.subtotal + totals.tax
    assert totals.subtotal == reference_half_up(sum(lines, D(0)), minor)
    assert totals.tax == reference_half_up(totals.subtotal * rate, minor)
    assert {t.as_tuple().exponent for t in (totals.subtotal, totals.tax, totals.total)} == {-minor}
