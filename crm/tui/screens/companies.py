"""The companies list: search by name, alias or email domain; Enter opens a company."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from crm.core.contacts.companies import CompanySummary, count_companies, list_companies
from crm.tui.screens.search_list import SearchBox, SearchListScreen
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


class CompaniesScreen(SearchListScreen):

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="companies-body"):
            yield SearchBox(placeholder="Search companies: name, alias or email domain  (/)",
                        id="companies-search", select_on_focus=False)
            yield Static("", id="companies-status", classes="status")
            yield LazyTable(COMPANY_COLUMNS, company_cells, page_size=self.PAGE_SIZE,
                            sort_key="name", id="companies-table")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Companies"
        self.search_box.focus()
        self.refresh_list()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.total is not None:
            self.refresh_list(keep_cursor=True)

    def fetch_page(self, session: Session, query: str, offset: int, limit: int,
                   sort: str | None) -> list[Any]:
        return list_companies(session, query, limit=limit, offset=offset)

    def fetch_count(self, session: Session, query: str) -> int:
        return count_companies(session, query)

    def open_row(self, row: CompanySummary) -> None:
        self.crm.open_company(row.id)

    def show_total(self, total: int) -> None:
        noun = "company" if total == 1 else "companies"
        match = " match" if self.query_text.strip() else ""
        self.query_one("#companies-status", Static).update(Text(f"{total:,} {noun}{match}"))
