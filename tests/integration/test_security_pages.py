"""Security headers on every page, no inline script or style anywhere, and the session secret required wherever
several processes could run (issue 15 item 4)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import resources

import pytest
from fastapi.testclient import TestClient

from conftest import sheet_body
from steelyard.app import create_app
from steelyard.config import ConfigurationError, Settings

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def directives(csp: str) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip() for part in csp.split(";") if part.strip()}


@pytest.fixture
def pages(client: TestClient, staff: dict[str, str], warehouses: list[str]) -> list[str]:
    assert client.post("/api/v1/products", json=sheet_body(), headers=staff).status_code == 201
    return ["/", "/?q=aluminium", f"/products/{sheet_body()['sku']}", "/products/NO-SUCH-SKU", "/staff"]


def test_every_page_carries_the_security_headers(client: TestClient, pages: list[str]) -> None:
    for path in pages:
        r = client.get(path)
        assert r.headers["content-type"].startswith("text/html"), path
        csp = directives(r.headers["content-security-policy"])
        assert csp["script-src"] == "script-src 'self'", path  # no 'unsafe-inline', no other origin
        assert csp["style-src"] == "style-src 'self'", path
        assert csp["frame-ancestors"] == "frame-ancestors 'none'", path
        assert csp["object-src"] == "object-src 'none'" and csp["base-uri"] == "base-uri 'none'", path
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "same-origin", path
        assert not INLINE_SCRIPT.search(r.text), path
        assert not INLINE_STYLE.search(r.text), path


def test_the_api_docs_page_has_a_policy_and_no_inline_script(client: TestClient) -> None:
    """/docs is Swagger UI: its bundle from one pinned CDN path under Subresource Integrity, its start-up our file."""
    from steelyard.web.render import SWAGGER_UI

    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = directives(r.headers["content-security-policy"])
    assert csp["script-src"] == f"script-src 'self' {SWAGGER_UI}/"  # no 'unsafe-inline', no other origin
    assert csp["frame-ancestors"] == "frame-ancestors 'none'" and csp["object-src"] == "object-src 'none'"
    assert r.headers["referrer-policy"] == "same-origin" and r.headers["x-content-type-options"] == "nosniff"
    assert not INLINE_SCRIPT.search(r.text) and not INLINE_STYLE.search(r.text)
    scripts = re.findall(r"<script[^>]*>", r.text)
    assert len(scripts) == 2 and all("integrity=" in s for s in scripts if SWAGGER_UI in s)
    init = re.search(r'src="(/static/api-docs\.js[^"]*)"', r.text)
    assert init is not None and "SwaggerUIBundle" in client.get(init.group(1)).text
    # FastAPI's own pages (an inline script, no policy) are not served.
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404


def test_static_files_are_not_sniffed(client: TestClient) -> None:
    for name in ("storefront.js", "product.js", "site.css"):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"


def test_no_template_has_inline_script_or_style() -> None:
    templates = resources.files("steelyard.web") / "templates"
    for entry in templates.iterdir():
        text = entry.read_text()
        assert not INLINE_SCRIPT.search(text), entry.name
        assert not INLINE_STYLE.search(text), entry.name


def test_the_secret_is_required_with_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEELYARD_SESSION_SECRET", raising=False)
    with pytest.raises(ConfigurationError, match=r"STEELYARD_SESSION_SECRET is not set.*PostgreSQL"):
        create_app(Settings(database_url="postgresql://postgres@127.0.0.1:5432/never_opened"))


def test_one_sqlite_process_alone_may_draw_its_own_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.delenv("STEELYARD_SESSION_SECRET", raising=False)
    monkeypatch.delenv("STEELYARD_EVENTS_URL", raising=False)
    Settings(database_url=f"sqlite:///{tmp_path}/alone.db").require_shared_secret(workers=1)  # no error


@pytest.mark.parametrize(
    ("url", "workers", "events", "says"),
    [
        ("sqlite:///{tmp}/one.db", "2", "", "--workers 2"),
        ("postgresql://postgres@127.0.0.1:5432/x", "1", "", "PostgreSQL"),
        ("sqlite:///{tmp}/one.db", "1", "redis://127.0.0.1:6379/0", "STEELYARD_EVENTS_URL"),
    ],
)
def test_serve_refuses_to_start_without_the_secret(
    tmp_path: object, url: str, workers: str, events: str, says: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("STEELYARD_SESSION_SECRET", "STEELYARD_EVENTS_URL")}
    env["STEELYARD_DATABASE_URL"] = url.format(tmp=tmp_path)
    if events:
        env["STEELYARD_EVENTS_URL"] = events
    done = subprocess.run(
        [sys.executable, "-m", "steelyard.cli", "serve", "--port", "1", "--workers", workers],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "error: STEELYARD_SESSION_SECRET is not set" in done.stderr and says in done.stderr
    assert "secrets.token_urlsafe" in done.stderr  # says how to make one
