"""What an import reports (pure): every bad row with its line, column and reason, and the counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from steelyard.errors import FieldProblem, InvalidInput

MAX_LISTED = 1000  # bad rows past this are counted, not listed: the report of a wholly wrong file stays readable


class Kind(StrEnum):
    PRODUCTS = "products"
    PRICES = "prices"
    STOCK = "stock"
    LOTS = "lots"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class RowError:
    """One thing wrong in a file: `line` counts the header as line 1 (None: the file as a whole)."""

    line: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = "the file" if self.line is None else f"line {self.line}"
        return f"{where}{f', column {self.column}' if self.column else ''}: {self.message}"


@dataclass(slots=True)
class Report:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False
    errors: list[RowError] = field(default_factory=list)
    bad: int = 0  # every error found, listed or not

    def count(self, outcome: Outcome, rows: int = 1) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + rows)

    def add(self, errors: Iterable[RowError]) -> None:
        for e in errors:
            self.bad += 1
            if len(self.errors) < MAX_LISTED:
                self.errors.append(e)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "applied": self.applied,
            "errors": [e.as_dict() for e in self.errors],
        }

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows} rows: {self.created} {verb} created, {self.updated} {verb} updated, "
            f"{self.unchanged} unchanged" + ("" if self.dry_run else ("; applied" if self.applied else "; not applied"))
        )


class ImportRejected(InvalidInput):
    """A file with bad rows: nothing was applied. The problem document lists them as `errors`."""

    title = "Import rejected"
    slug = "import-rejected"

    def __init__(self, report: Report) -> None:
        more = "" if report.bad <= len(report.errors) else f"; the first {len(report.errors)} are listed"
        problems = f"{report.bad} problem{'' if report.bad == 1 else 's'}"
        detail = (
            f"{problems} in the {report.kind} file, nothing was applied{more}: "
            + "; ".join(str(e) for e in report.errors[:3])
            + ("; …" if report.bad > 3 else "")
        )
        super().__init__(detail, errors=[e.as_dict() for e in report.errors], kind=report.kind, rows=report.rows)
        self.report = report


def problems_to_errors(
    line: int, problems: Iterable[FieldProblem], column_of: dict[str, str], default: str
) -> list[RowError]:
    """Field problems (as the API words them) as row errors: the field's column, and the field in the message
    when it is more precise than the column (`price.tiers[1].min_quantity: …` in column `tiers`)."""
    errors = []
    for p in problems:
        head = p.field.split(".", 1)[0].split("[", 1)[0]
        column = column_of.get(p.field) or column_of.get(head) or default
        message = p.message if p.field in (column, head) and head == column else f"{p.field}: {p.message}"
        errors.append(RowError(line, column, message))
    return errors
