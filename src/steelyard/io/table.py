"""A file's columns as one kind of import reads them: required, optional and prefixed names (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from steelyard.io.model import RowError


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its line number (the header is line 1) and its cells (None where empty)."""

    line: int
    cells: list[str | None]


class HeaderRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each known column is in the file. Column names are matched without regard to case."""

    index: dict[str, int]

    @classmethod
    def of(
        cls,
        header: list[str],
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
        prefixes: Iterable[str] = (),
        alternatives: Iterable[tuple[str, ...]] = (),
    ) -> Columns:
        """The columns of `header`; HeaderRejected lists every unknown, repeated or missing column."""
        required = tuple(required)
        known = {*required, *optional}
        prefixes = tuple(prefixes)
        index: dict[str, int] = {}
        errors: list[RowError] = []
        for position, raw in enumerate(header):
            name = raw.strip()
            lower = name.lower()
            prefix = next((p for p in prefixes if lower.startswith(p) and len(name) > len(p)), None)
            key = prefix + name[len(prefix) :] if prefix else lower
            if not name:
                errors.append(RowError(1, f"column {position + 1}", "has no name; name it or delete the column"))
            elif prefix is None and lower not in known:
                hint = ", ".join(sorted(known)) + "".join(f", {p}NAME" for p in prefixes)
                errors.append(RowError(1, name, f"is not a column of this file; the columns are: {hint}"))
            elif key in index:
                errors.append(RowError(1, name, f"appears twice (columns {index[key] + 1} and {position + 1})"))
            else:
                index[key] = position
        groups = tuple(alternatives) or (required,)
        if not any(all(c in index for c in group) for group in groups):
            closest = min(groups, key=lambda g: sum(c not in index for c in g))
            for c in closest:
                if c not in index:
                    errors.append(RowError(1, c, "is a required column and is missing from the header"))
        if errors:
            raise HeaderRejected(errors)
        return cls(index)

    def __contains__(self, name: object) -> bool:
        return name in self.index

    def get(self, row: Row, name: str) -> str | None:
        position = self.index.get(name)
        return None if position is None else row.cells[position]

    def prefixed(self, prefix: str) -> list[str]:
        return [name for name in self.index if name.startswith(prefix)]
