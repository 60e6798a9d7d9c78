"""Suggestions: what crm inferred (co-workers, fellow interns, classmates from dates; people
with the same name from an import), each with its evidence, to accept or dismiss."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Static

from crm.core.network.suggestions import (
    SuggestionView,
    accept_suggestion,
    dismiss_suggestion,
    list_suggestions,
)
from crm.core.terminal_text import terminal_text as shown
from crm.tui.lines import none_yet
from crm.tui.messages import Saved
from crm.tui.screens.base import PageScreen
from crm.tui.widgets.rows import ItemRow, section_title


def suggestion_line(v: SuggestionView) -> Text:
    t = Text()
    if v.kind == "connection":
        t.append(shown(v.other), style="bold")
        t.append(f" as your {v.connection_kind}")
    else:
        t.append(shown(v.person), style="bold")
        t.append(" and ")
        t.append(shown(v.other), style="bold")
        t.append(" may be one person")
    t.append("   inferred", style="dim italic")
    t.append("\n    ")
    t.append(shown(v.evidence, multiline=True), style="dim")
    return t


class SuggestionsScreen(PageScreen[list[SuggestionView]]):
    PAGE_TITLE = "Suggestions"
    BODY_ID = "suggestions-body"
    RELOAD_ON_RESUME = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Go back",
                id="suggestions.back"),
        Binding("a", "accept", "Accept", tooltip="Accept the selected suggestion (record the link)",
                id="suggestions.accept"),
        Binding("x", "dismiss_suggestion", "Dismiss",
                tooltip="Dismiss the selected suggestion (it is not shown again)",
                id="suggestions.dismiss"),
        Binding("d", "dismiss_suggestion", show=False, id="suggestions.dismiss-old"),
    ]

    DEFAULT_CSS = """
    SuggestionsScreen #suggestions-body { padding: 0 2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.suggestions: list[SuggestionView] = []

    def fetch(self, session: Session) -> list[SuggestionView]:
        return list_suggestions(session)

    async def show(self, view: list[SuggestionView]) -> None:
        self.suggestions = view
        await self.refill(self._widgets())

    def _widgets(self) -> list[Widget]:
        out: list[Widget] = [Static(Text(
            "What crm inferred, with the evidence. a accepts (a connection is recorded), "
            "x dismisses (it is not suggested again); Enter opens the person.",
            style="dim"), classes="intro")]
        out.append(section_title(f"To review ({len(self.suggestions)})", "oldest first"))
        if not self.suggestions:
            out.append(Static(none_yet(), classes="item"))
        out += [ItemRow(suggestion_line(v), "person", v.other_id, id=f"suggestion-{v.id}")
                for v in self.suggestions]
        return out

    @on(ItemRow.Chosen)
    def _chosen(self, event: ItemRow.Chosen) -> None:
        self.crm.open_person(event.key)

    def _selected(self) -> int | None:
        focused = self.focused
        if not isinstance(focused, ItemRow) or not (focused.id or "").startswith("suggestion-"):
            self.notify("Select a suggestion first.")
            return None
        return int((focused.id or "")[len("suggestion-"):])

    def action_accept(self) -> None:
        sid = self._selected()
        if sid is not None:
            self.write(lambda s: accept_suggestion(s, sid),
                       saved=lambda v: Saved(f"Accepted: {v.other} is your "
                                             f"{v.connection_kind}."))

    def action_dismiss_suggestion(self) -> None:
        sid = self._selected()
        if sid is not None:
            self.write(lambda s: dismiss_suggestion(s, sid),
                       saved=lambda _v: Saved("Dismissed; it will not be suggested again."))

    def action_back(self) -> None:
        self.dismiss()
