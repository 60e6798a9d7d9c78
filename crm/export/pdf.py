"""The PDF reference list, drawn with fpdf2 in DejaVu Sans.

DejaVu Sans is vendored in ``crm/export/fonts`` (with its licence) rather than taken from
the system: a fresh machine may have no fonts at all, and fpdf2's built-in fonts are Latin-1
only, so "Zoë", "Ψυχή" or "Дмитрий" would not print.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time
from pathlib import Path

from crm.core.jobhunt.reference_list import ReferenceList
from crm.export.text import prepared_for, relationship_line, title_line

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FAMILY = "DejaVuSans"


def unprintable(data: ReferenceList) -> set[str]:
    """Characters of the document that the PDF font has no glyph for (e.g. CJK)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(FONT_DIR / "DejaVuSans.ttf"), lazy=True).getBestCmap()
    texts = [data.name, data.contact_line, data.headline or "", data.target]
    for e in data.entries:
        texts += [e.name, title_line(e), relationship_line(e), e.speaks_to or "",
                  e.phone or "", e.email or "", e.preferred_contact or ""]
    return {ch for ch in set("".join(texts)) if not ch.isspace() and ord(ch) not in cmap}


def to_pdf(data: ReferenceList) -> bytes:
    # fpdf2 logs each missing glyph; crm reports them once itself (see ``unprintable``).
    fpdf_log = logging.getLogger("fpdf")
    level = fpdf_log.level
    fpdf_log.setLevel(logging.ERROR)
    try:
        return _draw(data)
    finally:
        fpdf_log.setLevel(level)


def _draw(data: ReferenceList) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font(FONT_FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT_FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{data.name} — references for {data.target}")
    pdf.set_author(data.name)
    pdf.set_creator("crm")
    # The same data gives the same bytes (the date is the one the list was prepared on).
    pdf.set_creation_date(datetime.combine(data.prepared_on, time(), tzinfo=UTC))
    pdf.add_page()

    def line(text: str, size: float, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font(FONT_FAMILY, style, size)
        pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    line(data.name, 20, "B", 2)
    if data.headline:
        line(data.headline, 11)
    if data.contact_line:
        line(data.contact_line, 11)
    y = pdf.get_y() + 1
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.ln(5)
    line(prepared_for(data), 12, "", 5)
    label_w = 38.0
    for i, e in enumerate(data.entries, 1):
        line(f"{i}. {e.name}", 13, "B", 1)
        if title_line(e):
            line(title_line(e), 10.5, "", 1.5)
        rows = [("Relationship", relationship_line(e)), ("Can speak to", e.speaks_to),
                ("Phone", e.phone), ("Email", e.email),
                ("Preferred contact", e.preferred_contact)]
        for label, value in rows:
            if not value:
                continue
            pdf.set_font(FONT_FAMILY, "B", 10)
            pdf.cell(label_w, 5.5, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.set_font(FONT_FAMILY, "", 10)
            pdf.multi_cell(0, 5.5, " ".join(value.split()), align="L", new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
        pdf.ln(5)
    return bytes(pdf.output())
