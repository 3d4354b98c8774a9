"""Reading a buyer's query: typos, synonyms, grades, families, forms, dimensions and the words left (pure).

`alumnium sheet 2mm` reads as family aluminium, form sheet, a 2 mm group; `ss 316 tube 25.4 x 1.65` as grade 316,
form tube, a 25.4 x 1.65 group; `ms flat bar 50x6` as grade S235JR (mild steel), form flat_bar, 50 x 6. What is
not understood structurally stays a full-text word (`brushed`, `film`, `inconel`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from steelyard.search.dimensions import MM_PER_UNIT, DimensionGroup, extract
from steelyard.search.lexicon import Concept, Lexicon
from steelyard.search.synonyms import Synonyms
from steelyard.search.text import STOPWORDS, UNIT_WORDS, query_tokens, word_parts
from steelyard.search.typo import MAX_TYPO_WORDS, TypoIndex

_SKU_LIKE = re.compile(r"^[A-Z0-9._]+(?:-[A-Z0-9._]+)+$")
_SEPARATOR_TOKENS = frozenset({"x", "\u00d7", "*"})
_SYMBOLS = frozenset({'"', "'", "*", "\u00d7"})


@dataclass(frozen=True, slots=True)
class Interpretation:
    """What a query asks for. Empty sets mean "any"."""

    text: str
    families: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    grades: frozenset[str] = frozenset()
    dimensions: tuple[DimensionGroup, ...] = ()
    words: tuple[str, ...] = ()  # index terms every hit must hold
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, read as)
    ignored: tuple[str, ...] = ()  # words no product uses, or more than half do: they narrow nothing
    sku_prefix: str | None = None
    grade_families: frozenset[str] = field(default=frozenset())  # the families the grades belong to

    @property
    def is_empty(self) -> bool:
        return not (self.families or self.forms or self.grades or self.dimensions or self.words or self.sku_prefix)


@dataclass(frozen=True, slots=True)
class Reader:
    """Everything a query is read with; built once per catalogue vocabulary and shared."""

    lexicon: Lexicon
    synonyms: Synonyms
    vocabulary: TypoIndex
    common: frozenset[str] = frozenset()  # words more than half the products hold: they narrow nothing
    documents: int = 0  # products on sale when the vocabulary was read (for planning only)

    def known(self, word: str) -> bool:
        return (
            word in self.vocabulary
            or word in STOPWORDS
            or word in UNIT_WORDS
            or word in MM_PER_UNIT
            or self.lexicon.lookup([word]) is not None
            or (word,) in self.synonyms.rules
        )


def _singular(word: str, reader: Reader) -> str | None:
    """`sheets` -> `sheet`, `boxes` -> `box`, when the singular is a word the catalogue knows."""
    for suffix in ("s", "es"):
        stem = word.removesuffix(suffix)
        if stem != word and len(stem) >= 3 and reader.known(stem):
            return stem
    return None


def _is_number_code(tokens: list[str], i: int) -> bool:
    """A bare number is a grade code only when no unit follows it and it is not part of an `a x b` size."""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    before = tokens[i - 1] if i > 0 else ""
    return after not in MM_PER_UNIT and after not in _SEPARATOR_TOKENS and before not in _SEPARATOR_TOKENS


def parse(q: str, reader: Reader) -> Interpretation:
    """Read a query (already cut to a sane length by the caller)."""
    stripped = q.strip()
    sku_prefix = stripped.upper() if len(stripped) >= 4 and _SKU_LIKE.match(stripped.upper()) else None
    corrections: list[tuple[str, str]] = []
    tokens: list[str] = []
    looked_up = 0
    for token in query_tokens(stripped):
        if token.isalpha() and not reader.known(token):
            singular = _singular(token, reader)
            if singular is not None:
                token = singular
            elif looked_up < MAX_TYPO_WORDS:
                looked_up += 1
                found = reader.vocabulary.corrections(token, limit=1)
                if found:
                    corrections.append((token, found[0].word))
                    token = found[0].word
        tokens.append(token)
    tokens = reader.synonyms.apply(tokens)

    concept = Concept()
    taken: set[int] = set()
    also_words: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(reader.lexicon.longest, len(tokens) - i), 0, -1):
            span = tokens[i : i + size]
            if any(t in _SYMBOLS for t in span):
                continue
            found_concept = reader.lexicon.lookup(span)
            if found_concept is None:
                continue
            if "".join(span).replace(".", "").replace("/", "").isdigit() and not _is_number_code(tokens, i):
                continue
            concept = concept | found_concept
            if found_concept.also_word:
                also_words.extend(w for t in span for w in word_parts(t))
            taken.update(range(i, i + size))
            i += size
            break
        else:
            i += 1

    groups, used = extract(tokens, taken)
    words: list[str] = list(also_words)
    ignored: list[str] = []
    for n, token in enumerate(tokens):
        if n in taken or n in used or token in _SYMBOLS:
            continue
        for part in word_parts(token):
            if part in reader.vocabulary and part not in reader.common:
                words.append(part)
            elif part not in ignored:
                ignored.append(part)
    families = concept.families
    grade_families = frozenset(
        reader.lexicon.grade_family[g] for g in concept.grades if g in reader.lexicon.grade_family
    )
    return Interpretation(
        text=" ".join(tokens),
        families=families,
        forms=concept.forms,
        grades=concept.grades,
        dimensions=tuple(groups),
        words=tuple(dict.fromkeys(words)),
        corrections=tuple(corrections),
        ignored=tuple(ignored),
        sku_prefix=sku_prefix,
        grade_families=grade_families,
    )
