"""What a reader hands the import pipeline: source-neutral records.

A new import source (a LinkedIn or Google CSV, a vdir, a CardDAV server) is a reader plus a
mapping. The reader splits its input into records and yields, for each, either a
``PendingRecord`` (found, not read yet) or a ``RejectedCard`` (it could not even be split
out: where, why, and its raw text). The mapping is ``PendingRecord.parse``: it turns the
record into a ``crm.core.cards.Card``, crm's one shape of a contact, or raises
``CardRejected(line, message)``. Everything else is the pipeline's and comes for free:
the survey for progress, dry run, matching (UID, email, phone), merge, chunking, progress,
one transaction, rejected-record storage and the report (``import_records``).

A record keeps its raw text whole (a vCard's lines, a CSV row as it was in the file, with
its header) and says what that text is (``raw_format``). The raw text is stored as
provenance, a rejected one is kept to be fixed and imported again, and a record whose exact
raw text was imported before is skipped without being parsed, which is what makes importing
the same export twice cheap. (The format travels with the record and a rejected one; the
import_record table has no column for it yet.)

``crm.vcard.reader.RawCard`` is the vCard record, ``crm.sources`` has the CSV ones;
``RawRecord`` below suits a reader whose mapping is a plain function of the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crm.core.cards import Card, PendingCard, RejectedCard, raw_hash

# What a reader yields for a record it found: defined beside Card (so that a reader needs
# nothing but crm.core.cards), named here for what it is to the pipeline.
PendingRecord = PendingCard


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
        return self.mapping(self)

    def may_relate(self) -> bool:
        return self.relations
