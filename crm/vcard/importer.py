"""The entry point the CLI and the TUI call to import vCard files.

A first pass checks every file (a missing, empty or non-vCard file is one CrmError before
the transaction starts) and surveys it: how many cards (for progress), and whom relations
name. The import then reads the cards a chunk at a time inside one transaction (see
crm.core.importing), so that no pass holds every card of a file, only its text. The first
pass costs little: it counts BEGIN:VCARD, and splits and reads cards only in a file that
has relations at all; the first file's text is kept for the import rather than read again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from crm.core.cards import RejectedCard
from crm.core.db import Database
from crm.core.importing import ImportReport, Survey, import_records, survey_cards
from crm.vcard.reader import RawCard, blocks, read_stored, read_text, split_cards


def survey_text(text: str, file: str) -> Survey:
    total = 0
    tail = b""  # the last line of the block before, which a folded line may continue
    for block in blocks(text):  # (bounded copies, whatever the size of the file)
        # As bytes, ASCII case-folding takes milliseconds; str.lower() takes tens.
        folded = block.encode("utf-8", "surrogatepass").lower()
        # A property name may be folded anywhere ("X-ABRELA\r\n TEDNAMES"): look unfolded.
        joined = (tail + folded[1:]) if folded[:1] in (b" ", b"\t") else folded
        tail = joined[joined.rfind(b"\n") + 1:][-64:]
        if b"relat" in joined.replace(b"\r", b"").replace(b"\n ", b"").replace(b"\n\t", b""):
            # X-ABRELATEDNAMES, RELATED, Android's .../relation
            return survey_cards(split_cards(text, file))
        # The count is for progress only: a rare "BEGIN:VCARD" that split_cards reads
        # otherwise (inside a line, or spaced out) makes the bar end a step early or late.
        total += folded.count(b"begin:vcard")
    return Survey(total=total)


def _cards(paths: list[Path], first: list[str]) -> Iterator[RawCard | RejectedCard]:
    for path in paths:
        text = first.pop() if first else read_text(path)
        yield from split_cards(text, str(path))
        del text


def import_paths(db: Database, paths: Sequence[Path], *, dry_run: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import vCard files in one transaction (or, with ``dry_run``, report and roll back)."""
    files = [Path(p) for p in paths]
    survey = Survey()
    first: list[str] = []
    for path in files:  # every file is checked before anything is written
        text = read_text(path)
        survey.add(survey_text(text, str(path)))
        if path is files[0]:
            first.append(text)
        del text
    db.check_sound()  # never write into (or report on) a file with damaged pages
    return import_records(db, _cards(files, first), survey=survey, source="vcard",
                          dry_run=dry_run, progress=progress, read_stored=read_stored)
