"""Staff's order-charge and freight rules: read, write, delete. Services take a connection and never commit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from steelyard.access.service import get_account
from steelyard.charges.countries import country_problem
from steelyard.charges.tables import freight_rules, order_charges
from steelyard.errors import FieldProblem, InvalidInput, NotFound
from steelyard.pricing.charges import ChargeKind, ChargeRule, charge_rule_problems
from steelyard.pricing.freight import FreightRule, freight_rule_problems
from steelyard.quotes.currencies import require_currencies
from steelyard.wire import MAX_INT32

GLOBAL = "global"


def account_of(scope: str) -> int | None:
    """The account a scope names ("global": none); an id past the stored INTEGER names no account."""
    if scope == GLOBAL:
        return None
    account_id = int(scope)
    if not 1 <= account_id <= MAX_INT32:
        raise NotFound(f"no account with id {scope}")
    return account_id


def _charge(row: Any) -> ChargeRule:
    return ChargeRule(row.kind, row.threshold, row.currency, amount=row.amount, account_id=row.account_id)


def _freight(row: Any) -> FreightRule:
    return FreightRule(
        name=row.name,
        kind=row.kind,
        base=row.base,
        per_kg=row.per_kg,
        currency=row.currency,
        countries=tuple(row.countries),
        max_weight_kg=row.max_weight_kg,
        max_length_mm=row.max_length_mm,
    )


def _refuse(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise InvalidInput.from_problems([FieldProblem(f, m) for f, m in problems])


_EVERY_CHARGE = select(order_charges).order_by(order_charges.c.scope, order_charges.c.kind)
_CHARGES_FOR = _EVERY_CHARGE.where(  # built once: every quote reads it (no account: `= NULL`, only the global rules)
    order_charges.c.account_id.is_(None) | (order_charges.c.account_id == bindparam("account_id"))
)


def list_charges(conn: Connection, *, account_id: int | None = None, every: bool = True) -> list[ChargeRule]:
    """Every rule (staff's list), or the global rules and `account_id`'s own (what prices a quote)."""
    if every:
        return [_charge(r) for r in conn.execute(_EVERY_CHARGE)]
    return [_charge(r) for r in conn.execute(_CHARGES_FOR, {"account_id": account_id})]


def put_charge(
    conn: Connection, *, scope: str, kind: ChargeKind, threshold: Decimal, amount: Decimal | None, currency: str
) -> ChargeRule:
    """Create or replace the rule of `kind` for `scope` (global or an account id)."""
    account_id = account_of(scope)
    rule = ChargeRule(kind, threshold, currency, amount=amount, account_id=account_id)
    _refuse(charge_rule_problems(rule))
    if account_id is not None:
        get_account(conn, account_id)  # NotFound names the account
    require_currencies(conn, {currency})
    values = {"account_id": account_id, "threshold": threshold, "amount": amount, "currency": currency}
    key = (order_charges.c.scope == scope) & (order_charges.c.kind == kind)
    if not conn.execute(update(order_charges).where(key).values(**values)).rowcount:
        conn.execute(insert(order_charges).values(scope=scope, kind=kind, **values))
    return rule


def delete_charge(conn: Connection, *, scope: str, kind: str) -> None:
    key = (order_charges.c.scope == scope) & (order_charges.c.kind == kind)
    if not conn.execute(delete(order_charges).where(key)).rowcount:
        raise NotFound(f"no {kind} charge for {scope if scope == GLOBAL else 'account ' + scope}")


_FREIGHT_RULES = select(freight_rules).order_by(freight_rules.c.name)  # built once: every quote reads it


def list_freight_rules(conn: Connection) -> list[FreightRule]:
    return [_freight(r) for r in conn.execute(_FREIGHT_RULES)]


def put_freight_rule(conn: Connection, rule: FreightRule) -> FreightRule:
    """Create or replace the rule named `rule.name`."""
    problems = freight_rule_problems(rule)
    problems += [(f"countries[{i}]", p) for i, c in enumerate(rule.countries) if (p := country_problem(c))]
    _refuse(problems)
    require_currencies(conn, {rule.currency})
    values = {
        "kind": rule.kind,
        "countries": sorted(set(rule.countries)),
        "max_weight_kg": rule.max_weight_kg,
        "max_length_mm": rule.max_length_mm,
        "base": rule.base,
        "per_kg": rule.per_kg,
        "currency": rule.currency,
    }
    if not conn.execute(update(freight_rules).where(freight_rules.c.name == rule.name).values(**values)).rowcount:
        conn.execute(insert(freight_rules).values(name=rule.name, **values))
    return _freight(conn.execute(select(freight_rules).where(freight_rules.c.name == rule.name)).one())


def delete_freight_rule(conn: Connection, *, name: str) -> None:
    if not conn.execute(delete(freight_rules).where(freight_rules.c.name == name)).rowcount:
        raise NotFound(f"no freight rule named {name}")
