"""Mill certificates of lots: the PDF (kept in the file store) and its data after EN 10168 (validated JSON).

A PDF is recognised by its content, never by its name or the type the client claims: a PDF file starts with the
header `%PDF-1.n` or `%PDF-2.0` (ISO 32000-1 §7.5.2 and ISO 32000-2; readers accept it within the first 1024
bytes) and ends with the `%%EOF` marker (§7.5.5), so a truncated upload is refused too. A certificate belongs to the
heat, so attaching one to a lot also attaches it to the lots that came from it by transfer or cut and had the same
certificate until now.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import Connection, select, update

from steelyard.errors import FieldProblem, InvalidInput, NotFound, PayloadTooLarge
from steelyard.inventory.lots import get_lot, lot_row
from steelyard.inventory.tables import lots

PDF_TYPE = "application/pdf"
_HEADER = re.compile(rb"%PDF-(1\.[0-7]|2\.0)")
_HEADER_WITHIN = 1024
_EOF_WITHIN = 1024


def check_pdf(data: bytes, *, max_bytes: int) -> None:
    """A 413 past the size limit, a 422 saying what is wrong with anything that is not a whole PDF file."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the certificate is {len(data)} bytes; a certificate may be at most {max_bytes} bytes")
    if not data:
        raise InvalidInput.from_problems([FieldProblem("body", "is empty: send the PDF file as the request body")])
    if _HEADER.search(data[:_HEADER_WITHIN]) is None:
        start = data[:8].decode("latin-1").encode("unicode_escape").decode("ascii")
        raise InvalidInput.from_problems(
            [FieldProblem("body", f"is not a PDF file: it does not start with %PDF- (it starts with '{start}')")]
        )
    if b"%%EOF" not in data[-_EOF_WITHIN:]:
        raise InvalidInput.from_problems(
            [FieldProblem("body", "is not a whole PDF file: the %%EOF marker at its end is missing (cut short?)")]
        )


def certificate_key(lot_id: int, data: bytes) -> str:
    """Content-addressed: the same file twice is the same key, a new file never overwrites the old one."""
    return f"certificates/lot-{lot_id}/{hashlib.sha256(data).hexdigest()}.pdf"


def _lineage(conn: Connection, lot_id: int, column: str) -> list[int]:
    """The lot and every lot that came from it (transfer, cut) and still shares its certificate `column`."""
    root = lot_row(conn, lot_id)
    shared = getattr(root, column)
    found = [lot_id]
    frontier = [lot_id]
    while frontier:
        children = conn.execute(select(lots.c.id, lots.c[column]).where(lots.c.source_lot_id.in_(frontier))).all()
        frontier = [c.id for c in children if getattr(c, column) == shared]
        found.extend(frontier)
    return found


def attach_pdf(conn: Connection, *, lot_id: int, key: str, size: int) -> dict[str, Any]:
    """Name the stored PDF on the lot (and on the lots that inherited its certificate); the lot's document."""
    ids = _lineage(conn, lot_id, "certificate_key")
    conn.execute(update(lots).where(lots.c.id.in_(ids)).values(certificate_key=key, certificate_size=size))
    return get_lot(conn, lot_id)


def certificate_file(conn: Connection, lot_id: int) -> tuple[str, str]:
    """The store key of the lot's PDF and a file name for it; 404 when the lot has none."""
    row = lot_row(conn, lot_id)
    if row.certificate_key is None:
        raise NotFound(f"lot {lot_id} has no certificate PDF; upload one with PUT /api/v1/lots/{lot_id}/certificate")
    return row.certificate_key, download_name(lot_id, row.heat)


def download_name(lot_id: int, heat: str | None) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", heat or "untraced")
    return f"certificate-lot-{lot_id}-{safe}.pdf"


# -- EN 10168 data ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    text = resources.files("steelyard.inventory").joinpath("en10168.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def en10168_schema() -> dict[str, Any]:
    schema: dict[str, Any] = dict(_validator().schema)
    return schema


def _path(error: Any) -> str:
    parts = [str(p) if isinstance(p, str) else f"[{p}]" for p in error.absolute_path]
    return "data" + "".join(f".{p}" if not p.startswith("[") else p for p in parts)


def check_data(data: Any, *, heat: str | None) -> None:
    """A 422 naming every field that breaks the EN 10168 schema, or whose values disagree with the lot or each
    other (the heat in B07 is the lot's; the elements add up to no more than 100 %)."""
    problems = [
        FieldProblem(_path(e), e.message[:300])
        for e in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))[:20]
    ]
    if not problems:
        b07 = data.get("B", {}).get("B07")
        if b07 is not None and b07 != heat:
            problems.append(
                FieldProblem("data.B.B07", f"names heat '{b07}', but this lot is heat '{heat or 'untraced'}'")
            )
        composition = data.get("C", {}).get("composition", {})
        total = sum((Decimal(v) for v in composition.values()), Decimal(0))
        if total > 100:
            problems.append(FieldProblem("data.C.composition", f"adds up to {total} %, more than 100 %"))
    if problems:
        raise InvalidInput.from_problems(problems)


def attach_data(conn: Connection, *, lot_id: int, data: dict[str, Any]) -> dict[str, Any]:
    row = lot_row(conn, lot_id)
    check_data(data, heat=row.heat)
    ids = _lineage(conn, lot_id, "certificate_data")
    conn.execute(update(lots).where(lots.c.id.in_(ids)).values(certificate_data=data))
    return get_lot(conn, lot_id)


def certificate_data(conn: Connection, lot_id: int) -> dict[str, Any] | None:
    data: dict[str, Any] | None = lot_row(conn, lot_id).certificate_data
    return data
