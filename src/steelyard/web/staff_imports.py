"""`/staff` imports and exports: upload a file, read the report of every bad row, fix it, apply; download exports.

"Check" runs a dry run and, when the file is clean, keeps the upload (in a private temporary folder, named by a
random token held only in the signed session) so that "Import this file" applies exactly the file that was checked,
without choosing it again. "Import" applies at once; a file with a bad row then changes nothing either.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from steelyard.api import DbDep
from steelyard.errors import SteelyardError
from steelyard.io.api import limits_of, read_upload
from steelyard.io.cells import Numbers
from steelyard.io.files import MEDIA_TYPES, export_chunks, import_file
from steelyard.io.model import ImportRejected, Kind, Report
from steelyard.web.render import form_fields
from steelyard.web.staff import back, csrf_ok, signed_in, signin_page, staff_page

router = APIRouter(prefix="/staff", include_in_schema=False)
STASH_HOURS = 1


def stash_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / "steelyard-staff-imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    cutoff = time.time() - STASH_HOURS * 3600
    for old in folder.iterdir():  # checked files nobody applied
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def _kind(text: str) -> Kind | None:
    try:
        return Kind(text)
    except ValueError:
        return None


def _run(
    db: Any, source: Any, name: str, size: int, kind: Kind, comma: bool, dry_run: bool, actor: str, limits: Any
) -> Report:
    try:
        return import_file(
            db,
            source,
            name=name,
            size=size,
            kind=kind,
            fmt=None,
            comma=comma,
            dry_run=dry_run,
            actor=actor,
            limits=limits,
        )
    except ImportRejected as exc:
        return exc.report


@router.post("/imports")
async def post_import(request: Request, db: DbDep) -> Response:
    principal = signed_in(request, db)
    limits = limits_of(request.app.state.settings)
    try:
        upload, fields = await read_upload(request, limits.max_bytes)
    except SteelyardError as exc:
        if principal is None:
            return signin_page(request, "Sign in again to import a file.", status=401)
        return staff_page(request, db, principal, "", status=exc.status, import_error=exc.detail)
    if principal is None or not csrf_ok(request, fields):
        upload.file.close()
        return signin_page(request, "Sign in again to import a file.", status=401)
    kind = _kind(fields.get("kind", ""))
    comma = fields.get("decimal") == "comma"
    dry_run = fields.get("action") != "apply"
    if kind is None:
        upload.file.close()
        return staff_page(request, db, principal, "", status=422, import_error="Choose what the file holds.")
    try:
        report = await run_in_threadpool(
            _run, db, upload.file, upload.name, upload.size, kind, comma, dry_run, principal.name, limits
        )
        if dry_run and not report.bad:
            suffix = Path(upload.name).suffix.lower() if Path(upload.name).suffix.lower() == ".xlsx" else ".csv"
            token = secrets.token_urlsafe(18)
            upload.file.seek(0)
            with (stash_dir() / f"{token}{suffix}").open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            request.session["import"] = {
                "token": token,
                "suffix": suffix,
                "kind": kind.value,
                "name": upload.name,
                "comma": comma,
            }
    finally:
        upload.file.close()
    return _report_page(request, db, principal, report, upload.name)


@router.post("/imports/apply")
async def apply_checked(request: Request, db: DbDep) -> Response:
    fields = await form_fields(request)
    principal = signed_in(request, db)
    if principal is None or not csrf_ok(request, fields):
        return signin_page(request, "Sign in again to import a file.", status=401)
    checked = request.session.pop("import", None)
    path = None if not isinstance(checked, dict) else stash_dir() / f"{checked['token']}{checked['suffix']}"
    if checked is None or path is None or not path.exists():
        return back(
            request, "That check has expired: choose the file and check it again.", error=True, to="/staff#import"
        )
    try:
        with path.open("rb") as source:
            report = await run_in_threadpool(
                _run,
                db,
                source,
                path.name,
                path.stat().st_size,
                Kind(checked["kind"]),
                bool(checked["comma"]),
                False,
                principal.name,
                limits_of(request.app.state.settings),
            )
    finally:
        path.unlink(missing_ok=True)
    return _report_page(request, db, principal, report, str(checked["name"]))


def _report_page(request: Request, db: DbDep, principal: Any, report: Report, name: str) -> Response:
    status = 422 if report.bad else 200
    return staff_page(
        request,
        db,
        principal,
        "",
        status=status,
        import_report={
            **report.as_dict(),
            "bad": report.bad,
            "summary": report.summary(),
            "name": name,
            "checked": "import" in request.session,
        },
    )


@router.get("/exports/{kind}.{fmt}")
def download(request: Request, kind: str, fmt: str, db: DbDep, decimal: str = "point") -> Response:
    principal = signed_in(request, db)
    if principal is None:
        return signin_page(request, "Sign in to download exports.", status=401)
    found = _kind(kind)
    if found is None or fmt not in MEDIA_TYPES:
        return back(request, f"There is no {kind}.{fmt} export.", error=True, to="/staff#import")
    chunks = export_chunks(db, found, "xlsx" if fmt == "xlsx" else "csv", Numbers(comma=decimal == "comma"))
    headers = {"Content-Disposition": f'attachment; filename="{found.value}.{fmt}"', "Cache-Control": "no-store"}
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[fmt], headers=headers)
