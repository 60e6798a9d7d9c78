"""The app as a whole: welcome state, literal contact text, palette, help, theme, launch."""

from __future__ import annotations

import pytest

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import open_database
from crm.core.upkeep.editing import add_interaction
from crm.tui.app import DARK_THEME, LIGHT_THEME
from crm.tui.screens.companies import CompaniesScreen
from crm.tui.screens.company import CompanyScreen
from crm.tui.screens.help import HelpScreen
from crm.tui.screens.person import PersonScreen
from tests.tui.helpers import (
    Toasts,
    fill_form,
    open_screen,
    read_db,
    running,
    screen_text,
    settle,
)

pytestmark = pytest.mark.asyncio

NASTY = ["[b]x[/b]", "[@click=app.quit]Click me[/]", "[red]Eve[/red] Mallory"]


async def test_empty_database_welcomes_and_loads_the_demo(empty_path: str) -> None:
    async with running(empty_path) as pilot:
        app = pilot.app
        text = screen_text(app)
        assert "Welcome to crm" in text
        # (the import takes LinkedIn's export and CSVs too: "Import a vCard file" said less)
        assert "Import contacts: phone, LinkedIn, CSV" in text and "Load the demo" in text
        await pilot.click("#welcome-demo")
        await settle(pilot)
        text = screen_text(app)
        assert "Welcome to crm" not in text
        assert "31 people" in text and "Priya Natarajan" in text


async def test_the_welcome_footer_offers_only_the_welcome_keys(empty_path: str) -> None:
    # An empty database has nothing to search or sort: the footer names what the welcome
    # offers, whole at 80 columns, and the list's keys come back with the first person.
    async with running(empty_path, size=(80, 24)) as pilot:
        app = pilot.app
        footer = screen_text(app).splitlines()[-1]
        for key in ("d Demo data", "i Import", "n Add a person"):
            assert key in footer, (key, footer)
        for key in ("Search", "Sort", "New person"):
            assert key not in footer, (key, footer)
        await pilot.press("d")
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "/ Search" in footer and "Sort" in footer and "Demo data" not in footer


async def test_contact_text_is_never_markup_nor_an_action(empty_path: str) -> None:
    db = open_database(empty_path)
    with db.write() as s:
        create_person(s, "Eve\x1b[2JMallet")  # a terminal escape must not reach the terminal
        for name in NASTY:
            p = create_person(s, name, note="[i]not italic[/i]")
            add_position(s, p, "[blink]Acme[/blink]", title="[@click=app.quit]boss")
            add_interaction(s, p.id, "note", "2025-01-02", "[link=x]hi[/link]")
    db.dispose()
    # (one column, as wide as it gets: at 120 the list has a card beside it and its
    # columns are too narrow for these names whole)
    async with running(empty_path, size=(119, 36)) as pilot:
        app = pilot.app
        text = screen_text(app)
        for name in NASTY:
            assert name in text
        assert "[blink]Acme[/blink]" in text and "[@click=app.quit]boss" in text
        assert "Eve\\x1b[2JMallet" in text  # shown escaped, as everywhere
        await pilot.press(*"click", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        text = screen_text(app)
        assert "[@click=app.quit]Click me[/]" in text
        assert "[i]not italic[/i]" in text
        # Clicking the name must not run the embedded action.
        await pilot.click(".headline", offset=(3, 0))
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, PersonScreen)
        # The command palette shows found names literally too.
        await pilot.press("ctrl+p")
        await pilot.press(*"click")
        await settle(pilot)
        await pilot.pause(0.3)
        assert "[@click=app.quit]Click me[/]" in screen_text(app)


async def test_palette_jumps_to_a_person_and_runs_actions(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        await pilot.press("ctrl+p", *"priya")
        await pilot.pause(0.4)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert "Priya Natarajan" in screen_text(app)
        await pilot.press("ctrl+p", *"companies")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)


async def test_help_lists_the_keys_of_the_screen(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        await pilot.press("down", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for description in ("Search", "Sort", "Companies", "Light/dark", "Quit", "Open"):
            assert description in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_theme_toggles_and_q_quits(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        assert app.theme == DARK_THEME
        await pilot.press("ctrl+t")
        assert app.theme == LIGHT_THEME
        await pilot.press("ctrl+t")
        assert app.theme == DARK_THEME
        await pilot.press("down", "q")
        await pilot.pause()
        assert not app.is_running


async def test_companies_search_and_open(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
        assert "10 companies" in screen_text(app)
        await pilot.press(*"stripe.com")  # by email domain
        await settle(pilot)
        text = screen_text(app)
        assert "1 company match" in text and "Stripe, Inc." in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompanyScreen)
        text = screen_text(app)
        assert "Payments" in text and "stripe.com" in text
        await pilot.press("escape", "f2")
        await settle(pilot)
        assert "31 people" in screen_text(app)



async def test_company_details_aliases_and_domains_are_editable(demo_path: str) -> None:
    from crm.core.contacts.companies import company_summary, resolve_company
    from crm.tui.widgets.editable import EditableField

    async with running(demo_path, size=(120, 60)) as pilot:
        app = pilot.app
        screen = await open_screen(pilot, CompanyScreen, "Pied Piper")
        cid = screen.company_id
        screen.query_one("#field-website", EditableField).focus()
        await pilot.press("enter", "ctrl+u", *"not a url", "enter")
        await settle(pilot)
        assert "bad URL" in screen_text(app)
        await pilot.press("escape")
        await fill_form(pilot, "a", alias="PiedPiper Inc")
        await fill_form(pilot, "w", domain="pp.example")
        text = screen_text(app)
        assert "PiedPiper Inc" in text and "pp.example" in text
    c, found = read_db(demo_path, lambda s: (
        company_summary(s, cid), resolve_company(s, "someone@pp.example").id))
    assert found == cid
    assert c.website == "https://piedpiper.com" and "PiedPiper Inc" in c.aliases


async def test_company_shows_who_i_know_now_before_and_through_whom(demo_path: str) -> None:
    from crm.tui.widgets.rows import ItemRow

    async with running(demo_path, size=(120, 60)) as pilot:
        app = pilot.app
        await open_screen(pilot, CompanyScreen, "stripe")
        text = screen_text(app)
        assert "Now (4)" in text and "Before (0)" in text and "Through whom (2)" in text
        now = text[text.index("Now (4)"):text.index("Before (0)")]
        assert now.index("Marcus Webb") < now.index("Hannah Brooks")  # strongest first
        assert "via Marcus Webb (fellow-intern, strength 4) → manager" in text
        app.screen.query_one("#via-0", ItemRow).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert "Felix Wagner" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await open_screen(pilot, CompanyScreen, "Northwind")
        text = screen_text(app)
        before = text[text.index("Before ("):text.index("Through whom")]
        assert "Marcus Webb" in before and "Elena Petrova" in before


async def test_company_shows_what_its_company_card_gave(demo_path: str) -> None:
    from pathlib import Path

    from crm.vcard.importer import import_paths

    fixture = (Path(__file__).parent.parent / "vcard" / "fixtures" / "real"
               / "iphone-switchboard-undated-yearless.vcf")
    db = open_database(demo_path)
    import_paths(db, [fixture])
    db.dispose()
    async with running(demo_path, size=(120, 60)) as pilot:
        await open_screen(pilot, CompanyScreen, "Acme Robotics")
        text = screen_text(pilot.app)
        assert "+1 (415) 555-0100" in text and "500 Howard St" in text
        assert "clients, robotics" in text


async def test_palette_runs_the_actions_of_the_current_screen(demo_path: str) -> None:
    from crm.tui.screens.dialogs import FormDialog

    async with running(demo_path) as pilot:
        app = pilot.app
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await pilot.press("ctrl+p", *"add a note")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "Add a note or interaction for Marcus Webb" in screen_text(app)


async def test_company_aliases_and_domains_can_be_removed_after_asking(demo_path: str) -> None:
    from crm.core.contacts.companies import company_summary, resolve_company
    from crm.tui.screens.dialogs import ConfirmDialog
    from crm.tui.screens.help import HelpScreen
    from crm.tui.widgets.rows import ItemRow

    async with running(demo_path, size=(120, 60)) as pilot:
        app = pilot.app
        with app.db.read() as s:
            cid = resolve_company(s, "Hooli").id
            before = company_summary(s, cid)
        assert before.aliases == ["Hooli XYZ"] and before.domains == ["hooli.xyz"]
        await open_screen(pilot, CompanyScreen, "Hooli")
        toasts = Toasts(app)
        app.screen.query(ItemRow).first().focus()  # someone there now: Enter opens them
        await settle(pilot)
        assert "⏎ Open" in screen_text(app).splitlines()[-1]
        await pilot.press("x")  # a person selected, not an alias: says how
        await settle(pilot)
        assert any("Select an alias or an email domain first" in m for m in toasts.messages())

        app.screen.query_one("#alias-0", ItemRow).focus()
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Open" not in footer  # an alias opens nothing: the footer offers no Enter
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Remove the alias Hooli XYZ from Hooli?" in screen_text(app)
        await pilot.press("n")  # changed my mind: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, CompanyScreen)
        assert "Hooli XYZ" in screen_text(app)
        await pilot.press("x", "y")
        await settle(pilot)
        assert "Removed the alias Hooli XYZ" in toasts.messages()

        app.screen.query_one("#domain-0", ItemRow).focus()
        await pilot.press("x")
        await settle(pilot)
        assert "Remove the email domain hooli.xyz from Hooli?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert not app.screen.query("#domain-0") and not app.screen.query("#alias-0")

        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Remove alias/domain" in screen_text(app)
    after = read_db(demo_path, lambda s: company_summary(s, cid))
    assert (after.name, after.aliases, after.domains) == ("Hooli", [], [])
