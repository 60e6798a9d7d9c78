"""Reading one stored record again: the raw text crm kept of an imported card (a vCard, or
a Google or Outlook CSV row or a row of LinkedIn's Connections.csv, each with its header)
back into a ``Card``, as the import read it.

Used to split a card off the person it was matched to (crm.core.upkeep.split), which needs
the card itself and the person's other cards; core cannot read a vCard itself.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from crm.core.cards import Card, PendingCard, RejectedCard
from crm.core.importing.extra_records import Touch
from crm.sources.contacts_csv import pending_cards
from crm.sources.table import NotATable
from crm.vcard.reader import is_vcard_record, read_stored


def _linkedin_connection(file: str, raw: str) -> Card | None:
    """A row of LinkedIn's Connections.csv (kept with its header) as the import read it;
    None when the text is not one."""
    from crm.sources.importer import connection_card
    from crm.sources.linkedin import LinkedInExport, read_csv_text

    export = LinkedInExport(path=file, exported_on=date.today())
    if not read_csv_text(export, raw, file) or len(export.connections) != 1:
        return None
    return connection_card(export.connections[0])


def read_record(file: str, line: int, raw: str) -> tuple[Card, str] | None:
    """The card of a stored record and its source kind ("vcard", "google-csv", "linkedin"
    ...), or None when the text is no card crm can read again (a damaged card, a row of
    another LinkedIn file)."""
    if is_vcard_record(raw):
        return read_stored(file, line, raw)
    found: PendingCard | RejectedCard | None = None
    try:
        linkedin = _linkedin_connection(file, raw)
        if linkedin is not None:
            return replace(linkedin, line=line), "linkedin"
        found = next(iter(pending_cards(raw, file)), None)
        kind = found.raw_format if found is not None else "csv"
    except (NotATable, ValueError):
        return None
    if found is None or isinstance(found, RejectedCard):
        return None
    try:
        card = found.parse()
    except Exception:  # (read once by the import; one that fails now is not split)
        return None
    return replace(card, line=line) if card.line != line else card, kind


def read_touches(file: str, raw: str) -> list[Touch]:
    """The interactions a stored row of a LinkedIn export made (a message, an invitation),
    as the import read them; none for any other row, or one that cannot be read now."""
    from crm.sources.importer import linkedin_extras
    from crm.sources.linkedin import LinkedInExport, read_csv_text

    export = LinkedInExport(path=file, exported_on=date.today())
    try:
        if not read_csv_text(export, raw, file):
            return []
    except (NotATable, ValueError):
        return []
    extras = linkedin_extras(export)
    # (a connection's "connected on LinkedIn" is the card's own: it moves with the card)
    return [t for t in extras.touches if t.keep]
