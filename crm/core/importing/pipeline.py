"""The import loop, whatever the source: survey, then chunks, inside one transaction.

``import_cards`` runs inside the caller's transaction; ``import_records`` is that
transaction, with dry run (report, then roll back). A chunk of ``CARDS_PER_CHUNK`` records
is read, matched against the database, written in a few batched statements and flushed, and
then its cards and ORM objects are let go, so that memory is bounded by a chunk rather than
by the file (a million-line export is 111k cards). Relations are linked last, once everyone
they may name exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.cards import RecordParser
from crm.core.db import Database
from crm.core.importing.common import Progress
from crm.core.importing.plan import apply_chunk
from crm.core.importing.read import read_chunk
from crm.core.importing.relations import link_relations
from crm.core.importing.report import ImportReport
from crm.core.importing.sources import SourceItem
from crm.core.importing.state import Bar, Run
from crm.core.importing.survey import Survey, survey_cards
from crm.core.models import Person

# Cards read, written and let go at a time: bounds memory; thousands keep statements few.
CARDS_PER_CHUNK = 2000


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_cards(session: Session, items: Iterable[SourceItem], *,
                 source: str = "vcard", progress: Progress | None = None,
                 survey: Survey | None = None,
                 read_stored: RecordParser | None = None) -> ImportReport:
    """Import records into the database inside the caller's transaction.

    ``items`` is consumed once, a chunk at a time, when ``survey`` (``survey_cards`` over
    the same records) is given; without it, ``items`` is read into a list and surveyed
    here. ``source`` is the source kind that prefixes the ``source`` of what is created
    ("vcard", "linkedin", ...). ``progress(done, total)`` counts reading each card and then
    writing it as steps, so ``total`` is twice the number of cards and a bar moves through
    the whole import. ``read_stored``, for an import of vCards, reads a stored vCard again
    (``crm.vcard.reader.read_stored``): with it, a card that changes nothing crm stores
    but the lines it keeps for the export (an X- line added, changed or deleted on the
    phone) is recorded, not dropped (crm.core.unmapped).
    """
    if survey is None:
        items = list(items)
        survey = survey_cards(items)
    report = ImportReport()
    run = Run(session, survey, read_stored)
    bar = Bar(progress, survey.total)
    before = 0  # cards of the chunks before this one
    for chunk in _batches(items, CARDS_PER_CHUNK):
        start, size = 2 * before, len(chunk)

        def read(done: int, start: int = start) -> None:
            bar.at(start + done)

        def written(fraction: float, start: int = start, size: int = size) -> None:
            bar.at(start + size + int(size * fraction), always=True)

        cards = read_chunk(session, report, run, chunk, read)
        del chunk
        apply_chunk(session, report, run, cards, source, written)
        del cards
        session.flush()
        session.expunge_all()  # nothing of this chunk stays in the identity map
        before += size
        written(1.0)
    report.new_connections = link_relations(session, run, source)
    if run.me is not None and session.scalar(
            select(Person.id).where(Person.is_me.is_(True))) is None:
        # An export of crm's says who the user is: kept when nobody is marked yet.
        me = session.get(Person, run.me)
        if me is not None:
            me.is_me = True
            session.flush()
    if bar.shown != bar.total:
        bar.at(bar.total, always=True)
    return report


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


def import_records(db: Database, items: Iterable[SourceItem], *, survey: Survey | None = None,
                   source: str = "vcard", dry_run: bool = False,
                   progress: Progress | None = None,
                   read_stored: RecordParser | None = None) -> ImportReport:
    """Import records in one transaction (or, with ``dry_run``, report and roll back)."""
    if not dry_run:
        with db.write() as session:
            return import_cards(session, items, source=source, progress=progress,
                                survey=survey, read_stored=read_stored)
    try:
        with db.write() as session:
            raise _DryRun(import_cards(session, items, source=source, progress=progress,
                                       survey=survey, read_stored=read_stored))
    except _DryRun as done:
        done.report.dry_run = True
        return done.report
