"""The reference form: make someone a reference, or change their status, relationship and
what they can speak to. The person screen (r) and the references board (s) both show it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from crm.core.jobhunt.references import ReferenceView, save_reference
from crm.core.terminal_text import terminal_text as shown
from crm.core.vocabulary import REFERENCE_STATUSES
from crm.tui.screens.dialogs import FormField

if TYPE_CHECKING:
    from crm.tui.screens.base import CrmScreen


def reference_fields(status: str, relationship: str | None,
                     speaks_to: str | None) -> list[FormField]:
    return [
        FormField("status", "Status", status or "not-asked", options=list(REFERENCE_STATUSES)),
        FormField("relationship", "Relationship to you", relationship or "",
                  placeholder="Supervisor at Northwind (2023 internship)"),
        FormField("speaks_to", "Can speak to", speaks_to or "",
                  placeholder="SQL, ownership, communication"),
    ]


def ask_reference(screen: CrmScreen, person_id: int, name: str, status: str | None = None,
                  relationship: str | None = None, speaks_to: str | None = None) -> None:
    """Show the form on ``screen``; saved, the screen is told (and reloads)."""

    def summary(view: ReferenceView) -> str:
        return f"{view.name}: reference {view.status}"

    screen.ask(Text("Reference: ").append(shown(name), style="bold"),
               reference_fields(status or "not-asked", relationship, speaks_to),
               lambda s, v: save_reference(s, person_id, status=v["status"],
                                           relationship=v.get("relationship", ""),
                                           speaks_to=v.get("speaks_to", "")),
               summary=summary)
