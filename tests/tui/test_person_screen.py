"""The person screen: everything about one person, edited in place, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest

from crm.core.contacts.people import resolve_person, search_ids
from crm.core.contacts.profile import person_detail
from crm.core.db import open_database
from crm.tui.screens.dialogs import ConfirmDialog, FormDialog
from crm.tui.screens.people import PeopleScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.widgets.editable import EditableField
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


def _detail(path: str, name: str) -> dict[str, Any]:
    return read_db(path, lambda s: person_detail(s, resolve_person(s, name).id).to_json())


async def test_shows_contact_positions_connections_reference_interactions(
        demo_path: str) -> None:
    async with running(demo_path, size=(120, 80)) as pilot:
        await open_screen(pilot, PersonScreen, "Priya Natarajan")
        text = screen_text(pilot.app)
        assert "Data Science Manager at Northwind Analytics" in text
        assert "priya@northwind.io" in text
        assert "● 2019-03 → now" in text  # the timeline, current first
        assert "Jordan Lee" in text and "derived from" in text  # derived connections marked
        assert "agreed" in text  # reference status
        assert "2026-09-12" in text  # an interaction


async def test_a_position_shows_its_team(demo_path: str) -> None:
    from crm.core.models import Position

    db = open_database(demo_path)
    with db.write() as s:
        pid = resolve_person(s, "Priya Natarajan").id
        for position in s.query(Position).filter_by(person_id=pid):
            position.department = "Forecasting"
    db.dispose()
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Priya Natarajan")
        assert "Data Science Manager, Forecasting · Northwind Analytics" in screen_text(
            pilot.app)


async def test_edit_a_field_in_place(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        screen = await open_screen(pilot, PersonScreen, "Marcus Webb")
        field = screen.query_one("#field-headline", EditableField)
        field.focus()
        await pilot.press("enter", *"Payments engineer", "enter")
        await settle(pilot)
        assert "Payments engineer" in screen_text(pilot.app)
    assert _detail(demo_path, "Marcus Webb")["headline"] == "Payments engineer"


async def test_bad_birthday_is_refused_with_a_message_and_nothing_saved(
        demo_path: str) -> None:
    async with running(demo_path) as pilot:
        screen = await open_screen(pilot, PersonScreen, "Marcus Webb")
        screen.query_one("#field-birthday", EditableField).focus()
        await pilot.press("enter", *"1999-02-31", "enter")
        await settle(pilot)
        field = screen.query_one("#field-birthday", EditableField)
        assert field.editing  # still open, with what the user typed
        assert "bad birthday" in screen_text(pilot.app)
        await pilot.press("escape")
        assert not field.editing
        assert isinstance(pilot.app.screen, PersonScreen)  # escape closed the editor only
    assert _detail(demo_path, "Marcus Webb")["birthday"] is None


async def test_a_refused_edit_is_told_once(demo_path: str) -> None:
    """The refusal shows under the field and in one toast, not in two."""
    async with running(demo_path) as pilot:
        screen = await open_screen(pilot, PersonScreen, "Marcus Webb")
        toasts = Toasts(pilot.app)
        screen.query_one("#field-birthday", EditableField).focus()
        await pilot.press("enter", *"1999-02-31", "enter")
        await settle(pilot)
        [error] = toasts.errors()
        assert "bad birthday" in error
        await pilot.press("escape")
        # A refused form comes back with the reason in it, and one toast says it too.
        await fill_form(pilot, "a", value="marcus at stripe")
        assert isinstance(pilot.app.screen, FormDialog)
        assert len(toasts.errors()) == 2 and "bad email address" in toasts.errors()[1]
        await pilot.press("escape")
        # A page that cannot be read (someone gone meanwhile) says so once too.
        pilot.app.open_person(10**6)
        await settle(pilot)
        assert len(toasts.errors()) == 3


async def test_add_note_contact_position_and_link(demo_path: str) -> None:
    async with running(demo_path, size=(120, 80)) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await fill_form(pilot, "n", summary="Coffee; he will refer me")
        await fill_form(pilot, "a", value="marcus@stripe.com")
        await fill_form(pilot, "p", company="Acme", title="Advisor", start="2026-01")
        await fill_form(pilot, "l", other="Priya")
        text = screen_text(pilot.app)
        assert "he will refer me" in text and "marcus@stripe.com" in text
    d = _detail(demo_path, "Marcus Webb")
    assert d["interactions"][0]["summary"] == "Coffee; he will refer me"
    assert "marcus@stripe.com" in d["emails"]
    assert any(p["company"] == "Acme Robotics, Inc." and p["title"] == "Advisor"
               for p in d["positions"])
    assert any(c["person"] == "Priya Natarajan" and c["kind"] == "co-worker"
               and not c["derived"] for c in d["connections"])


async def test_bad_email_is_refused_and_the_form_comes_back_filled(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await fill_form(pilot, "a", value="marcus at stripe")
        assert isinstance(pilot.app.screen, FormDialog)
        assert pilot.app.screen.query_one("#form-value").value == "marcus at stripe"
        assert "bad email address" in screen_text(pilot.app)
        await pilot.press("escape")
    assert "marcus at stripe" not in str(_detail(demo_path, "Marcus Webb"))


async def test_delete_asks_first_and_goes_back(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        assert "Marcus Webb" not in screen_text(app)
        assert "30 people" in screen_text(app)
    assert read_db(demo_path, lambda s: search_ids(s, "marcus webb")) == []


async def test_enter_edits_a_position_o_opens_its_company_enter_opens_a_connection(
        demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        screen = await open_screen(pilot, PersonScreen, "Marcus Webb")
        row = next(r for r in screen.query("ItemRow") if r.kind == "position")
        row.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)  # the position's form, filled in
        assert app.screen.query_one("#form-company").value == "Stripe, Inc."
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.focused is row
        await pilot.press("o")
        await settle(pilot)
        assert "Stripe, Inc." in screen_text(app)
        assert type(app.screen).__name__ == "CompanyScreen"
        await pilot.press("escape")
        await settle(pilot)
        row = next(r for r in app.screen.query("ItemRow") if r.kind == "person")
        row.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen) and app.screen.person_id != screen.person_id


async def test_delete_names_what_goes_and_leaves_a_tombstone(demo_path: str) -> None:
    from crm.core.models import Referral
    from crm.core.upkeep.tombstones import list_tombstones

    db = open_database(demo_path)
    with db.write() as s:
        priya = resolve_person(s, "Priya Natarajan")
        s.add(Referral(referrer_id=priya.id, to_person_id=resolve_person(s, "Marcus Webb").id))
    db.dispose()
    before = _detail(demo_path, "Priya Natarajan")
    assert before["reference"]["uses"] and before["referrals"]
    async with running(demo_path, size=(120, 40)) as pilot:
        app = pilot.app
        await open_screen(pilot, PersonScreen, "Priya Natarajan")
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = app.screen.question.plain
        n = len(before["referrals"])
        assert f"{n} referral{'s' if n != 1 else ''}" in text
        assert "their reference entry and 1 use of it" in text
        assert f"{len(before['positions'])} position" in text
        await pilot.press("y")
        await settle(pilot)
    assert [t.name for t in read_db(demo_path, list_tombstones)] == ["Priya Natarajan"]


async def test_shows_what_their_card_said(demo_path: str) -> None:
    """Role, dates, named relations and a printed address from an imported card."""
    from pathlib import Path

    from crm.vcard.importer import import_paths

    fixture = (Path(__file__).parent.parent / "vcard" / "fixtures" / "real"
               / "outlook-relations-and-im.vcf")
    db = open_database(demo_path)
    import_paths(db, [fixture])
    db.dispose()
    async with running(demo_path, size=(120, 80)) as pilot:
        await open_screen(pilot, PersonScreen, "Priya Raman")
        text = screen_text(pilot.app)
        assert "Executive sponsor" in text
        assert "anniversary" in text and "12 June 2015" in text  # (read as people write it)
        assert "Satya Iyer" in text and "Tom Becker" in text
        assert "Redmond, WA 98052" in text
        assert "CFO, Finance · Contoso Ltd." in text and "Board member · Fabrikam Inc." in text
