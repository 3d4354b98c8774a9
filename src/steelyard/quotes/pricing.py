"""Quote line pricing: each line priced from the catalogue, the account's terms and live stock (reads only).

`price_quote` answers a quote's lines and totals without storing anything; `service.store_quote` stores them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from sqlalchemy import Connection

from steelyard.access.model import Principal
from steelyard.access.service import get_account
from steelyard.catalog import repository as catalog
from steelyard.catalog.model import Product
from steelyard.catalog.rules import converter, physics_of
from steelyard.charges.quote import NO_EXTRAS, Extras, charges_document, freight_document, quote_extras
from steelyard.config import Settings
from steelyard.currencies.reference import pricing_version
from steelyard.db import STOCK_SCALE
from steelyard.errors import FieldProblem, InvalidInput
from steelyard.inventory.lots import available_lots, available_remnants, without_remnants
from steelyard.inventory.model import LotStock, Requirements, shortfall, usable
from steelyard.market.quoting import MarketLine, market_prices
from steelyard.market.rulebook import PriceRule
from steelyard.market.rules import rules_for
from steelyard.pricing import LineEstimate, estimate_line, quote_totals, shared_tier_bases
from steelyard.pricing.base import in_unit
from steelyard.quotes.currencies import Currency, fx_rate, require_currencies
from steelyard.quotes.cutting import CutJob, cut_job, remnant_lots
from steelyard.quotes.lines import (
    Availability,
    LineRequest,
    QuoteLine,
    RemnantDiscount,
    RemnantUse,
    Requested,
    StockStatus,
    TierApplied,
    WarehouseStock,
)
from steelyard.units import Physics, Quantity, make_quantity, weight_kg
from steelyard.units.text import NumberFormat, number_format, preferred_locale, read_quantity

STOCK_STEP = Decimal(1).scaleb(-STOCK_SCALE)
WEIGHT_STEP = Decimal("0.001")
DISPLAY_STEP = Decimal(1).scaleb(-STOCK_SCALE)


@dataclass(frozen=True, slots=True)
class Terms:
    """What the caller's account changes about a price: currency, discounts, tax."""

    account_id: int | None
    currency: str
    tax_rate: Decimal
    discount_percent: Decimal
    price_list: dict[str, Decimal]
    home_warehouse: str | None
    number_format: NumberFormat | None = None  # how the caller writes numbers, for quantities sent as text

    def discount_for(self, family: str) -> Decimal:
        return self.price_list.get(family, self.discount_percent)


def terms_for(
    conn: Connection,
    principal: Principal | None,
    currency: str | None,
    settings: Settings,
    accept_language: str | None = None,
) -> Terms:
    """The caller's terms; numbers typed as text are read in the account's locale, else Accept-Language's."""
    if principal is None or principal.account_id is None:
        fmt = number_format(preferred_locale(accept_language))
        return Terms(
            None,
            currency or settings.default_currency,
            settings.default_tax_rate,
            Decimal(0),
            {},
            None,
            number_format=fmt,
        )
    account = get_account(conn, principal.account_id)
    tax_rate = account["tax_rate"] if account["tax_rate"] is not None else settings.default_tax_rate
    return Terms(
        account_id=account["id"],
        currency=currency or account["currency"],
        tax_rate=tax_rate,
        discount_percent=account["discount_percent"],
        price_list={k: Decimal(v) for k, v in account["price_list"].items()},
        home_warehouse=account["home_warehouse"],
        number_format=number_format(account["locale"]) or number_format(preferred_locale(accept_language)),
    )


def cut_fee_for(product: Product, settings: Settings) -> Decimal:
    if product.cut_fee is not None:
        return product.cut_fee
    return settings.family_cut_fees.get(product.family, settings.default_cut_fee)


def _display(value: Decimal, step: Decimal = DISPLAY_STEP) -> Decimal:
    """A figure as the line keeps it: half-up to the stock scale (weights to the gram)."""
    return value.quantize(step, ROUND_HALF_UP)


def stock_needed(value: Decimal) -> Decimal:
    """The stock a line takes, rounded up to the stock scale so a hold never falls short."""
    return value.quantize(STOCK_STEP, ROUND_UP)


def _within_line(index: int, sku: str, exc: InvalidInput) -> InvalidInput:
    """The same error, its fields prefixed with the line they belong to."""
    problems = [FieldProblem(f"lines[{index}].{p.field}", p.message) for p in exc.problems] or [
        FieldProblem(f"lines[{index}]", exc.detail)
    ]
    return type(exc)(f"line {index + 1} ({sku}): {exc.detail}", problems=problems, **exc.extra)


def availability(product: Product, levels: list[catalog.Level], needed: Decimal) -> Availability:
    available = sum((max(lv.available, Decimal(0)) for lv in levels), Decimal(0))
    status: StockStatus = "in_stock" if available >= needed else "partial" if available > 0 else "backorder"
    return Availability(
        status=status,
        available=_display(available),
        unit=product.stock_unit,
        warehouses=tuple(
            WarehouseStock(code=lv.code, available=_display(lv.available)) for lv in levels if lv.available > 0
        ),
        lead_time_days=product.lead_time_days,
    )


def lot_availability(
    product: Product, stock: list[LotStock], needed: Decimal, requirements: Requirements
) -> Availability:
    """Availability of a line with requirements: only the lots that meet them count, and the reason says why not
    enough do (e.g. how much has a 3.1 certificate, or the most any one heat has)."""
    lots = usable(needed, stock, requirements)
    available = sum((lot.available for lot in lots), Decimal(0))
    per_warehouse: dict[str, Decimal] = {}
    for lot in lots:
        per_warehouse[lot.code] = per_warehouse.get(lot.code, Decimal(0)) + lot.available
    status: StockStatus = "in_stock" if available >= needed else "partial" if available > 0 else "backorder"
    return Availability(
        status=status,
        available=_display(available),
        unit=product.stock_unit,
        warehouses=tuple(WarehouseStock(code=c, available=_display(q)) for c, q in sorted(per_warehouse.items())),
        lead_time_days=product.lead_time_days,
        reason=shortfall(needed, stock, requirements, product.stock_unit),
    )


def with_remnants(found: Availability, uses: Sequence[RemnantUse], needed: Decimal) -> Availability:
    """A cut line's availability: its whole stock's, plus the remnant pieces its plan cuts from (available when
    priced: the plan was made on them)."""
    if not uses:
        return found
    per_warehouse = {w.code: w.available for w in found.warehouses}
    for use in uses:
        per_warehouse[use.warehouse] = per_warehouse.get(use.warehouse, Decimal(0)) + use.quantity
    available = found.available + sum((use.quantity for use in uses), Decimal(0))
    status: StockStatus = "in_stock" if available >= needed else "partial" if available > 0 else "backorder"
    return replace(
        found,
        status=status,
        available=_display(available),
        warehouses=tuple(WarehouseStock(code=c, available=_display(q)) for c, q in sorted(per_warehouse.items())),
    )


def _remnant_words(uses: Sequence[RemnantUse], percent: Decimal) -> str:
    lots = ", ".join(f"remnant lot {u.lot_id} (heat {u.heat or 'untraced'})" for u in uses)
    return f"cut from {lots} first" + (f": remnants at {percent.normalize():f} % off" if percent else "")


def _remnant_percent(rule: PriceRule | None) -> Decimal | None:
    return None if rule is None else rule.remnant_discount_percent


def requested_quantity(request: LineRequest, physics: Physics, fmt: NumberFormat | None) -> Requested:
    """The line's quantity in a canonical unit, from `value` + `unit`, or from the `text` the buyer typed (read
    with the caller's number format; `unit` is then the unit for a text that names none)."""
    if request.text is not None:
        read = read_quantity(request.text, physics.piece_names, fmt=fmt, default_unit=request.unit)
        return Requested(value=read.value, unit=read.unit, text=read.text)
    assert request.value is not None and request.unit is not None
    quantity = make_quantity(request.value, request.unit, physics.piece_names, field="quantity")
    return Requested(value=quantity.value, unit=quantity.unit)


def price_line(
    index: int,
    request: LineRequest,
    stored: catalog.StoredProduct,
    levels: list[catalog.Level],
    *,
    stock: list[LotStock],
    terms: Terms,
    currencies: dict[str, Currency],
    settings: Settings,
    tier_basis: Quantity | None = None,
    tier_lines: tuple[int, ...] = (),
    remnants: Sequence[tuple[LotStock, dict[str, str]]] = (),
    remnant_discount_percent: Decimal | None = None,
) -> tuple[QuoteLine, Quantity]:
    """One priced line (with `product_id` for the stock side), and the goods it charges for in the stock unit
    (what a shared tier basis sums). `tier_basis`: the product's total over the quote's `tier_lines`. A cut line is
    planned on the product's `remnants` (remnant lots and their size) first, priced less `remnant_discount_percent`."""
    product = stored.product
    cut = request.cut
    job: CutJob | None = None
    try:
        physics = physics_of(product)
        convert = converter(physics)
        if request.cuts:
            count = sum(p.count for p in request.cuts)
            requested = Requested(value=Decimal(count), unit="piece")
        else:
            requested = requested_quantity(request, physics, terms.number_format)
        if request.cuts or cut is not None:
            usable_remnants = remnant_lots(product, physics, convert, remnants, request.requirements, stock)
            job = cut_job(product, physics, request, Quantity(requested.value, requested.unit), usable_remnants)
        quote_currency = currencies[terms.currency]
        estimate: LineEstimate = estimate_line(
            requested=Quantity(requested.value, requested.unit),
            stock_unit=product.stock_unit,
            tiers=product.price.tiers,
            convert=convert,
            discrete=product.stock_unit == "piece",
            min_order=product.min_order,
            increment=product.increment,
            discount_percent=terms.discount_for(product.family),
            fx_rate=fx_rate(currencies[product.price.currency], quote_currency),
            minor_units=quote_currency.minor_units,
            cut=cut,
            planned=None if job is None else job.planned,
            cut_fee=cut_fee_for(product, settings),
            piece_name=physics.piece_label,
            is_count=lambda unit: unit == "piece",
            tier_basis=tier_basis,
            remnant_discount_percent=remnant_discount_percent or Decimal(0),
        )
        weight = weight_kg(physics, estimate.stock_quantity) if job is None else job.weight_kg
        uses = () if job is None else job.remnants
        whole = in_unit(job.whole, product.stock_unit, convert) if uses and job is not None else None
        assert estimate.goods is not None
        goods = Quantity(in_unit(estimate.goods, product.stock_unit, convert), product.stock_unit)
    except InvalidInput as exc:
        raise _within_line(index, product.sku, exc) from None
    if whole is None:  # no remnant used: the stock is what the estimate took
        needed = whole_needed = stock_needed(estimate.stock_quantity.value)
    else:  # whole pieces, plus the remnant pieces in their lots' own measure (1 piece is 1 piece, whatever its size)
        whole_needed = stock_needed(whole)
        needed = whole_needed + sum((u.quantity for u in uses), Decimal(0))
    percent = remnant_discount_percent or Decimal(0)
    adjustments = estimate.adjustments + ((_remnant_words(uses, percent),) if uses else ())
    plain_requirements = request.requirements
    if uses and plain_requirements is not None and plain_requirements.single_heat:
        plain_requirements = replace(plain_requirements, heat=uses[0].heat)  # the whole pieces from the same heat
    tier = estimate.tier
    basis = goods if tier_basis is None else tier_basis
    line = QuoteLine(
        line=index + 1,
        sku=product.sku,
        name=product.name,
        product_id=stored.id,
        requested=replace(requested, value=_display(requested.value)),
        quantity=Quantity(_display(estimate.quantity.value), estimate.quantity.unit),
        stock_quantity=Quantity(needed, product.stock_unit),
        weight_kg=None if weight is None else _display(weight, WEIGHT_STEP),
        tier=TierApplied(
            index=estimate.tier_index,
            min_quantity=Quantity(_display(tier.min_quantity.value), tier.min_quantity.unit),
            unit_price=tier.unit_price,
            per=tier.per,
            currency=product.price.currency,
            basis=Quantity(_display(basis.value), basis.unit),
            lines=tier_lines or (index + 1,),
        ),
        unit_price=estimate.unit_price,
        per=estimate.per,
        discount_percent=_display(terms.discount_for(product.family)),
        fees=tuple(replace(f, count=_display(f.count)) for f in estimate.fees),
        subtotal=estimate.subtotal,
        adjustments=adjustments,
        cut=cut,
        cuts=request.cuts,
        cut_plan=None if job is None else job.plan,
        stock_weight_kg=_stock_weight(job),
        availability=with_remnants(
            availability(product, levels, whole_needed)
            if plain_requirements is None
            else lot_availability(product, stock, whole_needed, plain_requirements),
            uses,
            needed,
        ),
        requirements=request.requirements,
        remnants=uses,
        remnant_discount=RemnantDiscount(percent=_display(percent), amount=estimate.remnant_discount)
        if uses and percent
        else None,
    )
    return line, goods


def _stock_weight(job: CutJob | None) -> Decimal | None:
    return None if job is None or job.stock_weight_kg is None else _display(job.stock_weight_kg, WEIGHT_STEP)


def _products_for(conn: Connection, lines: Sequence[LineRequest]) -> dict[str, catalog.StoredProduct]:
    skus = list(dict.fromkeys(line.sku for line in lines))
    found = catalog.get_products(conn, skus)
    problems = []
    for i, line in enumerate(lines):
        stored = found.get(line.sku)
        if stored is None:
            problems.append(FieldProblem(f"lines[{i}].sku", f"no product with SKU '{line.sku}'"))
        elif not stored.product.active:
            problems.append(FieldProblem(f"lines[{i}].sku", f"'{line.sku}' is archived and cannot be quoted"))
    if problems:
        raise InvalidInput.from_problems(problems)
    return found


@dataclass(frozen=True, slots=True)
class PricedQuote:
    """A quote's lines and totals, priced but not stored (an estimate is exactly this)."""

    terms: Terms
    lines: tuple[QuoteLine, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    extras: Extras = NO_EXTRAS  # order charges and freight (steelyard.charges), in the subtotal


def price_quote(
    conn: Connection,
    *,
    lines: Sequence[LineRequest],
    currency: str | None,
    principal: Principal | None,
    settings: Settings,
    accept_language: str | None = None,
    delivery_country: str | None = None,
) -> PricedQuote:
    """Price a quote without storing it: the terms, the lines, charges, freight and the totals (reads only)."""
    # First: the rates and the charge and freight rules come from this process's copy while this number holds.
    version = pricing_version(conn)
    terms = terms_for(conn, principal, currency, settings, accept_language)
    products = _products_for(conn, lines)
    codes = {terms.currency} | {p.product.price.currency for p in products.values()}
    currencies = require_currencies(conn, codes, version=version)
    levels = without_remnants(conn, catalog.levels_for_many(conn, [p.id for p in products.values()]))
    # Lots are read only for the products a line puts requirements on; other lines count levels as before.
    stock = available_lots(conn, sorted({products[ln.sku].id for ln in lines if ln.requirements is not None}))
    # A cut line is planned on its product's remnant lots first, priced with the remnant rule of its price rule.
    cut_ids = sorted({products[ln.sku].id for ln in lines if ln.cuts or ln.cut is not None})
    remnants = available_remnants(conn, cut_ids)
    remnant_rules = rules_for(conn, [p.product for p in products.values() if p.id in cut_ids]) if cut_ids else {}

    def price(i: int, basis: Quantity | None = None, shared: tuple[int, ...] = ()) -> tuple[QuoteLine, Quantity]:
        stored = products[lines[i].sku]
        return price_line(
            i,
            lines[i],
            stored,
            levels[stored.id],
            stock=stock.get(stored.id, []),
            terms=terms,
            currencies=currencies,
            settings=settings,
            tier_basis=basis,
            tier_lines=shared,
            remnants=remnants.get(stored.id, []),
            remnant_discount_percent=_remnant_percent(remnant_rules.get(stored.product.sku)),
        )

    first = [price(i) for i in range(len(lines))]
    # Tiers price a product's total over the quote: lines of a product asked for more than once are priced
    # again at the tier their total reaches (a second pass, since the total needs every line's goods first).
    by_sku: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        by_sku.setdefault(line.sku, []).append(i)
    shared = {sku: tuple(idx) for sku, idx in by_sku.items() if len(idx) > 1}
    bases = shared_tier_bases([(lines[i].sku, first[i][1]) for idx in shared.values() for i in idx])
    priced = tuple(
        price(i, bases[line.sku], tuple(n + 1 for n in shared[line.sku]))[0] if line.sku in shared else first[i][0]
        for i, line in enumerate(lines)
    )
    priced = with_market_prices(conn, priced, products, currency=terms.currency, currencies=currencies, version=version)
    extras = quote_extras(  # charges judge the goods with their surcharges: after the market prices
        conn,
        lines=priced,
        dimensions={p.id: p.product.dimensions_mm for p in products.values()},
        account_id=terms.account_id,
        currency=currencies[terms.currency],
        country=delivery_country or settings.default_delivery_country,
        currencies=currencies,  # read above: the rules' rates are usually among them, and need no second read
        version=version,
    )
    subtotals = [line.subtotal for line in priced] + extras.amounts
    totals = quote_totals(subtotals, terms.tax_rate, currencies[terms.currency].minor_units)
    return PricedQuote(terms, priced, totals.subtotal, totals.tax, totals.total, extras)


def estimate_document(priced: PricedQuote) -> dict[str, Any]:
    """An estimate's answer: a quote's, without id, validity and holds."""
    return {
        "account_id": priced.terms.account_id,
        "currency": priced.terms.currency,
        "tax_rate": priced.terms.tax_rate,
        "lines": priced.lines,
        "charges": charges_document(priced.extras),
        "freight": freight_document(priced.extras),
        "subtotal": priced.subtotal,
        "tax": priced.tax,
        "total": priced.total,
    }


def with_market_prices(
    conn: Connection,
    lines: Sequence[QuoteLine],
    products: Mapping[str, catalog.StoredProduct],
    *,
    currency: str,
    currencies: Mapping[str, Currency],
    version: int | None = None,
) -> tuple[QuoteLine, ...]:
    """The lines with their price rules' surcharges and extras (steelyard.market): `base` keeps the subtotal before
    them, and the subtotal grows by their rounded amounts, so the parts a buyer reads add up to it."""
    asked = [
        MarketLine(
            sku=line.sku,
            weight_kg=line.stock_weight_kg if line.stock_weight_kg is not None else line.weight_kg,
            certificate=None if line.requirements is None else line.requirements.certificate,
        )
        for line in lines
    ]
    parts = market_prices(conn, asked, products, currency=currency, currencies=currencies, version=version)
    return tuple(
        line
        if found is None
        else replace(
            line,
            base=line.subtotal,
            surcharges=found.surcharges,
            extras=found.extras,
            subtotal=line.subtotal + found.amount,
        )
        for line, found in zip(lines, parts, strict=True)
    )
