"""Today: the agenda (crm.core.agenda.today) on one page, each item one key from done.

enter opens the person (or the application's company), n logs that you were in touch
today (the clock of "due for contact" restarts), d marks a to-do done (on a person due for
contact: logs it), s snoozes a to-do for a week, x removes a to-do (one crm proposed is
dismissed, never proposed again).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.app import RenderResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Static

from crm.core.agenda.today import Agenda, AgendaItem, build_agenda
from crm.core.agenda.todos import complete_todo, remove_todo, snooze_todo
from crm.core.terminal_text import terminal_text as shown
from crm.core.upkeep.editing import add_interaction
from crm.tui.messages import Saved
from crm.tui.screens.base import PageScreen
from crm.tui.widgets.rows import ItemRow, section_title

SNOOZE_DAYS = 7
# Rows a section shows (a big address book has dozens of birthdays a week); the rest are
# counted, and `crm agenda` lists them all.
ROWS_PER_SECTION = 20
SECTIONS = (("todos", "To do", "d done · s snooze a week · x remove"),
            ("interviews", "Interviews", "enter opens the company"),
            ("birthdays", "Birthdays", "n logs that you wished them well"),
            ("contacts", "Due for contact", "n logs that you were in touch today"))


DETAIL_INDENT = 4


def agenda_parts(item: AgendaItem, today: date) -> tuple[Text, list[Text]]:
    """An item's first line (when, what) and the lines under it (why, who I know there)."""
    t = Text()
    if item.overdue:
        t.append("overdue ", style="bold red")
    t.append(item.when(today), style="bold")
    t.append("  ")
    t.append(shown(item.title))  # contact text: escaped, in a Text span, never markup
    if item.automatic:
        t.append("   proposed", style="dim italic")
    below = []
    if item.detail:
        below.append(Text(shown(item.detail), style="dim"))
    if item.people:
        below.append(Text("you know: ", style="dim").append(shown(", ".join(item.people))))
    return t, below


def agenda_line(item: AgendaItem, today: date) -> Text:
    """The item as one Text (what a search of the rows or a test reads)."""
    head, below = agenda_parts(item, today)
    for line in below:
        head = head + Text("\n" + " " * DETAIL_INDENT) + line
    return head


class AgendaRow(ItemRow):
    """An agenda item: a long reason wraps under itself, not back at the row's edge."""

    def __init__(self, item: AgendaItem, today: date, *, id: str | None = None) -> None:
        super().__init__(agenda_line(item, today), item.kind, item.key,
                         opens=item.person_id is not None or item.company_id is not None,
                         id=id)
        self.parts = agenda_parts(item, today)

    def render(self) -> RenderResult:
        head, below = self.parts
        return Group(head, *(Padding(line, (0, 0, 0, DETAIL_INDENT)) for line in below))


class TodayScreen(PageScreen[Agenda]):
    PAGE_TITLE = "Today"
    BODY_ID = "today-body"
    RELOAD_ON_RESUME = False  # (see on_screen_resume)

    BINDINGS: ClassVar[list[BindingType]] = [
        # n as on a person's page (a note or interaction); l, its old key, still logs.
        Binding("n", "log_contact", "Log", tooltip="Log that you were in touch today",
                id="today.log"),
        Binding("l", "log_contact", show=False, id="today.log-old"),
        Binding("d", "done", "Done", tooltip="Mark the selected to-do done",
                id="today.done"),
        Binding("s", "snooze", "Snooze", tooltip="Put the selected item off to a later day",
                id="today.snooze"),
        # (on ? and in the section's hint: the footer keeps to 80 columns)
        Binding("x", "remove", "Remove", show=False, tooltip="Remove the selected to-do",
                id="today.remove"),
        Binding("r", "reload", "Reload", show=False, tooltip="Read the agenda again",
                id="today.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.agenda: Agenda | None = None
        self.by_row: dict[str, AgendaItem] = {}
        self.expanded: set[str] = set()  # sections shown whole ("… and 12 more" chosen)

    def on_screen_resume(self) -> None:
        # Coming back reloads (a to-do done elsewhere); the first showing is on_mount's load.
        if self.agenda is not None and self.is_mounted:
            self.load()

    def fetch(self, session: Session) -> Agenda:
        return build_agenda(session)

    async def show(self, view: Agenda) -> None:
        first = self.agenda is None
        self.agenda = view
        self.sub_title = f"{view.today.isoformat()} and the next {view.days} days"
        await self.refill(self._widgets(view))
        if first:  # opened: the top of the agenda, its first item selected
            self.query_one(f"#{self.BODY_ID}").scroll_home(animate=False)

    def _widgets(self, agenda: Agenda) -> list[Widget]:
        out: list[Widget] = []
        self.by_row = {}
        if not agenda.items:
            out.append(Static(Text("Nothing on the agenda. Add a to-do with t on a person's "
                                   "page.", style="dim")))
            return out
        for name, title, hint in SECTIONS:
            items: list[AgendaItem] = getattr(agenda, name)
            if not items:
                continue
            out.append(section_title(title, hint))
            shown_rows = len(items) if name in self.expanded else ROWS_PER_SECTION
            for item in items[:shown_rows]:
                row_id = "agenda-" + item.key.replace(":", "-")
                self.by_row[row_id] = item
                out.append(AgendaRow(item, agenda.today, id=row_id))
            if len(items) > shown_rows:
                out.append(ItemRow(Text(f"… and {len(items) - shown_rows} more (enter shows "
                                        "them all)", style="dim"), "more", name,
                                   id=f"more-{name}"))
        return out

    def _selected(self) -> AgendaItem | None:
        focused = self.focused
        item = self.by_row.get(focused.id or "") if isinstance(focused, ItemRow) else None
        if item is None:
            self.notify("Select an item first.")
        return item

    @on(ItemRow.Chosen)
    async def _chosen(self, event: ItemRow.Chosen) -> None:
        if event.kind == "more" and self.agenda is not None:  # the rest of that section
            self.expanded.add(event.key)
            rest = getattr(self.agenda, event.key)[ROWS_PER_SECTION:]
            if rest:  # the cursor goes to the first row that was hidden
                self.refocus = "agenda-" + rest[0].key.replace(":", "-")
            await self.refill(self._widgets(self.agenda))
            return
        item = self.by_row.get(event.row.id or "")
        if item is None:
            return
        if item.person_id is not None:
            self.crm.open_person(item.person_id)
        elif item.company_id is not None:
            self.crm.open_company(item.company_id)

    def action_log_contact(self) -> None:
        item = self._selected()
        if item is None:
            return
        if item.person_id is None:
            self.notify("This item is not about a person.")
            return
        pid, what = item.person_id, item.title

        def job(s: Session) -> str:
            entry = add_interaction(s, pid, "other", date.today(), f"In touch ({what})")
            return entry.person.display_name

        self.write(job, saved=lambda name: Saved(f"Logged contact with {name} today."))

    def action_done(self) -> None:
        item = self._selected()
        if item is None:
            return
        if item.todo_id is None:
            if item.kind in ("contact", "birthday"):
                self.action_log_contact()
            else:
                self.notify("Only to-dos are marked done.")
            return
        tid = item.todo_id
        self.write(lambda s: complete_todo(s, tid),
                   saved=lambda v: Saved(f"Done: {v.text}"))

    def action_snooze(self) -> None:
        item = self._selected()
        if item is None:
            return
        if item.todo_id is None:
            self.notify("Only to-dos snooze; n logs a contact, which restarts the clock.")
            return
        tid, until = item.todo_id, date.today() + timedelta(days=SNOOZE_DAYS)
        self.write(lambda s: snooze_todo(s, tid, until),
                   saved=lambda v: Saved(f"Snoozed until {until.isoformat()}: {v.text}"))

    def action_remove(self) -> None:
        item = self._selected()
        if item is None:
            return
        if item.todo_id is None:
            self.notify("Only to-dos are removed.")
            return
        tid = item.todo_id
        self.write(lambda s: remove_todo(s, tid),
                   saved=lambda r: Saved(("Dismissed (not proposed again): " if r[1]
                                          else "Removed: ") + r[0].text))

    def action_reload(self) -> None:
        self.load()
