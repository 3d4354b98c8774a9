"""Per-process caches, each checked against the index state tokens that every catalogue change renews in its own
transaction: a cache entry is only used while the database still holds the token it was made under, so no process
ever answers from a catalogue that has changed. Stock is never cached (it is read live for every page).

* the *reader* (lexicon, synonyms, typo index) follows the `vocabulary` token, which changes only when a word or a
  grade appears or disappears, and is updated incrementally;
* the *pages* (total, facets and the ranked hits without their stock) follow the `results` token, which changes on
  every catalogue change. Searches filtered by stock are not cached.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from steelyard.search.lexicon import FAMILY_WORDS, GradeRow, build_lexicon
from steelyard.search.query import Interpretation, Reader, parse
from steelyard.search.synonyms import DEFAULT_SYNONYMS, Synonyms, parse_synonyms
from steelyard.search.tables import search_groups, search_terms
from steelyard.search.typo import TypoIndex

PARSED_ENTRIES = 4096
_STATE = text("SELECT name, token FROM search_state")


@dataclass(frozen=True, slots=True)
class SearchConfig:
    synonyms_file: str | None = None
    page_entries: int = 2048  # 0: no page cache


@lru_cache(maxsize=8)
def load_synonyms(path: str | None) -> Synonyms:
    if path is None:
        return parse_synonyms(DEFAULT_SYNONYMS, source="built-in synonyms")
    return parse_synonyms(Path(path).read_text(encoding="utf-8"), source=path)


def state(conn: Connection) -> dict[str, str]:
    """The current index state tokens (empty strings before the first index write)."""
    tokens = {"results": "", "vocabulary": ""}
    tokens.update((name, token) for name, token in conn.execute(_STATE))
    return tokens


class SearchCache:
    def __init__(self, config: SearchConfig) -> None:
        self.config = config
        self.synonyms = load_synonyms(config.synonyms_file)
        self._lock = threading.Lock()
        self._typo = TypoIndex()
        self._reader: Reader | None = None
        self._vocabulary_token: str | None = None
        self._parsed: OrderedDict[str, Interpretation] = OrderedDict()
        self._pages: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def reader(self, conn: Connection, token: str) -> Reader:
        with self._lock:
            if self._reader is not None and token == self._vocabulary_token:
                return self._reader
        terms = {r.term: r.docs for r in conn.execute(select(search_terms.c.term, search_terms.c.docs))}
        groups = list(
            conn.execute(
                select(search_groups.c.family, search_groups.c.grade, search_groups.c.aliases, search_groups.c.docs)
            )
        )
        grades = list(dict.fromkeys(GradeRow(r.family, r.grade, r.aliases) for r in groups))
        half = sum(r.docs for r in groups) / 2
        common = frozenset(t for t, n in terms.items() if n > half)
        weights = dict.fromkeys(self.synonyms.words(), 1) | dict.fromkeys(FAMILY_WORDS, 1) | terms
        with self._lock:
            self._typo = TypoIndex({w: n for w, n in weights.items() if w.isalpha()}, base=self._typo)
            reader = Reader(build_lexicon(grades), self.synonyms, self._typo, common, int(half * 2))
            self._reader, self._vocabulary_token = reader, token
            self._parsed.clear()
        return reader

    def parse(self, q: str, reader: Reader) -> Interpretation:
        with self._lock:
            found = self._parsed.get(q)
            if found is not None and reader is self._reader:
                self._parsed.move_to_end(q)
                return found
        reading = parse(q, reader)
        with self._lock:
            if reader is self._reader:
                self._parsed[q] = reading
                if len(self._parsed) > PARSED_ENTRIES:
                    self._parsed.popitem(last=False)
        return reading

    def page(self, key: tuple[Any, ...]) -> Any:
        if not self.config.page_entries:
            return None
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
            return found

    def keep(self, key: tuple[Any, ...], page: Any) -> None:
        if not self.config.page_entries:
            return
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self.config.page_entries:
                self._pages.popitem(last=False)


_caches: weakref.WeakKeyDictionary[Engine, SearchCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_for(engine: Engine, config: SearchConfig) -> SearchCache:
    """The cache of one database (one per engine, so tests with separate databases never share one)."""
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None or cache.config != config:
            cache = SearchCache(config)
            _caches[engine] = cache
        return cache
