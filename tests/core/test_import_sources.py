"""A source that is not vCard gets the whole pipeline from a reader plus a mapping: dry run,
matching and merge, rejected-record storage, re-import recognised, and the report (SQLite
and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import select

from crm.core.cards import Card, CardContact, CardRejected
from crm.core.contacts.people import create_person
from crm.core.db import Database
from crm.core.importing import (
    ImportReport,
    RawRecord,
    SourceItem,
    import_records,
    list_rejected,
    survey_cards,
)
from crm.core.models import ContactPoint, ImportRecord, Person

HEADER = "Name,Email,Company,Position"
ROWS = [
    "Ada Lovelace,ada@example.com,Analytical Engines,Countess",
    ",nobody@example.com,,",  # no name: rejected, kept
    "Grace Hopper,GRACE@example.com,Navy,Rear Admiral",  # Grace is here already
]


def _row(record: RawRecord) -> Card:
    """The mapping: one CSV row (raw text) to a card."""
    name, email, company, title = next(csv.reader(io.StringIO(record.raw)))
    if not name:
        raise CardRejected(record.line, "the row has no name")
    return Card(file=record.file, line=record.line, raw=record.raw, display_name=name,
                contacts=[CardContact("email", email)] if email else [],
                org=company or None, title=title or None)


def read_rows(path: str, lines: list[str]) -> Iterator[SourceItem]:
    """The reader: a record per row, its raw text the row as it was in the file."""
    for number, line in enumerate(lines, start=2):  # line 1 is the header
        yield RawRecord(path, number, line, "test-csv", _row)


def run(db: Database, *, dry_run: bool = False) -> ImportReport:
    items = list(read_rows("/exports/contacts.csv", ROWS))
    return import_records(db, items, survey=survey_cards(items), source="csv",
                          dry_run=dry_run)


def test_a_csv_reader_gets_dry_run_matching_rejects_and_reimport(db: Database) -> None:
    with db.write() as s:
        create_person(s, "Grace Hopper", emails=["grace@example.com"])

    preview = run(db, dry_run=True)
    assert preview.dry_run
    assert (preview.created, preview.merged, len(preview.rejected)) == (1, 1, 1)
    with db.read() as s:
        assert s.scalar(select(ImportRecord.id)) is None
        assert [p.display_name for p in s.scalars(select(Person))] == ["Grace Hopper"]

    report = run(db)
    assert not report.dry_run
    assert report.to_json() == {
        "created": 1, "updated": 0, "unchanged": 0, "merged": 1, "companies_created": 2,
        "rejected": [{"file": "/exports/contacts.csv", "line": 3,
                      "message": "the row has no name"}],
        "suggestions": [], "skipped_deleted": 0, "warnings": [], "matches": []}
    assert sorted((o.line, o.action) for o in report.outcomes) == [
        (2, "created"), (3, "rejected"), (4, "merged")]
    with db.read() as s:
        people = {p.display_name: p for p in s.scalars(select(Person))}
        assert sorted(people) == ["Ada Lovelace", "Grace Hopper"]  # Grace was matched
        assert people["Ada Lovelace"].source == "csv:contacts.csv"
        emails = s.scalars(select(ContactPoint.value).where(
            ContactPoint.person_id == people["Grace Hopper"].id)).all()
        assert emails == ["grace@example.com"]  # the same address, not added twice
        kept = {r.line: r.raw for r in s.scalars(select(ImportRecord))}
        assert kept == {2: ROWS[0], 3: ROWS[1], 4: ROWS[2]}  # the rows, byte for byte
        rejected = list_rejected(s)
        assert [(r.line, r.raw, r.message) for r in rejected] == [
            (3, ROWS[1], "the row has no name")]

    again = run(db)
    assert (again.created, again.merged, again.unchanged, len(again.rejected)) == (0, 0, 2, 1)
    with db.read() as s:
        assert len(s.scalars(select(Person)).all()) == 2
        assert len(list_rejected(s)) == 1  # a rejected row is kept once

