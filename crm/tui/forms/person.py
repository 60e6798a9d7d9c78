"""The new-person form (people screen ctrl+n, the welcome screen's "Add a person"): a name,
an email and a phone, whether this is me, and whom I know them through."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from sqlalchemy.orm import Session

from crm.tui.forms.records import YES_NO
from crm.tui.screens.dialogs import FormField

if TYPE_CHECKING:
    from crm.tui.screens.base import CrmScreen


def new_person_fields(me: bool = False) -> list[FormField]:
    return [
        FormField("name", "Name", placeholder="Priya Natarajan"),
        FormField("email", "Email (optional)", placeholder="priya@example.com"),
        FormField("phone", "Phone (optional)", placeholder="+1 415 555 0100"),
        FormField("me", "This is me", "yes" if me else "no", options=YES_NO),
        FormField("via", "Known only through (name or #id; optional)", placeholder="Marcus"),
    ]


def add_person_job(s: Session, v: dict[str, str]) -> tuple[int, str]:
    """Create the person the form describes; (their id, what to say)."""
    from crm.core.contacts.people import create_person, resolve_person

    via = resolve_person(s, v["via"]) if v.get("via", "").strip() else None
    person = create_person(s, v["name"], emails=[v["email"]] if v["email"].strip() else [],
                           phones=[v["phone"]] if v["phone"].strip() else [],
                           me=v["me"] == "yes", via=via)
    said = f"Added {person.display_name}"
    if person.is_me:
        said += " (you)"
    if via is not None:
        said += f", known through {via.display_name}"
    return person.id, said


def ask_new_person(screen: CrmScreen, me: bool = False) -> None:
    """Show the form; saved, ``screen`` gets Saved with (id, summary) as its result."""
    screen.ask(Text("Add a person"), new_person_fields(me), add_person_job,
               summary=lambda result: result[1])
