"""A table that draws only the rows on screen and asks for the pages it is missing.

Textual's DataTable measures every cell of every row up front (seconds at 100k rows); this
widget knows only the row count and the pages it has been given, so painting and scrolling
cost the same at 10 rows or 100,000. It never touches the database: it posts ``PageNeeded``
and its screen answers with ``add_page``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from crm.core.terminal_text import one_line


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # Cells when >= 1; otherwise a share of the width left after the fixed columns.
    width: float


def fit(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells, for display only."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class LazyTable(ScrollView, can_focus=True):
    """Rows fetched page by page; a fixed header line; a cursor; Enter chooses a row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lazy-table--header",
        "lazy-table--cursor",
        "lazy-table--pending",
    }

    DEFAULT_CSS = """
    LazyTable {
        height: 1fr;
        overflow-x: hidden;
    }
    LazyTable > .lazy-table--header {
        text-style: bold;
        background: $panel;
    }
    LazyTable > .lazy-table--cursor {
        background: $block-cursor-blurred-background;
    }
    LazyTable:focus > .lazy-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    LazyTable > .lazy-table--pending {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Open", tooltip="Open the selected row",
                id="table.open"),
        Binding("up", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.page-down"),
        Binding("home", "jump(0)", "First", show=False, id="table.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="table.last"),
    ]

    cursor: reactive[int] = reactive(0)

    class _TableMessage(Message):
        table: LazyTable

        @property
        def control(self) -> LazyTable:
            return self.table

    @dataclass
    class PageNeeded(_TableMessage):
        """Rows ``offset``..``offset+limit`` of result ``generation`` are wanted."""

        table: LazyTable
        generation: int
        offset: int
        limit: int

    @dataclass
    class RowChosen(_TableMessage):
        table: LazyTable
        row: Any

    @dataclass
    class SortRequested(_TableMessage):
        table: LazyTable
        column: str

    MAX_PAGES = 40  # pages kept in memory; the rest are dropped and fetched again if needed

    def __init__(self, columns: Sequence[Column], cells: Callable[[Any], Sequence[object]], *,
                 page_size: int = 100, sort_key: str | None = None,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self._cells = cells
        self.page_size = page_size
        self.sort_key = sort_key
        self.generation = 0
        self.total: int | None = 0
        self._pages: dict[int, list[Any]] = {}
        self._requested: set[int] = set()

    # -- data coming down from the screen -------------------------------------------------

    def reset(self) -> int:
        """Forget every row (a new query or sort); returns the generation to load for."""
        self.generation += 1
        self._pages.clear()
        self._requested.clear()
        self.total = None
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        # The size is left as it was until the new rows come (nothing is drawn meanwhile:
        # row_count is 0): shrinking it now and growing it again a moment later would lay
        # the screen out twice per keystroke.
        self.refresh()
        return self.generation

    def add_page(self, generation: int, offset: int, rows: list[Any],
                 total: int | None = None) -> None:
        """Rows from ``offset``; ``total`` when known (a short page also tells the end)."""
        if generation != self.generation:
            return  # an answer to a search the user has already replaced
        page = offset // self.page_size
        self._pages[page] = rows
        self._requested.discard(page)
        if total is not None:
            self.total = total
        elif len(rows) < self.page_size:
            self.total = offset + len(rows)
        self._trim_pages(page)
        self._update_size()
        self.cursor = min(self.cursor, max(self.row_count - 1, 0))
        self.refresh()

    def set_total(self, generation: int, total: int) -> None:
        if generation == self.generation:
            self.total = total
            self._update_size()
            self.refresh()

    @property
    def row_count(self) -> int:
        """Rows known to exist (while the count is pending: those loaded, plus one page)."""
        if self.total is not None:
            return self.total
        if not self._pages:
            return 0
        last = max(self._pages)
        return last * self.page_size + len(self._pages[last]) + self.page_size

    def row_at(self, index: int) -> Any | None:
        page = self._pages.get(index // self.page_size)
        if page is None:
            return None
        i = index % self.page_size
        return page[i] if i < len(page) else None

    @property
    def cursor_row(self) -> Any | None:
        return self.row_at(self.cursor) if self.row_count else None

    def _trim_pages(self, keep: int) -> None:
        while len(self._pages) > self.MAX_PAGES:
            far = max(self._pages, key=lambda p: abs(p - keep))
            del self._pages[far]

    def _update_size(self) -> None:
        """The scrollable height follows the rows known, without laying out the screen.

        ``virtual_size`` is a layout reactive: set plainly, every page and count that
        changes the number of rows would reflow and repaint the whole screen (some 30 ms
        at 120 columns, most of a keystroke). Only the table's own scrollbars depend on it,
        so it is set quietly and they are updated; a scrollbar shown or hidden still lays
        out (that changes the table's width).
        """
        size = Size(self.scrollable_content_region.width, self.row_count + 1)
        if size == self.virtual_size:
            return
        self.set_reactive(LazyTable.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self._update_size()

    # -- drawing ----------------------------------------------------------------------------

    def _widths(self, total: int) -> list[int]:
        fixed = sum(int(c.width) for c in self.columns if c.width >= 1)
        gaps = len(self.columns) - 1
        left = max(total - fixed - gaps, 0)
        shares = sum(c.width for c in self.columns if c.width < 1) or 1
        widths = [int(c.width) if c.width >= 1 else int(left * c.width / shares)
                  for c in self.columns]
        if widths:
            widths[-1] += max(total - sum(widths) - gaps, 0)
        return widths

    def _line(self, values: Sequence[str], widths: list[int], style: Style) -> list[Segment]:
        segments = []
        for i, (value, width) in enumerate(zip(values, widths, strict=False)):
            if i:
                segments.append(Segment(" ", style))
            segments.append(Segment(fit(value, width), style))
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self._widths(width)
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("lazy-table--header")
            labels = [c.label + (" ▼" if c.key == self.sort_key else "") for c in self.columns]
            return Strip(self._line(labels, widths, style)).extend_cell_length(width, style)
        index = int(self.scroll_offset.y) + y - 1
        if index >= self.row_count:
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            self._request(index)
            style = base + self.get_component_rich_style("lazy-table--pending")
            return Strip([Segment(fit("…", width), style)])
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("lazy-table--cursor")
        values = [one_line(v) for v in self._cells(row)]
        return Strip(self._line(values, widths, style)).extend_cell_length(width, style)

    def _request(self, index: int) -> None:
        page = index // self.page_size
        if page in self._requested:
            return
        self._requested.add(page)
        self.post_message(self.PageNeeded(self, self.generation, page * self.page_size,
                                          self.page_size))

    # -- moving and choosing ----------------------------------------------------------------

    @property
    def visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self.visible_rows:
            self.scroll_to(y=new - self.visible_rows + 1, animate=False, immediate=True)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(self.cursor + delta, self.row_count - 1))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self.visible_rows)

    def action_jump(self, where: int) -> None:
        if self.row_count:
            self.cursor = self.row_count - 1 if where < 0 else 0

    def action_choose(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.RowChosen(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = 0
            widths = self._widths(self.scrollable_content_region.width)
            for column, width in zip(self.columns, widths, strict=False):
                if x <= offset.x < x + width + 1:
                    self.post_message(self.SortRequested(self, column.key))
                    return
                x += width + 1
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if index >= self.row_count:
            return
        again = index == self.cursor
        self.cursor = index
        if again or event.chain >= 2:
            self.action_choose()
