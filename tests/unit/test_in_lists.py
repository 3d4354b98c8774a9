"""`InLists`: one compiled statement per length of its `IN` lists, the expanding form past the longest."""

from __future__ import annotations

from sqlalchemy import column, select, table

from steelyard.db import InLists

things = table("things", column("code"), column("kind"))


def _by(longest: int = 32) -> InLists:
    return InLists(
        lambda codes, kinds: select(things.c.code).where(things.c.code.in_(codes), things.c.kind.in_(kinds)),
        longest=longest,
        codes=things.c.code,
        kinds=things.c.kind,
    )


def test_lists_of_the_same_lengths_share_one_statement_and_bind_their_values() -> None:
    by = _by()
    first, params = by(codes=["A", "B"], kinds=["x"])
    again, other = by(codes=["C", "D"], kinds=["y"])
    assert first is again  # built once: SQLAlchemy compiles it once and only binds values after
    assert params == {"codes_0": "A", "codes_1": "B", "kinds_0": "x"}
    assert other == {"codes_0": "C", "codes_1": "D", "kinds_0": "y"}
    sql = str(first.compile())
    assert "POSTCOMPILE" not in sql  # nothing rendered again at execution
    assert "things.code IN (:codes_0, :codes_1)" in sql
    assert by(codes=["A"], kinds=["x"])[0] is not first


def test_a_list_past_the_longest_uses_the_expanding_form() -> None:
    by = _by(longest=3)
    statement, params = by(codes=list("ABCD"), kinds=["x"])
    assert "POSTCOMPILE_codes" in str(statement.compile())
    assert params == {"codes": list("ABCD"), "kinds": ["x"]}


def test_at_most_256_lengths_are_kept() -> None:
    by = _by(longest=300)
    kept = {by(codes=["A"] * n, kinds=["x"])[0] for n in range(1, 257)}
    assert len(kept) == 256
    past, _ = by(codes=["A"] * 257, kinds=["x"])
    assert "POSTCOMPILE_codes" in str(past.compile())  # a new length once 256 are kept
    assert by(codes=["B"] * 5, kinds=["y"])[0] in kept  # a kept length still uses its statement
