"""Reading queries without a database: sizes, synonyms, typos, grades, families and forms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from steelyard.search.cache import load_synonyms
from steelyard.search.dimensions import extract
from steelyard.search.lexicon import GradeRow, build_lexicon
from steelyard.search.query import Interpretation, Reader, parse
from steelyard.search.text import query_tokens, terms
from steelyard.search.typo import TypoIndex

D = Decimal
GRADES = [
    GradeRow("aluminium", "6061-T6", "EN AW-6061, AlMg1SiCu"),
    GradeRow("aluminium", "5083", "EN AW-5083"),
    GradeRow("stainless", "304", "1.4301, A2, AISI 304, 18/8"),
    GradeRow("stainless", "316", "1.4401, A4, AISI 316"),
    GradeRow("stainless", "316L", "1.4404, AISI 316L"),
    GradeRow("steel", "S235JR", "1.0038, mild steel, MS"),
    GradeRow("steel", "S355JR", "1.0045"),
    GradeRow("plastic", "HDPE", "PE-HD, PE300, polyethylene"),
    GradeRow("brass", "CW617N", "CuZn40Pb2"),
    GradeRow("copper", "C110", "Cu-ETP, CW004A"),
    GradeRow("bulk", "Gravel 4/16", "gravel, pea gravel"),
]
WORDS = {"aluminium": 900, "sheet": 800, "stainless": 700, "steel": 900, "tube": 300, "brushed": 40, "polished": 50}


@pytest.fixture(scope="module")
def reader() -> Reader:
    synonyms = load_synonyms(None)
    words = dict.fromkeys(synonyms.words(), 1) | WORDS
    return Reader(build_lexicon(GRADES), synonyms, TypoIndex({w: n for w, n in words.items() if w.isalpha()}))


def sizes(reading: Interpretation) -> list[tuple[Decimal, ...]]:
    return [g.values_mm for g in reading.dimensions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2mm", [(D(2),)]),
        ("2 mm", [(D(2),)]),
        ("1/2 in", [(D("12.7"),)]),
        ('1/2"', [(D("12.7"),)]),
        ("1 1/2 in", [(D("38.1"),)]),
        ("3/8", [(D("9.525"),)]),
        ("25.4 x 1.65", [(D("25.4"), D("1.65"))]),
        ("25.4x1.65mm", [(D("25.4"), D("1.65"))]),
        ("10x1250x2500", [(D(10), D(1250), D(2500))]),
        ("50 \u00d7 6", [(D(50), D(6))]),
        ("1 x 1/2 in", [(D("25.4"), D("12.7"))]),
        ("2,5 mm", [(D("2.5"),)]),
        ("12 m", [(D(12000),)]),
        ("2mm 1250x2500", [(D(2),), (D(1250), D(2500))]),
        ("x 2 x", [(D(2),)]),
    ],
)
def test_sizes_are_read_in_millimetres(text: str, expected: list[tuple[Decimal, ...]]) -> None:
    groups, _ = extract(query_tokens(text))
    assert [g.values_mm for g in groups] == expected


@pytest.mark.parametrize("text", ["0 mm", "1/0 in", "9999999 m", "mm", "x"])
def test_impossible_sizes_are_not_sizes(text: str) -> None:
    assert extract(query_tokens(text))[0] == []


def test_the_briefs_queries(reader: Reader) -> None:
    r = parse("alumnium sheet 2mm", reader)
    assert (r.families, r.forms, sizes(r), r.corrections) == (
        {"aluminium"},
        {"sheet"},
        [(D(2),)],
        (("alumnium", "aluminium"),),
    )
    r = parse("ss 316 tube 25.4 x 1.65", reader)
    assert (r.families, r.grades, r.forms, sizes(r)) == ({"stainless"}, {"316"}, {"tube"}, [(D("25.4"), D("1.65"))])
    r = parse("ms flat bar 50x6", reader)
    assert (r.grades, r.forms, sizes(r)) == ({"S235JR"}, {"flat_bar"}, [(D(50), D(6))])
    r = parse("6061-T6 plate 1/2 in", reader)
    assert (r.grades, r.forms, sizes(r)) == ({"6061-T6"}, {"plate"}, [(D("12.7"),)])
    r = parse("hdpe sheet", reader)
    assert (r.grades, r.forms, r.words) == ({"HDPE"}, {"sheet"}, ())


@pytest.mark.parametrize(
    ("text", "grades"),
    [
        ("6061 t6", {"6061-T6"}),
        ("6061t6", {"6061-T6"}),
        ("6061", {"6061-T6"}),
        ("1.4301", {"304"}),
        ("aisi 304", {"304"}),
        ("a4", {"316"}),
        ("18/8", {"304"}),
        ("316L", {"316L"}),
        ("316", {"316"}),
        ("cw617n", {"CW617N"}),
        ("mild steel", {"S235JR"}),
        ("pe", {"HDPE"}),
        ("gravel 4/16", {"Gravel 4/16"}),
    ],
)
def test_grade_codes_and_aliases(reader: Reader, text: str, grades: set[str]) -> None:
    assert parse(text, reader).grades == grades


@pytest.mark.parametrize(
    ("text", "dimension"),
    [("316 mm", (D(316),)), ("304 x 2", (D(304), D(2)))],
)
def test_a_number_with_a_unit_or_in_a_size_is_not_a_grade(reader: Reader, text: str, dimension: tuple[Decimal]) -> None:
    r = parse(text, reader)
    assert r.grades == frozenset()
    assert sizes(r) == [dimension]


@pytest.mark.parametrize(
    ("text", "families", "forms"),
    [
        ("aluminum", {"aluminium"}, set()),
        ("stainless steel", {"stainless"}, set()),
        ("inox", {"stainless"}, set()),
        ("cu", {"copper"}, set()),
        ("rod", set(), {"round_bar"}),
        ("flat bar", set(), {"flat_bar"}),
        ("bar", set(), {"round_bar", "square_bar", "flat_bar", "hex_bar"}),
        ("box section", set(), {"square_tube"}),
        ("hex", set(), {"hex_bar"}),
        ("sheets", set(), {"sheet"}),
        ("tubes", set(), {"tube"}),
    ],
)
def test_family_and_form_words(reader: Reader, text: str, families: set[str], forms: set[str]) -> None:
    r = parse(text, reader)
    assert (r.families, r.forms) == (families, forms)


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [("stainles", "stainless"), ("stainelss", "stainless"), ("alumnium", "aluminium"), ("tbue", "tube")],
)
def test_typos_within_the_edit_budget_are_corrected(reader: Reader, typed: str, read_as: str) -> None:
    assert parse(typed, reader).corrections == ((typed, read_as),)


@pytest.mark.parametrize("typed", ["tub", "stnlss", "alxmxxium", "shee7"])
def test_short_words_digits_and_too_many_edits_are_not_corrected(reader: Reader, typed: str) -> None:
    assert parse(typed, reader).corrections == ()


def test_unknown_words_are_ignored_known_words_are_kept(reader: Reader) -> None:
    r = parse("polished frobnicated sheet", reader)
    assert r.words == ("polished",)
    assert r.ignored == ("frobnicated",)


@pytest.mark.parametrize(
    "text",
    [
        "NEAR(steel",
        '"unbalanced',
        "steel*",
        "a OR b AND NOT c",
        "'; DROP TABLE products; --",
        "\x00\uffff",
        "x" * 10_000,
    ],
)
def test_operators_and_garbage_become_plain_terms(reader: Reader, text: str) -> None:
    r = parse(text, reader)
    assert all(w.isalnum() and w.isascii() for w in r.words)


def test_a_sku_is_recognised() -> None:
    reader = Reader(build_lexicon([]), load_synonyms(None), TypoIndex())
    assert parse("AL-6061T6-SH-2X1250X2500", reader).sku_prefix == "AL-6061T6-SH-2X1250X2500"
    assert parse("aluminium sheet", reader).sku_prefix is None


def test_document_terms_keep_codes_and_drop_sizes() -> None:
    found = terms(["Aluminium sheet 6061-T6 2 x 1250 x 2500 mm", "X5CrNi18-10, 1.4301"])
    assert found == ["aluminium", "sheet", "t6", "6061t6", "x5crni18", "x5crni1810"]
