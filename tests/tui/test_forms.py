"""Forms that fit: they scroll, keep Save/Cancel reachable, show their own keys, put the
cursor in the field a refusal was about, and show a chosen company by its name."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input

from crm.core.contacts.people import resolve_person
from crm.core.contacts.profile import person_detail
from crm.tui.screens.applications import ApplicationsScreen
from crm.tui.screens.dialogs import CompanyChoiceDialog, FormDialog
from crm.tui.screens.person import PersonScreen
from crm.tui.screens.references import ReferencesScreen
from tests.tui.helpers import fill_form, open_screen, read_db, running, screen_text, settle

pytestmark = pytest.mark.asyncio


def _inside(form: FormDialog, widget_id: str) -> bool:
    """The widget is drawn wholly on the terminal (not cut off below or beside it)."""
    region = form.query_one(widget_id).region
    width, height = form.app.size
    return (region.height > 0 and region.y >= 0 and region.bottom <= height
            and region.right <= width)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_long_forms_keep_their_buttons_and_keys_in_view(
        demo_path: str, size: tuple[int, int]) -> None:
    async with running(demo_path, size=size) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        form = await fill_form(pilot, "p", save=False)
        assert form.focused is form.query_one("#form-company")  # typing goes to a field
        assert _inside(form, "#form-save") and _inside(form, "#form-cancel")
        text = screen_text(pilot.app)
        assert "esc Cancel" in text and "^s Save" in text  # the form's own keys
        # The last field can be reached: focus it and it scrolls into view.
        form.query_one("#form-end", Input).focus()
        await settle(pilot)
        assert _inside(form, "#form-end") and _inside(form, "#form-save")
        await pilot.press("escape")
        await settle(pilot)

        await open_screen(pilot, ApplicationsScreen)
        form = await fill_form(pilot, "a", save=False)
        assert _inside(form, "#form-save")
        form.query_one("#form-note", Input).focus()
        await settle(pilot)
        assert _inside(form, "#form-note")
        await pilot.press("escape")
        await settle(pilot)

        await open_screen(pilot, ReferencesScreen)
        await pilot.press("ctrl+e")  # the export form, the longest
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert _inside(form, "#form-save")
        form.query_one("#form-path", Input).focus()
        await settle(pilot)
        assert _inside(form, "#form-path")
        # The Save button works by mouse too, from where it is.
        pilot.app.screen.query_one("#form-cancel", Button).press()
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormDialog)


async def test_a_refused_form_puts_the_cursor_in_the_refused_field(demo_path: str) -> None:
    async with running(demo_path, size=(80, 24)) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await fill_form(pilot, "p", company="Stripe, Inc.", title="Advisor", start="2026-13")
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert form.focused is form.query_one("#form-start")
        assert _inside(form, "#form-start")


async def test_a_chosen_company_shows_by_its_name_when_the_form_comes_back(
        demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        # A typo in the company and a bad date: first which company, then the date.
        await fill_form(pilot, "p", company="Strpe", title="Advisor", start="2026-13")
        assert isinstance(app.screen, CompanyChoiceDialog)
        await pilot.press("enter")  # Stripe, Inc.
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#form-company", Input).value == "Stripe, Inc."
        assert form.focused is form.query_one("#form-start")
        # Corrected, it saves at the company chosen, without asking again.
        form.query_one("#form-start", Input).value = "2026-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
    positions = read_db(demo_path, lambda s: person_detail(
        s, resolve_person(s, "Marcus Webb").id).positions)
    assert any(p.company == "Stripe, Inc." and p.title == "Advisor"
               and p.start == "2026-01" for p in positions)
