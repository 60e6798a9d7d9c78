"""Suggestions in the TUI: shown with their evidence, accepted or dismissed by key."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import open_database
from crm.core.models import Connection
from crm.core.network.suggestions import infer_ties, list_suggestions
from crm.tui.app import make_app
from crm.tui.screens.suggestions import SuggestionsScreen
from tests.tui.helpers import screen_text, settle

pytestmark = pytest.mark.asyncio


async def test_accept_and_dismiss(empty_path: str) -> None:
    db = open_database(empty_path)
    with db.write() as s:
        me = create_person(s, "Maria Sousa", me=True)
        add_position(s, me, "Acme Robotics", title="Research Assistant", start="2023")
        bo, cy = create_person(s, "Bo Chen"), create_person(s, "Cy [b]Reis[/b]")
        add_position(s, bo, "Acme Robotics", title="Engineer")
        add_position(s, cy, "Acme Robotics", title="Engineer")
        infer_ties(s, me.id, [(bo.id, date(2023, 5, 1)), (cy.id, date(2023, 6, 1))],
                   today=date(2025, 1, 1))
        bo_id = bo.id
    db.dispose()
    app = make_app(empty_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_open_suggestions()
        await settle(pilot)
        assert isinstance(app.screen, SuggestionsScreen)
        text = screen_text(app)
        assert "To review (2)" in text and "Bo Chen as your co-worker" in text
        assert "Cy [b]Reis[/b] as your co-worker" in text  # shown literally, never markup
        assert "connected on 2023-05-01 while I was Research Assistant at Acme Robotics" in text
        app.screen.query_one("#suggestion-1").focus()
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#suggestion-2").focus()
        await pilot.press("x")
        await settle(pilot)
        assert "To review (0)" in screen_text(app)
    db = open_database(empty_path)
    with db.read() as s:
        [conn] = s.scalars(select(Connection)).all()
        assert (conn.other_id, conn.kind, conn.source) == (bo_id, "co-worker", "inferred")
        assert [(v.other, v.status) for v in list_suggestions(s, None)] == [
            ("Bo Chen", "accepted"), ("Cy [b]Reis[/b]", "dismissed")]
    db.dispose()
