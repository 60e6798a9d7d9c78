"""The duplicates list, the merge screen (a pick per field, the rest of both kept) and the
deleted list (undelete), each driven as a user would, the database checked after."""

from __future__ import annotations

import pytest

from crm.core.contacts.people import create_person, resolve_person
from crm.core.contacts.profile import person_detail
from crm.core.db import open_database
from crm.core.models import Person
from crm.core.upkeep.editing import add_interaction, update_person
from crm.core.upkeep.merge import merged_into
from crm.core.upkeep.tombstones import list_tombstones
from crm.tui.lines import NONE_YET
from crm.tui.screens.deleted import DeletedScreen
from crm.tui.screens.dialogs import ConfirmDialog
from crm.tui.screens.duplicates import DuplicatesScreen
from crm.tui.screens.merge import MergeScreen
from crm.tui.screens.person import PersonScreen
from tests.tui.helpers import fill_form, open_screen, read_db, running, screen_text, settle

pytestmark = pytest.mark.asyncio


def _add_twin(path: str) -> tuple[int, int]:
    """A second card for Priya (her personal email, another headline): (Priya's id, twin's)."""
    db = open_database(path)
    with db.write() as s:
        priya = resolve_person(s, "Priya Natarajan")
        update_person(s, priya.id, {"headline": "Data science manager"})
        twin = create_person(s, "Priya N.", emails=["priya.n@gmail.com", "priya@northwind.io"],
                             note="From my phone")
        update_person(s, twin.id, {"headline": "Forecasting lead"})
        add_interaction(s, twin.id, "coffee", "2026-11-20", "Coffee near the office")
        ids = priya.id, twin.id
    db.dispose()
    return ids


async def _palette(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*name)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_merge_from_the_person_screen_with_a_picked_field(demo_path: str) -> None:
    priya, twin = _add_twin(demo_path)
    async with running(demo_path, size=(80, 24)) as pilot:
        await open_screen(pilot, PersonScreen, "Priya Natarajan")
        assert "M Merge with…" in screen_text(pilot.app) or "Merge with" in str(
            [b.binding.description for b in pilot.app.screen.active_bindings.values()])
        await fill_form(pilot, "M", other=f"#{twin}")
        screen = pilot.app.screen
        assert isinstance(screen, MergeScreen)
        text = screen_text(pilot.app)
        assert "Priya Natarajan" in text and "Priya N." in text  # side by side
        # Take the twin's headline; keep Priya's name.
        screen.query_one("#pick-headline").focus()
        await pilot.press("right")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PersonScreen)
        assert pilot.app.screen.person_id == priya

    d = read_db(demo_path, lambda s: person_detail(s, priya))
    assert d.name == "Priya Natarajan"
    assert d.headline == "Forecasting lead"  # the value picked
    emails = {c.value for c in d.contact_points if c.kind == "email"}
    assert emails == {"priya@northwind.io", "priya.n@gmail.com"}  # the union, once each
    assert "Coffee near the office" in [i.summary for i in d.interactions]
    assert "From my phone" in (d.note or "")
    assert read_db(demo_path, lambda s: s.get(Person, twin)) is None
    assert read_db(demo_path, lambda s: merged_into(s, twin)) == priya  # the old id leads on


async def test_duplicates_list_from_the_palette_opens_the_merge_screen(demo_path: str) -> None:
    priya, twin = _add_twin(demo_path)
    async with running(demo_path) as pilot:
        await _palette(pilot, "Duplicates and merge")
        assert isinstance(pilot.app.screen, DuplicatesScreen)
        text = screen_text(pilot.app)
        assert "Priya Natarajan" in text and "Priya N." in text
        assert "email: priya@northwind.io" in text  # the evidence
        row = next(r for r in pilot.app.screen.query("ItemRow")
                   if r.kind == "person" and set(r.key[:2]) == {priya, twin})
        row.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MergeScreen)
        text = screen_text(pilot.app)
        # (one interaction "move over"d; fields the same on both were "Fields one has")
        assert "1 interaction of Priya N. moves over" in text
        assert "Fields kept as they are" in text
        await pilot.press("s")  # swap: the twin stays
        await settle(pilot)
        assert pilot.app.screen.keep_id == twin
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert read_db(demo_path, lambda s: s.get(Person, priya)) is None
    assert read_db(demo_path, lambda s: merged_into(s, priya)) == twin
    # The twin kept its own values where both had one (nothing picked).
    assert read_db(demo_path, lambda s: s.get(Person, twin).headline) == "Forecasting lead"


async def test_undelete_from_the_deleted_list(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert read_db(demo_path, list_tombstones)[0].name == "Marcus Webb"

        await _palette(pilot, "Deleted people")
        assert isinstance(pilot.app.screen, DeletedScreen)
        assert "Marcus Webb" in screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        assert "Restore Marcus Webb" in screen_text(pilot.app)
        await pilot.press("y")
        await settle(pilot)
        assert NONE_YET in screen_text(pilot.app)
    marcus = read_db(demo_path, lambda s: person_detail(s, resolve_person(s, "Marcus Webb").id))
    assert "marcus.webb@gmail.com" in [c.value for c in marcus.contact_points]
    assert read_db(demo_path, list_tombstones) == []


async def test_the_merge_keys_fit_the_footer_at_80_columns(demo_path: str) -> None:
    priya, twin = _add_twin(demo_path)
    async with running(demo_path, size=(80, 24)) as pilot:
        pilot.app.push_screen(MergeScreen(priya, twin))
        await settle(pilot)
        pilot.app.screen.query_one("#pick-headline").focus()
        await settle(pilot)
        footer = screen_text(pilot.app).splitlines()[-1]
        for key in ("⏎ Pick", "esc Back", "s Swap", "^s Merge"):
            assert key in footer, footer
        # help and the screens: on the tab line under the header, whole at 80 columns
        tabs = screen_text(pilot.app).splitlines()[1]
        assert "F6 Today" in tabs and "? keys" in tabs, tabs
        await _palette(pilot, "Duplicates and merge")
        footer = screen_text(pilot.app).splitlines()[-1]
        assert "esc Back" in footer, footer
        tabs = screen_text(pilot.app).splitlines()[1]
        assert "F6 Today" in tabs and "? keys" in tabs, tabs
