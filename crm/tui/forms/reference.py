"""The reference form: make someone a reference, or change any of its fields. The person
screen (r) and the references board (s) both show it (see ``forms.records.reference_form``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm.tui.screens.base import CrmScreen


def ask_reference(screen: CrmScreen, person_id: int, name: str, status: str | None = None,
                  relationship: str | None = None, speaks_to: str | None = None) -> None:
    """Show the form on ``screen`` with every field a reference has (status, relationship,
    what they speak to, strength, since, preferred contact), read fresh; saved, the screen
    is told (and reloads). (``name`` and the rest are read again, as they are now.)"""
    from crm.tui.forms.records import edit_record

    edit_record(screen, "reference", person_id)
