"""References board, export from the TUI, applications, marking a reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.core.applications import list_applications
from crm.core.db import open_database
from crm.core.people import resolve_person
from crm.core.references import list_references
from crm.tui.app import make_app
from crm.tui.screens.applications import ApplicationsScreen
from crm.tui.screens.dialogs import FormDialog
from crm.tui.screens.people import PeopleScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.screens.references import CandidatesView, ExportDone, ReferencesScreen
from crm.tui.widgets.rows import ItemRow
from tests.tui.conftest import screen_text, settle

pytestmark = pytest.mark.asyncio
TALL = (120, 60)


def _refs(path: str) -> dict[str, object]:
    db = open_database(path)
    try:
        with db.read() as s:
            return {v.name: v for v in list_references(s)}
    finally:
        db.dispose()


async def test_board_groups_by_status_and_changes_one(demo_path: str) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ReferencesScreen)
        text = screen_text(app)
        assert text.index("agreed (3)") < text.index("asked (1)") < text.index("declined (1)")
        assert "Priya Natarajan" in text
        app.screen.query_one("#ref-" + str(_refs(demo_path)["Rachel Moore"].person_id),
                             ItemRow).focus()
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#form-status").value = "agreed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "agreed (4)" in screen_text(app)
    assert _refs(demo_path)["Rachel Moore"].status == "agreed"


async def test_export_writes_the_file_and_lists_whom_to_notify(demo_path: str,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "refs.md"
    app = make_app(demo_path)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-application").clear()
        form.query_one("#form-company").value = "stripe"
        form.query_one("#form-format").value = "md"
        form.query_one("#form-path").value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExportDone)
        text = screen_text(app)
        assert app.screen.result.path == out and out.name in text and "Stripe, Inc." in text
        assert "[ ] Priya Natarajan" in text
    assert out.exists() and (out.stat().st_mode & 0o777) == 0o600
    assert "Priya Natarajan" in out.read_text()
    uses = _refs(demo_path)["Priya Natarajan"].uses
    assert uses[-1].company == "Stripe, Inc." and not uses[-1].notified


async def test_export_refused_keeps_the_form(demo_path: str, tmp_path: Path) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#form-application").clear()
        app.screen.query_one("#form-company").value = "No Such Company Anywhere"
        app.screen.query_one("#form-path").value = str(tmp_path / "x.md")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#form-company").value == "No Such Company Anywhere"
        assert "matches 'No Such Company Anywhere'" in screen_text(app)
    assert not (tmp_path / "x.md").exists()


async def test_candidates_are_ranked_with_reasons(demo_path: str) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#form-application").clear()
        app.screen.query_one("#form-company").value = "Hooli"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CandidatesView)
        text = screen_text(app)
        assert "Reference candidates for Hooli" in text
        names = [c.name for c in app.screen.candidates]
        assert names and "Olivia Park" not in names  # declined ones are left out
        first = app.screen.candidates[0]
        assert f"1. {first.name}" in text and first.reasons[0] in text


async def test_mark_someone_as_reference_from_their_page(demo_path: str) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        with app.db.read() as s:
            pid = resolve_person(s, "Kenji Watanabe").id
        app.open_person(pid)
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#form-status").value = "asked"
        app.screen.query_one("#form-relationship").value = "Teammate at Initech"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Teammate at Initech" in screen_text(app)
    ref = _refs(demo_path)["Kenji Watanabe"]
    assert (ref.status, ref.relationship) == ("asked", "Teammate at Initech")


async def test_applications_show_stage_referrals_and_move_stage(demo_path: str) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ApplicationsScreen)
        text = screen_text(app)
        assert "Software Engineer II at Stripe, Inc." in text
        assert "referral: Marcus Webb [referred]" in text
        stripe = next(a for a in app.screen.applications if a.company == "Stripe, Inc.")
        app.screen.query_one(f"#app-{stripe.id}", ItemRow).focus()
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#form-stage").value = "offer"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#form-company").value = "Pied Piper"
        app.screen.query_one("#form-role").value = "Compression Engineer"
        app.screen.query_one("#form-applied_on").value = "2026-13-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # a bad date: refused, form kept
        assert "bad applied date" in screen_text(app)
        app.screen.query_one("#form-applied_on").value = "2026-11-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Compression Engineer at Pied Piper" in screen_text(app)
        await pilot.press("escape")  # back to the people list
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
    db = open_database(demo_path)
    with db.read() as s:
        stages = {a.role: a.stage for a in list_applications(s)}
    db.dispose()
    assert stages["Software Engineer II"] == "offer"
    assert stages["Compression Engineer"] == "applied"
