"""Typo tolerance: the known words within one or two edits of an unknown one (pure, no I/O).

An edit is an insertion, deletion, substitution or swap of two neighbouring letters (optimal string alignment).
Words of 4 to 7 letters may have one edit, longer words two; shorter words and anything with a digit (grade codes,
sizes) must be exact. Candidates come from a symmetric-delete index (the SymSpell idea): every known word is stored
under the strings made by deleting up to two of its letters, so a lookup generates the deletes of the typed word
and verifies the few words found under them, in tens of microseconds for a vocabulary of thousands of words.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

MAX_EDITS = 2
MAX_TYPO_LETTERS = 32
"""Longer words are never corrected. Looking a word up costs its delete neighbourhood, C(n, 2) strings of n - 2
letters for two edits: 496 at 32 letters, 32,640 at 256, which took 0.5-0.8 s of CPU per request (issue 19.3).
No trade word comes near 32 letters, and a word more than two letters longer than the longest known word cannot be
within two edits of it anyway, so the bound changes no answer."""
MAX_TYPO_WORDS = 8
"""At most this many unknown words of one query are looked up for corrections (the query is 256 characters)."""


def max_edits(word: str) -> int:
    """How many edits a typed word may carry: 0 under 4 letters or with a digit, 1 up to 7 letters, else 2."""
    if len(word) < 4 or not word.isalpha():
        return 0
    return 1 if len(word) <= 7 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of `a` and `b`, or `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[len(b)]


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    for n in range(1, min(depth, len(word) - 1) + 1):
        for positions in combinations(range(len(word)), n):
            out.add("".join(c for i, c in enumerate(word) if i not in positions))
    return out


@dataclass(frozen=True, slots=True)
class Correction:
    word: str
    edits: int
    weight: int


class TypoIndex:
    """Known words (with a weight: how many products use them) and their delete neighbourhoods; immutable, so
    readers in other threads never see it change."""

    def __init__(self, words: Mapping[str, int] | None = None, *, base: TypoIndex | None = None) -> None:
        """Index `words`; with `base`, reuse its delete index and add only the words it lacks (dropped words may
        stay in the delete index: candidates are always checked against `words`)."""
        self.words: dict[str, int] = dict(words or {})
        deletes: dict[str, frozenset[str]] = dict(base.deletes) if base is not None else {}
        known: frozenset[str] = base.indexed if base is not None else frozenset()
        fresh = {w for w in self.words if w not in known and w.isalpha() and len(w) >= 3}
        for word in fresh:
            for key in _deletes(word, 1 if len(word) <= 5 else MAX_EDITS):
                deletes[key] = deletes.get(key, frozenset()) | {word}
        self.deletes: dict[str, frozenset[str]] = deletes
        self.indexed: frozenset[str] = known | fresh
        self.longest = max((len(w) for w in self.indexed), default=0)
        self._sorted: list[str] | None = None

    def sorted_words(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.words)
        return self._sorted

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def corrections(self, word: str, *, limit: int = 3) -> list[Correction]:
        """The closest known words to an unknown `word`: fewest edits first, then the most used."""
        edits = max_edits(word)
        if edits == 0 or word in self.words or len(word) > min(MAX_TYPO_LETTERS, self.longest + edits):
            return []
        found: dict[str, int] = {}
        for key in _deletes(word, edits):
            for candidate in self.deletes.get(key, ()):
                if candidate in found or candidate not in self.words:
                    continue
                d = distance(word, candidate, edits)
                if d <= edits:
                    found[candidate] = d
        if not found:
            return []
        fewest = min(found.values())
        best = [Correction(w, d, self.words[w]) for w, d in found.items() if d == fewest]
        best.sort(key=lambda c: (-c.weight, c.word))
        return best[:limit]


def vocabulary(weights: Iterable[tuple[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for word, weight in weights:
        merged[word] = max(merged.get(word, 0), weight)
    return merged


def completions(index: TypoIndex, prefix: str, limit: int) -> list[str]:
    """Known words starting with `prefix`, the most used first."""
    words = index.sorted_words()
    start = bisect.bisect_left(words, prefix)
    found: list[str] = []
    for word in words[start:]:
        if not word.startswith(prefix):
            break
        found.append(word)
    found.sort(key=lambda w: (-index.words[w], w))
    return found[:limit]
