"""A document as PDF, with ReportLab: its platypus tables flow over pages, and its built-in Helvetica (WinAnsi)
prints the euro sign and European letters without shipping a font file."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing as RlDrawing
from reportlab.graphics.shapes import Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from steelyard.documents.content import Document, Drawing

FILL = {"stock": colors.whitesmoke, "part": colors.HexColor("#9cc3e6"), "offcut": colors.lightgrey,
        "remnant": colors.HexColor("#c9e7c1")}  # fmt: skip
SCALE = 0.9  # content.PLAN_WIDTH (480) fits the 170 mm text width at 0.9


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], alignment=0, fontSize=18, spaceAfter=4),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=9, leading=11),
        "small": ParagraphStyle("s", parent=base["BodyText"], fontSize=7.5, leading=9, textColor=colors.dimgrey),
        "company": ParagraphStyle("c", parent=base["BodyText"], fontSize=9, leading=11, alignment=2),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _plan(drawing: Drawing) -> RlDrawing:
    """A cut-plan layout: y grows downwards in content.Box, upwards in PDF, so each box is flipped."""
    height = drawing.height * SCALE
    d = RlDrawing(drawing.width * SCALE, height + 2)
    for box in drawing.boxes:
        y = height - (box.y + box.h) * SCALE
        rect = Rect(box.x * SCALE, y, box.w * SCALE, box.h * SCALE)
        rect.fillColor, rect.strokeColor, rect.strokeWidth = FILL[box.kind], colors.black, 0.4
        d.add(rect)
        if box.label and box.w * SCALE > 22 and box.h * SCALE >= 8:
            d.add(String(box.x * SCALE + 2, y + box.h * SCALE / 2 - 2.5, box.label, fontSize=6))
    return d


def render_pdf(doc: Document) -> bytes:
    """The document as the bytes of an A4 PDF."""
    styles = _styles()
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
        title=f"{doc.title} {doc.number}", author=doc.company[0] if doc.company else "",
    )  # fmt: skip
    story: list[Flowable] = []
    header = Table(
        [
            [
                [_p(doc.title, styles["title"]), _p(doc.number, styles["body"])],
                [_p(c, styles["company"]) for c in doc.company],
            ]
        ],
        colWidths=[95 * mm, 75 * mm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [header, Spacer(1, 4 * mm)]
    facts = Table([[_p(k, styles["body"]), _p(v, styles["body"])] for k, v in doc.facts], colWidths=[35 * mm, 135 * mm])
    facts.setStyle(TableStyle([("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    story += [facts, Spacer(1, 5 * mm)]
    widths = [10 * mm, 85 * mm, 25 * mm, 25 * mm, 25 * mm] if doc.priced else [10 * mm, 120 * mm, 40 * mm]
    rows: list[list[object]] = [[_p(c, styles["body"]) for c in doc.columns]]
    for line in doc.lines:
        article: list[Flowable] = [_p(f"{line.sku}: {line.name}", styles["body"])]
        article += [_p(d, styles["small"]) for d in line.details]
        row: list[object] = [str(line.number), article, _p(line.quantity, styles["body"])]
        if doc.priced:
            row += [_p(line.unit_price, styles["body"]), _p(line.amount, styles["body"])]
        rows.append(row)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.grey),
                ("ALIGN", (-1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story.append(table)
    for line in doc.lines:
        if line.drawings:
            plans: list[Flowable] = [
                Spacer(1, 3 * mm),
                _p(f"Cut plan, line {line.number} ({line.sku})", styles["body"]),
            ]
            for drawing in line.drawings:
                plans.append(_p(drawing.caption, styles["small"]))
                if drawing.boxes:
                    plans.append(_plan(drawing))
            story.append(KeepTogether(plans))
    if doc.totals:
        totals = Table([[_p(k, styles["body"]), _p(v, styles["body"])] for k, v in doc.totals],
                       colWidths=[120 * mm, 50 * mm], hAlign="RIGHT")  # fmt: skip
        totals.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT"), ("LINEABOVE", (0, -1), (-1, -1), 0.8,
                                                                           colors.black)]))  # fmt: skip
        story += [Spacer(1, 4 * mm), totals]
    story += [Spacer(1, 3 * mm)] + [_p(n, styles["small"]) for n in doc.notes]
    if doc.terms:
        story += [Spacer(1, 4 * mm), _p("Terms", styles["body"]), _p(doc.terms, styles["small"])]
    template.build(story)
    return out.getvalue()
