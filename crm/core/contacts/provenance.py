"""Where a person's data came from: the cards imported into them, the name on each and how
the importer matched it to them (it created them, or it was matched by UID, profile URL,
email or phone: crm.core.vocabulary.MATCHED_BY). A match by email or phone is crm's
inference (numbers and inboxes are shared) and is shown as such; a card of another name is
shown prominently, and can be split off (crm.core.upkeep.split)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Integer, Text, column, or_, select, table
from sqlalchemy.orm import InstrumentedAttribute, Session

from crm.core.contacts import identity
from crm.core.vocabulary import INFERRED_MATCHES, NOT_A_CARD

# import_record's columns a person's page reads, as a lightweight table: ``crm show`` need
# not map the tracking models (crm.core.models: a quarter of the models' cost at start-up).
_RECORD = table("import_record", column("id", Integer), column("person_id", Integer),
                column("source_file", Text), column("line", Integer), column("status", Text),
                column("card_name", Text), column("matched_by", Text),
                column("match_evidence", Text),
                column("imported_at", DateTime(timezone=True)))

_WORDS = {"created": "created them", "uid": "matched by UID", "profile": "matched by profile",
          "email": "matched by the same email", "phone": "matched by the same phone",
          "same card": "the same card, synced", "split": "split off from"}


@dataclass(frozen=True)
class CardSource:
    """One imported card of a person: where it came from, the name on it, how it was
    matched. ``other_name``: the card's name is not the person's (shown prominently)."""

    id: int
    file: str
    line: int
    card_name: str | None
    matched_by: str | None  # None: imported before crm kept it
    evidence: str | None
    imported_at: datetime | None
    other_name: bool

    @property
    def inferred(self) -> bool:
        """Matched by a shared email or phone: crm's inference, not the card's word."""
        return self.matched_by in INFERRED_MATCHES

    def how(self) -> str:
        """"matched by the same phone +1 415 555 0101 (inferred)", and so on."""
        if self.matched_by is None:
            return "how it was matched is not recorded (imported before crm kept it)"
        words = _WORDS.get(self.matched_by, self.matched_by)
        if self.evidence and self.matched_by not in ("created", "same card"):
            words += f" {self.evidence}"
        return words + (" (inferred)" if self.inferred else "")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "line": self.line, "name": self.card_name,
                "matched_by": self.matched_by, "evidence": self.evidence,
                "inferred": self.inferred, "other_name": self.other_name,
                "imported_at": self.imported_at.isoformat() if self.imported_at else None}


def same_name(a: str | None, b: str | None) -> bool:
    """``identity.same_name``, a name not recorded counting as the same (nothing to show)."""
    return a is None or b is None or identity.same_name(a, b)


def a_card(matched_by: ColumnElement[Any] | InstrumentedAttribute[Any]
           ) -> ColumnElement[bool]:
    """An import record (by its ``matched_by``) that is a card, not a row kept of what else
    an import made, such as a LinkedIn message (crm.core.vocabulary.NOT_A_CARD)."""
    return or_(matched_by.is_(None), matched_by != NOT_A_CARD)


def card_sources(session: Session, person_id: int, name: str) -> tuple[CardSource, ...]:
    """The cards imported into the person (whose name is ``name``), oldest first (not their
    raw text; not the rows kept of what else an import made, such as a LinkedIn message)."""
    r = _RECORD.c
    rows = session.execute(
        select(r.id, r.source_file, r.line, r.card_name, r.matched_by, r.match_evidence,
               r.imported_at)
        .where(r.person_id == person_id, r.status == "imported", a_card(r.matched_by))
        .order_by(r.id))
    return tuple(CardSource(rid, file, line, card_name, how, evidence, at,
                            not same_name(card_name, name))
                 for rid, file, line, card_name, how, evidence, at in rows)


