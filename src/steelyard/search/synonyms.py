"""Synonyms: a configurable list of the trade's other spellings and abbreviations (pure, no I/O).

The format is the one Solr and Elasticsearch use, one rule a line, `#` starts a comment:

    aluminium, aluminum, alu        equivalents: every spelling is read as the first one
    ms, mild-steel => mild steel    one way: the spellings on the left are read as the phrase on the right

A phrase may have several words (`stainless steel`, `box section`). Matching is on whole words, longest first,
after folding (case and accents do not matter). `STEELYARD_SEARCH_SYNONYMS` names a file that replaces the
built-in list below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from steelyard.errors import FieldProblem, InvalidInput
from steelyard.search.text import fold, query_tokens

DEFAULT_SYNONYMS = """
# families
aluminium, aluminum, alu, al, aluminium alloy, aluminum alloy
stainless, stainless steel, ss, inox, s/s, corrosion resistant steel
mild steel, ms, low carbon steel
steel, carbon steel, black steel, structural steel
copper, cu
titanium, ti
nickel, ni, nickel alloy
zinc, zn
bronze, gunmetal
plastic, plastics, polymer, engineering plastic
timber, wood, lumber
chemical, chemicals
polyethylene, pe, polythene
uhmw, uhmwpe, uhmw pe
galvanised, galvanized, galv
acrylic, perspex, plexiglass, plexiglas
polycarbonate, lexan, makrolon
nylon, polyamide
acetal, delrin, pom
polytetrafluoroethylene, teflon
sulfuric, sulphuric
hydrochloric, muriatic
# forms
round bar, rod, round rod, bar stock, round
square bar, square rod
flat bar, flat, flats, flat strip
hex bar, hexagon bar, hex, hexagon, hexagonal bar
tube, tubing, round tube, chs, circular hollow section
pipe, piping
square tube, box section, shs, square hollow section, hollow section, square tubing
rectangular tube, rhs, rectangular hollow section, rectangular tubing, rectangular box section
angle, equal angle, unequal angle, angle iron, angle bar, l profile
beam, girder, joist, i beam, h beam
channel, u channel, channel iron, u profile, u section, c channel
tee, tee bar, t bar, tee section, t section, t profile
hollow bar, hollow round bar, bored bar
chequer plate, checker plate, chequered plate, checkered plate, tread plate, treadplate, floor plate, durbar
expanded sheet, expanded metal, expanded mesh, expamet
perforated sheet, perforated plate, perforated metal, perf sheet
threaded rod, studding, all thread, allthread, threaded bar, stud bar
board, plank, planks
granules, granulate, pellets, granular
"""


@dataclass(frozen=True, slots=True)
class Synonyms:
    """Folded phrases (as word tuples) and what each is read as."""

    rules: dict[tuple[str, ...], tuple[str, ...]]
    longest: int

    def words(self) -> set[str]:
        """Every single word the rules know, on either side."""
        known: set[str] = set()
        for left, right in self.rules.items():
            known.update(left)
            known.update(right)
        return known

    def apply(self, tokens: list[str]) -> list[str]:
        """The tokens with every known phrase replaced, longest first, left to right."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                replacement = self.rules.get(tuple(tokens[i : i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(query_tokens(fold(text.strip())))


def parse_synonyms(text: str, *, source: str = "synonyms") -> Synonyms:
    """Read rules in the format above; a line that is not a rule is a 422-style error naming the line."""
    rules: dict[tuple[str, ...], tuple[str, ...]] = {}
    problems: list[FieldProblem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left_text, right_text = line.split("=>", 1)
            lefts = [_phrase(p) for p in left_text.split(",")]
            right = _phrase(right_text)
            if "," in right_text or not right or not all(lefts):
                problems.append(FieldProblem(f"{source}:{number}", "write 'a, b => one phrase'"))
                continue
        else:
            phrases = [_phrase(p) for p in line.split(",")]
            if len(phrases) < 2 or not all(phrases):
                problems.append(FieldProblem(f"{source}:{number}", "write two or more phrases separated by commas"))
                continue
            right, lefts = phrases[0], phrases[1:]
        for left in lefts:
            rules[left] = right
        rules.setdefault(right, right)  # a phrase already canonical is matched whole (`flat bar` is not `flat` + bar)
    if problems:
        raise InvalidInput.from_problems(problems)
    return Synonyms(rules=rules, longest=max((len(k) for k in rules), default=1))


def merge(rules: Iterable[Synonyms]) -> Synonyms:
    merged: dict[tuple[str, ...], tuple[str, ...]] = {}
    for r in rules:
        merged.update(r.rules)
    return Synonyms(rules=merged, longest=max((len(k) for k in merged), default=1))
