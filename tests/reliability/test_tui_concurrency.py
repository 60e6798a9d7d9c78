"""The TUI open while the CLI imports: both land, and the user never sees "locked".

The import (`crm import` in a subprocess) holds crm's write lock for most of its run. The
TUI's edit saved meanwhile waits for it in a thread worker: the screen keeps answering
keys, the edit lands when the import is done, and no error reaches the user.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from crm.core.contacts.people import resolve_person
from crm.core.db import WRITE_LOCK_KEY, open_database
from crm.core.paths import sqlite_path
from crm.core.samples.demo import load_demo
from crm.tui.app import make_app
from crm.tui.screens.people import PeopleScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.widgets.editable import EditableField
from tests.conftest import PG_ENV, _truncate_all
from tests.reliability.harness import phone_export
from tests.tui.helpers import SIZE, Toasts, read_db, screen_text, settle

pytestmark = pytest.mark.asyncio


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_url(request: pytest.FixtureRequest, tmp_path: Path,
             pg_session_url: str | None) -> Iterator[str]:
    """The demo network on a SQLite file or on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    elif pg_session_url is None:
        pytest.skip(f"{PG_ENV} is not set")
    else:
        _truncate_all(pg_session_url)
        url = pg_session_url
    db = open_database(url)
    try:
        with db.write() as s:
            load_demo(s)
    finally:
        db.dispose()
    yield url


class WriteLock:
    """Whether some process holds crm's write lock right now (without waiting for it)."""

    def __init__(self, url: str) -> None:
        self.path = sqlite_path(url)
        self.engine = None if self.path else create_engine(url)

    def held(self) -> bool:
        if self.engine is not None:
            with self.engine.connect() as conn:
                return bool(conn.execute(text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                    "AND granted AND objid = :key AND database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database()))"), {"key": WRITE_LOCK_KEY}).scalar())
        assert self.path is not None
        probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as err:
            assert "locked" in str(err) or "busy" in str(err), err
            return True
        finally:
            probe.close()

    async def wait_until_held(self, importer: subprocess.Popen[str]) -> float:
        while not self.held():
            assert importer.poll() is None, "the import ended before it took the write lock"
            await asyncio.sleep(0.005)
        return time.monotonic()

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


class Watch(Toasts):
    """Every notification the app showed, and every screen the user saw, for "locked"."""

    def look(self) -> str:
        """The screen now; it never shows an error about the database."""
        text = screen_text(self.app)
        assert "locked" not in text.lower() and "another crm process" not in text, text
        return text


# `crm import` that, once its first chunk is written, holds its transaction PAUSE seconds
# longer, as a file many times the size would: the import (chunked and quick) must still be
# running when the TUI's edit comes to wait for it, however fast the machine is that day.
PAUSED_IMPORT = """
import sys, time
import crm.core.importing.pipeline as pipeline
apply = pipeline.apply_chunk
def paused(*args, **kwargs):
    result = apply(*args, **kwargs)
    if not paused.done:
        paused.done = True
        time.sleep(float(sys.argv[1]))
    return result
paused.done = False
pipeline.apply_chunk = paused
from crm.cli import run
sys.exit(run(sys.argv[2:]))
"""
PAUSE = 3.0


def start_import(vcf: Path, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", PAUSED_IMPORT, str(PAUSE), "import",
                             str(vcf), "--json", "--db", url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def headline(url: str, name: str) -> str | None:
    return read_db(url, lambda s: resolve_person(s, name).headline)


async def open_person(pilot: Any, search: str) -> PersonScreen:
    await pilot.press("ctrl+u", *search)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PersonScreen)
    return screen


async def edit_during_import(url: str, tmp_path: Path, cards: int,
                             prefix: str = "Imported", area: str = "628",
                             stay: bool = False) -> dict[str, float]:
    """Save a TUI edit while an import holds the write lock; return what it cost.

    The user then leaves the person screen and searches (or, with ``stay``, waits there
    for the edit to show)."""
    vcf = tmp_path / f"{prefix}.vcf"
    phone_export(vcf, cards, prefix=prefix, area=area)
    new_headline = f"Payments engineer ({cards} cards)"
    lock = WriteLock(url)
    app = make_app(url)
    watch = Watch(app)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            # The edit is typed before the import starts, so that saving it is one key.
            screen = await open_person(pilot, "webb")
            field = screen.query_one("#field-headline", EditableField)
            field.focus()
            await pilot.press("enter", "ctrl+u", *new_headline)
            importer = start_import(vcf, url)
            started = time.monotonic()
            locked = await lock.wait_until_held(importer)
            await pilot.press("enter")  # save: the write waits for the import, in a worker
            saved = time.monotonic()
            await pilot.press("escape")  # the user closes the editor: the screen answers
            assert not field.editing
            answered = time.monotonic()
            # ...while the import still holds the lock and the edit waits for it.
            assert lock.held() and importer.poll() is None, (
                "the import ended before the TUI's edit could wait for it: raise PAUSE")
            assert headline(url, "Marcus Webb") != new_headline
            if not stay:
                # Back to the list to search someone else (reads go on during the import).
                await pilot.press("escape")
                await settle(pilot)
                assert isinstance(app.screen, PeopleScreen)
                await pilot.press("ctrl+u", *"natarajan")
                await settle(pilot)
                assert "Priya Natarajan" in watch.look()
            out, err = await asyncio.to_thread(importer.communicate, timeout=300)
            imported = time.monotonic()
            assert importer.returncode == 0, err
            assert json.loads(out)["created"] == cards
            while headline(url, "Marcus Webb") != new_headline:
                assert time.monotonic() - imported < 30, "the TUI's edit never landed"
                await asyncio.sleep(0.02)
            landed = time.monotonic()
            await settle(pilot)
            if stay:  # the screen shows the saved edit by itself
                assert isinstance(app.screen, PersonScreen)
                assert new_headline in watch.look()
                await pilot.press("escape")
                await settle(pilot)
            # The list shows the imported people; the person shows the edit.
            await pilot.press("ctrl+u", *prefix.lower())
            await settle(pilot)
            shown = watch.look()
            # A search counts up to the list's cap, then says "N+".
            cap = PeopleScreen.COUNT_CAP
            expected = (f"{cards:,} people match" if cap is None or cards <= cap
                        else f"{cap:,}+ people match")
            assert expected in shown, shown
            await open_person(pilot, "webb")
            assert new_headline in watch.look()
        assert watch.errors() == []
    finally:
        app.db.dispose()
        lock.close()
    return {"cards": cards, "import_s": imported - started, "lock_held_s": imported - locked,
            "keys_while_waiting_s": answered - saved, "edit_waited_s": landed - saved}


async def test_tui_edit_while_the_cli_imports(demo_url: str, tmp_path: Path) -> None:
    figures = await edit_during_import(demo_url, tmp_path, cards=2000)
    print(f"TUI edit during import: {figures}")


@pytest.mark.slow
async def test_tui_edits_while_the_cli_imports_many_times(demo_url: str, tmp_path: Path) -> None:
    # Imports of growing size, each into the database the previous ones grew.
    for run, cards in enumerate([3000, 6000, 12000, 24000]):
        figures = await edit_during_import(demo_url, tmp_path, cards, prefix=f"Batch{run}x",
                                           area=str(630 + run), stay=run % 2 == 0)
        print(f"TUI edit during import: {figures}")


@pytest.mark.parametrize("patience", ["lasts", "runs out"])
async def test_an_edit_left_waiting_is_told_app_wide(demo_url: str, patience: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer holds the lock as an import does; the user saves an edit and leaves
    the person screen at once. After a second the TUI says it is waiting; then it confirms
    the edit was saved, or, if the other writer outlasts its patience, that it was not."""
    import crm.core.db as storage

    if patience == "runs out":
        # A window of 6 s: longer than leaving the screen takes on a busy machine.
        monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 3000)
        monkeypatch.setattr(storage, "WRITE_ATTEMPTS", 2)
    other = open_database(demo_url)
    app = make_app(demo_url)
    watch = Watch(app)

    async def until(said: Callable[[str], bool], what: str) -> None:
        while not any(said(m) for _severity, m in watch.shown):
            assert time.monotonic() - started < 30, f"{what} was never told"
            await asyncio.sleep(0.05)

    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = await open_person(pilot, "webb")
            screen.query_one("#field-headline", EditableField).focus()
            await pilot.press("enter", "ctrl+u", *"Payments engineer")
            with other.write():
                started = time.monotonic()
                await pilot.press("enter", "escape", "escape")  # save, and leave at once
                assert isinstance(app.screen, PeopleScreen)
                # Back on the list while the edit still waits for the other writer: leaving
                # did not wait for the write (a UI that did would only get here once the
                # write had given up, and its screen would have said so, not the app).
                assert app.still_saving() == ["your change to Marcus Webb"], (
                    "leaving waited for the write")
                await until(lambda m: m.startswith("Another import or edit is writing"), "the wait")
                if patience == "runs out":
                    await until(lambda m: "not saved" in m, "the failure")
            await until(lambda m: m.startswith("Your change to Marcus Webb was"), "the outcome")
            await settle(pilot)
    finally:
        app.db.dispose()
        other.dispose()
    if patience == "lasts":
        assert watch.errors() == []
        assert "Your change to Marcus Webb was saved." in [m for _s, m in watch.shown]
        assert headline(demo_url, "Marcus Webb") == "Payments engineer"
    else:
        # It failed after the user had left: the person screen could not say it any more.
        [error] = watch.errors()
        assert error.startswith("Your change to Marcus Webb was not saved: "), error
        assert ("another crm process has been writing to this database for over 6 s; try "
                "again when it is done") in error
        assert headline(demo_url, "Marcus Webb") != "Payments engineer"


async def test_an_edit_still_waiting_when_the_tui_closes_is_told_on_the_terminal(
        demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    other = open_database(demo_url)
    app = make_app(demo_url)
    try:
        with other.write():
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                screen = await open_person(pilot, "webb")
                screen.query_one("#field-headline", EditableField).focus()
                await pilot.press("enter", "ctrl+u", *"Payments engineer", "enter")
                await pilot.press("ctrl+q")  # quit while it waits
            assert app.still_saving() == ["your change to Marcus Webb"]
        started = time.monotonic()
        while app.still_saving():
            assert time.monotonic() - started < 30, "the edit never finished"
            await asyncio.sleep(0.05)
    finally:
        app.db.dispose()
        other.dispose()
    assert "crm: Your change to Marcus Webb was saved.\n" in capsys.readouterr().err
    assert headline(demo_url, "Marcus Webb") == "Payments engineer"
