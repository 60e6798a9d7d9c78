"""Every screen of the TUI over a database whose every free-text field is hostile (see
tests/reliability/hostile.py): what the app would write to the terminal holds no control
character from data, and markup from data shows as typed.

What is checked is the terminal stream itself: the screen's compositor rendered to the
escape sequences Textual's driver writes (``App._display`` writes exactly this), with
Textual's own colour and cursor sequences set aside.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App

from crm.core.contacts.people import resolve_person
from crm.core.contacts.profile import person_detail
from crm.tui.screens.company import CompanyScreen
from crm.tui.screens.deleted import DeletedScreen
from crm.tui.screens.dialogs import ConfirmDialog, FormDialog
from crm.tui.screens.duplicates import DuplicatesScreen
from crm.tui.screens.importing import ImportScreen
from crm.tui.screens.merge import MergeScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.screens.references import CandidatesView, ExportDone, ReferencesScreen
from crm.tui.widgets.rows import ItemRow
from tests.reliability.hostile import HOSTILE, build, driver_controls, hostile_vcf
from tests.tui.helpers import (
    TALL,
    apply_import,
    fill_form,
    open_screen,
    preview_import,
    read_db,
    running,
    screen_text,
    settle,
)

pytestmark = pytest.mark.asyncio


def terminal_stream(app: App[Any]) -> str:
    """What the driver would write to show the whole screen now."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", legacy_windows=False)
    update = app.screen._compositor.render_update(full=True,
                                                  screen_stack=app._background_screens)
    return update.render_segments(console)


def check(app: App[Any], where: str, *, markup: bool = True) -> None:
    stream = terminal_stream(app)
    assert not driver_controls(stream), (where, driver_controls(stream))
    if markup:  # data's markup is shown as typed, not obeyed
        assert "[b]x[/b]" in screen_text(app), (where, screen_text(app))


def first_row(app: App[Any], prefix: str) -> ItemRow:
    """The first row of the screen whose id starts with ``prefix``-."""
    return next(w for w in app.screen.query(ItemRow) if (w.id or "").startswith(prefix + "-"))


async def test_every_screen_shows_hostile_data_inert(crm: Any, db_url: str,
                                                     tmp_path: Path) -> None:
    build(crm, db_url, tmp_path)
    async with running(db_url, size=TALL) as pilot:
        app = pilot.app
        check(app, "people")
        for key, where in (("f3", "companies"), ("f4", "references"), ("f5", "applications"),
                           ("f6", "today")):
            await pilot.press(key)
            await settle(pilot)
            check(app, where)

        refs = await open_screen(pilot, ReferencesScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        check(app, "candidates form")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CandidatesView), app.screen
        check(app, "candidates")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is refs
        # A PDF reference list: where it went, whom to tell, the font's warning (it names
        # the characters the PDF font cannot show: controls among them).
        await fill_form(pilot, "ctrl+e", format="pdf", path=str(tmp_path / "refs.pdf"))
        assert isinstance(app.screen, ExportDone), app.screen
        assert "warning" in screen_text(app)
        check(app, "export done")
        await pilot.press("escape")
        await settle(pilot)

        await open_screen(pilot, PersonScreen, "Name")
        check(app, "person")
        app.screen.query_one("#field-note").focus()
        await pilot.press("enter")  # the note's editor, holding the stored note
        await settle(pilot)
        check(app, "note editor", markup=False)
        await pilot.press("ctrl+s")  # saved as it was shown: the stored note, unchanged
        await settle(pilot)
        note = read_db(db_url, lambda s: person_detail(s, resolve_person(s, "Name").id).note)
        assert note == HOSTILE + "a note"
        await fill_form(pilot, "l", other="Colleague")  # the toast names both people
        check(app, "link toast")
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        check(app, "delete confirmation")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")  # the reference form, filled in with relationship and speaks-to
        await settle(pilot)
        check(app, "reference form", markup=False)
        await pilot.press("escape")
        await settle(pilot)
        # A record's form (its title names it, its fields hold what it holds) and the
        # question naming what a delete removes, for each kind of row on the page.
        for row in ("position", "contact", "interaction", "referral", "connection"):
            first_row(app, row).focus()
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, FormDialog), (row, app.screen)
            check(app, f"{row} form", markup=False)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog), (row, app.screen)
            check(app, f"{row} delete question", markup=False)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("R")  # removing the reference entry: the question names them
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        check(app, "reference delete question")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("M")  # merge with…: the form's title names them
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        check(app, "merge with form")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

        await open_screen(pilot, CompanyScreen, "Company")
        check(app, "company")
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        check(app, "company merge form")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("D")  # still used: a toast names the company and what uses it
        await settle(pilot)
        check(app, "company delete refused")
        await pilot.press("escape")
        await settle(pilot)

        app.action_open_duplicates()
        await settle(pilot)
        assert isinstance(app.screen, DuplicatesScreen), app.screen
        check(app, "duplicates")
        await pilot.press("escape")
        await settle(pilot)

        me, other = read_db(db_url, lambda s: (resolve_person(s, "Me Myself").id,
                                               resolve_person(s, "Name").id))
        app.open_merge(me, other)
        await settle(pilot)
        assert isinstance(app.screen, MergeScreen), app.screen
        check(app, "merge")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        check(app, "merge question")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

        app.action_open_deleted()
        await settle(pilot)
        assert isinstance(app.screen, DeletedScreen), app.screen
        check(app, "deleted")
        first_row(app, "tombstone").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        check(app, "undelete question")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

        app.action_open_suggestions()
        await settle(pilot)
        check(app, "suggestions")
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("question_mark")
        await settle(pilot)
        check(app, "help", markup=False)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Name")
        await settle(pilot)
        await pilot.pause(0.3)
        check(app, "palette")
        await pilot.press("escape")
        await settle(pilot)

        await open_screen(pilot, ImportScreen)
        # Other people than the file imported above: the preview names them.
        await preview_import(pilot, hostile_vcf(tmp_path / "new", "new"))
        check(app, "import preview")
        await apply_import(pilot)
        check(app, "import done")
