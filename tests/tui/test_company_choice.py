"""Adding a position or application at a company name close to a known one asks first."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from crm.core.contacts.companies import list_companies
from crm.core.contacts.people import resolve_person
from crm.core.contacts.profile import person_detail
from crm.core.jobhunt.applications import list_applications
from crm.tui.screens.applications import ApplicationsScreen
from crm.tui.screens.dialogs import CompanyChoiceDialog, FormDialog
from crm.tui.screens.person import PersonScreen
from tests.tui.helpers import fill_form, open_screen, read_db, running, screen_text, settle

pytestmark = pytest.mark.asyncio


def _state(path: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Marcus's positions (company, title), and every company name."""
    d, names = read_db(path, lambda s: (
        person_detail(s, resolve_person(s, "Marcus Webb").id).to_json(),
        [c.name for c in list_companies(s)]))
    return [(p["company"], p["title"]) for p in d["positions"]], names


async def test_a_typo_offers_the_close_company_new_or_back(demo_path: str) -> None:
    positions, companies = _state(demo_path)
    async with running(demo_path) as pilot:
        app = pilot.app
        await open_screen(pilot, PersonScreen, "Marcus Webb")

        # The close company is offered first; Enter takes it.
        await fill_form(pilot, "p", company="Strpe", title="Advisor")
        assert isinstance(app.screen, CompanyChoiceDialog)
        text = screen_text(app)
        assert "No company is named Strpe. Did you mean:" in text
        assert "Stripe, Inc." in text and "Create Strpe as a new company" in text
        assert _state(demo_path) == (positions, companies)  # nothing written yet
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        after, names = _state(demo_path)
        assert sorted(after, key=str) == sorted([*positions, ("Stripe, Inc.", "Advisor")],
                                                key=str)
        assert names == companies

        # Back (Esc) returns to the form, filled, saying what was wrong; nothing is saved.
        await fill_form(pilot, "p", company="Strpe", title="Mentor")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#form-company").value == "Strpe"
        assert app.screen.query_one("#form-title").value == "Mentor"
        assert "did you mean Stripe, Inc. (#" in screen_text(app)
        assert "Mentor" not in [t for _, t in _state(demo_path)[0]]

        # Saving again asks again; this time create the new company.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CompanyChoiceDialog)
        await pilot.click("#company-choice-new")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
    after, names = _state(demo_path)
    assert ("Strpe", "Mentor") in after
    assert sorted(names) == sorted([*companies, "Strpe"])


async def test_an_exact_or_unknown_name_does_not_ask(demo_path: str) -> None:
    _, companies = _state(demo_path)
    async with running(demo_path) as pilot:
        app = pilot.app
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await fill_form(pilot, "p", company="stripe.com", title="Board member")
        assert isinstance(app.screen, PersonScreen)
        await fill_form(pilot, "p", company="Zeta Labs", title="Founder")
        assert isinstance(app.screen, PersonScreen)
    after, names = _state(demo_path)
    assert ("Stripe, Inc.", "Board member") in after and ("Zeta Labs", "Founder") in after
    assert sorted(names) == sorted([*companies, "Zeta Labs"])


async def test_applications_form_offers_the_close_company(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        await open_screen(pilot, ApplicationsScreen)
        await fill_form(pilot, "a", company="Hooly", role="Data Scientist")
        assert isinstance(app.screen, CompanyChoiceDialog)
        buttons = [str(b.label) for b in app.screen.query(Button)]
        assert buttons[0] == "Hooli"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ApplicationsScreen)
        assert "Data Scientist" in screen_text(app)
    found = read_db(demo_path, lambda s: [a for a in list_applications(s)
                                          if a.role == "Data Scientist"])
    assert [a.company for a in found] == ["Hooli"]
