"""References board, export from the TUI, applications, marking a reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm.core.jobhunt.applications import list_applications
from crm.core.jobhunt.references import list_references
from crm.tui.screens.applications import ApplicationsScreen
from crm.tui.screens.dialogs import FormDialog
from crm.tui.screens.people import PeopleScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.screens.references import CandidatesView, ExportDone, ReferencesScreen
from crm.tui.widgets.rows import ItemRow
from tests.tui.helpers import (
    TALL,
    Toasts,
    fill_form,
    open_screen,
    read_db,
    running,
    screen_text,
    settle,
)

pytestmark = pytest.mark.asyncio


def _refs(path: str) -> dict[str, Any]:
    return read_db(path, lambda s: {v.name: v for v in list_references(s)})


async def test_board_groups_by_status_and_changes_one(demo_path: str) -> None:
    async with running(demo_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, ReferencesScreen)
        text = screen_text(app)
        assert text.index("agreed (3)") < text.index("asked (1)") < text.index("declined (1)")
        assert "Priya Natarajan" in text
        app.screen.query_one("#ref-" + str(_refs(demo_path)["Rachel Moore"].person_id),
                             ItemRow).focus()
        toasts = Toasts(app)
        await fill_form(pilot, "s", status="agreed")
        assert "agreed (4)" in screen_text(app)
        assert toasts.messages() == ["Rachel Moore: reference agreed"]  # said once
    assert _refs(demo_path)["Rachel Moore"].status == "agreed"


async def test_export_writes_the_file_and_lists_whom_to_notify(demo_path: str,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "refs.md"
    async with running(demo_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, ReferencesScreen)
        toasts = Toasts(app)
        await fill_form(pilot, "ctrl+e", application=None, company="stripe", format="md",
                        path=str(out))
        assert isinstance(app.screen, ExportDone)
        assert toasts.messages() == []  # the dialog says where it went, no toast besides
        text = screen_text(app)
        assert app.screen.result.path == out and out.name in text and "Stripe, Inc." in text
        assert "[ ] Priya Natarajan" in text
    assert out.exists() and (out.stat().st_mode & 0o777) == 0o600
    assert "Priya Natarajan" in out.read_text()
    uses = _refs(demo_path)["Priya Natarajan"].uses
    assert uses[-1].company == "Stripe, Inc." and not uses[-1].notified


async def test_export_refused_keeps_the_form(demo_path: str, tmp_path: Path) -> None:
    async with running(demo_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, ReferencesScreen)
        await fill_form(pilot, "ctrl+e", application=None, company="No Such Company Anywhere",
                        path=str(tmp_path / "x.md"))
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#form-company").value == "No Such Company Anywhere"
        assert "matches 'No Such Company Anywhere'" in screen_text(app)
    assert not (tmp_path / "x.md").exists()


async def test_candidates_are_ranked_with_reasons(demo_path: str) -> None:
    async with running(demo_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, ReferencesScreen)
        await fill_form(pilot, "c", application=None, company="Hooli")
        assert isinstance(app.screen, CandidatesView)
        text = screen_text(app)
        assert "Reference candidates for Hooli" in text
        names = [c.name for c in app.screen.candidates]
        assert names and "Olivia Park" not in names  # declined ones are left out
        first = app.screen.candidates[0]
        assert f"1. {first.name}" in text and first.reasons[0] in text


async def test_mark_someone_as_reference_from_their_page(demo_path: str) -> None:
    async with running(demo_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, PersonScreen, "Kenji Watanabe")
        await fill_form(pilot, "r", status="asked", relationship="Teammate at Initech")
        assert "Teammate at Initech" in screen_text(app)
    ref = _refs(demo_path)["Kenji Watanabe"]
    assert (ref.status, ref.relationship) == ("asked", "Teammate at Initech")


async def test_applications_show_stage_referrals_and_move_stage(demo_path: str) -> None:
    async with running(demo_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, ApplicationsScreen)
        text = screen_text(app)
        assert "Software Engineer II at Stripe, Inc." in text
        assert "referral: Marcus Webb [referred]" in text
        stripe = next(a for a in app.screen.applications if a.company == "Stripe, Inc.")
        app.screen.query_one(f"#app-{stripe.id}", ItemRow).focus()
        await fill_form(pilot, "s", stage="offer")
        await fill_form(pilot, "a", company="Pied Piper", role="Compression Engineer",
                        applied_on="2026-13-01")
        assert isinstance(app.screen, FormDialog)  # a bad date: refused, form kept
        assert "bad applied date" in screen_text(app)
        await fill_form(pilot, applied_on="2026-11-01")
        assert "Compression Engineer at Pied Piper" in screen_text(app)
        await pilot.press("escape")  # back to the people list
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
    stages = read_db(demo_path, lambda s: {a.role: a.stage for a in list_applications(s)})
    assert stages["Software Engineer II"] == "offer"
    assert stages["Compression Engineer"] == "applied"


def _unmark_me_and_unagree(path: str, *, unmark_me: bool, unagree: bool) -> None:
    from sqlalchemy import update

    from crm.core.db import open_database
    from crm.core.models import Person, Reference

    db = open_database(path)
    try:
        with db.write() as s:
            if unmark_me:
                s.execute(update(Person).values(is_me=False))
            if unagree:
                s.execute(update(Reference).where(Reference.status == "agreed")
                          .values(status="asked"))
    finally:
        db.dispose()


@pytest.mark.parametrize(("unmark_me", "unagree", "said", "fix"), [
    (True, False, "nobody is marked as you", "your own name and contact details"),
    (False, True, "no references have agreed yet", "References (F4) and press s"),
])
async def test_export_refusals_are_worded_for_the_tui_not_the_cli(
        demo_path: str, tmp_path: Path, unmark_me: bool, unagree: bool, said: str,
        fix: str) -> None:
    """Core says what is wrong; the TUI says which key or screen fixes it, never a command."""
    _unmark_me_and_unagree(demo_path, unmark_me=unmark_me, unagree=unagree)
    async with running(demo_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, ReferencesScreen)
        toasts = Toasts(app)
        await fill_form(pilot, "ctrl+e", application=None, company="stripe", format="md",
                        path=str(tmp_path / "r.md"))
        assert isinstance(app.screen, FormDialog)  # refused: the form stays
        shown = " ".join([*toasts.messages(), screen_text(app)])
        assert said in shown and fix in shown
        assert "crm " not in shown and "--" not in " ".join(toasts.messages())
    assert not (tmp_path / "r.md").exists()


async def test_export_with_no_applications_asks_for_a_company_only(demo_path: str,
                                                                   tmp_path: Path) -> None:
    """With no application in the database the form has no empty "Application" text box
    (typing a company there failed with an unexpected error): the company is asked for."""
    from crm.core.db import open_database
    from crm.core.upkeep.records import delete_application

    db = open_database(demo_path)
    with db.write() as s:
        for a in list_applications(s):
            delete_application(s, a.id)
    db.dispose()
    out = tmp_path / "refs.md"
    async with running(demo_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, ReferencesScreen)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert not app.screen.query("#form-application")
        await fill_form(pilot, None, company="stripe", format="md", path=str(out))
        assert isinstance(app.screen, ExportDone), screen_text(app)
    assert "Priya Natarajan" in out.read_text()
