"""People deleted (their tombstones, `crm deleted`): Enter restores one (`crm undelete`)
with everything that went with them; an import skips the others."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Static

from crm.core.terminal_text import terminal_text as shown
from crm.core.upkeep.tombstones import TombstoneView, list_tombstones, resolve_tombstone, undelete
from crm.tui.lines import none_yet
from crm.tui.messages import Saved
from crm.tui.screens.base import PageScreen
from crm.tui.screens.dialogs import ConfirmDialog
from crm.tui.widgets.rows import ItemRow, section_title


def tombstone_line(t: TombstoneView) -> Text:
    line = Text(shown(t.name), style="bold")
    line.append(f"  #{t.person_id}  deleted {t.deleted_at:%Y-%m-%d %H:%M}", style="dim")
    keys = [v for k, v in t.keys if k in ("email", "phone")]
    if keys:
        line.append("\n    ")
        line.append(shown(", ".join(keys[:4])) + (" …" if len(keys) > 4 else ""), style="dim")
    return line


class DeletedScreen(PageScreen[list[TombstoneView]]):
    PAGE_TITLE = "Deleted people"
    BODY_ID = "deleted-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Go back",
                id="deleted.back"),
        Binding("u", "undelete", "Undelete", tooltip="Restore the selected person",
                id="deleted.undelete"),
    ]

    DEFAULT_CSS = """
    DeletedScreen #deleted-body { padding: 0 2; }
    """

    def fetch(self, session: Session) -> list[TombstoneView]:
        return list_tombstones(session)

    async def show(self, view: list[TombstoneView]) -> None:
        out: list[Widget] = [Static(Text(
            "People you deleted: an import of the same cards skips them. Enter (or u) "
            "restores one, with everything that went with them.", style="dim"),
            classes="intro")]
        out.append(section_title(f"Deleted ({len(view)})", "newest first"))
        if not view:
            out.append(Static(none_yet(), classes="item"))
        out += [ItemRow(tombstone_line(t), "tombstone", (t.person_id, t.name),
                        id=f"tombstone-{t.id}") for t in view]
        await self.refill(out)

    @on(ItemRow.Chosen)
    def _chosen(self, event: ItemRow.Chosen) -> None:
        self._ask(*event.key)

    def action_undelete(self) -> None:
        focused = self.focused
        if isinstance(focused, ItemRow) and focused.kind == "tombstone":
            self._ask(*focused.key)
        else:
            self.notify("Select a deleted person first.")

    def _ask(self, person_id: int, name: str) -> None:
        question = Text("Restore ").append(shown(name), style="bold").append(
            " with everything deleted with them?")

        def job(s: Session) -> str:
            restored = undelete(s, resolve_tombstone(s, f"#{person_id}"))
            said = f"Restored {restored.name}"
            if restored.not_restored:
                said += "; not restored: " + "; ".join(restored.not_restored)
            return said

        def done(yes: bool | None) -> None:
            if yes:
                self.write(job, saved=Saved)

        self.app.push_screen(ConfirmDialog(question, yes="Restore"), done)

    def action_back(self) -> None:
        self.dismiss()
