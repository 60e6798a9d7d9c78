"""``?``: every key that works on the screen you came from, with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; height: auto; max-height: 90%; padding: 1 2; border: thick $primary;
        background: $surface;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.source = screen

    def bindings_listed(self) -> dict[str, str]:
        """Description -> key, for every binding with a description on the source screen."""
        rows: dict[str, str] = {}
        for active in self.source.active_bindings.values():
            b = active.binding
            if b.description:
                rows.setdefault(b.description, b.key_display or self.app.get_key_display(b))
        return rows

    def compose(self) -> ComposeResult:
        self.rows = self.bindings_listed()
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for description, key in sorted(self.rows.items(), key=lambda kv: kv[1]):
            table.add_row(Text(key), Text(description))
        with VerticalScroll():
            yield Static(Text("Keys on this screen", style="bold"))
            yield Static(table)
            yield Static(Text(
                "\nctrl+p opens the command palette: type a person's or company's name to "
                "jump there, or the name of any action. The mouse works too: click a row to "
                "select it, click it again to open it, click a column header to sort.",
            ))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
