"""The people list: first screen, search as you type, sorting, paging, opening a person."""

from __future__ import annotations

import pytest

from crm.core.contacts.people import create_person
from crm.core.db import open_database
from crm.tui.screens.people import PeopleScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.widgets.lazy_table import LazyTable
from tests.tui.helpers import running, screen_text, settle

pytestmark = pytest.mark.asyncio


def _lines(table: LazyTable) -> list[str]:
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


async def test_first_screen_lists_people_with_company_title_and_last_contacted(
        demo_path: str) -> None:
    # (one column: below 120 the list has no card beside it and shows its cells whole)
    async with running(demo_path, size=(110, 36)) as pilot:
        app = pilot.app
        text = screen_text(app)
        assert "31 people" in text
        assert "Name ▼" in text and "Last contacted" in text
        priya = next(line for line in text.splitlines() if "Priya Natarajan" in line)
        assert "Northwind Analytics" in priya and "Data Science Manager" in priya
        assert "2026-09-12" in priya
        assert "Jordan Lee  (me)" in text


async def test_typing_filters_and_enter_opens_the_person(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        await pilot.press(*"stripe")
        await settle(pilot)
        text = screen_text(app)
        assert "match" in text
        assert "Marcus Webb" in text and "Priya Natarajan" not in text
        await pilot.press(*" zz")  # "stripe zz": nobody
        await settle(pilot)
        assert "0 people match" in screen_text(app)
        await pilot.press("ctrl+u", *"muller")  # accent-insensitive
        await settle(pilot)
        table = app.screen.query_one(LazyTable)
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert "Zoë Müller" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)


async def test_stale_searches_never_overwrite_the_latest(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, PeopleScreen)
        table = screen.table
        # A search started for an older generation lands after the newest one: ignored.
        stale = table.generation
        screen.search("hooli", "name", stale)
        await pilot.press(*"initech")
        await settle(pilot)
        screen.search("hooli", "name", stale)
        await settle(pilot)
        names = [table.row_at(i).name for i in range(table.row_count)]
        assert "Rachel Moore" in names  # Initech
        assert "Ben Carter" not in names  # Hooli only


async def test_arrows_move_and_sort_cycles(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        await pilot.press("down")  # from the search box into the list
        table = app.screen.query_one(LazyTable)
        assert table.has_focus
        await pilot.press("down", "down")
        assert table.cursor == 2 and table.cursor_row.name == "Arjun Mehta"
        await pilot.press("ctrl+o")  # by company
        await settle(pilot)
        assert "sorted by company" in screen_text(app)
        assert table.row_at(0).company == "Acme Robotics, Inc."
        await pilot.press("ctrl+o")  # by last contacted, most recent first
        await settle(pilot)
        assert table.row_at(0).name == "Rachel Moore"
        assert table.row_at(0).last_contacted == "2026-11-10"


async def test_only_visible_pages_are_loaded(empty_path: str) -> None:
    db = open_database(empty_path)
    with db.write() as s:
        for i in range(1000):
            create_person(s, f"Person {i:04d}")
    db.dispose()
    async with running(empty_path) as pilot:
        app = pilot.app
        table = app.screen.query_one(LazyTable)
        assert table.row_count == 1000
        assert len(table._pages) == 1  # the first page, not 1000 rows
        assert "1,000 people" in screen_text(app)
        await pilot.press("down", "end")
        await settle(pilot)
        assert table.cursor == 999
        assert "Person 0999" in _lines(table)[-1]
        assert sorted(table._pages) == [0, 9]  # the first page and the last, nothing between


async def test_clicking_a_row_selects_and_a_second_click_opens(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        table = app.screen.query_one(LazyTable)
        await pilot.click(table, offset=(2, 3))  # header is line 0: third row
        assert table.cursor == 2
        await pilot.click(table, offset=(2, 3))
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert "Arjun Mehta" in screen_text(app)


async def test_typing_in_the_list_goes_to_the_search_box(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        app = pilot.app
        await pilot.press("down", "down")
        table = app.screen.query_one(LazyTable)
        assert table.has_focus
        await pilot.press(*"die")  # "d" is the welcome's key, but there is no welcome here
        await settle(pilot)
        assert app.screen.query_one("#people-search").value == "die"
        assert "Diego Alvarez" in screen_text(app)
        await pilot.press("down", "q")  # bound keys keep their meaning
        await pilot.pause()
        assert not app.is_running


async def test_a_broad_search_counts_up_to_a_cap_and_still_scrolls_to_the_last_match(
        empty_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PeopleScreen, "COUNT_CAP", 100)
    db = open_database(empty_path)
    with db.write() as s:
        for i in range(250):
            create_person(s, f"Person {i:04d}")
    db.dispose()
    async with running(empty_path) as pilot:
        app = pilot.app
        table = app.screen.query_one(LazyTable)
        await settle(pilot)
        assert "250 people" in screen_text(app)  # everyone: counted exactly
        await pilot.press(*"person")
        await settle(pilot)
        assert "100+ people match" in screen_text(app)
        await pilot.press("down")
        for _ in range(4):
            await pilot.press("end")
            await settle(pilot)
        assert table.cursor == 249 and table.cursor_row.name == "Person 0249"
        assert "250 people match" in screen_text(app)  # the end of the list tells the count


async def test_a_search_says_the_best_match_is_first(demo_path: str) -> None:
    """A search in name order is ranked (Marcus before the people whose note names him): the
    status line says so rather than "sorted by name"."""
    from tests.tui.helpers import running, screen_text, settle

    async with running(demo_path) as pilot:
        await pilot.press(*"marcus")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "match · best match first" in text and "sorted by name" not in text
        first = text.index("Marcus Webb")
        assert all(first < text.index(other) for other in ("Felix Wagner",) if other in text)
