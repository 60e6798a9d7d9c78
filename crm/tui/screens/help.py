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
        """Description -> key for crm's own bindings active on the source screen (those with
        an id), the focused widget's first, the app's last."""
        rows: dict[str, str] = {}
        for active in self.source.active_bindings.values():
            b = active.binding
            if b.description and b.id:
                key = b.key_display or self.app.get_key_display(b)
                rows[b.description] = f"{rows[b.description]}, {key}" if (
                    b.description in rows and key not in rows[b.description]) else key
        return rows

    def compose(self) -> ComposeResult:
        self.rows = self.bindings_listed()
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for description, key in self.rows.items():
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
