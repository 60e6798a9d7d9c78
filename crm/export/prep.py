"""The interview prep sheet (crm.core.agenda.prep) as Markdown, HTML or PDF.

Pure rendering with the reference list's rules: Markdown escaped (``md_escape``), HTML
escaped, the PDF in the vendored DejaVu Sans. ``write_prep`` writes it through
``crm.core.files`` (0600, atomic).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, time
from html import escape

from crm.core.agenda.prep import PrepSheet
from crm.core.errors import InvalidInput
from crm.export.html import _CSS
from crm.export.pdf import FONT_DIR, FONT_FAMILY
from crm.export.text import md_escape

PREP_FORMATS = ("md", "html", "pdf")


def check_prep_format(fmt: str) -> str:
    f = fmt.strip().lower().lstrip(".")
    f = "md" if f == "markdown" else f
    if f not in PREP_FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}: use one of {', '.join(PREP_FORMATS)}")
    return f


def _subtitle(sheet: PrepSheet) -> str:
    on = sheet.prepared_on.isoformat()
    return f"Interview prep for {sheet.me}, prepared {on}" if sheet.me else f"Prepared {on}"


def to_markdown(sheet: PrepSheet) -> str:
    out = [f"# {md_escape(sheet.title, line_start=False)}", "", f"*{_subtitle(sheet)}*", ""]
    for s in sheet.sections:
        out += [f"## {s.title}", ""]
        if not s.entries:
            out += [f"_{s.empty}_", ""]
        for e in s.entries:
            out.append(f"- **{md_escape(e.heading, line_start=False)}**")
            out += [f"  - {md_escape(line, line_start=False)}" for line in e.lines]
        out.append("")
    return "\n".join(out)


def to_html(sheet: PrepSheet) -> str:
    e_ = escape
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>Interview prep — {e_(sheet.title)}</title>", f"<style>{_CSS}</style>",
             "</head>", "<body>", "<header>", f"<h1>{e_(sheet.title)}</h1>",
             f'<p class="headline">{e_(_subtitle(sheet))}</p>', "</header>", "<main>"]
    for s in sheet.sections:
        parts.append(f'<section class="reference"><h2>{e_(s.title)}</h2>')
        if not s.entries:
            parts.append(f"<p><em>{e_(s.empty)}</em></p>")
        for entry in s.entries:
            parts.append(f"<h3>{e_(entry.heading)}</h3>")
            if entry.lines:
                parts.append("<ul>" + "".join(f"<li>{e_(line)}</li>" for line in entry.lines)
                             + "</ul>")
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def unprintable(sheet: PrepSheet) -> set[str]:
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(FONT_DIR / "DejaVuSans.ttf"), lazy=True).getBestCmap()
    return {ch for ch in set("".join(sheet.texts())) if not ch.isspace()
            and ord(ch) not in cmap}


def to_pdf(sheet: PrepSheet) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fpdf_log = logging.getLogger("fpdf")
    level = fpdf_log.level
    fpdf_log.setLevel(logging.ERROR)
    try:
        pdf = FPDF(format="A4")
        pdf.set_margins(20, 20, 20)
        pdf.set_auto_page_break(auto=True, margin=20)
        pdf.add_font(FONT_FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font(FONT_FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        pdf.set_title(f"Interview prep — {sheet.title}")
        pdf.set_creator("crm")
        pdf.set_creation_date(datetime.combine(sheet.prepared_on, time(), tzinfo=UTC))
        pdf.add_page()

        def line(text: str, size: float, style: str = "", gap: float = 1.0,
                 indent: float = 0) -> None:
            pdf.set_font(FONT_FAMILY, style, size)
            pdf.set_x(pdf.l_margin + indent)
            pdf.multi_cell(0, size * 0.5, " ".join(text.split()), align="L",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(gap)

        line(sheet.title, 18, "B", 2)
        line(_subtitle(sheet), 10, "", 4)
        for s in sheet.sections:
            line(s.title, 13, "B", 2)
            if not s.entries:
                line(s.empty, 10, "", 3)
            for e in s.entries:
                line(e.heading, 10.5, "B", 0.5)
                for text in e.lines:
                    line(text, 9.5, "", 0.5, indent=4)
                pdf.ln(1.5)
            pdf.ln(2)
        return bytes(pdf.output())
    finally:
        fpdf_log.setLevel(level)


def render_prep(sheet: PrepSheet, fmt: str) -> bytes:
    f = check_prep_format(fmt)
    if f == "pdf":
        return to_pdf(sheet)
    return (to_html(sheet) if f == "html" else to_markdown(sheet)).encode("utf-8")


def write_prep(sheet: PrepSheet, fmt: str, path: str | os.PathLike[str]) -> list[str]:
    """Write the sheet; returns warnings (characters the PDF font cannot show)."""
    from crm.core.files import write_file

    f = check_prep_format(fmt)
    warnings = []
    if f == "pdf":
        missing = unprintable(sheet)
        if missing:
            warnings.append("the PDF font cannot show " + " ".join(sorted(missing))
                            + "; those characters print as blanks (md or html keep them)")
    write_file(path, render_prep(sheet, f))
    return warnings
