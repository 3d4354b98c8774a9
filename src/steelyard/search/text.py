"""Folding and tokenising trade text, the same way for the index and for queries (pure, no I/O).

A *term* is what the full-text index holds: lowercase ASCII letters and digits, `[a-z0-9]+`, never a bare number
(numbers are dimensions or grade codes, which the structured columns answer). Compound codes keep their parts and
their joined form: `6061-T6` gives `t6` and `6061t6`, `X5CrNi18-10` gives `x5crni18` and `x5crni1810`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

MAX_QUERY_CHARS = 256
"""A query is cut to this many characters before it is read: longer text is not a search a person typed."""

_COMMA_DECIMAL = re.compile(r"(?<=\d),(?=\d)")
_COMPOUND = re.compile(r"[a-z0-9]+(?:[./+\-][a-z0-9]+)*")
_QUERY_TOKEN = re.compile(r"[a-z0-9]+(?:[./+\-][a-z0-9]+)*|[\"'*]|\u00d7")
_SEPARATORS = re.compile(r"[./+\-]")
_DIMENSION_LIKE = re.compile(r"^\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)*(?:mm|cm|m|in)?$")
_TERM = re.compile(r"^[a-z0-9]+$")

STOPWORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "each", "for", "in", "is", "of", "on", "or", "per", "the", "to", "with", "x"}
)
"""Words that never become index terms (`x` is the dimension separator, `mm` the default unit)."""
UNIT_WORDS = frozenset({"mm", "cm", "m", "kg", "l", "ml", "t"})


def fold(text: str) -> str:
    """Lowercase ASCII-ish text: accents dropped, `²`→`2`, `½`→`1/2`, the diameter signs made spaces."""
    text = text.replace("\u00f8", " ").replace("\u00d8", " ").replace("\u2300", " ")
    decomposed = unicodedata.normalize("NFKD", text).replace("\u2044", "/")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _COMMA_DECIMAL.sub(".", plain.lower())


def compact(text: str) -> str:
    """The key a code is compared by: folded, separators and spaces removed (`EN AW-6061` → `enaw6061`)."""
    return "".join(_COMPOUND.findall(_SEPARATORS.sub("", fold(text))))


def terms(texts: Iterable[str]) -> list[str]:
    """The distinct index terms of some texts, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        seen.update(dict.fromkeys(_text_terms(text)))
    return list(seen)


@lru_cache(maxsize=16384)
def _text_terms(text: str) -> tuple[str, ...]:
    # Cached: a catalogue repeats its grades, families, forms and attribute values on thousands of products, so a
    # bulk import or reindex folds each of them once (names are mostly unique and simply pass through).
    seen: dict[str, None] = {}
    for token in _COMPOUND.findall(fold(text)):
        parts = [p for p in _SEPARATORS.split(token) if p]
        candidates = parts + (["".join(parts)] if len(parts) > 1 else [])
        for term in candidates:
            if term in STOPWORDS or term in UNIT_WORDS or len(term) > 64 or _DIMENSION_LIKE.match(term):
                continue
            seen.setdefault(term)
    return tuple(seen)


def is_term(word: str) -> bool:
    """True for a string the index could hold (safe to put in a full-text query unquoted)."""
    return _TERM.match(word) is not None and not word.isdigit()


def query_tokens(q: str) -> list[str]:
    """The tokens of a query: codes kept whole (`6061-t6`, `10x1250x2500`, `1/2`), quotes and times signs kept."""
    return _QUERY_TOKEN.findall(fold(q[:MAX_QUERY_CHARS]))


def word_parts(token: str) -> list[str]:
    """The index terms one query token can match (its parts and joined form, numbers dropped)."""
    return terms([token])
