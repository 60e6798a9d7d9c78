"""The entry point the CLI and the TUI call to import vCard files.

Files are read twice: a first pass checks every file (a missing, empty or non-vCard file is
one CrmError before the transaction starts) and surveys the cards (how many, and whom their
relations name); the import then reads them again, a chunk at a time, inside one
transaction. Reading a file costs far less than importing it, and no pass holds every card.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from crm.core.cards import RejectedCard
from crm.core.db import Database
from crm.core.importing import ImportReport, import_cards, survey_cards
from crm.vcard.reader import RawCard, iter_path


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


def iter_paths(paths: Sequence[Path]) -> Iterator[RawCard | RejectedCard]:
    """Every card of every file, one at a time; a missing, empty or non-vCard file is one
    CrmError."""
    for path in paths:
        yield from iter_path(Path(path))


def import_paths(db: Database, paths: Sequence[Path], *, dry_run: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import vCard files in one transaction (or, with ``dry_run``, report and roll back)."""
    survey = survey_cards(iter_paths(paths))  # every file is checked before any write
    if not dry_run:
        with db.write() as session:
            return import_cards(session, iter_paths(paths), progress=progress, survey=survey)
    try:
        with db.write() as session:
            raise _DryRun(import_cards(session, iter_paths(paths), progress=progress,
                                       survey=survey))
    except _DryRun as done:
        done.report.dry_run = True
        return done.report
