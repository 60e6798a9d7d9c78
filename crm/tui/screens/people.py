"""The people list: search as you type over a windowed, paged list; the welcome state.

It is the first screen, and it may be shown before SQLAlchemy is loaded (its first page read
by ``crm.core.contacts.first_page``): what needs SQLAlchemy is imported where it is used, in
the worker threads that read, never at the top of this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from crm.core.contacts.rows import PEOPLE_SORTS, PersonRow
from crm.core.terminal_text import terminal_text as shown
from crm.tui.lines import home_short, none_yet, readable_date
from crm.tui.messages import CountLoaded, PageLoaded, Saved
from crm.tui.screens.search_list import SearchBox
from crm.tui.screens.split import SplitListScreen
from crm.tui.widgets.chrome import CrmFooter, CrmHeader, ScreenTabs
from crm.tui.widgets.detail_pane import DetailPane
from crm.tui.widgets.lazy_table import Column, LazyTable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crm.core.contacts.first_page import FirstPage
    from crm.core.contacts.profile import PersonDetail

PEOPLE_COLUMNS = [
    Column("name", "Name", 0.36),
    Column("company", "Company", 0.24),
    Column("title", "Title", 0.40),
    Column("last-contacted", "Last contacted", 14),
]


def person_cells(row: PersonRow) -> list[object]:
    return [row.name + ("  (me)" if row.is_me else ""), row.company or "", row.title or "",
            row.last_contacted or ""]


def person_card(d: PersonDetail) -> Text:
    """A compact, read-only card of a person: who, where, how to reach them, lately."""
    t = Text().append(shown(d.name), style="bold")
    if d.is_me:
        t.append("  (me)", style="dim")
    if d.title or d.company:
        t.append("\n" + shown(" at ".join(x for x in (d.title, d.company) if x)))
    for line in (d.headline, d.location):
        if line:
            t.append("\n" + shown(line), style="dim")
    if d.known_via:
        t.append("\nknown through ", style="dim")
        t.append(shown(d.known_via))

    def section(title: str) -> None:
        t.append(f"\n\n{title}", style="bold")

    def field(label: str, value: str) -> None:
        t.append(f"\n{label:<10}", style="dim")
        t.append(shown(value).replace("\n", "\n" + " " * 10))

    if d.birthday or d.tags or d.pronouns:
        t.append("\n")
        if d.birthday:
            field("birthday", readable_date(d.birthday))
        if d.pronouns:
            field("pronouns", d.pronouns)
        if d.tags:
            field("tags", ", ".join(d.tags))
    section("Contact")
    for cp in d.contact_points[:6]:
        field(cp.kind, cp.value)
    if not d.contact_points:
        t.append("\n").append(none_yet())
    section("Positions")
    for p in d.positions[:4]:
        t.append("\n● " if p.current else "\n○ ", style="green" if p.current else "dim")
        t.append(shown(p.title) or "(no title)")
        t.append(" · ")
        t.append(shown(p.company), style="bold")
        t.append(f"  {p.span(' → ')}", style="dim")
    if not d.positions:
        t.append("\n").append(none_yet())
    section("Reference")
    if d.reference is None:
        t.append("\n").append(none_yet())
    else:
        t.append("\n" + d.reference.status)
    section("Lately")
    for entry in d.interactions[:3]:
        t.append(f"\n{entry.date}  ", style="dim")
        t.append(shown(entry.summary, multiline=True).replace("\n", "\n" + " " * 12))
    if not d.interactions:
        t.append("\n").append(none_yet())
    if d.note:
        section("Note")
        t.append("\n" + shown(d.note, multiline=True))
    return t


class Welcome(Vertical):
    """Shown instead of the list while the database has nobody in it (on the first run:
    it says where the new database is)."""

    def _where(self) -> str:
        app = cast("PeopleScreen", self.screen).crm
        path = app.database_path
        return home_short(path) if path is not None else f"PostgreSQL, {app.database_label}"

    def compose(self) -> ComposeResult:
        yield Static(Text("Welcome to crm", style="bold"), classes="welcome-title")
        yield Static(
            "Your database is empty. Bring in the contacts from your phone (a .vcf export), "
            "your LinkedIn data export or a Google or Outlook CSV, or explore crm with a "
            "sample network first.", classes="welcome-text")
        yield Static(Text.assemble(("It is kept in ", "dim"), shown(self._where())),
                     classes="welcome-text", id="welcome-where")
        yield Button("Import contacts: phone, LinkedIn, CSV (i)", id="welcome-import",
                     variant="primary")
        yield Button("Load the demo network (d)", id="welcome-demo")
        yield Button("Add a person — start with yourself (n)", id="welcome-add")

    def on_mount(self) -> None:
        # (its buttons are mounted by now: the first of them takes the keys)
        self.query_one("#welcome-import", Button).focus()


class PeopleScreen(SplitListScreen):
    """Everyone, filtered as you type; Enter opens a person."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # ctrl+s saves everywhere else: the sort is ctrl+o ("order"); ctrl+s still sorts here.
        Binding("ctrl+o", "cycle_sort", "Sort",
                tooltip="Change the order of the list: name, company, last contacted…",
                id="people.sort"),
        Binding("ctrl+s", "cycle_sort", show=False, id="people.sort-old"),
        Binding("d", "load_demo", "Demo data",
                tooltip="Fill the empty database with a sample network",
                id="people.demo"),
        Binding("i", "import", "Import",
                tooltip="Import a .vcf file, a Google or Outlook CSV, or LinkedIn's export",
                id="people.import"),
        Binding("ctrl+n", "add_person", "New person", tooltip="Add a person (or yourself)",
                id="people.add"),
        Binding("n", "add_first_person", "Add a person",
                tooltip="Add the first person (start with yourself)",
                id="people.add-first"),
    ]

    COUNT_CAP = 1000

    def __init__(self) -> None:
        super().__init__()
        self.sort = "name"
        self._first_page_generation: int | None = None  # the list shows the first page

    def compose(self) -> ComposeResult:
        yield CrmHeader()
        yield ScreenTabs()
        with Horizontal(classes="split"):
            with Vertical(id="people-body"):
                yield SearchBox(placeholder="Search people: name, company, title, tag, note, "
                            "email, phone  (/)", id="people-search", select_on_focus=False)
                yield Static("", id="people-status", classes="status")
                yield LazyTable(PEOPLE_COLUMNS, person_cells, page_size=self.PAGE_SIZE,
                                sort_key=self.sort, id="people-table")
            yield DetailPane(id="people-card")
        yield CrmFooter()

    def on_mount(self) -> None:
        self.title = "People"
        self.search_box.focus()
        first = self.crm.take_first_page()
        if first is not None:
            self.show_first_page(first)
        else:
            self.refresh_list()

    def show_first_page(self, first: FirstPage) -> None:
        """The first page read before the database was opened: shown as ``search`` would
        show the same rows and count (the same page, crm.core.contacts.first_page)."""
        generation = self._first_page_generation = self.table.reset()
        short = len(first.rows) < self.PAGE_SIZE
        self.on_page_loaded(PageLoaded(generation, 0, first.rows,
                                       len(first.rows) if short else None))
        if not short:
            self.on_count_loaded(CountLoaded(generation, first.total))

    @staticmethod
    def prepare() -> None:
        """Import what reading this list needs (SQLAlchemy, the models): called in the
        thread that opens the database, so that the first search does not wait for it."""
        import crm.core.contacts.listing
        import crm.core.contacts.profile  # noqa: F401

    def on_screen_resume(self) -> None:
        # Someone may have been edited, added, imported or deleted on another screen (the
        # screen shown first, with the first page just read, has not been left yet).
        if (self.is_mounted and self.total is not None
                and self.table.generation != self._first_page_generation):
            self.refresh_list(keep_cursor=True)
        self._first_page_generation = None

    def fetch_page(self, session: Session, query: str, offset: int, limit: int,
                   sort: str | None) -> list[Any]:
        from crm.core.contacts.listing import people_page

        # Every order is an index walk to the page (crm.core.contacts.listing.page_ids).
        return people_page(session, query, offset, limit, sort or "name")

    def fetch_count(self, session: Session, query: str) -> int:
        from crm.core.contacts.listing import count_matching_people

        return count_matching_people(session, query, cap=self.COUNT_CAP)

    def open_row(self, row: PersonRow) -> None:
        self.crm.open_person(row.id)

    def show_total(self, total: int) -> None:
        empty_db = self.welcoming
        welcome = self.query("#welcome")
        if empty_db and not welcome:
            # Mounted only when needed: the first screen of a full database skips its cost.
            self.query_one("#people-body").mount(Welcome(id="welcome"))
        elif welcome:
            welcome.first().display = empty_db
            if empty_db:
                self.query_one("#welcome-import", Button).focus()
        self.refresh_bindings()  # the welcome's keys (check_action; CrmFooter: if changed)
        self.table.display = not empty_db
        self.search_box.display = not empty_db
        status = self.query_one("#people-status", Static)
        status.display = not empty_db
        noun = "person" if total == 1 else "people"
        what = f"{total:,} {noun}"
        if self.count_capped and self.COUNT_CAP is not None:
            what = f"{self.COUNT_CAP:,}+ people"
        if self.query_text.strip():
            what += " match"
        sort = (self.sort or "name").replace("-", " ")
        # (a search in name order lists the best matches first: crm.core.contacts.ranking)
        order = "best match first" if self.query_text.strip() and sort == "name" else (
            f"sorted by {sort}")
        status.update(Text(f"{what} · {order}"), layout=False)  # one line, always
        super().show_total(total)

    # -- the card beside the list (WIDE columns and more) -----------------------------------

    def fetch_card(self, session: Session, key: Any) -> PersonDetail:
        from crm.core.contacts.profile import person_detail

        return person_detail(session, key, brief=True)  # (what person_card shows)

    def card_text(self, view: PersonDetail) -> Text:
        return person_card(view)

    # -- sorting ----------------------------------------------------------------------------

    @on(LazyTable.SortRequested)
    def _sort_by(self, event: LazyTable.SortRequested) -> None:
        if event.column in PEOPLE_SORTS:
            self.set_sort(event.column)

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self.table.sort_key = sort
        self.refresh_list()

    def action_cycle_sort(self) -> None:
        current = PEOPLE_SORTS.index(self.sort or "name")
        self.set_sort(PEOPLE_SORTS[(current + 1) % len(PEOPLE_SORTS)])

    # -- the welcome state ------------------------------------------------------------------

    @property
    def welcoming(self) -> bool:
        return self.total == 0 and not self.query_text.strip()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The welcome keys are letters: once there are people, letters belong to the list.
        if action in ("load_demo", "import", "add_first_person"):
            return self.welcoming
        # On the welcome there is nothing to search or sort, and n already adds a person:
        # the footer keeps to the welcome's own keys (and fits 80 columns).
        if action in ("focus_search", "cycle_sort", "add_person"):
            return not self.welcoming
        return True

    def action_load_demo(self) -> None:
        self.crm.load_demo()

    def action_import(self) -> None:
        self.crm.action_open_import()

    def action_add_first_person(self) -> None:
        self.action_add_person()

    def action_add_person(self) -> None:
        from crm.tui.forms.person import ask_new_person

        # On an empty database the first person is most likely you.
        ask_new_person(self, me=self.welcoming)

    def on_saved(self, message: Saved) -> None:
        self.notify(message.summary, markup=False)
        self.refresh_list(keep_cursor=True)
        if isinstance(message.result, tuple):
            self.crm.open_person(message.result[0])

    @on(Button.Pressed, "#welcome-add")
    def _add_pressed(self) -> None:
        self.action_add_person()

    @on(Button.Pressed, "#welcome-demo")
    def _demo_pressed(self) -> None:
        self.crm.load_demo()

    @on(Button.Pressed, "#welcome-import")
    def _import_pressed(self) -> None:
        self.crm.action_open_import()
