"""Fixtures for the TUI tests: SQLite copies of an empty and a demo database, and a settle
helper that waits for workers and the screen to catch up."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.worker import Worker

from crm.core.db import open_database
from crm.core.demo import load_demo

SIZE = (120, 36)


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    db = open_database(str(path))
    with db.write() as s:
        load_demo(s)
    db.dispose()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "crm.sqlite3"
    shutil.copyfile(demo_template, path)
    return str(path)


@pytest.fixture
def empty_path(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "crm.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return str(path)


def _busy(app: App[None]) -> list[Worker[object]]:
    # DirectoryTree keeps one loader worker alive for as long as it is shown.
    return [w for w in app.workers if w.is_running and w.group != "_loader"]


async def settle(pilot: Pilot[None]) -> None:
    """Let debounce timers fire, workers finish and their messages be handled."""
    app: App[None] = pilot.app
    await pilot.pause(0.04)  # longer than the search debounce
    for _ in range(20):
        busy = _busy(app)
        if busy:  # (an empty list would mean "every worker", the loader included)
            await app.workers.wait_for_complete(busy)
        await pilot.pause()
        if not _busy(app):
            await pilot.pause()
            if not _busy(app):
                return


def screen_text(app: App[None]) -> str:
    """The characters on the terminal right now (what the user reads), without styles."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()
