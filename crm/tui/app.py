"""The crm terminal UI: one factory, ``make_app``, used by ``crm`` and by the tests.

Nothing imported at the top of this module (nor of the people list's) loads SQLAlchemy:
``crm`` paints its first screen from a page read with the database driver alone
(``crm.core.contacts.first_page``), and only then opens the database, in a thread.
"""

from __future__ import annotations

import gc
import itertools
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.dom import DOMNode
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from crm.core.opening import DatabaseOpening
from crm.core.terminal_text import terminal_text
from crm.tui.screens.base import describe_error
from crm.tui.screens.people import PeopleScreen
from crm.tui.widgets.detail_pane import WIDE

if TYPE_CHECKING:
    from crm.core.contacts.first_page import FirstPage
    from crm.core.db import Database
    from crm.tui.keymap import Keymap

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"
# Only the people list is imported up front: the first screen must not wait for the others.


def _companies() -> Screen[None]:
    from crm.tui.screens.companies import CompaniesScreen

    return CompaniesScreen()


def _references() -> Screen[None]:
    from crm.tui.screens.references import ReferencesScreen

    return ReferencesScreen()


def _applications() -> Screen[None]:
    from crm.tui.screens.applications import ApplicationsScreen

    return ApplicationsScreen()


def _today() -> Screen[None]:
    from crm.tui.screens.today import TodayScreen

    return TodayScreen()


def _commands() -> type[Provider]:
    from crm.tui.commands import CrmCommands

    return CrmCommands


@dataclass
class DemoLoaded(Message, bubble=False):
    summary: str


@dataclass
class DatabaseFailed(Message, bubble=False):
    """The database, opened after the first screen, could not be opened."""

    error: BaseException


@dataclass
class SyncDone(Message, bubble=False):
    """A "Sync now" is over: what it did, and the line the header keeps showing."""

    outcome: str
    last_sync: str
    error: bool = False


class CrmApp(App[None]):
    """People, companies, references and applications, keyboard first."""

    TITLE = "crm"
    CSS_PATH = "crm.tcss"
    COMMANDS = App.COMMANDS | {_commands}
    MODES: ClassVar[dict[str, Callable[[], Screen[None]]]] = {  # type: ignore[assignment]
        "people": PeopleScreen,
        "companies": _companies,
        "references": _references,
        "applications": _applications,
        "today": _today,
    }
    DEFAULT_MODE = "people"
    # Screens get the class -wide at WIDE columns and more: lists show a card beside them.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", show=False, tooltip="Leave crm",
                id="app.quit"),
        # The screen keys and ? are on the tab line under the header (widgets/chrome.py),
        # on every screen: the footer keeps its width for the keys of the screen.
        Binding("question_mark", "help", "Help", key_display="?", show=False,
                tooltip="List the keys of this screen", id="app.help"),
        Binding("f2", "switch_mode('people')", "People", key_display="F2", show=False,
                tooltip="Show the people list", id="app.people"),
        Binding("f3", "switch_mode('companies')", "Companies", key_display="F3", show=False,
                tooltip="Show the companies list", id="app.companies"),
        Binding("f4", "switch_mode('references')", "References", key_display="F4",
                show=False, tooltip="The references board", id="app.references"),
        Binding("f5", "switch_mode('applications')", "Applications", key_display="F5",
                show=False, tooltip="Job applications", id="app.applications"),
        Binding("f6", "switch_mode('today')", "Today", key_display="F6", show=False,
                tooltip="The agenda for today", id="app.today"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False,
                tooltip="Switch between the dark and the light theme",
                id="app.theme"),
    ]

    def __init__(self, db: Database | DatabaseOpening, keymap_file: Path | None = None, *,
                 first_page: FirstPage | None = None) -> None:
        super().__init__()
        # The database, or (with a first page read before it was opened) its opening.
        self._database = db if isinstance(db, DatabaseOpening) else DatabaseOpening.opened(db)
        self._first_page = first_page
        # Why the database could not be opened after the first screen (crm then says so).
        self.failure: BaseException | None = None
        self.keymap_file = keymap_file  # None: <config dir>/keymap.toml (or $CRM_KEYMAP)
        self._clashes_told: set[str] = set()
        if self._database.is_open:
            self._database.get().on_wait = self._tell_waiting
        else:
            self._database.when_open(self._opened)
        self.theme = DARK_THEME
        # Writes running in worker threads (edits, imports), by token: what each is, so that
        # one still running when the TUI closes is named, and its outcome still told.
        self._saving: dict[int, str] = {}
        self._saving_lock = threading.Lock()
        self._tokens = itertools.count()

    def on_mount(self) -> None:
        self._apply_keymap()
        self._read_last_sync()

    def on_ready(self) -> None:
        """The first frame is on the terminal (painted from the first page, when there is
        one): now the database is opened (SQLAlchemy, the checks of open_database), in a
        thread of its own."""
        if not self._database.is_open:
            self._database.open_in_background(self._cannot_open)
        self.run_worker(self._prepare_other_screens, thread=True, group="prepare")

    def _prepare_other_screens(self) -> None:
        """Once the database is open (waited for here, in a worker), import the screens one
        F-key away and read the agenda once: the first F6 no longer waits for the agenda's
        modules (~0.2 s) nor its statements' first compilation (~0.1 s). (Not among the
        opening's callbacks: the first search waits for those.) Then what start-up made
        (modules, mapped models, the first screen: some 10^6 objects, alive as long as the
        app) is moved out of the garbage collector's reach, so that a full collection
        (~0.1 s at that size) no longer lands in the middle of a keystroke now and then."""
        try:
            db = self._database.get()
        except Exception:  # (cannot be opened: told by _cannot_open; or closed)
            return
        import crm.tui.screens.applications
        import crm.tui.screens.companies
        import crm.tui.screens.references
        import crm.tui.screens.today  # noqa: F401
        from crm.core.agenda.today import build_agenda

        try:
            with db.read() as session:
                build_agenda(session)
        except Exception:  # only a warm-up: the Today screen reads (and tells) for itself
            pass
        gc.freeze()

    def _cannot_open(self, error: BaseException) -> None:
        self.post_message(DatabaseFailed(error))  # (from the thread that tried)

    # -- the database -----------------------------------------------------------------------

    @property
    def db(self) -> Database:
        """The open database. Until it is open (just after the first screen), a worker
        waits for it; the UI thread (a key that cannot wait) opens it there and then."""
        if self._database.is_open or threading.get_ident() != self._thread_id:
            return self._database.get()
        return self._database.open_here()

    @property
    def database_is_open(self) -> bool:
        return self._database.is_open

    @property
    def database_label(self) -> str:
        """Which database this is (``Database.label``), for the header."""
        return self._database.label

    @property
    def database_path(self) -> Path | None:
        """The SQLite file (``Database.path``), None on PostgreSQL."""
        return self._database.path

    def when_database_open(self, call: Callable[[Database], None]) -> None:
        """Call ``call(database)`` once the database is open (now, if it is)."""
        self._database.when_open(call)

    def take_first_page(self) -> FirstPage | None:
        """The people list's first page read before the database was opened (once)."""
        page, self._first_page = self._first_page, None
        return page

    def _opened(self, db: Database) -> None:
        """The database, opened after the first screen, is open (in the thread that opened
        it). What the open found to say of the file is told here (``crm`` told it on the
        terminal when it opened the database first; a first page is read only from a file
        with nothing to say of, so this is for a file changed meanwhile)."""
        db.on_wait = self._tell_waiting
        for warning in db.warnings:
            self.notify(warning, title="Database", severity="warning", timeout=20)
        PeopleScreen.prepare()

    def on_database_failed(self, message: DatabaseFailed) -> None:
        self.failure = message.error
        self.exit(return_code=1)

    # -- the user's keymap ------------------------------------------------------------------

    def _apply_keymap(self) -> None:
        """The keys of keymap.toml replace the defaults; what is wrong in it is told once."""
        from crm.tui.keymap import read_keymap

        keymap = read_keymap(self.keymap_file)
        if keymap.problems:
            self.notify("\n".join(keymap.problems), title="Keymap", severity="error",
                        timeout=20)
        if keymap.keys:
            self.set_keymap(keymap.keys)
            self._check_keymap_ids(keymap)

    @work(thread=True, exclusive=True, group="keymap")
    def _check_keymap_ids(self, keymap: Keymap) -> None:
        # Knowing every id means importing every screen: off the UI thread, after the
        # first screen (which imports only the people list).
        from crm.tui.binding_ids import keymap_clashes, known_binding_ids
        from crm.tui.keymap import unknown_ids

        unknown = unknown_ids(keymap, known_binding_ids())
        if unknown:
            self.notify("\n".join(unknown), title="Keymap", severity="error", timeout=20)
        clashes = keymap_clashes(keymap.keys)
        if clashes:
            self.notify(f"{keymap.path}: " + "\n".join(clashes), title="Keymap",
                        severity="warning", timeout=20)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """A remapped key took the key of another binding here: say which lost its key."""
        for binding in clashed_bindings:
            told = binding.id or binding.action
            if told in self._clashes_told:
                continue  # (Textual asks again at every key press)
            self._clashes_told.add(told)
            what = binding.description or binding.tooltip or binding.action
            self.notify(f"keymap: {binding.key} is taken by another action, so {what!r} "
                        f"({binding.id or 'no id'}) has no key here", title="Keymap",
                        severity="warning", timeout=20)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast (a name, a file, an error quoting what was typed): shown literally.

        Messages are never markup here (none of ours uses it) and text from data in them is
        shown by the one rule (``crm.core.terminal_text``), wherever the toast comes from.
        """
        super().notify(terminal_text(message, multiline=True), title=terminal_text(title),
                       severity=severity, timeout=timeout, markup=False)

    def _tell_waiting(self) -> None:
        """A write is queued behind another one (an import, here or in another crm)."""
        # (notify only posts a message: safe from the waiting thread)
        self.notify("Another import or edit is writing to this database; waiting for it to "
                    "finish.", title="Waiting", markup=False)

    # -- writes in the background -----------------------------------------------------------

    def saving(self, what: str) -> int:
        """Note a write starting in a worker (``what``: "the import of x.vcf"); a token."""
        with self._saving_lock:
            token = next(self._tokens)
            self._saving[token] = what
            return token

    def saved(self, token: int, outcome: str, *, told: bool = False,
              error: bool = False) -> None:
        """A background write is over. Unless its screen ``told`` the user already, tell
        ``outcome`` app-wide, or on the terminal when the TUI has closed meanwhile (the
        process waits for the write before it exits)."""
        with self._saving_lock:
            self._saving.pop(token, None)
        if not self.is_running:
            print(f"crm: {outcome}", file=sys.stderr, flush=True)
        elif not told:
            self.notify(outcome, severity="error" if error else "information", markup=False)

    def still_saving(self) -> list[str]:
        with self._saving_lock:
            return list(self._saving.values())

    # -- navigation -------------------------------------------------------------------------

    def open_person(self, person_id: int) -> None:
        from crm.tui.screens.person import PersonScreen

        self.push_screen(PersonScreen(person_id))

    def open_company(self, company_id: int) -> None:
        from crm.tui.screens.company import CompanyScreen

        self.push_screen(CompanyScreen(company_id))

    def open_merge(self, keep_id: int, other_id: int) -> None:
        from crm.tui.screens.merge import MergeScreen

        self.push_screen(MergeScreen(keep_id, other_id))

    def action_open_duplicates(self) -> None:
        from crm.tui.screens.duplicates import DuplicatesScreen

        if not isinstance(self.screen, DuplicatesScreen):
            self.push_screen(DuplicatesScreen())

    def action_open_deleted(self) -> None:
        from crm.tui.screens.deleted import DeletedScreen

        if not isinstance(self.screen, DeletedScreen):
            self.push_screen(DeletedScreen())

    def action_help(self) -> None:
        from crm.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme != LIGHT_THEME else DARK_THEME

    def action_open_import(self) -> None:
        from crm.tui.screens.importing import ImportScreen

        if not isinstance(self.screen, ImportScreen):
            self.push_screen(ImportScreen())

    def action_open_sync(self, add: bool = False) -> None:
        """Sync settings; ``add``: straight to the form that adds an address book."""
        from crm.tui.screens.sync import SyncScreen

        current = self.screen
        screen = current if isinstance(current, SyncScreen) else SyncScreen()
        if screen is not current:
            self.push_screen(screen)
        if add:
            self.call_after_refresh(screen.action_add)

    def action_open_suggestions(self) -> None:
        from crm.tui.screens.suggestions import SuggestionsScreen

        if not isinstance(self.screen, SuggestionsScreen):
            self.push_screen(SuggestionsScreen())

    # -- actions that change data ---------------------------------------------------------

    def load_demo(self) -> None:
        self._load_demo()

    @work(thread=True, exclusive=True, group="demo")
    def _load_demo(self) -> None:
        from crm.core.samples.demo import load_demo

        try:
            with self.db.write() as session:
                n = load_demo(session)
        except Exception as err:
            self.notify(describe_error(err), severity="error", markup=False)  # (thread-safe)
            return
        self.post_message(DemoLoaded(f"Loaded the demo network: {n} people "
                                     "(you are Jordan Lee)."))

    def on_demo_loaded(self, message: DemoLoaded) -> None:
        self.notify(message.summary, markup=False)
        if isinstance(self.screen, PeopleScreen):
            self.screen.refresh_list()

    # -- sync with the vdirs and CardDAV address books synced before ----------------------

    @work(thread=True, exclusive=True, group="last-sync")
    def _read_last_sync(self) -> None:
        from crm.tui.lines import last_sync_line

        try:
            line = last_sync_line(self.db)
        except Exception:  # an old database mid-upgrade, a damaged one: no line, no error
            return
        self.call_from_thread(setattr, self, "sub_title", line)

    def show_last_sync(self) -> None:
        """Read the header's last-sync line again (a sync ran elsewhere)."""
        self._read_last_sync()

    def action_sync_now(self) -> None:
        self._sync_now()

    @work(thread=True, exclusive=True, group="sync")
    def _sync_now(self) -> None:
        from crm.sync.targets import list_targets, summary_text, sync_again
        from crm.tui.lines import last_sync_line

        with self.db.read() as session:
            targets = list_targets(session)
        if not targets:
            self.post_message(SyncDone("Nothing to sync with yet: add a vdir folder or a "
                                       "CardDAV address book first (palette: Add address "
                                       "book), and Sync now syncs with it again.",
                                       self.sub_title, error=True))
            return
        token = self.saving("a sync")
        lines, failed = [], False
        for target in targets:
            try:
                report = sync_again(self.db, target)
                lines.append(f"{target.label}: {summary_text(report.summary())}")
            except Exception as err:
                failed = True
                lines.append(f"{target.label}: {describe_error(err)}")
        outcome = "Synced. " + "; ".join(lines)
        self.saved(token, outcome, told=True)
        self.post_message(SyncDone(outcome, last_sync_line(self.db), error=failed))

    def on_sync_done(self, message: SyncDone) -> None:
        self.sub_title = message.last_sync
        self.notify(message.outcome, severity="error" if message.error else "information",
                    markup=False)
        if isinstance(self.screen, PeopleScreen):
            self.screen.refresh_list(keep_cursor=True)

    def on_unmount(self) -> None:
        self._database.close()


def make_app(database_url_or_path: str | Database | None,
             keymap_file: Path | None = None, *,
             first_page: FirstPage | None = None) -> CrmApp:
    """The app on the selected database (opened, and upgraded if older, right here), with
    the keys of ``keymap_file`` (None: <config dir>/keymap.toml, or $CRM_KEYMAP).

    With ``first_page`` (``crm.core.contacts.first_page.read_first_page`` of that database)
    the app shows that page at once and opens the database just after painting it.
    """
    if not isinstance(database_url_or_path, str | None):
        return CrmApp(database_url_or_path, keymap_file)
    if first_page is not None:
        opening = DatabaseOpening(database_url_or_path, label=first_page.label,
                                  path=first_page.path)
        return CrmApp(opening, keymap_file, first_page=first_page)
    from crm.core.db import open_database

    return CrmApp(open_database(database_url_or_path), keymap_file)
