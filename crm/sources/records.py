"""Reading one stored record again: the raw text crm kept of an imported card (a vCard, or
a Google or Outlook CSV row with its header) back into a ``Card``, as the import read it.

Used to split a card off the person it was matched to (crm.core.upkeep.split), which needs
the card itself and the person's other cards; core cannot read a vCard itself.
"""

from __future__ import annotations

from dataclasses import replace

from crm.core.cards import Card, PendingCard, RejectedCard
from crm.sources.contacts_csv import pending_cards
from crm.sources.table import NotATable
from crm.vcard.reader import looks_like_vcard, normalize_newlines, split_cards


def read_record(file: str, line: int, raw: str) -> tuple[Card, str] | None:
    """The card of a stored record and its source kind ("vcard", "google-csv", ...), or
    None when the text is no card crm can read again (a LinkedIn row, a damaged card)."""
    found: PendingCard | RejectedCard | None = None
    try:
        if looks_like_vcard(normalize_newlines(raw)):
            found = next(iter(split_cards(raw, file)), None)
            kind = "vcard"
        else:
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
