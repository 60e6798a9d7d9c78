"""The first screen from a page read before the database is open (`crm` alone): it looks as
the usual first screen does, it takes keys at once, and the database opens just after."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

import crm.core.db as storage
from crm.core.contacts.first_page import read_first_page
from crm.core.errors import CrmError
from crm.tui.app import CrmApp, make_app
from crm.tui.screens.people import PeopleScreen
from tests.tui.helpers import SIZE, running, screen_text, settle

pytestmark = pytest.mark.asyncio


def held_open(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Opening the database waits until the returned event is set (SQLAlchemy being slow to
    load, say), so that a test sees the screen before the database is open."""
    release = threading.Event()
    real: Callable[..., Any] = storage.open_database

    def slow(*args: Any, **kwargs: Any) -> storage.Database:
        assert release.wait(30), "the test never let the database open"
        return real(*args, **kwargs)

    monkeypatch.setattr(storage, "open_database", slow)
    return release


async def until(pilot: Pilot[None], shown: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not shown():
        assert time.monotonic() < deadline, screen_text(pilot.app)
        await pilot.pause(0.02)


def first_paint_app(path: str) -> CrmApp:
    Path(path).chmod(0o600)  # (as crm leaves its files; else it makes it so first)
    first_page = read_first_page(path, PeopleScreen.PAGE_SIZE)
    assert first_page is not None
    return make_app(path, first_page=first_page)


@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_the_first_screen_is_shown_before_the_database_is_open(
        demo_path: str, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]) -> None:
    async with running(demo_path, size=size) as pilot:
        usual_wide = screen_text(pilot.app)
    release = held_open(monkeypatch)
    app = first_paint_app(demo_path)
    async with app.run_test(size=size) as pilot:
        # (the footer lists its keys a moment after the first frame, as ever)
        await until(pilot, lambda: "palette" in screen_text(app))
        assert not app.database_is_open
        shown = screen_text(app)
        assert "Ahmed Karim" in shown and "31 people · sorted by name" in shown
        assert "crm.sqlite3" in shown  # the header names the database
        if size[0] < 120:  # no card beside the list: all of it is there already
            assert shown == usual_wide
        release.set()
        await settle(pilot)
        assert app.database_is_open
        assert screen_text(app) == usual_wide  # the card beside it too, once it is open


async def test_a_search_typed_before_the_database_is_open_is_kept_and_run(
        demo_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    release = held_open(monkeypatch)
    app = first_paint_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.05)
        await pilot.press(*"marcus")  # typed at once, as the screen appears
        await pilot.pause(0.1)
        assert not app.database_is_open
        assert app.screen.query_one("#people-search").value == "marcus"  # type: ignore[attr-defined]
        release.set()
        # (the reads typed meanwhile replace one another: some end cancelled; the preview
        # of the person highlighted before follows the list a moment later)
        await until(pilot, lambda: "match · best match first" in screen_text(app)
                    and "Ahmed Karim" not in screen_text(app))
        shown = screen_text(app)
        assert "Marcus Webb" in shown and "Ahmed Karim" not in shown
        await pilot.press("enter")  # the best match opens, as ever
        await settle(pilot)
        assert "Marcus Webb" in screen_text(app)
        assert type(app.screen).__name__ == "PersonScreen"


async def test_quitting_before_the_database_is_open(
        demo_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    release = held_open(monkeypatch)
    app = first_paint_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.05)
        await pilot.press("ctrl+q")
        await pilot.pause(0.05)
    assert app.return_code == 0 and app.failure is None
    release.set()  # the opening under way ends, and closes what it opened


async def test_a_database_that_will_not_open_after_the_first_screen_ends_the_tui(
        demo_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> storage.Database:
        raise CrmError("the disk has gone away")

    monkeypatch.setattr(storage, "open_database", broken)
    app = first_paint_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
    assert app.return_code == 1
    assert str(app.failure) == "the disk has gone away"


async def test_an_empty_database_welcomes_before_it_is_open(
        empty_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    release = held_open(monkeypatch)
    app = first_paint_app(empty_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert not app.database_is_open
        shown = screen_text(app)
        assert "Welcome to crm" in shown and "It is kept in" in shown
        assert "crm.sqlite3" in shown
        release.set()
        await settle(pilot)
        await pilot.press("d")  # the demo network, once the database is open
        await settle(pilot)
        assert "31 people" in screen_text(app)


async def test_the_first_screen_is_painted_without_sqlalchemy(demo_path: str) -> None:
    # In a process of its own: the first screen, all of it (header, list, count, footer),
    # is painted with neither SQLAlchemy nor the models loaded; they load just after.
    import subprocess
    import sys

    Path(demo_path).chmod(0o600)
    probe = f"""
import asyncio, sys
from crm.core.contacts.first_page import read_first_page
from crm.core.opening import DatabaseOpening
from crm.tui.app import make_app

DatabaseOpening.open_in_background = lambda self, on_failure: None  # (held back)
path = {demo_path!r}

async def main():
    app = make_app(path, first_page=read_first_page(path, 100))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "sqlalchemy")
        table = app.screen.query_one("#people-table")
        print(len(loaded), table.row_at(0).name, table.total)
        await pilot.press("ctrl+q")

asyncio.run(main())
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.split("\n")[0] == "0 Ahmed Karim 31"
