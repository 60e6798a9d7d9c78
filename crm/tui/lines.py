"""Lines of text that more than one screen shows: data goes in as plain Text, never markup."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from crm.core.terminal_text import terminal_text as shown

if TYPE_CHECKING:  # (the people list imports this before SQLAlchemy is loaded)
    from crm.core.db import Database
    from crm.core.jobhunt.applications import ApplicationView


def application_line(a: ApplicationView) -> Text:
    t = Text(shown(a.role), style="bold")
    t.append(" at ")
    t.append(shown(a.company), style="bold")
    t.append("   ")
    t.append(a.stage, style="reverse" if a.stage in ("interviewing", "offer") else "dim")
    dates = [f"{label} {d.isoformat()}" for label, d in (
        ("applied", a.applied_on), ("interview", a.interview_on), ("closed", a.closed_on)) if d]
    if dates:
        t.append("\n    " + " · ".join(dates), style="dim")
    for r in a.referrals:
        t.append("\n    referral: ", style="dim")
        t.append(shown(r.referrer))
        t.append(f" → {shown(r.referred)}" if r.referred != "me" else "")
        t.append(f" [{r.status}]", style="dim")
    for ref in a.references:
        t.append("\n    reference given: ", style="dim")
        t.append(shown(ref.name))
        t.append(f" on {ref.used_on.isoformat()}" + ("" if ref.notified else " (not notified)"),
                 style="dim")
    if a.note:
        t.append("\n    ")
        t.append(shown(a.note, multiline=True), style="italic dim")
    return t


def last_sync_line(db: Database) -> str:
    """The header's line about the last sync ("" before any): when, what it did, with what
    (last: a long path is cut at the edge)."""
    from crm.sync.targets import last_sync

    with db.read() as session:
        target = last_sync(session)
    if target is None or target.last_sync_at is None:
        return ""
    at = target.last_sync_at
    if at.tzinfo is None:  # SQLite keeps the UTC time without its zone
        at = at.replace(tzinfo=UTC)
    when = at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"last sync {when}: {target.last_summary} ({target.label})"


def home_short(path: Path) -> str:
    """``path`` with the home directory written ~ (shorter in a label or a header)."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


# What an empty section says, on every page (one wording, dim).
NONE_YET = "none yet"


def none_yet() -> Text:
    return Text(NONE_YET, style="dim")


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def readable_date(value: str) -> str:
    """A stored date as people write it: "14 March 1999"; without a year (--03-14)
    "14 March"; "March 1999" for a month; a year or anything else as it is."""
    parts = value.split("-")
    try:
        if value.startswith("--") and len(parts) == 4:  # --MM-DD
            return f"{int(parts[3])} {MONTHS[int(parts[2]) - 1]}"
        if len(parts) == 3:  # YYYY-MM-DD
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        if len(parts) == 2:  # YYYY-MM
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
    except (ValueError, IndexError):
        pass
    return value
