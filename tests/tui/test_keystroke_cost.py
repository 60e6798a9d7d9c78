"""What a keystroke costs the screen: typing a search and its answer repaint the list, and
moving between rows moves the focus; neither lays the whole screen out again (each layout
reflows and repaints every widget: ~30 ms at 120 columns, most of a keystroke at 100k
people; ~90 ms on a full Today page), and no full garbage collection of start-up's objects
lands in the middle of one."""

from __future__ import annotations

import gc
from itertools import pairwise
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from crm.core.contacts.listing import people_page
from crm.core.contacts.profile import person_detail
from crm.core.db import open_database
from crm.tui.screens.people import PeopleScreen, person_card
from crm.tui.screens.today import AgendaRow, TodayScreen
from crm.tui.widgets.chrome import CrmFooter
from crm.tui.widgets.lazy_table import LazyTable
from tests.tui.helpers import open_screen, running, screen_text, settle

NARROW = (80, 24)  # no card beside the list: its reads lay out (its height follows the card)


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    layouts = [0]
    real = Screen._refresh_layout

    def counted(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        layouts[0] += 1
        real(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return layouts


@pytest.mark.asyncio
async def test_typing_a_search_repaints_the_list_without_laying_out_the_screen(
        demo_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with running(demo_path, size=NARROW) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, PeopleScreen)
        table = screen.query_one(LazyTable)
        layouts = count_layouts(monkeypatch)
        # A layout is due only when the list's scrollbar comes or goes (the list is then
        # narrower or wider): the demo's 31 people overflow 80x24, a search's few do not.
        scrollbar = [table.show_vertical_scrollbar]
        for ch in "marc":
            await pilot.press(ch)
            await settle(pilot)
            scrollbar.append(table.show_vertical_scrollbar)
        text = screen_text(pilot.app)
        assert "Marcus Webb" in text and "match" in text  # the answer and its count shown
        for _ in range(4):
            await pilot.press("backspace")
            await settle(pilot)
            scrollbar.append(table.show_vertical_scrollbar)
        assert "match" not in screen_text(pilot.app)
        comings_and_goings = sum(a != b for a, b in pairwise(scrollbar))
        assert comings_and_goings == 2
        assert layouts[0] == comings_and_goings


@pytest.mark.asyncio
async def test_the_list_still_scrolls_to_its_last_row_after_searches(demo_path: str) -> None:
    # The list's height is kept without a layout (LazyTable._update_size): its scrolling and
    # scrollbar must still follow each answer's number of rows.
    async with running(demo_path, size=(80, 12)) as pilot:
        table = pilot.app.screen.query_one(LazyTable)
        everyone = table.row_count
        assert everyone > table.visible_rows  # the demo does not fit: a scrollbar
        assert table.show_vertical_scrollbar
        await pilot.press("m")
        await settle(pilot)
        fewer = table.row_count
        assert 0 < fewer < everyone
        assert table.virtual_size.height == fewer + 1  # the header line and the rows
        table.focus()
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor == fewer - 1
        assert table.scroll_offset.y == max(fewer - table.visible_rows, 0)
        await pilot.press("escape")  # the search cleared: everyone again, scrollable to the end
        await settle(pilot)
        assert table.row_count == everyone
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor == everyone - 1
        assert table.scroll_offset.y == everyone - table.visible_rows


@pytest.mark.asyncio
async def test_what_start_up_made_is_out_of_the_collectors_reach_once_open(
        demo_path: str) -> None:
    gc.unfreeze()
    async with running(demo_path) as pilot:
        assert pilot.app.screen.query_one(LazyTable).row_count
        assert gc.get_freeze_count() > 100_000


def test_the_card_beside_the_list_reads_less_and_shows_the_same(demo_path: str) -> None:
    # The card is read on every move of the list's cursor: its brief read skips what only the
    # person's page shows (co-workers derived from every overlapping job, referrals, imported
    # cards), and the card it makes is the card the whole read makes, for everyone.
    db = open_database(demo_path)
    try:
        with db.read() as s:
            ids = [row.id for row in people_page(s, "", 0, 100)]
            assert len(ids) > 20
            for pid in ids:
                full, brief = person_detail(s, pid), person_detail(s, pid, brief=True)
                assert person_card(brief) == person_card(full)
            assert any(person_detail(s, pid).connections for pid in ids)
            assert not any(person_detail(s, pid, brief=True).connections for pid in ids)
    finally:
        db.dispose()


@pytest.mark.asyncio
async def test_moving_between_rows_of_a_kind_neither_rebuilds_the_footer_nor_lays_out(
        demo_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Textual rebuilds its footer on every focus move (each rebuild lays the page out again:
    # most of opening the Today screen); the keys shown are the same from one row to the next.
    async with running(demo_path) as pilot:
        screen = await open_screen(pilot, TodayScreen)
        contacts = [row for row in screen.query(AgendaRow)
                    if screen.by_row[row.id or ""].kind == "contact"]
        assert len(contacts) >= 3
        contacts[0].focus()
        await settle(pilot)
        footer = screen.query_one(CrmFooter)
        keys_before = [key.description for key in footer.query(FooterKey)]
        assert "Log" in keys_before
        rebuilds = [0]
        real_compose = CrmFooter.compose

        def counted(self: CrmFooter) -> Any:
            rebuilds[0] += 1
            return real_compose(self)

        monkeypatch.setattr(CrmFooter, "compose", counted)
        layouts = count_layouts(monkeypatch)
        await pilot.press("down", "down")
        await settle(pilot)
        assert pilot.app.focused is contacts[2]
        assert (rebuilds[0], layouts[0]) == (0, 0)
        assert [key.description for key in footer.query(FooterKey)] == keys_before
