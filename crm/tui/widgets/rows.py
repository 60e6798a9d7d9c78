"""Small focusable lines of contact text, always rendered literally."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static


def step_focus(widget: Widget, delta: int) -> None:
    """↓ / ↑ on a page's row or field: the next (previous) one, never round to the page
    itself (the focus chain goes on to the scrolling page, where no row looks selected and
    the row keys say "Select … first"); past the last row the rest of the page is scrolled
    into view, before the first its top."""
    chain = widget.screen.focus_chain
    if widget not in chain:
        return
    there = chain.index(widget) + delta
    if 0 <= there < len(chain) and chain[there] not in widget.ancestors:
        chain[there].focus()
        return
    page = next((a for a in widget.ancestors if isinstance(a, ScrollableContainer)), None)
    if page is not None:
        if delta > 0:
            page.scroll_end(animate=False)
        else:
            page.scroll_home(animate=False)


def section_title(title: str, hint: str = "") -> Static:
    text = Text(title, style="bold")
    if hint:
        text.append(f"   {hint}", style="dim")
    return Static(text, classes="section-title")


class ItemRow(Static, can_focus=True):
    """One item (a contact point, a connection, a position…); Enter or a click chooses it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Open", tooltip="Open the selected person or company",
                id="row.open"),
        Binding("down", "step(1)", "Next", show=False, id="row.next"),
        Binding("up", "step(-1)", "Previous", show=False, id="row.previous"),
    ]

    @dataclass
    class Chosen(Message):
        row: ItemRow
        kind: str
        key: Any

    def __init__(self, text: Text, kind: str, key: Any = None, *, opens: bool = True,
                 id: str | None = None, classes: str | None = None) -> None:
        # A Text is never parsed as markup: contact text shows exactly as stored.
        super().__init__(text, id=id, classes=classes, markup=False)
        self.text = text
        self.kind = kind
        self.key = key
        self.opens = opens  # False: a row to select (to remove it), with nothing to open

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers "Open" only on rows that open something.
        return self.opens or action != "choose"

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self, self.kind, self.key))

    def action_step(self, delta: int) -> None:
        step_focus(self, delta)

    def on_click(self, event: events.Click) -> None:
        if self.has_focus or event.chain >= 2:
            self.action_choose()
        else:
            self.focus()


class EditRow(ItemRow):
    """A row whose Enter edits it (a position, a note, a contact point…)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Edit", tooltip="Edit the selected row in a form",
                id="row.edit"),
    ]
