"""Messages that thread workers post back to the UI thread: typed, plain data, no sessions.

None of them bubbles: a worker's result goes to the screen that asked for it, and that screen
is the one that tells the user (once). A write's outcome is told app-wide by the app itself,
and only when its screen has gone meanwhile (see ``CrmScreen.write``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual.message import Message

if TYPE_CHECKING:
    from crm.tui.forms.retry import FormRetry

ViewT = TypeVar("ViewT")


# -- reads ----------------------------------------------------------------------------------


@dataclass
class Fetched(Message, Generic[ViewT], bubble=False):
    """A page's read is done: ``view`` is what ``PageScreen.fetch`` returned."""

    view: ViewT


@dataclass
class ReadFailed(Message, bubble=False):
    """A read was refused (not found…) or broke; ``error`` is one line for the user."""

    error: str


@dataclass
class PageLoaded(Message, bubble=False):
    """Rows for a LazyTable page; ``total`` when the worker knows it."""

    generation: int
    offset: int
    rows: list[Any]
    total: int | None = None


@dataclass
class CountLoaded(Message, bubble=False):
    generation: int
    total: int
    capped: bool = False  # counting stopped: there are more than ``total - 1``


@dataclass
class Loaded(Message, bubble=False):
    """A read a key asked for is done (the record a form corrects, say): ``then(view)``
    shows what comes next, on the UI thread."""

    view: Any
    then: Callable[[Any], None]


# -- writes ---------------------------------------------------------------------------------


@dataclass
class Saved(Message, bubble=False):
    """A write was committed; ``summary`` says what changed, in the user's words, and
    ``result`` is what its job returned (plain data)."""

    summary: str
    result: object = None


@dataclass
class Refused(Message, bubble=False):
    """A write was refused (bad input, not found…) and nothing of it was saved.

    ``form`` is the form it came from, to show again filled in; ``cause`` is the refusal
    itself when the screen can offer a way out (the close names of a NotSureWhichCompany).
    """

    error: str
    form: FormRetry | None = None
    cause: Exception | None = None


@dataclass
class FieldSaved(Message, bubble=False):
    """A field edited in place was saved (the page shows it; no toast needed)."""

    field_id: str


@dataclass
class FieldRefused(Message, bubble=False):
    """A field edited in place was refused; the reason shows under the field."""

    field_id: str
    error: str
