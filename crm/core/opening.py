"""A database opened once, later: the TUI paints its first screen, then opens the database.

``open_database`` imports SQLAlchemy, which takes longer than the TUI's whole first screen
may, so a face that has its first page already (``crm.core.contacts.first_page``) starts
``open_in_background`` once that page is on the screen. Whoever needs the database before it
is open waits for it: a worker thread until the background open is done (``get``), the
thread that owns the opening at once (``open_here``, which opens it itself if nobody has
started yet). Nothing here imports SQLAlchemy until the database is opened.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from crm.core.errors import CrmError

if TYPE_CHECKING:
    from crm.core.db import Database


def _map_every_model() -> None:
    """Every model mapped and configured once the database is open, before the face's
    workers query or import anything: the lazily mapped details and tracking models
    (crm.core.models) would otherwise be mapped by whichever thread reaches them first, and
    a thread that configures the mappers while another is half-way through importing a
    models module (one class defined, the next not yet) breaks them for good ("One or more
    mappers failed to initialize")."""
    import crm.core.models.tracking  # noqa: F401  (with details and todo)
    from crm.core.models import map_details

    map_details()


class DatabaseClosed(CrmError):
    """The face closed before the database was open."""


class DatabaseOpening:
    """The database at ``url_or_path``, opened (and checked, as ever) on first need."""

    def __init__(self, url_or_path: str | None, *, label: str, path: Path | None,
                 opener: Callable[[str | None], Database] | None = None) -> None:
        self.url_or_path = url_or_path
        self.label = label  # which database this is (``Database.label``), known before
        self.path = path  # the SQLite file (``Database.path``), known before
        self._opener = opener
        self._done = threading.Condition()
        self._started = False
        self._database: Database | None = None
        self._error: BaseException | None = None
        self._closed = False
        self._when_open: list[Callable[[Database], None]] = []

    @classmethod
    def opened(cls, database: Database) -> DatabaseOpening:
        """A database that is open already."""
        _map_every_model()
        opening = cls(database.url, label=database.label, path=database.path)
        opening._started = True
        opening._database = database
        return opening

    @property
    def is_open(self) -> bool:
        return self._database is not None

    @property
    def failed(self) -> BaseException | None:
        return self._error

    def when_open(self, call: Callable[[Database], None]) -> None:
        """Call ``call(database)`` once it is open (in the thread that opened it), or now."""
        with self._done:
            if self._database is None:
                self._when_open.append(call)
                return
        call(self._database)

    def open_in_background(self, on_failure: Callable[[BaseException], None]) -> None:
        """Open it in a thread of its own (no pool's: workers waiting for it must never keep
        it from running); ``on_failure(error)`` is called there if it cannot be opened."""

        def run() -> None:
            try:
                self.open_here()
            except DatabaseClosed:
                return
            except BaseException as err:
                on_failure(err)

        threading.Thread(target=run, name="crm: opening the database", daemon=True).start()

    def open_here(self) -> Database:
        """The database, opened in this thread unless it is open or being opened already
        (then waited for)."""
        with self._done:
            first = not self._started
            self._started = True
        if first:
            self._open()
        return self.get()

    def get(self) -> Database:
        """The database once it is open (waiting for the opening under way); the error if
        it could not be opened."""
        with self._done:
            while self._database is None and self._error is None:
                self._done.wait()
            if self._error is not None:
                raise self._error
            assert self._database is not None
            return self._database

    def close(self) -> None:
        """The face is closing: dispose of the database, now or as soon as it is open; and
        anyone still waiting for it is told it is closed."""
        with self._done:
            self._closed = True
            database = self._database
            if database is None and not self._started:
                self._error = DatabaseClosed("closed before the database was open")
                self._done.notify_all()
        if database is not None:
            database.dispose()

    def _open(self) -> None:
        opener = self._opener
        if opener is None:
            from crm.core.db import open_database

            opener = open_database
        try:
            database = opener(self.url_or_path)
            _map_every_model()
            for call in self._take_calls():
                call(database)
        except BaseException as err:
            with self._done:
                self._error = err
                self._done.notify_all()
            raise
        with self._done:
            self._database = database
            calls, self._when_open = self._when_open, []
            closed = self._closed
            self._done.notify_all()
        for call in calls:  # (added while the first ones ran)
            call(database)
        if closed:
            database.dispose()

    def _take_calls(self) -> list[Callable[[Database], None]]:
        with self._done:
            calls, self._when_open = self._when_open, []
            return calls
