"""Ask for an introduction from the TUI: crm drafts the request along the best warm path
(``crm.core.agenda.intro``, as `crm intro` does), records the ask (a referral "asked" and a
to-do to chase it in a week), copies the note to the clipboard (OSC 52: the terminal, even
over ssh) and, if a file is given, writes it there too (0600, atomic) for terminals that
do not pass the clipboard on.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from sqlalchemy.orm import Session

from crm.core.agenda.intro import IntroDraft, draft_intro, record_intro
from crm.core.contacts.people import resolve_person
from crm.core.files import write_file
from crm.core.terminal_text import terminal_text as shown
from crm.core.upkeep.editing import get_person
from crm.tui.screens.dialogs import FormField

if TYPE_CHECKING:
    from crm.tui.screens.base import CrmScreen


def ask_for_intro(screen: CrmScreen, person_id: int, name: str) -> None:
    """The intro form for person ``person_id``; saved: drafted, recorded, copied."""
    app = screen.app

    def job(s: Session, v: dict[str, str]) -> tuple[IntroDraft, str]:
        target = get_person(s, person_id)
        who = v.get("via", "").strip()
        draft = draft_intro(s, target, via=resolve_person(s, who) if who else None,
                            why=v.get("why", "").strip() or None)
        where = v.get("file", "").strip()
        if where:
            where = str(write_file(Path(where).expanduser(), draft.text))
        return record_intro(s, draft, target), where

    def summary(result: tuple[IntroDraft, str]) -> str:
        draft, where = result
        # (on the UI thread: the note goes to the terminal's clipboard)
        app.call_from_thread(app.copy_to_clipboard, draft.text)
        return (f"Intro request to {draft.target} via {draft.via} copied to the clipboard"
                + (f" and written to {where}" if where else "")
                + f"; recorded as asked, with a to-do to chase {draft.via} in a week")

    screen.ask(Text("Ask for an introduction to ").append(shown(name), style="bold").append(
        " (the note goes to the clipboard; the template is templates/intro.txt)"), [
        FormField("via", "Ask (empty: the best path's first person)", placeholder="Priya"),
        FormField("why", "Why you want to meet them (optional)",
                  placeholder="I am applying to their team"),
        FormField("file", "Also write it to a file (optional)", placeholder="~/intro.txt"),
    ], job, summary=summary)
