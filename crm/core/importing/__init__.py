"""Importing contact records: match each to a person (or company), then create or merge.

Matching follows SPEC.md: UID, then normalized email, then normalized phone. A card that
matches only by name is created and reported as a suggestion, never merged. Merging fills
gaps and adds contact points; it never deletes or overwrites what is already there. A record
whose exact raw text was imported before is skipped without being read, so re-importing an
export changes nothing and costs little.

The whole import is one transaction, so that an interrupted import leaves the database as it
was (SPEC.md); inside it the records are taken a chunk at a time so that memory is bounded
by a chunk, not by the file. The little that must span the whole file (the UIDs, emails and
phones its cards carried and whom each was about, the names relations refer to) is kept as
text and ids, so that a card matches an earlier one whatever chunk boundary falls between
them, and relations are linked in a last pass. A first pass (``survey_cards``) counts the
records for progress and collects the names relations refer to.

The package, by job (each module uses only those above it in this list):

- ``common``: batching, matching keys of contact values, column limits, relation kinds
- ``sources``: what a reader yields (a new import source is a reader plus a mapping)
- ``report``: what an import tells the user (counts derived from the outcomes)
- ``rejected``: the store of records that could not be imported
- ``survey``: the cheap first pass; ``state``: one run's memory across chunks, progress
- ``index``: one chunk's matching keys (UID, email, phone, names, companies, tags)
- ``write``: bulk creation; ``merge``: updating who already exists
- ``refill``: what crm did not keep of a card imported before 0009, filled on re-import
- ``read``: skip unchanged (refilling as above), parse, check, reject; ``plan``: decide and
  write one chunk
- ``relations``: connections the records name; ``pipeline``: the loop, one transaction
"""

from crm.core.contacts.identity import FREE_MAIL
from crm.core.importing.common import RELATION_KINDS, Progress
from crm.core.importing.pipeline import import_cards, import_records
from crm.core.importing.rejected import RejectedRecord, forget_rejected, list_rejected
from crm.core.importing.report import CardOutcome, CardWarning, ImportReport, Suggestion
from crm.core.importing.sources import PendingRecord, RawRecord, Reader, SourceItem
from crm.core.importing.survey import Survey, survey_cards

__all__ = [
    "FREE_MAIL", "RELATION_KINDS", "CardOutcome", "CardWarning", "ImportReport",
    "PendingRecord", "Progress", "RawRecord", "Reader", "RejectedRecord", "SourceItem",
    "Suggestion", "Survey", "forget_rejected", "import_cards", "import_records",
    "list_rejected", "survey_cards",
]
