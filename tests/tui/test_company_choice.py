"""Adding a position or application at a company name close to a known one asks first."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from crm.core.db import open_database
from crm.core.people import resolve_person
from crm.core.profile import person_detail
from crm.tui.app import make_app
from crm.tui.screens.applications import ApplicationsScreen
from crm.tui.screens.dialogs import CompanyChoiceDialog, FormDialog
from crm.tui.screens.person import PersonScreen
from tests.tui.conftest import SIZE, screen_text, settle

pytestmark = pytest.mark.asyncio


def _state(path: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Marcus's positions (company, title), and every company name."""
    from crm.core.companies import list_companies

    db = open_database(path)
    try:
        with db.read() as s:
            d = person_detail(s, resolve_person(s, "Marcus Webb").id)
            names = [c.name for c in list_companies(s)]
        return [(p["company"], p["title"]) for p in d["positions"]], names
    finally:
        db.dispose()


async def _position_form(app, pilot, company: str, title: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(app.screen, FormDialog)
    app.screen.query_one("#form-company").value = company
    app.screen.query_one("#form-title").value = title
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_typo_offers_the_close_company_new_or_back(demo_path: str) -> None:
    positions, companies = _state(demo_path)
    app = make_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with app.db.read() as s:
            app.open_person(resolve_person(s, "Marcus Webb").id)
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)

        # The close company is offered first; Enter takes it.
        await _position_form(app, pilot, "Strpe", "Advisor")
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
        await _position_form(app, pilot, "Strpe", "Mentor")
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
    app = make_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with app.db.read() as s:
            app.open_person(resolve_person(s, "Marcus Webb").id)
        await settle(pilot)
        await _position_form(app, pilot, "stripe.com", "Board member")
        assert isinstance(app.screen, PersonScreen)
        await _position_form(app, pilot, "Zeta Labs", "Founder")
        assert isinstance(app.screen, PersonScreen)
    after, names = _state(demo_path)
    assert ("Stripe, Inc.", "Board member") in after and ("Zeta Labs", "Founder") in after
    assert sorted(names) == sorted([*companies, "Zeta Labs"])


async def test_applications_form_offers_the_close_company(demo_path: str) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#form-company").value = "Hooly"
        app.screen.query_one("#form-role").value = "Data Scientist"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CompanyChoiceDialog)
        buttons = [str(b.label) for b in app.screen.query(Button)]
        assert buttons[0] == "Hooli"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ApplicationsScreen)
        assert "Data Scientist" in screen_text(app)
    db = open_database(demo_path)
    try:
        from crm.core.applications import list_applications

        with db.read() as s:
            found = [a for a in list_applications(s) if a.role == "Data Scientist"]
        assert [a.company for a in found] == ["Hooli"]
    finally:
        db.dispose()
