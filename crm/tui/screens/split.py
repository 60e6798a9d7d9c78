"""A list with the selected record's card beside it, on terminals at least WIDE columns.

The card follows the list's cursor: each move reads the record in a thread worker (a newer
move replaces a read still running), so holding ↓ never waits for the database. Narrower
than WIDE the pane is hidden and nothing is read; widening the terminal fills it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events

from crm.core.errors import CrmError
from crm.tui.screens.search_list import SearchListScreen
from crm.tui.widgets.detail_pane import WIDE, CardLoaded, DetailPane

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class SplitListScreen(SearchListScreen):
    # -- what a concrete list provides ------------------------------------------------------

    def card_key(self, row: Any) -> Any:
        return row.id

    def fetch_card(self, session: Session, key: Any) -> Any:
        """The view the card shows, read in a worker thread."""
        raise NotImplementedError

    def card_text(self, view: Any) -> Text:
        raise NotImplementedError

    # -- following the cursor ---------------------------------------------------------------

    @property
    def pane(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE

    def on_mount(self) -> None:
        self.watch(self.table, "cursor", lambda _cursor: self.follow_cursor(), init=False)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width >= WIDE:
            self.call_after_refresh(self.follow_cursor)

    def show_total(self, total: int) -> None:
        # A search's first rows are in: the card shows the first of them, read once they
        # are painted (the list is what the user waits for).
        self.call_after_refresh(self.follow_cursor)

    def follow_cursor(self) -> None:
        if not self.is_mounted or not self.wide:
            return
        row = self.table.cursor_row
        key = self.card_key(row) if row is not None else None
        pane = self.pane
        if key == pane.key:
            return
        pane.key = key
        if key is None:
            pane.show(Text(""))
            return

        def job(session: Session) -> CardLoaded:
            try:
                return CardLoaded(key, self.fetch_card(session, key))
            except CrmError:  # deleted meanwhile: an empty card, not an error
                return CardLoaded(key, None)

        self.read(job, lambda loaded: loaded, group="card")

    def on_card_loaded(self, message: CardLoaded) -> None:
        pane = self.pane
        if message.key == pane.key:
            pane.show(self.card_text(message.view) if message.view is not None else Text(""))

    def on_screen_resume(self) -> None:
        # Back from a record's page, where it may have changed: the card is read again.
        if self.is_mounted:
            self.pane.key = None
