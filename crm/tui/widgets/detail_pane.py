"""The read-only card beside a list on a wide terminal: it follows the list's cursor.

It never reads anything itself: its screen reads the selected record in a worker and hands
the pane the text to show; keystrokes stay with the list (the pane takes no focus).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

# At this many columns and more, lists show the selected record beside them.
WIDE = 120


@dataclass
class CardLoaded(Message, bubble=False):
    """The record ``key`` was read for the pane (``view`` None: it is gone)."""

    key: Any
    view: Any


class DetailPane(VerticalScroll, can_focus=False):
    """Hidden until its screen has the class -wide (crm.tcss)."""

    DEFAULT_CSS = """
    DetailPane {
        display: none;
        width: 38%;
        max-width: 64;
        margin: 1 0 0 0;
        height: 1fr;
        padding: 0 1;
        border-left: vkey $foreground 20%;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Static(Text(""), classes="card"), id=id)
        self.key: Any = None  # whose card is shown (or being read)

    def show(self, text: Text) -> None:
        self.query_one(".card", Static).update(text)
        self.scroll_home(animate=False)
