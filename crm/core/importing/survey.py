"""The cheap first pass over every record: how many there are, and whom relations name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from crm.core.cards import RejectedCard
from crm.core.importing.common import relation_kind
from crm.core.importing.sources import SourceItem
from crm.core.normalize import fold


@dataclass
class Survey:
    """A first pass over the cards: how many there are (for progress), and the names and
    uids their relations refer to (so that only those are remembered across chunks)."""

    total: int = 0
    names: set[str] = field(default_factory=set)
    uids: set[str] = field(default_factory=set)

    def add(self, other: Survey) -> None:
        self.total += other.total
        self.names |= other.names
        self.uids |= other.uids


def survey_cards(items: Iterable[SourceItem]) -> Survey:
    survey = Survey()
    for item in items:
        survey.total += 1
        if isinstance(item, RejectedCard) or not item.may_relate():
            continue
        try:
            card = item.parse()
        except Exception:  # reported when the card is imported
            continue
        for rel in card.relations:
            if relation_kind(rel.label) is None:
                continue
            if rel.uid:
                survey.uids.add(rel.uid.removeprefix("urn:uuid:"))
            else:
                survey.names.add(fold(rel.name).strip())
    return survey
