"""The entry point the CLI and the TUI call to import vCard files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from crm.core.cards import RejectedCard
from crm.core.db import Database
from crm.core.importing import ImportReport, import_cards
from crm.vcard.reader import RawCard, read_path


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


def read_paths(paths: Sequence[Path]) -> list[RawCard | RejectedCard]:
    """Every card of every file; a missing, empty or non-vCard file is one CrmError."""
    items: list[RawCard | RejectedCard] = []
    for path in paths:
        items.extend(read_path(Path(path)))
    return items


def import_paths(db: Database, paths: Sequence[Path], *, dry_run: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import vCard files in one transaction (or, with ``dry_run``, report and roll back)."""
    items = read_paths(paths)
    if not dry_run:
        with db.write() as session:
            return import_cards(session, items, progress=progress)
    try:
        with db.write() as session:
            raise _DryRun(import_cards(session, items, progress=progress))
    except _DryRun as done:
        done.report.dry_run = True
        return done.report
