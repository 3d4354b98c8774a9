"""Edit distance, the typo index and the synonym format."""

from __future__ import annotations

import pytest

from steelyard.errors import InvalidInput
from steelyard.search.synonyms import parse_synonyms
from steelyard.search.text import query_tokens
from steelyard.search.typo import TypoIndex, completions, distance, max_edits


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [("steel", "steel", 0), ("stel", "steel", 1), ("steal", "steel", 1), ("stele", "steel", 1), ("tsele", "steel", 2)],
)
def test_distance_counts_swaps_as_one_edit(a: str, b: str, d: int) -> None:
    assert distance(a, b, 2) == d


def test_distance_stops_beyond_the_limit() -> None:
    assert distance("aluminium", "zirconium", 1) == 2


@pytest.mark.parametrize(("word", "edits"), [("ss", 0), ("pipe", 1), ("stainle", 1), ("stainles", 2), ("316l", 0)])
def test_the_edit_budget_grows_with_the_word(word: str, edits: int) -> None:
    assert max_edits(word) == edits


def test_corrections_prefer_fewest_edits_then_the_most_used_word() -> None:
    index = TypoIndex({"steel": 10, "steal": 1, "stool": 50, "sheet": 5})
    assert [c.word for c in index.corrections("stell")] == ["steel", "steal"]
    assert index.corrections("steel") == []  # a known word is never corrected


def test_an_index_built_on_another_keeps_dropped_words_out() -> None:
    first = TypoIndex({"copper": 3, "cooper": 1})
    second = TypoIndex({"copper": 3}, base=first)
    assert [c.word for c in second.corrections("coppper")] == ["copper"]
    assert [c.word for c in TypoIndex({"brass": 2}, base=second).corrections("bras")] == ["brass"]


def test_completions_are_the_most_used_first() -> None:
    index = TypoIndex({"aluminium": 9, "alloy": 3, "al": 1, "acid": 5})
    assert completions(index, "al", 5) == ["aluminium", "alloy", "al"]


def test_synonym_rules() -> None:
    rules = parse_synonyms("aluminium, aluminum, alu\nms, mild-steel => mild steel  # comment\n\nflat bar, flat")
    assert rules.apply(query_tokens("Aluminum flat bar")) == ["aluminium", "flat", "bar"]
    assert rules.apply(query_tokens("ms flat")) == ["mild", "steel", "flat", "bar"]


@pytest.mark.parametrize("text", ["lonely", "a => b, c", " => b", "a, , b"])
def test_bad_synonym_lines_name_their_line(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_synonyms("steel, carbon steel\n" + text, source="custom.txt")
    assert "custom.txt:2" in raised.value.detail
