"""The TUI on both backends: the same screens over SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from crm.core.db import open_database
from crm.core.demo import load_demo
from crm.core.profile import person_detail
from crm.tui.app import make_app
from crm.tui.screens.person import PersonScreen
from crm.tui.widgets.editable import EditableField
from tests.tui.conftest import SIZE, screen_text, settle

pytestmark = pytest.mark.asyncio


async def test_search_open_and_edit_on_each_backend(db_url: str) -> None:
    db = open_database(db_url)
    with db.write() as s:
        load_demo(s)
    db.dispose()
    app = make_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "31 people" in screen_text(app)
        await pilot.press(*"northwind")
        await settle(pilot)
        assert "Priya Natarajan" in screen_text(app) and "Ravi Shah" not in screen_text(app)
        await pilot.press("down", "ctrl+s")  # sort the matches by company
        await settle(pilot)
        assert "sorted by company" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press(*"priya", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        screen.query_one("#field-location", EditableField).focus()
        await pilot.press("enter", *"Zürich", "enter")
        await settle(pilot)
        pid = screen.person_id
    db = open_database(db_url)
    with db.read() as s:
        assert person_detail(s, pid)["location"] == "Zürich"
    db.dispose()
