"""What a quote carries besides its lines: order charges and a freight estimate (reads the rules, pure otherwise).

`quote_extras` is the one hook the quote pricing calls, once its lines are priced: it reads the rules in force,
describes the consignment (each line's delivered weight and longest piece) and asks the pure rules in
steelyard.pricing.charges and steelyard.pricing.freight. Money comes back in the quote currency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from steelyard.charges import service
from steelyard.charges.countries import country_problem
from steelyard.currencies.reference import Versioned
from steelyard.errors import FieldProblem, InvalidInput
from steelyard.pricing.charges import OrderCharge, order_charges
from steelyard.pricing.freight import FreightEstimate, ShipLine, estimate_freight
from steelyard.quotes.currencies import Currency, fx_rate, get_currencies
from steelyard.quotes.lines import QuoteLine

SHEET_FORMS = frozenset({"sheet", "plate", "coil", "foil", "strip"})


@dataclass(frozen=True, slots=True)
class Extras:
    charges: tuple[OrderCharge, ...]
    freight: FreightEstimate | None  # None: staff have set no freight rule

    @property
    def amounts(self) -> list[Decimal]:
        """What the extras add to the quote's subtotal (a freight with no rule adds nothing: quoted separately)."""
        found = [c.amount for c in self.charges]
        if self.freight is not None and self.freight.amount is not None:
            found.append(self.freight.amount)
        return found


NO_EXTRAS = Extras((), None)


def _longest(line: QuoteLine, dimensions: Mapping[str, Decimal]) -> Decimal | None:
    """The longest piece the line delivers: its cut parts, else the product's own pieces (None: not known)."""
    if line.cuts:
        return max(max(p.length_mm, p.width_mm or Decimal(0)) for p in line.cuts)
    if line.cut is not None:
        return max(line.cut.length_mm, line.cut.width_mm or Decimal(0))
    sizes = [dimensions[k] for k in ("length", "width") if k in dimensions]
    return max(sizes) if "length" in dimensions else None


def ship_line(line: QuoteLine, dimensions: Mapping[str, Decimal]) -> ShipLine:
    """A line as freight sees it; only a line not already cut to size could be cut shorter for the carrier."""
    cut_to_size = bool(line.cuts) or line.cut is not None
    return ShipLine(
        line=line.line,
        weight_kg=line.weight_kg,
        longest_mm=_longest(line, dimensions),
        can_cut=not cut_to_size and "length" in dimensions,
    )


_RULES = Versioned(lambda conn: (service.list_charges(conn), service.list_freight_rules(conn)))


def quote_extras(
    conn: Connection,
    *,
    lines: Sequence[QuoteLine],
    dimensions: Mapping[int, Mapping[str, Decimal]],
    account_id: int | None,
    currency: Currency,
    country: str,
    currencies: Mapping[str, Currency] | None = None,
    version: int | None = None,
) -> Extras:
    """The order charges and the freight estimate of priced `lines` (`dimensions` by product id). `currencies`: rates
    the caller has read already (the quote's own); only the rules' other currencies are read. `version`: the pricing
    version read in this transaction; the rules then come from this process's copy while it is current."""
    problem = country_problem(country)
    if problem is not None:
        raise InvalidInput.from_problems([FieldProblem("delivery_country", problem)])
    if version is None:
        charge_rules = service.list_charges(conn, account_id=account_id, every=False)
        freight_rules = service.list_freight_rules(conn)
    else:
        every_charge, freight_rules = _RULES.get(conn, version)
        # The global rules and the account's own, in list_charges's order (the same filter as its statement's).
        charge_rules = [r for r in every_charge if r.account_id is None or r.account_id == account_id]
    if not charge_rules and not freight_rules:
        return Extras((), None)
    codes = {r.currency for r in charge_rules} | {r.currency for r in freight_rules} | {currency.code}
    known = {code: found for code, found in (currencies or {}).items() if code in codes}
    if codes - set(known):
        known.update(get_currencies(conn, codes - set(known), version=version))
    rates = {code: fx_rate(found, currency) for code, found in known.items()}
    goods = sum((line.subtotal for line in lines), Decimal(0))
    code, places = currency.code, currency.minor_units
    charges = order_charges(goods, charge_rules, account_id=account_id, currency=code, minor_units=places, rates=rates)
    freight = None
    if freight_rules:
        consignment = [ship_line(line, dimensions.get(line.product_id, {})) for line in lines]
        freight = estimate_freight(
            consignment, country=country, rules=freight_rules, currency=code, minor_units=places, rates=rates
        )
    return Extras(charges, freight)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def charges_document(extras: Extras) -> list[dict[str, Any]]:
    """The charges as the quote stores and answers them (decimals as exact text)."""
    return [
        {
            "kind": c.kind,
            "amount": str(c.amount),
            "threshold": str(c.threshold),
            "short_by": str(c.short_by),
            "scope": c.scope,
            "note": c.note,
        }
        for c in extras.charges
    ]


def freight_document(extras: Extras) -> dict[str, Any] | None:
    f = extras.freight
    if f is None:
        return None
    return {
        "country": f.country,
        "weight_kg": str(f.weight_kg),
        "longest_mm": _text(f.longest_mm),
        "rule": f.rule,
        "kind": f.kind,
        "amount": _text(f.amount),
        "advice": list(f.advice),
    }
