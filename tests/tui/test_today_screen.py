"""The Today screen: the agenda one key away (f6), each item one key from done."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from crm.core.agenda.todos import add_todo
from crm.core.contacts.people import resolve_person
from crm.core.db import open_database
from crm.core.jobhunt.applications import add_application
from crm.core.jobhunt.reference_list import record_uses
from crm.core.jobhunt.references import set_reference
from crm.core.models import Interaction, Todo
from crm.core.samples.demo import load_demo
from crm.tui.screens.person import PersonScreen
from crm.tui.screens.today import TodayScreen
from crm.tui.widgets.rows import ItemRow
from tests.tui.helpers import Toasts, open_screen, read_db, running, screen_text, settle

pytestmark = pytest.mark.asyncio


def today() -> date:
    """Read when used, not when the tests are collected (a run across midnight)."""
    return date.today()


def _agenda_data(url: str) -> dict[str, int]:
    db = open_database(url)
    try:
        with db.write() as s:
            priya = resolve_person(s, "Priya Natarajan")
            late = add_todo(s, "Send Priya the [b]deck[/b]", person=priya,
                            due_on=today() - timedelta(days=1))
            app = add_application(s, "Stripe, Inc.", "Platform Engineer",
                                  stage="interviewing", interview_on=today() + timedelta(days=2))
            marcus = resolve_person(s, "Marcus Webb")
            ref = set_reference(s, marcus, status="agreed")
            s.refresh(ref)
            record_uses(s, [ref], app)
            proposed = s.scalars(select(Todo.id).where(Todo.origin == "notify-reference")).one()
            return {"late": late.id, "proposed": proposed, "priya": priya.id,
                    "app": app.id}
    finally:
        db.dispose()


def _focus(screen: TodayScreen, key: str) -> None:
    row = screen.query_one(f"#agenda-{key.replace(':', '-')}", ItemRow)
    row.focus()


async def test_today_lists_the_agenda_and_acts_in_one_key(demo_path: str) -> None:
    ids = _agenda_data(demo_path)
    async with running(demo_path) as pilot:
        toasts = Toasts(pilot.app)
        screen = await open_screen(pilot, TodayScreen)
        text = screen_text(pilot.app)
        for part in ("To do", "Interviews", "Due for contact", "Send Priya the [b]deck[/b]",
                     "overdue", "proposed", "Interview: Platform Engineer at Stripe, Inc.",
                     "you know: Marcus Webb"):
            assert part in text, part
        # d: the overdue to-do is done, and leaves the page.
        _focus(screen, f"todo:{ids['late']}")
        await pilot.press("d")
        await settle(pilot)
        assert "Send Priya the [b]deck[/b]" not in screen_text(pilot.app)
        # s: the proposed one (tell Marcus) is snoozed a week.
        _focus(screen, f"todo:{ids['proposed']}")
        await pilot.press("s")
        await settle(pilot)
        # l on a person due for contact logs it today; they leave "due for contact".
        contact = next(i for i in screen.agenda.contacts)  # type: ignore[union-attr]
        _focus(screen, contact.key)
        await pilot.press("n")
        await settle(pilot)
        assert any(m.startswith("Logged contact with") for m in toasts.messages())
        assert contact.key not in {i.key for i in screen.agenda.contacts}  # type: ignore[union-attr]
        assert not toasts.errors()
    todos = read_db(demo_path, lambda s: {t.id: (t.status, t.snoozed_until)
                                          for t in s.scalars(select(Todo))})
    assert todos[ids["late"]] == ("done", None)
    assert todos[ids["proposed"]] == ("open", today() + timedelta(days=7))
    logged = read_db(demo_path, lambda s: s.scalars(select(Interaction).where(
        Interaction.person_id == contact.person_id,
        Interaction.occurred_on == today())).all())
    assert len(logged) == 1


async def test_x_dismisses_a_proposal_and_enter_opens_the_person(demo_path: str) -> None:
    ids = _agenda_data(demo_path)
    async with running(demo_path) as pilot:
        screen = await open_screen(pilot, TodayScreen)
        _focus(screen, f"todo:{ids['proposed']}")
        await pilot.press("x")
        await settle(pilot)
        _focus(screen, f"todo:{ids['late']}")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PersonScreen)
        assert pilot.app.screen.person_id == ids["priya"]
    status = read_db(demo_path, lambda s: s.get(Todo, ids["proposed"]).status)  # type: ignore[union-attr]
    assert status == "dismissed"


async def test_today_on_each_backend_and_in_help_and_palette(db_url: str) -> None:
    db = open_database(db_url)
    with db.write() as s:
        load_demo(s)
    db.dispose()
    ids = _agenda_data(db_url)
    async with running(db_url) as pilot:
        screen = await open_screen(pilot, TodayScreen)
        assert "Send Priya the [b]deck[/b]" in screen_text(pilot.app)
        _focus(screen, f"todo:{ids['late']}")
        await pilot.press("question_mark")
        await settle(pilot)
        help_text = screen_text(pilot.app)
        for what in ("Log", "Done", "Snooze", "Remove", "Today"):
            assert what in help_text, what
        await pilot.press("escape")
        await settle(pilot)
    assert read_db(db_url, lambda s: s.get(Todo, ids["late"]).status) == "open"  # type: ignore[union-attr]


async def test_an_empty_agenda_says_so(empty_path: str) -> None:
    async with running(empty_path) as pilot:
        await open_screen(pilot, TodayScreen)
        assert "Nothing on the agenda" in screen_text(pilot.app)


async def test_p_on_an_application_writes_its_prep_sheet(demo_path: str, tmp_path: Any) -> None:
    from crm.tui.screens.applications import ApplicationsScreen
    from tests.tui.helpers import fill_form

    out = tmp_path / "prep.md"
    async with running(demo_path) as pilot:
        toasts = Toasts(pilot.app)
        screen = await open_screen(pilot, ApplicationsScreen)
        stripe = next(a for a in screen.applications if a.company == "Stripe, Inc.")
        screen.query_one(f"#app-{stripe.id}", ItemRow).focus()
        await fill_form(pilot, "p", format="md", path=str(out))
        assert f"Wrote {out}" in toasts.messages()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Software Engineer II at Stripe, Inc.")
    assert "## Who you know there now" in text and "Marcus Webb" in text


LONG_NAME = ("Maximilian Alexander Bartholomew-Featherstonehaugh of the Lower Wensleydale "
             "Cheese Cooperative")


async def test_at_80_columns_a_long_reason_wraps_under_itself_and_the_keys_fit(
        demo_path: str) -> None:
    db = open_database(demo_path)
    with db.write() as s:
        from crm.core.contacts.people import create_person

        add_todo(s, "Call about the grant", person=create_person(s, LONG_NAME), due_on=today())
    db.dispose()
    async with running(demo_path, size=(80, 24)) as pilot:
        await open_screen(pilot, TodayScreen)
        lines = screen_text(pilot.app).splitlines()
        at = next(i for i, line in enumerate(lines) if "Call about the grant" in line)
        under = lines[at + 1:at + 3]  # the reason (the person's name), wrapped in two
        assert " ".join(line.strip() for line in under) == LONG_NAME
        assert all(line.startswith(" " * 6) and line[6] != " " for line in under), under
        # The keys that act on an item, help, and the screens: none cut at 80 columns.
        footer = lines[-1]
        for key in ("⏎ Open", "n Log", "d Done", "s Snooze"):
            assert key in footer, footer
        tabs = lines[1]  # help and the screens: the tab line under the header
        assert "F6 Today" in tabs and "? keys" in tabs, tabs
        await pilot.press("question_mark")
        await settle(pilot)
        assert "Remove" in screen_text(pilot.app)  # x: on ? (not in the footer)


async def test_a_to_do_added_on_a_person_page_is_on_today(demo_path: str) -> None:
    """t on a person's page adds a to-do about them (the TUI had no way to add one: the
    empty agenda sent TUI users to `crm todo add`); it is then on Today, due as typed."""
    from tests.tui.helpers import fill_form

    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Priya Natarajan")
        await fill_form(pilot, "t", text="Send Priya the portfolio", due="tomorrow")
        await open_screen(pilot, TodayScreen)
        assert "Send Priya the portfolio" in screen_text(pilot.app)
    todos = read_db(demo_path, lambda s: [(t.text, t.due_on) for t in s.scalars(
        select(Todo).where(Todo.text == "Send Priya the portfolio"))])
    assert todos == [("Send Priya the portfolio", today() + timedelta(days=1))]


async def test_a_long_section_shows_the_rest_on_enter(demo_path: str) -> None:
    """A section longer than 20 rows ends in "… and N more"; enter there shows them all
    (it sent TUI users to `crm agenda`), the cursor on the first row that was hidden."""
    db = open_database(demo_path)
    with db.write() as s:
        priya = resolve_person(s, "Priya Natarajan")
        for n in range(25):
            add_todo(s, f"Task {n:02d}", person=priya, due_on=today() - timedelta(days=1))
    db.dispose()
    async with running(demo_path, size=(120, 60)) as pilot:
        screen = await open_screen(pilot, TodayScreen)
        text = screen_text(pilot.app)
        assert "more (enter shows them all)" in text and "crm agenda" not in text
        screen.query_one("#more-todos", ItemRow).focus()
        await pilot.press("enter")
        await settle(pilot)
        todo_rows = [k for k, item in screen.by_row.items() if item.kind == "todo"]
        assert len(todo_rows) == 25
        assert not screen.query("#more-todos")
        focused = pilot.app.focused
        assert focused is not None and screen.by_row[focused.id or ""].kind == "todo"
