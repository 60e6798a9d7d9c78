"""What Pilot tests share, in the user's terms: run the app, go to a screen, fill in a form,
read what is on the terminal (and in the toasts), and read what was saved.

    async with running(demo_path) as pilot:
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        await fill_form(pilot, "a", value="marcus@stripe.com")
        assert "marcus@stripe.com" in screen_text(pilot.app)
    assert read_db(demo_path, lambda s: ...) == ...
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from rich.console import Console
from sqlalchemy.orm import Session
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker

from crm.core.contacts.companies import resolve_company
from crm.core.contacts.people import resolve_person
from crm.core.db import open_database
from crm.tui.app import CrmApp, make_app
from crm.tui.screens.applications import ApplicationsScreen
from crm.tui.screens.companies import CompaniesScreen
from crm.tui.screens.company import CompanyScreen
from crm.tui.screens.dialogs import FormDialog
from crm.tui.screens.importing import ImportScreen
from crm.tui.screens.people import PeopleScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.screens.references import ReferencesScreen
from crm.tui.screens.today import TodayScreen

SIZE = (120, 36)
TALL = (120, 60)

S = TypeVar("S", bound=Screen[Any])
T = TypeVar("T")

# The key that shows each of the app's main screens.
SCREEN_KEYS: dict[type[Screen[Any]], str] = {
    PeopleScreen: "f2", CompaniesScreen: "f3", ReferencesScreen: "f4",
    ApplicationsScreen: "f5", TodayScreen: "f6"}


# -- running the app ------------------------------------------------------------------------


@asynccontextmanager
async def running(database: str, size: tuple[int, int] = SIZE) -> AsyncIterator[Pilot[None]]:
    """The app on ``database`` (a path or URL), its first screen shown and settled."""
    app = make_app(database)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot


def _busy(app: App[Any]) -> list[Worker[object]]:
    # DirectoryTree keeps one loader worker alive for as long as it is shown.
    return [w for w in app.workers if w.is_running and w.group != "_loader"]


async def settle(pilot: Pilot[Any]) -> None:
    """Let debounce timers fire, workers finish and their messages be handled."""
    app: App[Any] = pilot.app
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


async def open_screen(pilot: Pilot[Any], screen: type[S], name: str | None = None) -> S:
    """Go to ``screen`` and wait until it shows its data. A person's or a company's page is
    opened by ``name`` (found as `crm show` finds them); the main screens by their key."""
    app = cast(CrmApp, pilot.app)
    if screen is PersonScreen or screen is CompanyScreen:
        assert name is not None, f"whose {screen.__name__}?"
        with app.db.read() as s:
            if screen is PersonScreen:
                app.open_person(resolve_person(s, name).id)
            else:
                app.open_company(resolve_company(s, name).id)
    elif screen is ImportScreen:
        app.action_open_import()
    else:
        await pilot.press(SCREEN_KEYS[screen])
    await settle(pilot)
    assert isinstance(app.screen, screen), app.screen
    return app.screen


async def preview_import(pilot: Pilot[Any], path: Path | str) -> str:
    """On the import screen: ``path`` typed in and previewed (ctrl+r); the screen's text
    once the preview is shown."""
    pilot.app.screen.query_one("#import-path", Input).value = str(path)
    await pilot.press("ctrl+r")
    await settle(pilot)
    return screen_text(pilot.app)


async def apply_import(pilot: Pilot[Any]) -> str:
    """On the import screen, the previewed file imported (ctrl+s); the screen's text after."""
    await pilot.press("ctrl+s")
    await settle(pilot)
    return screen_text(pilot.app)


async def fill_form(pilot: Pilot[Any], key: str | None = None, *, save: bool = True,
                    **values: str | None) -> FormDialog:
    """Open a form with ``key`` (unless it is up already), type ``values`` into its fields
    by name (None clears a choice) and, unless ``save`` is False, save it (ctrl+s) and wait.
    """
    if key is not None:
        await pilot.press(key)
        await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormDialog), form
    for name, value in values.items():
        widget: Any = form.query_one(f"#form-{name}")
        if value is None:
            widget.clear()
        else:
            widget.value = value
    if save:
        await pilot.press("ctrl+s")
        await settle(pilot)
    return form


# -- what the user sees ---------------------------------------------------------------------


def screen_text(app: App[Any]) -> str:
    """The characters on the terminal right now (what the user reads), without styles.

    Textual 8 has no public way to read the screen as text: its one public rendering of the
    whole screen, ``App.export_screenshot``, is SVG made from these same private calls
    (``Screen._compositor.render_update``); this renders them to plain text instead.
    """
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


@dataclass
class Toasts:
    """Every notification the app shows from the moment it is made: (severity, message)."""

    app: App[Any]
    shown: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        notify = self.app.notify

        def recording(message: str, *args: Any, **kwargs: Any) -> None:
            self.shown.append((kwargs.get("severity", "information"), str(message)))
            notify(message, *args, **kwargs)

        self.app.notify = recording  # type: ignore[method-assign]

    def errors(self) -> list[str]:
        return [m for severity, m in self.shown if severity in ("error", "warning")]

    def messages(self) -> list[str]:
        return [m for _severity, m in self.shown]


# -- what was saved -------------------------------------------------------------------------


def read_db(database: str, job: Callable[[Session], T]) -> T:
    """What ``database`` holds now, read through core in a unit of its own (as another crm
    process would see it)."""
    db = open_database(database)
    try:
        with db.read() as s:
            return job(s)
    finally:
        db.dispose()
