"""`InLists` on the real databases: the same rows as the expanding form, for every length of list."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import bindparam, select

from steelyard.currencies.rates import get_currencies, put_currency
from steelyard.currencies.tables import currencies
from steelyard.db import Database, InLists


def test_in_lists_find_what_the_expanding_form_finds(db: Database) -> None:
    codes = [f"Q{a}{b}" for a in "ABCDEFG" for b in "ABCDEFG"][:40]  # past the 32 kept as their own statements
    with db.write() as conn:
        for code in codes:
            put_currency(conn, code=code, rate=Decimal("1.5"), minor_units=2)
    by_codes = InLists(
        lambda codes: select(currencies.c.code).where(currencies.c.code.in_(codes)), codes=currencies.c.code
    )
    expanding = select(currencies.c.code).where(currencies.c.code.in_(bindparam("codes", expanding=True)))
    with db.read() as conn:
        for n in (0, 1, 2, 7, 31, 32, 33, 40):
            asked = [*codes[:n], "ZZZ"]  # and one that is not there
            found = sorted(conn.execute(*by_codes(codes=asked)).scalars())
            assert found == sorted(codes[:n]) == sorted(conn.execute(expanding, {"codes": asked}).scalars())
        assert sorted(get_currencies(conn, set(codes[:3]))) == codes[:3]
        assert get_currencies(conn, set()) == {}
