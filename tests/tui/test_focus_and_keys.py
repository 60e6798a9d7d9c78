"""Focus and keys (issue #18 item 1): every screen opens with its first key acting on a row,
and gets it back after a dialog; `/` searches without typing "/"; esc goes back to the list;
keymap.toml remaps keys, and a broken one is told (file, line, what) with the defaults kept.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from crm.core.contacts.people import create_person, resolve_person
from crm.core.contacts.positions import add_position
from crm.core.db import open_database
from crm.core.network.suggestions import infer_ties
from crm.core.upkeep.editing import delete_person, update_person
from crm.tui.app import make_app
from crm.tui.screens.companies import CompaniesScreen
from crm.tui.screens.company import CompanyScreen
from crm.tui.screens.deleted import DeletedScreen
from crm.tui.screens.dialogs import ConfirmDialog, FormDialog
from crm.tui.screens.duplicates import DuplicatesScreen
from crm.tui.screens.help import HelpScreen
from crm.tui.screens.merge import FieldPick, MergeScreen
from crm.tui.screens.people import PeopleScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.screens.references import ExportDone, ReferencesScreen
from crm.tui.screens.suggestions import SuggestionsScreen
from crm.tui.widgets.editable import EditableField
from crm.tui.widgets.lazy_table import LazyTable
from tests.tui.helpers import (
    SIZE,
    Toasts,
    fill_form,
    open_screen,
    read_db,
    running,
    screen_text,
    settle,
)

pytestmark = pytest.mark.asyncio


def _write(path: str, job: Any) -> Any:
    db = open_database(path)
    try:
        with db.write() as s:
            return job(s)
    finally:
        db.dispose()


# -- every screen opens with its first key acting ----------------------------------------


async def test_people_down_then_enter_opens_the_first_person(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        table = pilot.app.screen.query_one(LazyTable)
        first = table.row_at(0).name
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PersonScreen)
        assert first in screen_text(pilot.app)


async def test_companies_down_then_enter_opens_the_first_company(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        await open_screen(pilot, CompaniesScreen)
        first = pilot.app.screen.query_one(LazyTable).row_at(0).name
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CompanyScreen)
        assert pilot.app.screen.sub_title == first


async def test_references_s_and_m_act_on_the_first_reference_at_once(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        await open_screen(pilot, ReferencesScreen)
        first = pilot.app.screen.references[0].name  # agreed first, as the board shows them
        toasts = Toasts(pilot.app)
        await pilot.press("m")
        await settle(pilot)
        assert not any("Select a reference first" in m for m in toasts.messages())
        assert any("notified" in m for m in toasts.messages()), toasts.messages()
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)
        assert first in screen_text(pilot.app)


async def test_applications_s_acts_on_the_first_application_at_once(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        from crm.tui.screens.applications import ApplicationsScreen

        screen = await open_screen(pilot, ApplicationsScreen)
        first = next(a for a in screen.applications if f"app-{a.id}" == screen.focused.id)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)
        assert f"Stage of {first.role}" in screen_text(pilot.app)


async def test_today_enter_opens_the_first_item_at_once(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        from crm.tui.screens.today import TodayScreen

        screen = await open_screen(pilot, TodayScreen)
        assert screen.agenda is not None and screen.agenda.items
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, (PersonScreen, CompanyScreen))


async def test_company_page_opens_on_its_first_person(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        screen = await open_screen(pilot, CompanyScreen, "Hooli")
        first = screen.page.who.current[0].person.name
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PersonScreen)
        assert first in screen_text(pilot.app)


async def test_person_page_e_edits_at_once(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await pilot.press("e")
        await settle(pilot)
        focused = pilot.app.focused
        assert isinstance(focused, Input), focused
        assert focused.value == "Marcus Webb"
        assert isinstance(focused.parent, EditableField)


async def test_duplicates_enter_opens_the_merge_of_the_first_pair(demo_path: str) -> None:
    def twin(s: Any) -> None:
        create_person(s, "Priya N.", emails=["priya@northwind.io"])

    _write(demo_path, twin)
    async with running(demo_path) as pilot:
        pilot.app.action_open_duplicates()
        await settle(pilot)
        assert isinstance(pilot.app.screen, DuplicatesScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MergeScreen)


async def test_merge_enter_picks_on_the_first_field_at_once(demo_path: str) -> None:
    def twin(s: Any) -> tuple[int, int]:
        priya = resolve_person(s, "Priya Natarajan")
        other = create_person(s, "Priya N.", emails=["priya@northwind.io"])
        update_person(s, other.id, {"headline": "Forecasting lead"})
        return priya.id, other.id

    keep, other = _write(demo_path, twin)
    async with running(demo_path) as pilot:
        pilot.app.open_merge(keep, other)
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MergeScreen)
        first = screen.query(FieldPick).first()
        assert first.taken == "keep"
        await pilot.press("enter")
        assert first.taken == "other"


async def test_deleted_u_asks_to_restore_the_first_person_at_once(demo_path: str) -> None:
    _write(demo_path, lambda s: delete_person(s, resolve_person(s, "Tom Becker").id))
    async with running(demo_path) as pilot:
        pilot.app.action_open_deleted()
        await settle(pilot)
        assert isinstance(pilot.app.screen, DeletedScreen)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        assert "Restore Tom Becker" in screen_text(pilot.app)


async def test_suggestions_a_accepts_the_first_at_once(empty_path: str) -> None:
    def ties(s: Any) -> None:
        me = create_person(s, "Maria Sousa", me=True)
        add_position(s, me, "Acme Robotics", title="Research Assistant", start="2023")
        bo = create_person(s, "Bo Chen")
        add_position(s, bo, "Acme Robotics", title="Engineer")
        infer_ties(s, me.id, [(bo.id, date(2023, 5, 1))], today=date(2025, 1, 1))

    _write(empty_path, ties)
    async with running(empty_path) as pilot:
        toasts = Toasts(pilot.app)
        pilot.app.action_open_suggestions()
        await settle(pilot)
        assert isinstance(pilot.app.screen, SuggestionsScreen)
        await pilot.press("a")
        await settle(pilot)
        assert "Accepted: Bo Chen is your co-worker." in toasts.messages()


async def test_focus_comes_back_to_the_row_after_the_export_dialog(demo_path: str,
                                                                   tmp_path: Path) -> None:
    async with running(demo_path) as pilot:
        screen = await open_screen(pilot, ReferencesScreen)
        second = screen.references[1].name
        await pilot.press("down")  # the second reference
        await fill_form(pilot, "ctrl+e", path=str(tmp_path / "refs.md"))
        assert isinstance(pilot.app.screen, ExportDone)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        await pilot.press("s")  # acts on the row selected before the export
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)
        assert second in screen_text(pilot.app)


# -- / and esc on the lists ------------------------------------------------------------------


@pytest.mark.parametrize("screen", [PeopleScreen, CompaniesScreen])
async def test_slash_then_typing_searches_for_exactly_what_was_typed(
        demo_path: str, screen: Any) -> None:
    async with running(demo_path) as pilot:
        if screen is CompaniesScreen:
            await open_screen(pilot, CompaniesScreen)
        box = pilot.app.screen.search_box
        await pilot.press("slash", "q")  # the search box has the focus already
        await settle(pilot)
        assert box.value == "q"
        await pilot.press("escape")  # back to the list, the search kept
        assert isinstance(pilot.app.focused, LazyTable)
        assert box.value == "q"
        await pilot.press("slash", "h", "o")  # from the list: a new search (the old one
        await settle(pilot)                    # is selected, so typing replaces it)
        assert pilot.app.focused is box
        assert box.value == "ho"
        await pilot.press("escape", "slash", "end", "p")  # an arrow or end keeps it
        await settle(pilot)
        assert box.value == "hop"


async def test_esc_in_the_list_clears_the_search(demo_path: str) -> None:
    from sqlalchemy import func, select

    from crm.core.models import Person

    everyone = read_db(demo_path, lambda s: s.scalar(select(func.count(Person.id))))
    async with running(demo_path) as pilot:
        screen = pilot.app.screen
        await pilot.press(*"northwind")
        await settle(pilot)
        assert screen.total is not None and screen.total < everyone
        await pilot.press("escape", "escape")  # to the list, then the search cleared
        await settle(pilot)
        assert screen.search_box.value == ""
        assert screen.total == everyone
        assert isinstance(pilot.app.focused, LazyTable)


# -- keymap.toml -----------------------------------------------------------------------------


def _keymap(text: str) -> Path:
    import os

    path = Path(os.environ["CRM_CONFIG_DIR"]) / "keymap.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def test_keymap_file_remaps_a_key(demo_path: str) -> None:
    _keymap('"app.companies" = "f9"\n[people]\nsort = ["ctrl+r"]\n')
    async with running(demo_path) as pilot:
        app = pilot.app
        assert "sorted by name" in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "sorted by company" in screen_text(app)
        await pilot.press("f3")  # the old key of Companies does nothing now
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.bindings_listed()["Companies"] == "f9"
        assert "keymap.toml" in screen_text(app)


async def test_broken_keymap_file_is_told_and_the_defaults_kept(demo_path: str) -> None:
    path = _keymap('# my keys\n"app.companies" = "f9\n')
    app = make_app(demo_path)
    toasts = Toasts(app)  # (the app's toasts, from its first moment)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(toasts.errors()) == 1, toasts.shown  # one line, no traceback
        told = toasts.errors()[0]
        assert told.startswith(f"{path}, line 2: not valid TOML (")
        assert told.endswith("the default keys are used")
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)


async def test_keymap_unknown_ids_and_bad_keys_are_named(demo_path: str) -> None:
    path = _keymap('"app.companies" = "f9"\n"app.compnies" = "f8"\n"app.today" = "ctrl+nope"\n'
                   '"app.references" = 4\n')
    app = make_app(demo_path)
    toasts = Toasts(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = "\n".join(toasts.errors())
        assert f"{path}, line 3: app.today: 'ctrl+nope' is not a key name" in text
        assert f"{path}, line 4: app.references should be a key in quotes" in text
        assert f"{path}, line 2: no key has the id 'app.compnies'" in text
        await pilot.press("f9")  # the good entry is applied
        await settle(pilot)
        assert isinstance(pilot.app.screen, CompaniesScreen)
        await pilot.press("f6")  # a bad entry keeps its default key
        await settle(pilot)
        from crm.tui.screens.today import TodayScreen

        assert isinstance(pilot.app.screen, TodayScreen)


async def test_read_keymap_flattens_tables_and_names_keys_as_textual_does(tmp_path: Path) -> None:
    from crm.tui.keymap import read_keymap

    path = tmp_path / "keymap.toml"
    path.write_text('app.help = "?"\n[refs]\nexport = "ctrl+/, X"\n', encoding="utf-8")
    keymap = read_keymap(path)
    assert keymap.problems == []
    assert keymap.keys == {"app.help": "question_mark", "refs.export": "ctrl+slash,X"}
    assert keymap.lines == {"app.help": 1, "refs.export": 3}
    assert read_keymap(tmp_path / "none.toml").keys == {}


async def test_keymap_taking_another_actions_key_is_told(demo_path: str) -> None:
    _keymap('"people.sort" = "ctrl+n"\n')  # New person's key
    app = make_app(demo_path)
    toasts = Toasts(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")  # sorts now
        await settle(pilot)
        assert "sorted by company" in screen_text(app)
        assert any("ctrl+n is now people.sort on PeopleScreen, so 'New person' (people.add) "
                   "has no key there" in m for m in toasts.errors()), toasts.shown


async def test_arrows_stop_at_the_first_and_last_row_of_a_page(demo_path: str) -> None:
    # ↓ on a person's last row went on to the scrolling page itself: no row looked selected
    # and the row keys answered "Select … first". Now it stays, the page's end in view; ↑ on
    # the first field stays too, the page's top in view.
    async with running(demo_path, size=(120, 24)) as pilot:
        screen = await open_screen(pilot, PersonScreen, "Marcus Webb")
        body = screen.query_one("#person-body")
        rows = [w for w in screen.focus_chain if w is not body]
        rows[-1].focus()
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        assert pilot.app.focused is rows[-1]
        assert body.scroll_y == body.max_scroll_y > 0
        rows[0].focus()
        await pilot.press("up")
        await settle(pilot)
        assert pilot.app.focused is rows[0]
        assert body.scroll_y == 0
        await pilot.press("down")
        assert pilot.app.focused is rows[1]
