"""What a reader hands the import pipeline: source-neutral records.

A new import source (a LinkedIn or Google CSV, a vdir, a CardDAV server) is a reader plus a
mapping. The reader splits its input into records and yields, for each, either a
``PendingRecord`` (found, not read yet) or a ``RejectedCard`` (it could not even be split
out: where, why, and its raw text). The mapping is ``PendingRecord.parse``: it turns the
record into a ``crm.core.cards.Card``, crm's one shape of a contact, or raises
``CardRejected(line, message)``. Everything else is the pipeline's and comes for free:
the survey for progress, dry run, matching (UID, email, phone), merge, chunking, progress,
one transaction, rejected-record storage and the report (``import_records``).

A record keeps its raw text whole (a vCard's lines, a CSV row as it was in the file) with a
tag saying what that text is (``raw_format``): it is stored as provenance, a rejected one is
kept to be fixed and imported again, and a record whose exact raw text was imported before
is skipped without being parsed, which is what makes importing the same export twice cheap.

``crm.vcard.reader.RawCard`` is the vCard record; ``RawRecord`` below suits a reader whose
mapping is a plain function of the raw text (a CSV row with its header).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from crm.core.cards import Card, RejectedCard, raw_hash


class PendingRecord(Protocol):
    """One record split out of a source but not read yet.

    ``file`` is where it came from as the user would name it (a path, a URL), ``line`` where
    in it (the first line of the record, or the row of a CSV); both are shown to the user
    and stored with what the record created.
    """

    file: str
    line: int
    raw: str  # the record's own text, whole

    @property
    def raw_format(self) -> str:
        """What ``raw`` is: "vcard", "linkedin-csv", ... (stored with the raw text)."""
        ...

    @property
    def raw_hash(self) -> str: ...

    def parse(self) -> Card:
        """The mapping: the record as a Card (whose ``file``, ``line``, ``raw`` and
        ``raw_format`` are the record's), or ``CardRejected(line, message)``."""
        ...

    def may_relate(self) -> bool:
        """False when the card cannot name any relation, so that the survey (which
        collects the names relations refer to) need not parse it; True when unsure."""
        ...


# What a reader yields, one per record of its source.
SourceItem = PendingRecord | RejectedCard
Reader = Iterable[SourceItem]


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A record whose mapping is a function of the record (a CSV row and its header):
    the mapping runs only when the raw text was not imported before."""

    file: str
    line: int
    raw: str
    raw_format: str
    mapping: Callable[[RawRecord], Card]
    relations: bool = False  # whether the mapping can give the card relations

    @property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)

    def parse(self) -> Card:
        card = self.mapping(self)
        card.raw_format = self.raw_format
        return card

    def may_relate(self) -> bool:
        return self.relations
