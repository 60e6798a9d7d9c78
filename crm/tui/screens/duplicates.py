"""Likely duplicates, best first, with the evidence (`crm duplicates`), and the same-name
people an import suggested: Enter on two people opens the merge screen; on two companies
it asks, then merges them (both names stay, as aliases)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Static

from crm.core.network.suggestions import SuggestionView, list_suggestions
from crm.core.terminal_text import terminal_text as shown
from crm.core.upkeep.duplicates import DuplicatePair, find_duplicates
from crm.tui.messages import Saved
from crm.tui.screens.base import PageScreen
from crm.tui.screens.dialogs import ConfirmDialog
from crm.tui.widgets.rows import ItemRow, section_title


@dataclass(frozen=True)
class DuplicatesView:
    pairs: list[DuplicatePair]
    suggested: list[SuggestionView]  # same-name people an import was unsure about


def duplicates_view(session: Session) -> DuplicatesView:
    return DuplicatesView(find_duplicates(session),
                          [s for s in list_suggestions(session) if s.kind == "same-person"])


def pair_line(p: DuplicatePair) -> Text:
    t = Text(f"{p.score:>4}  ", style="dim")
    t.append(f"#{p.keep.id} ", style="dim")
    t.append(shown(p.keep.name), style="bold")
    t.append("  ·  ", style="dim")
    t.append(f"#{p.other.id} ", style="dim")
    t.append(shown(p.other.name), style="bold")
    if p.kind != "person":
        t.append(f"  ({p.kind})", style="dim")
    for e in p.evidence:
        t.append(f"\n        {e.kind}: ", style="dim")
        t.append(shown(e.detail))
    return t


class DuplicatesScreen(PageScreen[DuplicatesView]):
    PAGE_TITLE = "Duplicates"
    BODY_ID = "dups-body"
    RELOAD_ON_RESUME = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Go back",
                id="dups.back"),
    ]

    DEFAULT_CSS = """
    DuplicatesScreen #dups-body { padding: 0 2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view: DuplicatesView | None = None

    def fetch(self, session: Session) -> DuplicatesView:
        return duplicates_view(session)

    async def show(self, view: DuplicatesView) -> None:
        self.view = view
        await self.refill(self._widgets(view))

    def _widgets(self, view: DuplicatesView) -> list[Widget]:
        out: list[Widget] = [Static(Text(
            "Enter on two people opens the merge screen (pick what stays); on two companies "
            "it merges them, both names kept as aliases.", style="dim"), classes="intro")]
        out.append(section_title(f"Likely duplicates ({len(view.pairs)})", "best first"))
        if not view.pairs:
            out.append(Static(Text("none found", style="dim"), classes="item"))
        for i, p in enumerate(view.pairs):
            out.append(ItemRow(pair_line(p), p.kind, (p.keep.id, p.other.id, p),
                               id=f"pair-{i}"))
        if view.suggested:
            out.append(section_title(f"Suggested by imports ({len(view.suggested)})",
                                     "same name, nothing else in common"))
            for s in view.suggested:
                t = Text(f"#{s.person_id} ", style="dim").append(shown(s.person), style="bold")
                t.append("  ·  ", style="dim").append(f"#{s.other_id} ", style="dim")
                t.append(shown(s.other), style="bold")
                t.append(f"\n        {shown(s.evidence)}", style="dim")
                out.append(ItemRow(t, "person", (s.person_id, s.other_id, None),
                                   id=f"suggested-{s.id}"))
        return out

    @on(ItemRow.Chosen)
    def _chosen(self, event: ItemRow.Chosen) -> None:
        keep, other, pair = event.key
        if event.kind == "person":
            self.crm.open_merge(keep, other)
            return
        names = Text("Merge the company ").append(shown(pair.other.name), style="bold")
        names.append(f" (#{other}) into ").append(shown(pair.keep.name), style="bold")
        names.append(f" (#{keep})? Its people, applications, names and domains move there.")

        def job(s: Session) -> str:
            from crm.core.upkeep.company_merge import merge_companies

            plan = merge_companies(s, keep, other)
            return f"Merged {plan.other_name} into {plan.keep_name}"

        def done(yes: bool | None) -> None:
            if yes:
                self.write(job, saved=Saved)

        self.app.push_screen(ConfirmDialog(names, yes="Merge"), done)

    def action_back(self) -> None:
        self.dismiss()
