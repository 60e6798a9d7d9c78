"""The people list: search as you type over a windowed, paged list; the welcome state."""

from __future__ import annotations

from time import monotonic
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Button, Footer, Header, Input, Static
from textual.worker import get_current_worker

from crm.core.listing import PEOPLE_SORTS, PersonRow, count_matching_people, people_page
from crm.tui.messages import CountLoaded, Failed, PageLoaded
from crm.tui.screens.base import CrmScreen, describe_error
from crm.tui.widgets.lazy_table import Column, LazyTable

PEOPLE_COLUMNS = [
    Column("name", "Name", 0.3),
    Column("company", "Company", 0.25),
    Column("title", "Title", 0.45),
    Column("last-contacted", "Last contacted", 14),
]


def person_cells(row: PersonRow) -> list[object]:
    return [row.name + ("  (me)" if row.is_me else ""), row.company or "", row.title or "",
            row.last_contacted or ""]


class Welcome(Vertical):
    """Shown instead of the list while the database has nobody in it."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Welcome to crm", style="bold"), classes="welcome-title")
        yield Static(
            "Your database is empty. Bring in the contacts from your phone (a .vcf export), "
            "or explore crm with a sample network first.", classes="welcome-text")
        yield Button("Import a vCard file (i)", id="welcome-import", variant="primary")
        yield Button("Load the demo network (d)", id="welcome-demo")


class PeopleScreen(CrmScreen):
    """Everyone, filtered as you type; Enter opens a person."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="people.search"),
        Binding("ctrl+s", "cycle_sort", "Sort", id="people.sort"),
        Binding("down", "focus_list", "List", show=False, id="people.list"),
        Binding("escape", "clear_search", "Clear", show=False, id="people.clear"),
        Binding("d", "load_demo", "Demo data", id="people.demo"),
        Binding("i", "import", "Import", id="people.import"),
    ]

    # Typing faster than this does not start a search per keystroke.
    DEBOUNCE_SECONDS = 0.03
    PAGE_SIZE = 100

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self.sort = "name"
        self._debounce: Timer | None = None
        self._last_keystroke = 0.0
        self.total: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="people-body"):
            yield Input(placeholder="Search people: name, company, title, tag, note, email, "
                        "phone  (/)", id="people-search")
            yield Static("", id="people-status", classes="status")
            yield LazyTable(PEOPLE_COLUMNS, person_cells, page_size=self.PAGE_SIZE,
                            sort_key=self.sort, id="people-table")
            yield Welcome(id="welcome")
        yield Footer()

    @property
    def table(self) -> LazyTable:
        return self.query_one("#people-table", LazyTable)

    def on_mount(self) -> None:
        self.title = "People"
        self.query_one("#welcome").display = False
        self.query_one("#people-search", Input).focus()
        self.refresh_list()

    def on_screen_resume(self) -> None:
        # Someone may have been edited, added or deleted on another screen.
        if self.is_mounted and self.total is not None:
            self.refresh_list(keep_cursor=True)

    # -- searching --------------------------------------------------------------------------

    @on(Input.Changed, "#people-search")
    def _query_changed(self, event: Input.Changed) -> None:
        # A keystroke after a pause searches at once; a burst of keystrokes (typing fast,
        # pasting) coalesces into one search when it stops.
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

    @work(thread=True, exclusive=True, group="people-search")
    def search(self, query: str, sort: str, generation: int, cursor: int = 0) -> None:
        """First page at once, then the count (the page is what the user waits for)."""
        worker = get_current_worker()
        first = (cursor // self.PAGE_SIZE) * self.PAGE_SIZE
        try:
            with self.db.read() as session:
                rows = people_page(session, query, first, self.PAGE_SIZE, sort)
                total = first + len(rows) if len(rows) < self.PAGE_SIZE else None
                if worker.is_cancelled:
                    return
                self.post_message(PageLoaded(generation, first, rows, total))
                if total is None:
                    total = count_matching_people(session, query)
                    if not worker.is_cancelled:
                        self.post_message(CountLoaded(generation, total))
        except Exception as err:
            self.post_message(Failed("people", describe_error(err)))
        if cursor and not worker.is_cancelled:
            self.app.call_from_thread(setattr, self.table, "cursor", cursor)

    @on(LazyTable.PageNeeded, "#people-table")
    def _page_needed(self, event: LazyTable.PageNeeded) -> None:
        self.load_page(self.query_text, self.sort, event.generation, event.offset, event.limit)

    @work(thread=True, group="people-page")
    def load_page(self, query: str, sort: str, generation: int, offset: int, limit: int) -> None:
        try:
            with self.db.read() as session:
                rows = people_page(session, query, offset, limit, sort)
        except Exception as err:
            self.post_message(Failed("people", describe_error(err)))
            return
        self.post_message(PageLoaded(generation, offset, rows))

    def on_page_loaded(self, message: PageLoaded) -> None:
        self.table.add_page(message.generation, message.offset, message.rows, message.total)
        if message.total is not None:
            self._show_total(message.generation, message.total)

    def on_count_loaded(self, message: CountLoaded) -> None:
        self.table.set_total(message.generation, message.total)
        self._show_total(message.generation, message.total)

    def _show_total(self, generation: int, total: int) -> None:
        if generation != self.table.generation:
            return
        self.total = total
        empty_db = total == 0 and not self.query_text.strip()
        self.query_one("#welcome").display = empty_db
        self.refresh_bindings()
        if empty_db:
            self.query_one("#welcome-import", Button).focus()
        self.table.display = not empty_db
        self.query_one("#people-search").display = not empty_db
        status = self.query_one("#people-status", Static)
        status.display = not empty_db
        noun = "person" if total == 1 else "people"
        what = f"{total:,} {noun}"
        if self.query_text.strip():
            what += " match"
        status.update(Text(f"{what} · sorted by {self.sort.replace('-', ' ')}"))

    def on_failed(self, message: Failed) -> None:
        self.notify(message.error, severity="error", markup=False)

    # -- actions ----------------------------------------------------------------------------

    @on(LazyTable.RowChosen, "#people-table")
    def _open(self, event: LazyTable.RowChosen) -> None:
        self.crm.open_person(event.row.id)

    @on(Input.Submitted, "#people-search")
    def _open_first(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.crm.open_person(row.id)

    @on(LazyTable.SortRequested, "#people-table")
    def _sort_by(self, event: LazyTable.SortRequested) -> None:
        if event.column in PEOPLE_SORTS:
            self.set_sort(event.column)

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self.table.sort_key = sort
        self.refresh_list()

    def action_cycle_sort(self) -> None:
        self.set_sort(PEOPLE_SORTS[(PEOPLE_SORTS.index(self.sort) + 1) % len(PEOPLE_SORTS)])

    def action_focus_search(self) -> None:
        self.query_one("#people-search", Input).focus()

    def action_focus_list(self) -> None:
        self.table.focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#people-search", Input)
        if search.value:
            search.value = ""
        search.focus()

    @property
    def welcoming(self) -> bool:
        return self.total == 0 and not self.query_text.strip()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The welcome keys are letters: once there are people, letters belong to the list.
        if action in ("load_demo", "import"):
            return self.welcoming
        return True

    def action_load_demo(self) -> None:
        self.crm.load_demo()

    def action_import(self) -> None:
        self.crm.action_open_import()

    @on(Button.Pressed, "#welcome-demo")
    def _demo_pressed(self) -> None:
        self.crm.load_demo()

    @on(Button.Pressed, "#welcome-import")
    def _import_pressed(self) -> None:
        self.crm.action_open_import()
