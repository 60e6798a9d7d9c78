"""The TUI on both backends: the same screens over SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from crm.core.contacts.profile import person_detail
from crm.core.db import open_database
from crm.core.samples.demo import load_demo
from crm.tui.screens.person import PersonScreen
from crm.tui.widgets.editable import EditableField
from tests.tui.helpers import read_db, running, screen_text, settle

pytestmark = pytest.mark.asyncio


async def test_search_open_and_edit_on_each_backend(db_url: str) -> None:
    db = open_database(db_url)
    with db.write() as s:
        load_demo(s)
    db.dispose()
    async with running(db_url) as pilot:
        app = pilot.app
        assert "31 people" in screen_text(app)
        await pilot.press(*"northwind")
        await settle(pilot)
        assert "Priya Natarajan" in screen_text(app) and "Ravi Shah" not in screen_text(app)
        await pilot.press("down", "ctrl+o")  # sort the matches by company
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
    assert read_db(db_url, lambda s: person_detail(s, pid).to_json())["location"] == "Zürich"
