"""Reading and writing tables as CSV or XLSX, streamed: a row at a time in, a row at a time out.

CSV: UTF-8 with or without a byte-order mark, `,` or `;` between cells (read from the header line), any line ends.
XLSX: the first worksheet, read with openpyxl's read-only (streaming) reader after the archive has been checked
against zip bombs. A table's rows come with their line numbers as a spreadsheet shows them (the header is line 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Literal

from steelyard.io.cells import Numbers, escape, unescape

Format = Literal["csv", "xlsx"]
Cell = str | Decimal | int | bool | None
MAX_COLUMNS = 200
MAX_CELL_CHARS = 100_000
ZIP_MAX_RATIO = 100  # XLSX sheets compress 5-30x; far beyond that the archive is built to blow up
ZIP_RATIO_FLOOR = 1 << 20  # members smaller than this (1 MiB) unpacked may have any ratio
CHUNK = 1 << 16


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, format, zip bomb, shape); `line` where that is known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class Table:
    """A header and its rows: (line number, cells as text or None for empty), streamed."""

    header: list[str]
    rows: Iterator[tuple[int, list[str | None]]]
    progress: Callable[[], tuple[int, int]]  # (done, total) in bytes or rows, for a progress bar


def format_of(name: str | None, given: str | None) -> Format:
    """The format a file is in: the one given, else its extension; CSV when neither says."""
    choice = (given or "").lower() or (name or "").rsplit(".", 1)[-1].lower()
    if choice in ("xlsx", "xlsm"):
        return "xlsx"
    if choice in ("csv", "txt", "") or given is None:
        return "csv"
    raise FileProblem(f"'{given}' is not a format this reads: say csv or xlsx")


def read_table(source: IO[bytes], fmt: Format, *, size: int, max_expanded: int) -> Table:
    """The table in `source` (a seekable binary file of `size` bytes)."""
    start = source.read(4)
    source.seek(0)
    zipped = start.startswith(b"PK\x03\x04")
    if fmt == "csv":
        if zipped:
            raise FileProblem("this is a zip archive (an XLSX workbook?), not CSV text: import it as xlsx")
        return _read_csv(source, size)
    if not zipped:
        raise FileProblem("this is not an XLSX workbook (not a zip archive): save it as .xlsx, or import it as csv")
    return _read_xlsx(source, max_expanded)


# ---- CSV ----------------------------------------------------------------------------------------------------


def _read_csv(source: IO[bytes], size: int) -> Table:
    start = source.read(4)
    source.seek(0)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem("this file is UTF-16 text: save it as CSV UTF-8 (in Excel: 'CSV UTF-8 (comma delimited)')")
    lines = _decoded(source)
    first = next(lines, "").removeprefix("\ufeff")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(_chain(first, lines), delimiter=delimiter, strict=False)
    try:
        header_cells = next(reader, None)
    except csv.Error as exc:
        raise FileProblem(f"the header cannot be read: {exc}", 1) from None
    if not header_cells or not any(c.strip() for c in header_cells):
        raise FileProblem("the file is empty: the first line must name the columns", 1)
    header = _header(header_cells)

    def rows() -> Iterator[tuple[int, list[str | None]]]:
        line = 1
        try:
            for record in reader:
                line += 1
                cells = [unescape(c) if c != "" else None for c in record]
                if any(c is not None and c.strip() for c in cells):
                    yield line, _fit(cells, len(header), line)
        except csv.Error as exc:
            raise FileProblem(f"cannot read the file after line {line}: {exc}", line + 1) from None

    return Table(header, rows(), lambda: (size if source.closed else source.tell(), size))


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _decoded(source: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, each checked to be UTF-8, so a bad byte is reported with its line."""
    for number, raw in enumerate(source, start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _not_utf8(number) from None


def _not_utf8(line: int) -> FileProblem:
    return FileProblem(
        "the file is not UTF-8 text (another encoding, such as Windows-1252?): save it as CSV UTF-8 and import again",
        line,
    )


def _header(cells: list[str]) -> list[str]:
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    if len(cells) > MAX_COLUMNS:
        raise FileProblem(f"{len(cells)} columns: at most {MAX_COLUMNS}", 1)
    return [c.strip().lstrip("\ufeff") for c in cells]


def _fit(cells: list[str | None], width: int, line: int) -> list[str | None]:
    """The row cut or padded to the header's width; cells beyond it must be empty."""
    if len(cells) > width and any(c is not None and c.strip() for c in cells[width:]):
        raise FileProblem(f"has {len(cells)} cells but the header names {width} columns", line)
    if any(c is not None and len(c) > MAX_CELL_CHARS for c in cells):
        raise FileProblem(f"has a cell longer than {MAX_CELL_CHARS} characters", line)
    return (cells + [None] * width)[:width]


# ---- XLSX ---------------------------------------------------------------------------------------------------


def check_zip(source: IO[bytes], max_expanded: int) -> None:
    """Refuse an archive that unpacks to more than `max_expanded` bytes or at a bomb's ratio.

    The sizes the archive declares are checked first; then every member is unpacked once as a stream, counting,
    because a crafted archive can declare less than it holds.
    """
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise FileProblem("this is not an XLSX workbook (a damaged zip archive)") from None
    with archive:
        members = archive.infolist()
        declared = sum(m.file_size for m in members)
        if declared > max_expanded:
            raise FileProblem(f"the workbook unpacks to {declared} bytes, more than the limit of {max_expanded}")
        for m in members:
            if m.file_size > ZIP_RATIO_FLOOR and m.file_size > ZIP_MAX_RATIO * max(m.compress_size, 1):
                raise FileProblem(
                    f"the workbook's {m.filename} unpacks {m.file_size // max(m.compress_size, 1)} times larger "
                    "than it is stored (a zip bomb?); save the sheet again from a spreadsheet program"
                )
        total = 0
        try:
            for m in members:
                with archive.open(m) as member:
                    while chunk := member.read(CHUNK):
                        total += len(chunk)
                        if total > max_expanded:
                            raise FileProblem(f"the workbook unpacks to more than the limit of {max_expanded} bytes")
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise FileProblem(f"this XLSX workbook is damaged: {exc}") from None
    source.seek(0)


def _read_xlsx(source: IO[bytes], max_expanded: int) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(source, max_expanded)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(f"this is not an XLSX workbook openpyxl can read: {exc}") from None
    if not book.worksheets:
        raise FileProblem("the workbook has no worksheet")
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    first = next(values, None)
    if first is None or not any(_text(v) for v in first):
        raise FileProblem("the first sheet is empty: its first row must name the columns", 1)
    header = _header([_text(v) or "" for v in first])
    total = sheet.max_row or 0
    done = [1]

    def rows() -> Iterator[tuple[int, list[str | None]]]:
        for line, row in enumerate(values, start=2):
            done[0] = line
            cells = [_text(v) for v in row]
            if any(c is not None and c.strip() for c in cells):
                yield line, _fit(cells, len(header), line)
        book.close()

    return Table(header, rows(), lambda: (done[0], total))


def _text(value: object) -> str | None:
    """A cell's value as the text a person typed: numbers exactly as Excel shows them (15 significant digits)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # The shortest text that reads back as the same double is what was typed (Excel keeps 15 digits).
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(Decimal(repr(value)), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# ---- writing ------------------------------------------------------------------------------------------------


def csv_text(cell: Cell, numbers: Numbers) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, Decimal):
        return numbers.write(cell)
    if isinstance(cell, int):
        return str(cell)
    return escape(cell)


def csv_chunks(header: list[str], rows: Iterable[list[Cell]], numbers: Numbers) -> Iterator[bytes]:
    """The table as UTF-8 CSV with a byte-order mark (so spreadsheets read it as UTF-8), in chunks of ~64 KiB.

    Decimal-comma files separate cells with `;`, as spreadsheets in those locales expect.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if numbers.comma else ",", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_text(c, numbers) for c in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_xlsx(header: list[str], rows: Iterable[list[Cell]], target: IO[bytes], sheet: str) -> None:
    """The table as an XLSX workbook (openpyxl's write-only mode: rows go to disk as they come).

    Text is written as text cells, never as formulas, so nothing runs when the file is opened. A decimal that a
    spreadsheet's number (a double) holds exactly is a number; a longer one is written as text so it stays exact.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(header)
    for row in rows:
        out: list[object] = []
        for cell in row:
            if isinstance(cell, str):
                text = WriteOnlyCell(ws, value=cell)
                text.data_type = "s"  # openpyxl would make a formula of '=…'
                out.append(text)
            elif isinstance(cell, Decimal) and Decimal(repr(float(cell))) != cell:
                out.append(format(cell, "f"))
            else:
                out.append(cell)
        ws.append(out)
    book.save(target)
