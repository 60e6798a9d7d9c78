"""The child process of the TUI crash-safety test: the real app, headless, making one edit.

    python -m tests.reliability.tui_editor DB EDIT

runs crm's TUI through Pilot on the SQLite file DB, opens a person by typing their name
into the people search, and makes one edit with keys (EDIT is a key of ``EDITS``). It
tells the parent on stdout where it is, so that kills can be aimed:

    ready       the person screen is up; the keys are about to be pressed
    writing     the edit's write transaction has begun (BEGIN IMMEDIATE)
    committing  every statement of the edit has run; COMMIT is next
    done        the screen has shown the outcome

Every statement inside a write transaction is preceded by a short pause, so that a kill
at a random moment lands between two statements of the edit with real probability.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Engine, event
from textual.pilot import Pilot

from crm.tui.app import CrmApp, make_app
from crm.tui.screens.dialogs import ConfirmDialog, FormDialog
from crm.tui.screens.people import PeopleScreen
from crm.tui.screens.person import PersonScreen
from tests.tui.helpers import SIZE, settle

PAUSE_S = 0.015  # before each statement of a write transaction


def say(what: str) -> None:
    print(what, flush=True)


def trace_writes(engine: Engine) -> None:
    """Announce a write transaction and slow it down, one pause per statement."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            conn.info["crm_test_writing"] = True
            say("writing")
        elif conn.info.get("crm_test_writing"):
            time.sleep(PAUSE_S)

    @event.listens_for(engine, "commit")
    def _commit(conn: Any) -> None:
        if conn.info.pop("crm_test_writing", False):
            say("committing")
            time.sleep(PAUSE_S)

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Any) -> None:
        conn.info.pop("crm_test_writing", None)


# Who each edit is made on, and the keys that make it. Each writes several rows in one
# transaction, so a torn write would show.
PERSON = {"tags": "Marcus Webb", "position": "Priya Natarajan", "delete": "Priya Natarajan"}


async def edit_tags(app: CrmApp, pilot: Pilot[None]) -> None:
    # New tags (rows in tag and person_tag) and the person's search text (and its index).
    field = app.screen.query_one("#field-tags")
    field.focus()
    await pilot.press("enter", "ctrl+u", *"mentor, vc", "enter")


async def add_position(app: CrmApp, pilot: Pilot[None]) -> None:
    # A new company, its alias/domain rows, the position, the person's search text.
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(app.screen, FormDialog)
    await pilot.press(*"Kilnworks", "tab", *"CTO", "tab", "tab",
                      *"2026-11", "ctrl+s")


async def delete_person(app: CrmApp, pilot: Pilot[None]) -> None:
    # The person, their contact points, positions, connections, reference and interactions.
    await pilot.press("D")
    await settle(pilot)
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("y")


EDITS: dict[str, Callable[[CrmApp, Pilot[None]], Awaitable[None]]] = {
    "tags": edit_tags, "position": add_position, "delete": delete_person}


async def main(path: str, edit: str) -> None:
    app = make_app(path)
    trace_writes(app.db.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        await pilot.press(*PERSON[edit].split()[-1].lower())  # "webb": one match
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen), app.screen
        assert app.screen.detail is not None and app.screen.detail.name == PERSON[edit]
        say("ready")
        await EDITS[edit](app, pilot)
        await settle(pilot)
        say("done")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
