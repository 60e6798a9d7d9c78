"""Create and correct every record from the TUI: each key edits, ends or deletes through
core, and the database says so afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from textual.widgets import Input

from crm.core.contacts.companies import resolve_company
from crm.core.contacts.people import get_me, resolve_person
from crm.core.models import (
    Application,
    Company,
    Connection,
    ContactPoint,
    Interaction,
    Person,
    Position,
    Reference,
    Referral,
)
from crm.tui.screens.applications import ApplicationsScreen
from crm.tui.screens.company import CompanyScreen
from crm.tui.screens.dialogs import ConfirmDialog, FormDialog
from crm.tui.screens.help import HelpScreen
from crm.tui.screens.people import PeopleScreen
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


def _one(path: str, model: Any, record_id: int) -> Any:
    return read_db(path, lambda s: s.get(model, record_id))


def _id_of(path: str, stmt: Any) -> int:
    return int(read_db(path, lambda s: s.scalar(stmt)))


async def _select(pilot: Any, row_id: str) -> None:
    pilot.app.screen.query_one(f"#{row_id}").focus()
    await settle(pilot)


async def _top_text(pilot: Any) -> str:
    """The page's text from its top (where its headline is)."""
    from textual.containers import VerticalScroll

    pilot.app.screen.query(VerticalScroll).first().scroll_home(animate=False)
    await settle(pilot)
    return screen_text(pilot.app)


async def _confirm(pilot: Any, *names: str) -> str:
    """Answer yes to the confirmation on screen, after checking it names ``names``."""
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog), dialog
    # The question as the user reads it (on screen it wraps in a 60-column box).
    text = dialog.question.plain
    for name in names:
        assert name in text, (name, text)
    await pilot.press("y")
    await settle(pilot)
    return text


# -- people ---------------------------------------------------------------------------------


async def test_add_yourself_from_the_welcome_screen(empty_path: str) -> None:
    async with running(empty_path, size=(80, 24)) as pilot:
        assert "Add a person" in screen_text(pilot.app)
        form = await fill_form(pilot, "n", save=False, name="Ada Lovelace",
                               email="ada@example.org")
        assert form.query_one("#form-me").value == "yes"  # the first person is likely you
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PersonScreen)
        assert "Ada Lovelace  (me)" in await _top_text(pilot)
    me = read_db(empty_path, lambda s: (get_me(s).display_name,
                                        [c.value for c in get_me(s).contact_points]))
    assert me == ("Ada Lovelace", ["ada@example.org"])


async def test_add_someone_known_only_through_another_from_the_people_screen(
        demo_path: str) -> None:
    async with running(demo_path) as pilot:
        await fill_form(pilot, "ctrl+n", name="Grace Hopper", phone="+1 212 555 0100",
                        via="Marcus Webb")
        assert isinstance(pilot.app.screen, PersonScreen)
        assert "known through Marcus Webb" in await _top_text(pilot)
    grace = read_db(demo_path, lambda s: resolve_person(s, "Grace Hopper"))
    assert grace.known_via_id == read_db(demo_path, lambda s: resolve_person(s, "Marcus").id)
    assert not grace.is_me


async def test_mark_and_unmark_me_and_known_via(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await pilot.press("i")
        await settle(pilot)
        assert read_db(demo_path, lambda s: get_me(s).display_name) == "Marcus Webb"
        await pilot.press("i")
        await settle(pilot)
        assert read_db(demo_path, get_me) is None
        await fill_form(pilot, "v", via="Priya Natarajan")
        assert "known through Priya Natarajan" in await _top_text(pilot)
    assert read_db(demo_path, lambda s: resolve_person(s, "Marcus Webb").known_via.display_name
                   ) == "Priya Natarajan"


# -- positions ------------------------------------------------------------------------------


async def test_position_edit_end_and_delete(demo_path: str) -> None:
    marcus = read_db(demo_path, lambda s: resolve_person(s, "Marcus Webb").id)
    stripe_job = _id_of(demo_path, select(Position.id).where(
        Position.person_id == marcus, Position.title == "Software Engineer"))
    intern = _id_of(demo_path, select(Position.id).where(
        Position.person_id == marcus, Position.title == "Data Intern"))
    async with running(demo_path, size=(80, 24)) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await _select(pilot, f"position-{stripe_job}")
        await fill_form(pilot, "enter", title="Senior Software Engineer",
                        department="Payments", start="2024-07")
        pos = _one(demo_path, Position, stripe_job)
        assert (pos.title, pos.department, pos.start, pos.is_current) == (
            "Senior Software Engineer", "Payments", "2024-07", True)

        # E ends it: on a date given, else today.
        await _select(pilot, f"position-{stripe_job}")
        form = await fill_form(pilot, "E", save=False)
        assert form.query_one("#form-end", Input).value  # today, filled in
        await fill_form(pilot, end="2026-11")
        pos = _one(demo_path, Position, stripe_job)
        assert (pos.end, pos.is_current) == ("2026-11", False)

        # x deletes, after naming it.
        await _select(pilot, f"position-{intern}")
        await pilot.press("x")
        await settle(pilot)
        await _confirm(pilot, "Delete the position", "Data Intern", "Northwind Analytics")
        assert _one(demo_path, Position, intern) is None


async def test_end_a_position_today(demo_path: str) -> None:
    from datetime import date

    marcus = read_db(demo_path, lambda s: resolve_person(s, "Marcus Webb").id)
    job = _id_of(demo_path, select(Position.id).where(Position.person_id == marcus,
                                                      Position.end.is_(None)))
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await _select(pilot, f"position-{job}")
        assert "E ends" in screen_text(pilot.app)  # offered on a position
        await fill_form(pilot, "E")
    pos = _one(demo_path, Position, job)
    assert (pos.end, pos.is_current) == (date.today().isoformat(), False)


# -- connections, interactions, referrals, contact points, reference ------------------------


async def test_connection_edit_and_unlink(demo_path: str) -> None:
    marcus = read_db(demo_path, lambda s: resolve_person(s, "Marcus Webb").id)
    felix = read_db(demo_path, lambda s: resolve_person(s, "Felix Wagner").id)
    link = _id_of(demo_path, select(Connection.id).where(
        ((Connection.person_id == marcus) & (Connection.other_id == felix))
        | ((Connection.person_id == felix) & (Connection.other_id == marcus))))
    async with running(demo_path) as pilot:
        screen = await open_screen(pilot, PersonScreen, "Marcus Webb")
        row = next(r for r, cid in ((screen.query_one(f"#{k}"), v)
                                    for k, v in screen.connection_ids.items()) if cid == link)
        row.focus()
        await settle(pilot)
        await fill_form(pilot, "e", kind="mentor", strength="5", note="Weekly 1:1s")
        assert "Felix Wagner  mentor" in screen_text(pilot.app)
        conn = _one(demo_path, Connection, link)
        assert (conn.strength, conn.note) == (5, "Weekly 1:1s")

        screen = pilot.app.screen
        row = next(screen.query_one(f"#{k}") for k, v in screen.connection_ids.items()
                   if v == link)
        row.focus()
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await _confirm(pilot, "Marcus Webb and Felix Wagner (mentor)")
    assert _one(demo_path, Connection, link) is None


async def test_interaction_edit_and_delete(demo_path: str) -> None:
    marcus = read_db(demo_path, lambda s: resolve_person(s, "Marcus Webb").id)
    call = _id_of(demo_path, select(Interaction.id).where(Interaction.person_id == marcus,
                                                          Interaction.kind == "call"))
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await _select(pilot, f"interaction-{call}")
        await fill_form(pilot, "enter", kind="coffee", on="2026-09-29",
                        summary="Coffee about the interview loop")
        entry = _one(demo_path, Interaction, call)
        assert (entry.kind, entry.occurred_on.isoformat(), entry.summary) == (
            "coffee", "2026-09-29", "Coffee about the interview loop")
        await _select(pilot, f"interaction-{call}")
        await pilot.press("x")
        await settle(pilot)
        await _confirm(pilot, "coffee on 2026-09-29", "Coffee about the")
    assert _one(demo_path, Interaction, call) is None


async def test_referral_edit_and_delete(demo_path: str) -> None:
    marcus = read_db(demo_path, lambda s: resolve_person(s, "Marcus Webb").id)
    ref = _id_of(demo_path, select(Referral.id).where(Referral.referrer_id == marcus))
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await _select(pilot, f"referral-{ref}")
        await fill_form(pilot, "enter", status="interviewing", note="Onsite on Friday")
        r = _one(demo_path, Referral, ref)
        assert (r.status, r.note) == ("interviewing", "Onsite on Friday")
        await _select(pilot, f"referral-{ref}")
        await pilot.press("x")
        await settle(pilot)
        await _confirm(pilot, "referral by Marcus Webb to Stripe, Inc.")
    assert _one(demo_path, Referral, ref) is None


async def test_contact_point_edited_in_place(demo_path: str) -> None:
    marcus = read_db(demo_path, lambda s: resolve_person(s, "Marcus Webb").id)
    email = _id_of(demo_path, select(ContactPoint.id).where(ContactPoint.person_id == marcus,
                                                            ContactPoint.kind == "email"))
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await _select(pilot, f"contact-{email}")
        await fill_form(pilot, "enter", value="marcus@stripe.com", label="work",
                        preferred="yes")
        assert "marcus@stripe.com" in screen_text(pilot.app)
    cp = _one(demo_path, ContactPoint, email)  # the same row, corrected
    assert (cp.value, cp.label, cp.preferred) == ("marcus@stripe.com", "work", True)


async def test_reference_form_has_every_field(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await fill_form(pilot, "r", status="asked", relationship="Fellow intern",
                        speaks_to="Python", strength="4", since="2023-06",
                        preferred_contact="text first")
        ref = read_db(demo_path, lambda s: s.scalar(select(Reference).where(
            Reference.person_id == resolve_person(s, "Marcus Webb").id)))
        assert (ref.status, ref.relationship_text, ref.speaks_to, ref.strength, ref.since,
                ref.preferred_contact) == ("asked", "Fellow intern", "Python", 4, "2023-06",
                                           "text first")
        # R: no longer a reference, after a question naming it.
        await pilot.press("R")
        await settle(pilot)
        await _confirm(pilot, "Marcus Webb's reference entry", "Delete")
    assert read_db(demo_path, lambda s: s.scalar(select(Reference).where(
        Reference.person_id == resolve_person(s, "Marcus Webb").id))) is None


# -- applications ---------------------------------------------------------------------------


async def test_application_edit_company_role_dates_and_delete(demo_path: str) -> None:
    app_id = _id_of(demo_path, select(Application.id).where(
        Application.role == "Backend Engineer"))
    async with running(demo_path) as pilot:
        await open_screen(pilot, ApplicationsScreen)
        await _select(pilot, f"app-{app_id}")
        form = await fill_form(pilot, "e", save=False)
        assert form.query_one("#form-company", Input).value == "Hooli"  # its name, not #id
        await fill_form(pilot, company="Northwind Analytics", role="Platform Engineer",
                        applied_on="2026-11-02", closed_on="2026-12-01", stage="rejected")
        a = _one(demo_path, Application, app_id)
        northwind = read_db(demo_path, lambda s: resolve_company(s, "Northwind").id)
        assert (a.company_id, a.role, a.applied_on.isoformat(), a.closed_on.isoformat(),
                a.stage) == (northwind, "Platform Engineer", "2026-11-02", "2026-12-01",
                             "rejected")
        await _select(pilot, f"app-{app_id}")
        await pilot.press("x")
        await settle(pilot)
        await _confirm(pilot, "Platform Engineer at Northwind Analytics")
    assert _one(demo_path, Application, app_id) is None


# -- companies ------------------------------------------------------------------------------


async def test_company_rename_merge_and_delete(demo_path: str) -> None:
    from crm.core.contacts.companies import get_or_create_company

    stripe = read_db(demo_path, lambda s: resolve_company(s, "Stripe").id)
    from crm.core.db import open_database

    db = open_database(demo_path)
    with db.write() as s:
        twin = get_or_create_company(s, "Stripe Payments").id
        lonely = get_or_create_company(s, "Vandelay Industries").id
    db.dispose()
    async with running(demo_path) as pilot:
        toasts = Toasts(pilot.app)
        # Rename: the name is edited in place.
        await open_screen(pilot, CompanyScreen, "Stripe Payments")
        pilot.app.screen.query_one("#field-name").focus()
        await pilot.press("enter", *"Stripe Payments (old)", "enter")
        await settle(pilot)
        assert _one(demo_path, Company, twin).name == "Stripe Payments (old)"
        # Merge into Stripe: the page becomes Stripe's.
        await fill_form(pilot, "M", into=f"#{stripe}")
        assert isinstance(pilot.app.screen, CompanyScreen)
        assert pilot.app.screen.company_id == stripe
        assert _one(demo_path, Company, twin) is None
        from crm.core.contacts.companies import company_summary

        assert "Stripe Payments (old)" in read_db(  # its name is an alias of the one kept
            demo_path, lambda s: company_summary(s, stripe).aliases)

        # A used company is not deleted: crm says what uses it.
        await pilot.press("D")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ConfirmDialog)
        assert any("still used by" in m and "position" in m for m in toasts.errors())
        assert _one(demo_path, Company, stripe) is not None

        await pilot.press("escape")
        await settle(pilot)
        await open_screen(pilot, CompanyScreen, "Vandelay Industries")
        await pilot.press("D")
        await settle(pilot)
        await _confirm(pilot, "Vandelay Industries")
        assert not isinstance(pilot.app.screen, CompanyScreen)
    assert _one(demo_path, Company, lonely) is None


# -- the keys are shown ---------------------------------------------------------------------


async def test_editing_keys_are_in_the_footer_help_and_palette(demo_path: str) -> None:
    from crm.tui.commands import CrmCommands

    marcus = read_db(demo_path, lambda s: resolve_person(s, "Marcus Webb").id)
    job = _id_of(demo_path, select(Position.id).where(Position.person_id == marcus,
                                                      Position.end.is_(None)))
    async with running(demo_path, size=(160, 40)) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await _select(pilot, f"position-{job}")
        footer = screen_text(pilot.app).splitlines()[-1]
        for key in ("x Remove", "E End position", "o Open company", "k In touch", "I Intro",
                    "M Merge"):
            assert key in footer, (key, footer)  # E and o: on a selected position only
        # the keys a section acts with are named in its title, not in the footer
        page = screen_text(pilot.app)
        assert "E ends" in page and "o opens the company" in page
        screen = pilot.app.screen
        names = [n for n, _h, _r in CrmCommands(screen).screen_actions()]
        for name in ("End the selected position (today or on a date)",
                     "Open the selected position's company", "Mark or unmark this person as me",
                     "Whom I know this person through"):
            assert name in names
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        help_text = screen_text(pilot.app)
        for line in ("End position", "Open company", "Known via", "Remove"):
            assert line in help_text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PeopleScreen)
        assert "^n New person" in screen_text(pilot.app)
    _ = (Person, FormDialog)


async def test_the_person_footer_is_whole_at_80_columns(demo_path: str) -> None:
    """At 80 columns the last key of a person's footer is still shown, not cut ("Refer")."""
    async with running(demo_path, size=(80, 24)) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        footer = screen_text(pilot.app).splitlines()[-1]
        for key in ("esc Back", "x Remove", "k In touch", "I Intro", "M Merge"):
            assert key in footer, (key, footer)
        assert "E End position" not in footer  # (no position is selected)
