"""An administrative document laid out as Decree 30/2020/NĐ-CP lays it out, as PDF bytes.

The header holds the issuing unit (its parent above it) and the document's number on the left,
the national motto and the place and date on the right; then the title, the body, the
recipients ("Nơi nhận:") on the left and the signature block on the right. The text is set in
DejaVu Serif, vendored under static/fonts/ (regular and bold), embedded in the file, so every
Vietnamese diacritic prints whatever the reader has installed. Pure layout: no database.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT, FONT_BOLD = "DejaVuSerif", "DejaVuSerif-Bold"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, FONT_DIR / "DejaVuSerif.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, FONT_DIR / "DejaVuSerif-Bold.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


def nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text if text is not None else ""))


def vn_date_line(place: str, day: dt.date) -> str:
    """ "Hà Nội, ngày 03 tháng 12 năm 2026": as Decree 30/2020/NĐ-CP writes it, a day below 10
    and the months 1 and 2 with a leading zero ("ngày 05 tháng 02"), other months without one
    ("tháng 5")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True)
class Text:
    """A paragraph of the body; `bold` for a heading line."""

    text: str
    bold: bool = False
    center: bool = False


@dataclass(frozen=True)
class Grid:
    """A table of the body: `numeric` columns align right; widths in millimetres."""

    headers: list[str]
    rows: list[list[str]]
    widths: list[float]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Signer:
    title: str  # "TRƯỞNG PHÒNG", "CHỦ TRÌ"
    name: str  # empty: a dotted line to write it by hand
    on_behalf: str = ""  # "TM. ỦY BAN NHÂN DÂN", above the title


@dataclass(frozen=True)
class Document:
    issuer: str
    number: str  # "Số: ..../TB-W1-A"
    place: str
    date: dt.date
    title: str
    subtitle: str = ""
    issuer_parent: str = ""
    body: list = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signers: list[Signer] = field(default_factory=list)
    wide: bool = False  # landscape, for a table of many columns


def _styles():
    base = ParagraphStyle("base", fontName=FONT, fontSize=11, leading=14.5)
    return {
        "body": ParagraphStyle("body", parent=base, alignment=TA_JUSTIFY, spaceAfter=4),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "head": ParagraphStyle("head", parent=base, fontSize=10.5, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17, alignment=TA_CENTER
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "cell_r": ParagraphStyle(
            "cell_r", parent=base, fontSize=9, leading=11.5, alignment=TA_RIGHT
        ),
        "cell_h": ParagraphStyle(
            "cell_h", parent=base, fontName=FONT_BOLD, fontSize=9, leading=11.5, alignment=TA_CENTER
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=9.5, leading=12, alignment=TA_LEFT),
    }


def _p(text: str, style, *, bold: bool = False) -> Paragraph:
    body = escape(nfc(text)).replace("\n", "<br/>")
    return Paragraph(f"<b>{body}</b>" if bold else body, style)


def _header(doc: Document, styles, width: float) -> Table:
    left = []
    if doc.issuer_parent:
        left.append(_p(doc.issuer_parent.upper(), styles["head"]))
    left += [
        _p(doc.issuer.upper(), styles["head"], bold=True),
        _p("――――", styles["head"]),
        _p(doc.number, styles["head"]),
    ]
    right = [
        _p(MOTTO, styles["head"], bold=True),
        _p(MOTTO_SUB, styles["head"], bold=True),
        _p("――――――――", styles["head"]),
        _p(vn_date_line(doc.place, doc.date), styles["head"]),
    ]
    table = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _grid(grid: Grid, styles) -> Table:
    data = [[_p(h, styles["cell_h"]) for h in grid.headers]]
    for cells in grid.rows:
        data.append(
            [
                _p(c, styles["cell_r"] if i in grid.numeric else styles["cell"])
                for i, c in enumerate(cells)
            ]
        )
    table = Table(data, colWidths=[w * mm for w in grid.widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _footer(doc: Document, styles, width: float) -> Table:
    recipients = [_p("Nơi nhận:", styles["small"], bold=True)] + [
        _p(f"- {r};", styles["small"]) for r in doc.recipients
    ]
    blocks = []
    for signer in doc.signers:
        block = []
        if signer.on_behalf:
            block.append(_p(signer.on_behalf.upper(), styles["center"], bold=True))
        block += [
            _p(signer.title.upper(), styles["center"], bold=True),
            _p("(Ký, ghi rõ họ tên)", styles["center"]),
            Spacer(1, 22 * mm),
            _p(signer.name or "…………………………", styles["center"], bold=True),
        ]
        blocks.append(block)
    if len(blocks) == 1:
        data = [[recipients, blocks[0]]]
        widths = [width * 0.45, width * 0.55]
    else:  # minutes: the secretary and the chair side by side, recipients below
        data = [blocks, [recipients, ""]]
        widths = [width / 2, width / 2]
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def render(doc: Document) -> bytes:
    register_fonts()
    styles = _styles()
    pagesize = landscape(A4) if doc.wide else A4
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=30 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=nfc(doc.title),
        author=nfc(doc.issuer),
    )
    width = template.width
    story = [_header(doc, styles, width), Spacer(1, 8 * mm), _p(doc.title, styles["title"])]
    if doc.subtitle:
        story.append(_p(doc.subtitle, ParagraphStyle("sub", parent=styles["title"], fontSize=11.5)))
    story.append(Spacer(1, 6 * mm))
    for block in doc.body:
        if isinstance(block, Grid):
            story += [_grid(block, styles), Spacer(1, 4 * mm)]
        else:
            style = styles["center"] if block.center else styles["body"]
            story.append(_p(block.text, style, bold=block.bold))
    story += [Spacer(1, 6 * mm), KeepTogether(_footer(doc, styles, width))]
    template.build(story)
    return buffer.getvalue()
