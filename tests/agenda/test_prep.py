"""`crm prep`: the interview prep sheet in md, html and pdf (its text read back with pypdf)."""

from __future__ import annotations

import io
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.jobhunt.reference_list import record_uses
from crm.core.models import Application, Company, Interaction, Person
from crm.core.network import link
from tests.refs.conftest import NON_LATIN, build_network


def _prep_network(db: Database) -> int:
    net = build_network(db)
    with db.write() as s:
        me = s.get(Person, net.me_id)
        stripe = s.get(Company, net.stripe_id)
        app = s.get(Application, net.app_id)
        assert me is not None and stripe is not None and app is not None
        app.applied_on, app.interview_on = date(2026, 5, 20), date(2026, 6, 10)
        former = create_person(s, "Fiona Former")
        add_position(s, former, stripe, title="PM", start="2018", end="2021")
        link(s, me, former, "mentor", strength=3)
        s.add(Interaction(person=former, kind="coffee", occurred_on=date(2026, 4, 2),
                          summary="Told me Stripe interviews focus on <b>APIs</b>"))
        insider = create_person(s, "Ines Insider", via=former)
        add_position(s, insider, stripe, title="Staff Engineer", start="2019")
        link(s, former, insider, "co-worker", strength=4)
        marcus = s.get(Person, net.ids["marcus"])
        assert marcus is not None
        marcus.note = "Fellow intern; **offered** to refer me"
        from crm.core.jobhunt.reference_list import choose_references

        record_uses(s, [r for r in choose_references(s) if r.person_id == net.ids["priya"]],
                    app, today=date(2026, 6, 1))
    return net.app_id


def test_prep_markdown_has_every_section(db: Database, crm: Any, tmp_path: Path) -> None:
    app_id = _prep_network(db)
    out = tmp_path / "prep.md"
    r = crm("prep", f"#{app_id}", "--format", "md", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Software Engineer II at Stripe, Inc.")
    for part in ("## The company and the role", "## Timeline", "2026-05-20",
                 "Software Engineer II: interview", "## Who you know there now",
                 "**Marcus Webb**", "Now: Software Engineer (2024-06 – now)",
                 # contact text escaped: **offered** is not bold
                 "\\*\\*offered\\*\\* to refer me",
                 "## Who you know who was there", "**Fiona Former**", "Was: PM (2018 – 2021)",
                 "Told me Stripe interviews focus on \\<b\\>APIs\\</b\\>",
                 "## Through someone you know", "Ines Insider (Staff Engineer)",
                 "Ask Fiona Former", "## References to list", "Priya Natarajan",
                 "Speaks to: SQL, ownership", "Told: not yet", "## Open follow-ups",
                 "Tell Priya Natarajan you gave their name"):
        assert part in text, part
    assert "*Interview prep for Jordan Lee, prepared " in text


def test_prep_without_me_reads_whole(crm: Any, tmp_path: Path) -> None:
    """With nobody marked as the user the subtitle read "Interview prep for prepared …"."""
    crm("add", "person", "Dana Director")
    crm("add", "position", "Dana", "Stripe", "--title", "Director")
    crm("apps", "add", "Stripe", "Engineer")
    out = tmp_path / "prep.md"
    r = crm("prep", "Stripe Engineer", "--format", "md", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["# Engineer at Stripe", "", f"*Prepared {date.today().isoformat()}*"]


def test_prep_html_is_escaped_and_pdf_prints_the_text(db: Database, crm: Any,
                                                      tmp_path: Path) -> None:
    app_id = _prep_network(db)
    html = tmp_path / "prep.html"
    assert crm("prep", f"#{app_id}", "--format", "html", "-o", str(html)).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "&lt;b&gt;APIs&lt;/b&gt;" in page and "<b>APIs</b>" not in page
    pdf = tmp_path / "prep.pdf"
    r = crm("prep", "Stripe", "--format", "pdf", "-o", str(pdf))
    assert r.exit_code == 0, r.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    flat = " ".join(text.split())
    for part in ("Stripe, Inc.", "Who you know there now", "Marcus Webb", "Fiona Former",
                 "References to list", "Priya Natarajan", NON_LATIN):
        assert part in flat, part


@pytest.mark.parametrize("args", [("--format", "docx"), ("--format", "md")])
def test_prep_bad_input_writes_nothing(crm: Any, tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "x"
    r = crm("prep", "Nowhere Inc", *args, "-o", str(out))
    assert r.exit_code == 2 and r.stderr.count("\n") == 1, r.stderr
    assert not out.exists()
