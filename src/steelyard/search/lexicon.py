"""The words of the trade a query is read with: families, forms and grade codes (pure, no I/O).

Family and form words are built in (after synonyms: `ss` is already `stainless`). Grade codes come from the
catalogue itself: each grade, the part of it before a temper or coating suffix (`6061` for `6061-T6`) or an EN
10025 steel's strength without its quality (`S355` for `S355JR` and `S355J2`), and each of its aliases
(`1.4301`, `A2`, `AISI 304`, `mild steel`). Codes are compared compacted, so `6061-T6`, `6061 T6` and `6061t6`
are one code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from steelyard.search.text import compact, fold
from steelyard.units.forms import FAMILIES, FORMS

_BARS = frozenset({"round_bar", "square_bar", "flat_bar", "hex_bar"})
FAMILY_WORDS: dict[str, frozenset[str]] = {family: frozenset({family}) for family in FAMILIES} | {
    "metal": frozenset(FAMILIES[:9]),
}
FORM_WORDS: dict[str, frozenset[str]] = {compact(form): frozenset({form}) for form in FORMS} | {
    "bar": _BARS,
    "hexagonbar": frozenset({"hex_bar"}),
    "square": frozenset({"square_bar", "square_tube"}),
    "beam": frozenset({"beam", "timber_beam"}),
    "ibeam": frozenset({"beam"}),
    "ipe": frozenset({"beam"}),
    "hea": frozenset({"beam"}),
    "heb": frozenset({"beam"}),
    "hem": frozenset({"beam"}),
    "upn": frozenset({"channel"}),
    "unp": frozenset({"channel"}),
    "upe": frozenset({"channel"}),
    "sheetmetal": frozenset({"sheet"}),
    "tread": frozenset({"chequer_plate"}),
    "chequer": frozenset({"chequer_plate"}),
    "checker": frozenset({"chequer_plate"}),
    "expanded": frozenset({"expanded_sheet"}),
    "perforated": frozenset({"perforated_sheet"}),
    "threaded": frozenset({"threaded_rod"}),
}
# also searched as words: they name the profile series (UPN and UPE are both channels)
PROFILE_WORDS = frozenset({"ipe", "hea", "heb", "hem", "upn", "unp", "upe"})
_SUFFIX = re.compile(r"[-+]")
# EN 10025 structural steels: S + minimum yield strength in MPa, then the toughness quality (JR, J0, J2, K2; -3 N/NL,
# -4 M/ML, -6 Q/QL/QL1). Buyers write the strength alone ("S355 plate"), so S355 stands for every S355 quality.
_EN10025 = re.compile(r"^(S\d{3})(?:JR|J0|J2|K2|NL|N|ML|M|QL1|QL|Q)(?:[+-].*)?$", re.IGNORECASE)


def grade_head(grade: str) -> str:
    """The part of a grade code buyers also write alone: before a temper or coating suffix (`6061` of `6061-T6`,
    `DX51D` of `DX51D+Z275`), or an EN 10025 steel's strength without its quality (`S355` of `S355JR`)."""
    structural = _EN10025.match(grade.strip())
    if structural:
        return structural.group(1)
    return _SUFFIX.split(grade, 1)[0]


@dataclass(frozen=True, slots=True)
class Concept:
    """What a word or phrase means: families, forms or grades (each a set: `bar` is four forms)."""

    families: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    grades: frozenset[str] = frozenset()
    also_word: bool = False

    def __or__(self, other: Concept) -> Concept:
        return Concept(
            self.families | other.families,
            self.forms | other.forms,
            self.grades | other.grades,
            self.also_word or other.also_word,
        )


@dataclass(frozen=True, slots=True)
class GradeRow:
    family: str
    grade: str
    aliases: str  # comma-separated, as the catalogue's `alias` attribute writes them


@dataclass(slots=True)
class Lexicon:
    phrases: dict[str, Concept] = field(default_factory=dict)  # compact key of a phrase with letters
    numbers: dict[str, Concept] = field(default_factory=dict)  # a code that is all digits, as written (`1.4301`)
    grade_family: dict[str, str] = field(default_factory=dict)
    longest: int = 4

    def lookup(self, span: list[str]) -> Concept | None:
        key = "".join(compact(t) for t in span)
        if not key:
            return None
        if key.isdigit():
            return self.numbers.get(span[0]) if len(span) == 1 else None
        return self.phrases.get(key)

    def words(self) -> set[str]:
        """Single words the lexicon knows (for typo correction)."""
        return {k for k in self.phrases if k.isalpha()}


def _add(table: dict[str, Concept], key: str, concept: Concept) -> None:
    table[key] = table[key] | concept if key in table else concept


def build_lexicon(grades: Iterable[GradeRow]) -> Lexicon:
    """The built-in family and form words plus every grade code and alias of the catalogue."""
    lex = Lexicon()
    for word, families in FAMILY_WORDS.items():
        _add(lex.phrases, word, Concept(families=families))
    for word, forms in FORM_WORDS.items():
        _add(lex.phrases, word, Concept(forms=forms, also_word=word in PROFILE_WORDS))
    _add(lex.phrases, "bulk", Concept(families=frozenset({"bulk"})))
    rows = list(grades)
    bases: dict[str, set[str]] = {}
    for row in rows:
        lex.grade_family[row.grade] = row.family
        concept = Concept(grades=frozenset({row.grade}))
        codes = [row.grade] + [a for a in row.aliases.split(",") if a.strip()]
        for code in codes:
            _add_code(lex, code, concept)
        head = grade_head(row.grade)
        if head != row.grade and len(compact(head)) >= 3:
            bases.setdefault(head, set()).add(row.grade)
    for head, names in bases.items():
        if compact(head) not in lex.phrases and fold(head.strip()) not in lex.numbers:
            _add_code(lex, head, Concept(grades=frozenset(names)))
    return lex


def _add_code(lex: Lexicon, code: str, concept: Concept) -> None:
    key = compact(code)
    if len(key) < 2:
        return
    if key.isdigit():
        _add(lex.numbers, fold(code.strip()), concept)
    elif key in FAMILY_WORDS or key in FORM_WORDS:
        return  # a grade alias never hides a family or form word
    else:
        _add(lex.phrases, key, concept)
