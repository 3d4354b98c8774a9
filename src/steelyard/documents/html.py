"""A document as printable HTML: one page, print styles, cut plans as inline SVG (Jinja, autoescaped)."""

from __future__ import annotations

import base64
import hashlib

from jinja2 import Environment

from steelyard.documents.content import Document

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
# The print styles travel inside the document (saved as a file it must still print), so the page's policy allows
# this one style block by its hash: no script, nothing from anywhere, no framing.
_STYLE = """
body { font: 10pt/1.35 system-ui, sans-serif; margin: 2em auto; max-width: 190mm; color: #111; }
header { display: flex; justify-content: space-between; align-items: flex-start; }
h1 { font-size: 18pt; margin: 0; } .company { text-align: right; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid #ccc; }
th { border-bottom: 2px solid #000; } td.num { text-align: right; }
.detail { color: #555; font-size: 8pt; } .facts td { border: 0; padding: 1px 6px 1px 0; }
.totals { width: 60%; margin-left: 40%; } .totals tr:last-child td { border-top: 2px solid #000; font-weight: bold; }
svg rect.stock { fill: #f5f5f5; } svg rect.part { fill: #9cc3e6; } svg rect.offcut { fill: #d3d3d3; }
svg { width: 100%; max-width: 480px; height: auto; display: block; }
svg rect.remnant { fill: #c9e7c1; } svg rect { stroke: #000; stroke-width: 0.5; } svg text { font-size: 7px; }
.notes, .terms { font-size: 8.5pt; color: #333; }
@media print { body { margin: 0; } a { color: inherit; text-decoration: none; } }
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
PAGE_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_TEMPLATE = _ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ doc.title }} {{ doc.number }}</title>
<style>"""
    + _STYLE
    + """</style></head><body>
<header><h1>{{ doc.title }} {{ doc.number }}</h1>
<div class="company">{% for c in doc.company %}<div>{{ c }}</div>{% endfor %}</div></header>
<table class="facts">{% for k, v in doc.facts %}<tr><td>{{ k }}</td><td>{{ v }}</td></tr>{% endfor %}</table>
<table class="lines"><thead><tr>{% for c in doc.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead><tbody>
{% for line in doc.lines %}
<tr><td>{{ line.number }}</td><td><strong>{{ line.sku }}</strong>: {{ line.name }}
{% for d in line.details %}<div class="detail">{{ d }}</div>{% endfor %}
{% if line.drawings %}<div class="plan"><div class="detail">Cut plan</div>
{% for drawing in line.drawings %}<div class="detail">{{ drawing.caption }}</div>
{% if drawing.boxes %}<svg viewBox="0 0 {{ drawing.width }} {{ drawing.height + 2 }}" role="img"
 aria-label="{{ drawing.caption }}">{% for b in drawing.boxes %}<rect class="{{ b.kind }}" x="{{ '%.2f' % b.x }}"
 y="{{ '%.2f' % b.y }}" width="{{ '%.2f' % b.w }}" height="{{ '%.2f' % b.h }}"/>{% if b.label and b.w > 22 %}<text
 x="{{ '%.2f' % (b.x + 2) }}" y="{{ '%.2f' % (b.y + b.h / 2 + 2.5) }}">{{ b.label }}</text>{% endif %}{% endfor %}</svg>
{% endif %}{% endfor %}</div>{% endif %}</td>
<td class="num">{{ line.quantity }}</td>{% if doc.priced %}<td class="num">{{ line.unit_price }}</td>
<td class="num">{{ line.amount }}</td>{% endif %}</tr>
{% endfor %}</tbody></table>
{% if doc.totals %}<table class="totals">{% for k, v in doc.totals %}
<tr><td>{{ k }}</td><td class="num">{{ v }}</td></tr>{% endfor %}</table>{% endif %}
{% if doc.notes %}<div class="notes">{% for n in doc.notes %}<p>{{ n }}</p>{% endfor %}</div>{% endif %}
{% if doc.terms %}<div class="terms"><strong>Terms</strong><p>{{ doc.terms }}</p></div>{% endif %}
</body></html>
"""
)


def render_html(doc: Document) -> str:
    return _TEMPLATE.render(doc=doc)
