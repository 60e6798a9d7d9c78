"""Messages that thread workers post back to the UI thread: plain data, no sessions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class Loaded(Message):
    """A worker read ``data`` for ``what`` (e.g. "person", "company")."""

    what: str
    data: Any
    generation: int = 0


@dataclass
class Saved(Message):
    """A write finished; ``summary`` says what changed, in the user's words."""

    what: str
    summary: str
    data: Any = None


@dataclass
class Failed(Message):
    """A read or write was refused (bad input, not found…); ``error`` is one line.

    ``cause`` is the refusal itself when the screen can offer a way out (e.g. the close
    company names of a NotSureWhichCompany).
    """

    what: str
    error: str
    data: Any = None
    cause: Exception | None = None


@dataclass
class PageLoaded(Message):
    """Rows for a LazyTable page; ``total`` when the worker knows it."""

    generation: int
    offset: int
    rows: list[Any]
    total: int | None = None


@dataclass
class CountLoaded(Message):
    generation: int
    total: int
