"""Every format of the reference list document, rendered from plain data (no database)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from crm.core.errors import InvalidInput
from crm.core.jobhunt.reference_list import ReferenceEntry, ReferenceList
from crm.export import render

NON_LATIN = "Дмитрий Ψυχής"


def _entry(name: str, **kw: str | None) -> ReferenceEntry:
    base: dict[str, str | None] = dict(
        title="Engineering Manager", company="Globex Corporation",
        relationship="My manager at Globex", since="2024-05", speaks_to="Code review",
        phone="+1 650 555 0121", email="sam@globex.com", preferred_contact=None)
    base.update(kw)
    return ReferenceEntry(person_id=1, name=name, **base)  # type: ignore[arg-type]


@pytest.fixture
def data() -> ReferenceList:
    return ReferenceList(
        name="Jordan Lee", contact_line="jordan@example.com · +1 415 555 0100",
        target="Software Engineer II at Stripe, Inc.", company="Stripe, Inc.",
        role="Software Engineer II", prepared_on=date(2026, 6, 1),
        entries=[
            _entry("Sam Okafor"),
            _entry(NON_LATIN, title="Руководитель", company="Globex", phone="+7 495 555 0101",
                   email="dmitri@example.ru", relationship="<b>Boss</b> & *mentor*",
                   speaks_to="=HYPERLINK(\"http://evil.example\")", since=None),
            _entry("@Zoë Müller", phone="-5", email="zoe@example.de", title=None,
                   company=None, relationship="Classmate", speaks_to="\tcmd", since=None),
        ])


def test_markdown_has_header_every_reference_and_escapes_markup(data: ReferenceList) -> None:
    md = render(data, "md").decode()
    assert md.startswith("# Jordan Lee\n")
    assert "jordan@example.com · +1 415 555 0100" in md
    assert "- **Phone:** +1 650 555 0121" in md
    assert "Software Engineer II at Stripe, Inc." in md
    for text in ("Sam Okafor", NON_LATIN, "+1 650 555 0121", "sam@globex.com",
                 "dmitri@example.ru", "Code review", "My manager at Globex (since 2024-05)"):
        assert text in md
    # Contact text stays literal: no HTML tag, no emphasis.
    assert "\\<b\\>Boss\\</b\\> & \\*mentor\\*" in md
    assert "<b>" not in md


def test_text_is_plain_and_complete(data: ReferenceList) -> None:
    txt = render(data, "txt").decode()
    lines = txt.splitlines()
    assert lines[:2] == ["Jordan Lee", "jordan@example.com · +1 415 555 0100"]
    assert "1. Sam Okafor" in lines and f"2. {NON_LATIN}" in lines
    assert "   Engineering Manager, Globex Corporation" in lines
    assert "   Relationship: My manager at Globex (since 2024-05)" in lines
    assert "   Phone: +7 495 555 0101" in lines
    assert "   Email: dmitri@example.ru" in lines


def test_csv_has_header_and_neutralizes_formulas(data: ReferenceList) -> None:
    text = render(data, "csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["name", "title", "company", "relationship", "since", "speaks_to",
                             "phone", "email", "preferred_contact"]
    assert [r["name"] for r in rows] == ["Sam Okafor", NON_LATIN, "'@Zoë Müller"]
    assert rows[0]["email"] == "sam@globex.com"
    assert rows[0]["phone"] == "'+1 650 555 0121"
    assert rows[1]["speaks_to"] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows[2]["phone"] == "'-5"
    assert rows[2]["speaks_to"] == "'\tcmd"
    # Nothing a spreadsheet would run is left at the start of any cell.
    for r in rows:
        for cell in r.values():
            assert not cell or cell[0] not in "=+-@\t\r"


def test_json_round_trips_every_field(data: ReferenceList) -> None:
    doc = json.loads(render(data, "json"))
    assert doc["name"] == "Jordan Lee"
    assert doc["for"] == "Software Engineer II at Stripe, Inc."
    assert doc["prepared_on"] == "2026-06-01"
    assert doc["references"][1] == {
        "name": NON_LATIN, "title": "Руководитель", "company": "Globex",
        "relationship": "<b>Boss</b> & *mentor*", "since": None,
        "speaks_to": "=HYPERLINK(\"http://evil.example\")", "phone": "+7 495 555 0101",
        "email": "dmitri@example.ru", "preferred_contact": None}


def test_html_is_escaped_and_printable(data: ReferenceList) -> None:
    html = render(data, "html").decode()
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert "@media print" in html
    assert "&lt;b&gt;Boss&lt;/b&gt; &amp; *mentor*" in html
    assert "<b>Boss</b>" not in html
    assert f"<h3>{NON_LATIN}</h3>" in html
    assert '<a href="mailto:sam@globex.com">sam@globex.com</a>' in html
    assert "<h1>Jordan Lee</h1>" in html


def test_pdf_embeds_a_unicode_font_and_prints_non_latin_names(data: ReferenceList) -> None:
    from pypdf import PdfReader

    pdf = render(data, "pdf")
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Jordan Lee", "Sam Okafor", NON_LATIN, "Руководитель", "Zoë Müller",
                     "+7 495 555 0101", "dmitri@example.ru", "sam@globex.com",
                     "<b>Boss</b> & *mentor*"):
        assert expected in text
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].get_object().values()}
    assert any("DejaVuSans" in f for f in fonts), fonts


def test_unknown_format_is_one_clear_error(data: ReferenceList) -> None:
    with pytest.raises(InvalidInput, match="unknown format 'docx': use one of md, txt"):
        render(data, "docx")


def test_pdf_reports_characters_its_font_cannot_show(data: ReferenceList) -> None:
    from crm.export.pdf import unprintable

    assert unprintable(data) == set()
    cjk = ReferenceList(name="王芳", contact_line="", target="X", company="X", role=None,
                        prepared_on=date(2026, 6, 1), entries=[_entry("Zoë 李")])
    assert unprintable(cjk) == {"王", "芳", "李"}
