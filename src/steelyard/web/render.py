"""What every page shares: the Jinja2 environment, its filters, the static files and the response headers."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from steelyard.errors import FieldProblem, InvalidInput
from steelyard.wire import format_decimal

# Nothing is fetched from another origin: scripts, styles, images, fetch() and EventSource stay on this one.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The API docs (/docs) are Swagger UI, whose script and styles come from jsDelivr, pinned to one version and checked
# by Subresource Integrity (templates/api_docs.html: the sha384 of the npm package's files); its start-up is a file of
# ours, so no script is inline there either. Swagger UI sets styles from script, hence 'unsafe-inline' for
# styles on that page only.
SWAGGER_UI = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.17.14"
DOCS_CSP = (
    f"default-src 'self'; script-src 'self' {SWAGGER_UI}/; style-src 'self' {SWAGGER_UI}/ 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
MAX_FORM_BYTES = 16_384

# How an amount reads ("3 m³", "500 US gal") and, where it says more, how the unit picker names it.
UNIT_SYMBOLS = {
    "m3": "m³",
    "cm3": "cm³",
    "ft3": "ft³",
    "in3": "in³",
    "yd3": "yd³",
    "m2": "m²",
    "ft2": "ft²",
    "cm2": "cm²",
    "mm2": "mm²",
    "gal": "US gal",
    "imp_gal": "imp gal",
    "short_ton": "short ton",
    "long_ton": "long ton",
}
UNIT_CHOICES = {
    "t": "t (tonne)",
    "short_ton": "short ton (US, 2000 lb)",
    "long_ton": "long ton (UK, 2240 lb)",
    "L": "L (litre)",
    "gal": "gal (US gallon)",
    "imp_gal": "imperial gallon",
}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    media_type: str
    version: str


@lru_cache(maxsize=1)
def assets() -> dict[str, Asset]:
    """Every file of web/static, read once per process and served from memory with a content hash."""
    found: dict[str, Asset] = {}
    for entry in (resources.files("steelyard.web") / "static").iterdir():
        if entry.is_file() and not entry.name.startswith("."):
            body = entry.read_bytes()
            media_type = mimetypes.guess_type(entry.name)[0] or "application/octet-stream"
            if media_type.startswith("text/") or media_type.endswith("javascript"):
                media_type += "; charset=utf-8"
            found[entry.name] = Asset(body, media_type, hashlib.sha256(body).hexdigest()[:12])
    return found


def static_url(name: str) -> str:
    """`/static/<name>?v=<hash>`: a new URL whenever the file changes, so browsers may cache it for long."""
    return f"/static/{name}?v={assets()[name].version}"


def static_response(request: Request, asset: Asset) -> Response:
    etag = f'"{asset.version}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def plain(value: Any) -> str:
    """A decimal as people read it: no exponent, no trailing zeros (`1250.500` -> `1250.5`)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_decimal(number)


def approx(value: Any) -> str:
    """A computed figure for reading: 3 decimals, or 4 significant digits below 1 (`4.19110451137…` -> `4.191`)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == 0 or not number.is_finite():
        return plain(number)
    exponent = -3 if abs(number) >= 1 else number.adjusted() - 3
    return plain(number.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN))


def money(value: Any) -> str:
    """An amount with at least two decimals and no trailing zeros beyond them (`13.6600` -> `13.66`)."""
    text = plain(value)
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def plural(name: str, count: Any = 2) -> str:
    try:
        one = Decimal(str(count)) == 1
    except InvalidOperation:
        one = False
    return name if one or name.endswith("s") else name + "s"


def unit_label(unit: str, piece_name: str | None = None, count: Any = 2) -> str:
    """The unit after a number: `kg`, `m³`, `sheets` (a product's piece name), `1 sheet`."""
    if unit == "piece":
        return plural(piece_name or "piece", count)
    symbol = UNIT_SYMBOLS.get(unit, unit)
    return plural(symbol, count) if unit in ("short_ton", "long_ton") else symbol


def unit_choice(unit: str, piece_name: str | None = None) -> str:
    """The unit as the picker offers it: `sheets`, `L (litre)`, `short ton (US, 2000 lb)`."""
    return UNIT_CHOICES.get(unit) or unit_label(unit, piece_name)


def amount(value: Any, unit: str, piece_name: str | None = None) -> str:
    """`70 sheets`, `113.4 kg`: a quantity with its unit as a person says it."""
    return f"{plain(value)} {unit_label(unit, piece_name, value)}"


def positive(value: Any) -> bool:
    try:
        return Decimal(str(value)) > 0
    except InvalidOperation:
        return False


def words(name: str) -> str:
    return name.replace("_", " ")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("steelyard.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        plain=plain,
        approx=approx,
        money=money,
        amount=amount,
        unit_label=unit_label,
        unit_choice=unit_choice,
        words=words,
        plural=plural,
    )
    env.tests["positive"] = positive
    env.globals.update(static_url=static_url, swagger_ui=SWAGGER_UI)
    return env


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    private: bool = False,
    csp: str = CSP,
) -> HTMLResponse:
    """Render a page with the security headers every page carries; `private`: never cached (staff pages)."""
    html = environment().get_template(template).render({"request": request, **context})
    headers = {**PAGE_HEADERS, "Content-Security-Policy": csp}
    headers["Cache-Control"] = "no-store" if private else "no-cache"
    return HTMLResponse(html, status_code=status, headers=headers)


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of an `application/x-www-form-urlencoded` POST (the first value of each name)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise InvalidInput.from_problems([FieldProblem("body", "send the form as application/x-www-form-urlencoded")])
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise InvalidInput.from_problems([FieldProblem("body", f"the form is larger than {MAX_FORM_BYTES} bytes")])
    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=50)
    return {name: values[0].strip() for name, values in parsed.items()}
