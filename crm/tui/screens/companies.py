"""The companies list: search by name, alias or email domain; Enter opens a company."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from crm.core.companies import CompanySummary, count_companies, list_companies
from crm.tui.messages import CountLoaded, Failed, PageLoaded
from crm.tui.screens.base import CrmScreen, describe_error
from crm.tui.widgets.lazy_table import Column, LazyTable

COMPANY_COLUMNS = [
    Column("name", "Company", 0.35),
    Column("industry", "Industry", 0.25),
    Column("now", "Now", 5),
    Column("before", "Before", 6),
    Column("aliases", "Also known as", 0.4),
]


def company_cells(c: CompanySummary) -> list[object]:
    return [c.name, c.industry or "", c.people_current or "", c.people_former or "",
            ", ".join(c.aliases + c.domains)]


class CompaniesScreen(CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="companies.search"),
        Binding("down", "focus_list", "List", show=False, id="companies.list"),
        Binding("escape", "clear_search", "Clear", show=False, id="companies.clear"),
    ]

    DEBOUNCE_SECONDS = 0.03
    PAGE_SIZE = 100

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="companies-body"):
            yield Input(placeholder="Search companies: name, alias or email domain  (/)",
                        id="companies-search")
            yield Static("", id="companies-status", classes="status")
            yield LazyTable(COMPANY_COLUMNS, company_cells, page_size=self.PAGE_SIZE,
                            sort_key="name", id="companies-table")
        yield Footer()

    @property
    def table(self) -> LazyTable:
        return self.query_one("#companies-table", LazyTable)

    def on_mount(self) -> None:
        self.title = "Companies"
        self.query_one("#companies-search", Input).focus()
        self.refresh_list()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.refresh_list()

    @on(Input.Changed, "#companies-search")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.DEBOUNCE_SECONDS,
                                        lambda: self._run_query(event.value))

    def _run_query(self, value: str) -> None:
        self.query_text = value
        self.refresh_list()

    def refresh_list(self) -> None:
        self.search(self.query_text, self.table.reset())

    @work(thread=True, exclusive=True, group="companies-search")
    def search(self, query: str, generation: int) -> None:
        worker = get_current_worker()
        try:
            with self.db.read() as session:
                rows = list_companies(session, query, limit=self.PAGE_SIZE)
                total = len(rows) if len(rows) < self.PAGE_SIZE else None
                if worker.is_cancelled:
                    return
                self.post_message(PageLoaded(generation, 0, rows, total))
                if total is None:
                    total = count_companies(session, query)
                    if not worker.is_cancelled:
                        self.post_message(CountLoaded(generation, total))
        except Exception as err:
            self.post_message(Failed("companies", describe_error(err)))

    @on(LazyTable.PageNeeded, "#companies-table")
    def _page_needed(self, event: LazyTable.PageNeeded) -> None:
        self.load_page(self.query_text, event.generation, event.offset, event.limit)

    @work(thread=True, group="companies-page")
    def load_page(self, query: str, generation: int, offset: int, limit: int) -> None:
        try:
            with self.db.read() as session:
                rows = list_companies(session, query, limit=limit, offset=offset)
        except Exception as err:
            self.post_message(Failed("companies", describe_error(err)))
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
        if generation == self.table.generation:
            noun = "company" if total == 1 else "companies"
            match = " match" if self.query_text.strip() else ""
            self.query_one("#companies-status", Static).update(Text(f"{total:,} {noun}{match}"))

    def on_failed(self, message: Failed) -> None:
        self.notify(message.error, severity="error", markup=False)

    @on(LazyTable.RowChosen, "#companies-table")
    def _open(self, event: LazyTable.RowChosen) -> None:
        self.crm.open_company(event.row.id)

    @on(Input.Submitted, "#companies-search")
    def _open_first(self) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.crm.open_company(row.id)

    def action_focus_search(self) -> None:
        self.query_one("#companies-search", Input).focus()

    def action_focus_list(self) -> None:
        self.table.focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#companies-search", Input)
        search.value = ""
        search.focus()
