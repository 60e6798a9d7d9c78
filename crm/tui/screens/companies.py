"""The companies list: search by name, alias or email domain; Enter opens a company."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from crm.core.contacts.companies import CompanySummary, count_companies, list_companies
from crm.core.contacts.company_profile import CompanyDetail, company_detail
from crm.core.network import PositionAt, SecondDegree, Staff
from crm.core.terminal_text import terminal_text as shown
from crm.tui.lines import none_yet
from crm.tui.screens.search_list import SearchBox
from crm.tui.screens.split import SplitListScreen
from crm.tui.widgets.chrome import CrmFooter, CrmHeader, ScreenTabs
from crm.tui.widgets.detail_pane import DetailPane
from crm.tui.widgets.lazy_table import Column, LazyTable

CARD_ROWS = 8  # people per group on the card; the company's page lists them all

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


class CompaniesScreen(SplitListScreen):

    def compose(self) -> ComposeResult:
        yield CrmHeader()
        yield ScreenTabs()
        with Horizontal(classes="split"):
            with Vertical(id="companies-body"):
                yield SearchBox(placeholder="Search companies: name, alias or email domain  (/)",
                            id="companies-search", select_on_focus=False)
                yield Static("", id="companies-status", classes="status")
                yield LazyTable(COMPANY_COLUMNS, company_cells, page_size=self.PAGE_SIZE,
                                sort_key="name", id="companies-table")
            yield DetailPane(id="companies-card")
        yield CrmFooter()

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
        self.query_one("#companies-status", Static).update(Text(f"{total:,} {noun}{match}"),
                                                         layout=False)  # one line, always
        super().show_total(total)

    # -- who I know here, beside the list (WIDE columns and more) ---------------------------

    def fetch_card(self, session: Session, key: Any) -> CompanyDetail:
        return company_detail(session, key)

    def card_text(self, view: CompanyDetail) -> Text:
        return who_i_know_here(view)


def who_i_know_here(page: CompanyDetail) -> Text:
    """The company's people I know: now, before, and through whom, best first."""
    t = Text().append(shown(page.summary.name), style="bold")
    facts = [x for x in (page.summary.industry, page.summary.location) if x]
    if facts:
        t.append("\n" + shown(" · ".join(facts)), style="dim")
    t.append("\n\nWho I know here", style="bold")
    who = page.who
    groups: list[tuple[str, list[Any], Callable[[Any], Text]]] = [
        ("Now", list(who.current), _staff),
        ("Before", list(who.former), _staff),
        ("Through whom", list(who.second_degree), _second_degree),
    ]
    for title, items, line in groups:
        t.append(f"\n\n{title} ({len(items)})", style="bold")
        for item in items[:CARD_ROWS]:
            t.append("\n").append(line(item))
        if len(items) > CARD_ROWS:
            t.append(f"\n… and {len(items) - CARD_ROWS} more (enter opens the company)",
                     style="dim")
        if not items:
            t.append("\n").append(none_yet())
    return t


def _title_here(positions: list[PositionAt]) -> str:
    return positions[0].title or "" if positions else ""


def _staff(s: Staff) -> Text:
    """One line: who, their title there, what they are to me."""
    t = Text().append(shown(s.person.name), style="bold")
    if _title_here(s.positions):
        t.append(" · " + shown(_title_here(s.positions)))
    t.append(f"  {s.tie.kind or 'in my contacts'}, strength {s.tie.strength}", style="dim")
    return t


def _second_degree(d: SecondDegree) -> Text:
    """Who, and the best way in: via whom."""
    t = Text().append(shown(d.person.name), style="bold")
    if _title_here(d.positions):
        t.append(" · " + shown(_title_here(d.positions)))
    if d.via:
        t.append("  via ", style="dim")
        t.append(shown(d.via[0].person.name))
        t.append(f", path strength {d.via[0].strength}", style="dim")
    return t
