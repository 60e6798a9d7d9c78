"""A search box over a windowed list whose pages come from core in worker threads.

The people and companies screens are both this: type to search (a keystroke after a pause
searches at once, a burst coalesces), the first page is shown as soon as it is read and the
count follows, further pages are read when the list scrolls to them, and answers to a
search the user has already replaced are dropped.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from crm.core.normalize import words
from crm.tui.messages import CountLoaded, PageLoaded, ReadFailed
from crm.tui.screens.base import CrmScreen, describe_error
from crm.tui.widgets.lazy_table import LazyTable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class SearchBox(Input):
    """The search box of a list: "/" and "?" are the list's keys (search, help), never typed
    (a search drops punctuation: they would find nothing)."""

    LIST_KEYS: ClassVar[frozenset[str]] = frozenset({"slash", "question_mark"})

    # Textual's Input sets its virtual size (the text's width) on every keystroke, and that
    # reactive lays out the whole screen (some 30 ms at 120 columns, before the search even
    # starts). The box's size never depends on its text: the width only bounds its own
    # horizontal scrolling, which reads it directly.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key not in self.LIST_KEYS and super().check_consume_key(key, character)


class SearchListScreen(CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority key: it works from the search box too, without typing "/" there (a
        # search drops punctuation, so a "/" typed there never found anything).
        Binding("slash", "focus_search", "Search", priority=True,
                tooltip="Put the cursor in the search box",
                id="list.search"),
        # "?" too: help is the same key here as everywhere, the search box focused or not.
        Binding("question_mark", "app.help", "Help", key_display="?", priority=True,
                tooltip="List the keys of this screen", id="list.help"),
        Binding("down", "focus_list", "List", show=False, id="list.list"),
        Binding("escape", "leave_search", "Back to the list",
                tooltip="In the search box: back to the list; in the list: clear the search",
                show=False, id="list.clear"),
    ]

    DEBOUNCE_SECONDS = 0.03  # keystrokes closer than this are one search
    PAGE_SIZE = 100
    # A search counts its matches up to this many and then says "N+" (None: exactly), so a
    # keystroke costs the same at any size; the list still scrolls to the last match.
    COUNT_CAP: int | None = None

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self.sort: str | None = None
        self.total: int | None = None
        self.count_capped = False  # the total is "more than COUNT_CAP", not exact
        self._debounce: Timer | None = None
        self._last_keystroke = 0.0

    # -- what a concrete list provides ------------------------------------------------------

    def fetch_page(self, session: Session, query: str, offset: int, limit: int,
                   sort: str | None) -> list[Any]:
        raise NotImplementedError

    def fetch_count(self, session: Session, query: str) -> int:
        raise NotImplementedError

    def show_total(self, total: int) -> None:
        """The count of the current search is known."""

    def open_row(self, row: Any) -> None:
        raise NotImplementedError

    # -- widgets ----------------------------------------------------------------------------

    @property
    def table(self) -> LazyTable:
        return self.query_one(LazyTable)

    @property
    def search_box(self) -> Input:
        return self.query_one(Input)

    # -- searching --------------------------------------------------------------------------

    @on(Input.Changed)
    def _query_changed(self, event: Input.Changed) -> None:
        if event.input is not self.search_box:
            return
        now = monotonic()
        burst = now - self._last_keystroke < self.DEBOUNCE_SECONDS
        self._last_keystroke = now
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if burst:
            self._debounce = self.set_timer(self.DEBOUNCE_SECONDS,
                                            lambda: self._run_query(event.value))
        else:
            self._run_query(event.value)

    def _run_query(self, value: str) -> None:
        self.query_text = value
        self.refresh_list()

    def refresh_list(self, keep_cursor: bool = False) -> None:
        cursor = self.table.cursor
        generation = self.table.reset()
        self.search(self.query_text, self.sort, generation, cursor if keep_cursor else 0)

    @work(thread=True, exclusive=True, group="list-search")
    def search(self, query: str, sort: str | None, generation: int, cursor: int = 0) -> None:
        """The page the cursor is on at once, then the count (the rows are what the user
        waits for)."""
        worker = get_current_worker()
        first = (cursor // self.PAGE_SIZE) * self.PAGE_SIZE
        try:
            with self.db.read() as session:
                rows = self.fetch_page(session, query, first, self.PAGE_SIZE, sort)
                total = first + len(rows) if len(rows) < self.PAGE_SIZE else None
                if worker.is_cancelled:
                    return
                self.post_message(PageLoaded(generation, first, rows, total))
                if total is None:
                    total = self.fetch_count(session, query)
                    # An empty search counts everyone exactly; a search stops at the cap.
                    capped = (self.COUNT_CAP is not None and total > self.COUNT_CAP
                              and bool(words(query)))
                    if not worker.is_cancelled:
                        self.post_message(CountLoaded(generation, total, capped))
        except Exception as err:
            self.post_message(ReadFailed(describe_error(err)))
        if cursor and not worker.is_cancelled:
            self.app.call_from_thread(setattr, self.table, "cursor", cursor)

    @on(LazyTable.PageNeeded)
    def _page_needed(self, event: LazyTable.PageNeeded) -> None:
        self.load_page(self.query_text, self.sort, event.generation, event.offset, event.limit)

    @work(thread=True, group="list-page")
    def load_page(self, query: str, sort: str | None, generation: int, offset: int,
                  limit: int) -> None:
        try:
            with self.db.read() as session:
                rows = self.fetch_page(session, query, offset, limit, sort)
        except Exception as err:
            self.post_message(ReadFailed(describe_error(err)))
            return
        self.post_message(PageLoaded(generation, offset, rows))

    def on_page_loaded(self, message: PageLoaded) -> None:
        self.table.add_page(message.generation, message.offset, message.rows, message.total)
        total = message.total
        if total is None and self.count_capped and message.generation == self.table.generation:
            total = self.table.total  # a short page: the end of a list counted "N+"
        if total is not None:
            self._total_known(message.generation, total)

    def on_count_loaded(self, message: CountLoaded) -> None:
        if not message.capped:  # else the list grows a page at a time as it scrolls
            self.table.set_total(message.generation, message.total)
        self._total_known(message.generation, message.total, message.capped)

    def _total_known(self, generation: int, total: int, capped: bool = False) -> None:
        if generation == self.table.generation:
            self.total = total
            self.count_capped = capped
            self.show_total(total)

    def on_key(self, event: events.Key) -> None:
        # Typing in the list searches: an unbound printable key goes to the search box.
        bound = self.active_bindings.get(event.key)
        if (self.focused is self.table and event.is_printable and event.character
                and (bound is None or not bound.enabled)):
            event.stop()
            box = self.search_box
            box.focus()
            box.insert_text_at_cursor(event.character)

    # -- actions ----------------------------------------------------------------------------

    @on(LazyTable.RowChosen)
    def _open(self, event: LazyTable.RowChosen) -> None:
        self.open_row(event.row)

    @on(Input.Submitted)
    def _open_first(self, event: Input.Submitted) -> None:
        row = self.table.cursor_row
        if event.input is self.search_box and row is not None:
            self.open_row(row)

    def action_focus_search(self) -> None:
        if self.search_box.display:
            # What was searched is selected: typing starts a new search, an arrow keeps it.
            self.search_box.focus()
            self.search_box.select_all()

    def action_focus_list(self) -> None:
        if self.table.display:
            self.table.focus()

    def action_leave_search(self) -> None:
        """esc: from the search box back to the list (the search kept); in the list, the
        search cleared (everyone listed again)."""
        if self.focused is self.search_box and self.table.display:
            self.table.focus()
        elif self.search_box.value:
            self.search_box.value = ""
