"""``?``: one page of keys: this screen's (with its selected row's), then every screen's;
the ids keymap.toml remaps them by, and where that file is."""

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
        width: 96; max-width: 100%; height: auto; max-height: 90%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", tooltip="Close the list of keys",
                id="help.close"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.source = screen

    def bindings_listed(self) -> dict[str, str]:
        """Description -> key for crm's own bindings active on the source screen (those with
        an id), the focused widget's first, the app's last."""
        return {description: key for _where, description, key, _ids
                in self.bindings_grouped()}

    def bindings_grouped(self) -> list[tuple[str, str, str, str]]:
        """(where, description, keys, ids) of crm's bindings active on the source screen:
        where is "screen" (this screen and its selected row) or "app" (every screen). The
        keys are the ones in use (after the user's keymap); the ids are what keymap.toml
        names."""
        rows: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        for active in self.source.active_bindings.values():
            b = active.binding
            if not (b.description and b.id):
                continue
            where = "app" if active.node is self.app else "screen"
            keys, ids = rows.setdefault((where, b.description), ([], []))
            key = b.key_display or self.app.get_key_display(b)
            if key not in keys:
                keys.append(key)
            if b.id not in ids:
                ids.append(b.id)
        return [(where, description, ", ".join(keys), ", ".join(ids))
                for (where, description), (keys, ids) in rows.items()]

    @staticmethod
    def _table(rows: list[tuple[str, str, str, str]]) -> Table:
        """Key, what it does, its id; the same column widths in every section."""
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        table.add_column(style="bold", no_wrap=True, width=10)
        table.add_column(min_width=28)
        table.add_column(style="dim", no_wrap=True)
        for _where, description, key, ids in rows:
            table.add_row(Text(key), Text(description), Text(ids))
        return table

    def compose(self) -> ComposeResult:
        from crm.tui.keymap import keymap_path

        grouped = self.bindings_grouped()
        self.rows = {description: key for _w, description, key, _i in grouped}
        here = [row for row in grouped if row[0] == "screen"]
        everywhere = [row for row in grouped if row[0] == "app"]
        # Textual's own keys, that work on every screen whatever has the focus.
        if "Quit" not in self.rows:  # (a search box takes q: ctrl+q quits from anywhere)
            everywhere.append(("app", "Quit", "ctrl+q", ""))
        everywhere.append(("app", "Command palette", "ctrl+p", ""))
        title = self.source.title or type(self.source).__name__
        keymap = getattr(self.app, "keymap_file", None) or keymap_path()
        with VerticalScroll():
            yield Static(Text(f"Keys on {title}", style="bold"))
            yield Static(self._table(here))
            yield Static(Text("\nKeys on every screen", style="bold"))
            yield Static(self._table(everywhere))
            yield Static(Text(
                "\nThe palette: type a person's or company's name to jump there, or the "
                "name of any action. The mouse works too: click a row to select it, click "
                "it again to open it, click a column header to sort."))
            yield Static(Text(
                "\nOne key, one meaning: e edits, x removes the selected row, D deletes the "
                "page's record, ctrl+s saves or confirms, ctrl+e writes a document, esc "
                "goes back, / searches a list.", style="dim"))
            yield Static(Text("\nChange a key in ", style="dim").append(
                str(keymap), style="bold").append(
                ', e.g. "people.sort" = "ctrl+r" (the ids are the dim names above).',
                style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
