"""The one entry point the CLI and the TUI call to import files of any kind crm reads.

Each path is told apart by content (``crm.sources.detect``): vCard files go to the vCard
reader, Google and Outlook CSVs to ``contacts_csv``, a LinkedIn export (zip, folder or its
CSVs) to ``linkedin``. All of it is one transaction: the cards of every source go through the
shared pipeline (``crm.core.importing``), then what an export carries besides cards (my
positions, interactions, references, applications) is written, and job changes are found by
comparing each known connection's current positions with what they were before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.core.bulk import gc_paused
from crm.core.cards import (
    Card,
    CardContact,
    PendingCard,
    RejectedCard,
    may_name_relations,
    raw_hash,
)
from crm.core.db import Database
from crm.core.errors import CrmError
from crm.core.importing import ImportReport, import_cards, survey_cards
from crm.core.importing.extra_records import (
    Applied,
    DeferredTouch,
    Employment,
    Extras,
    ExtrasReport,
    Me,
    MyRole,
    Touch,
    Vouch,
)
from crm.core.importing.extras import (
    apply_extras,
    extras_digests,
    imported_before,
    jobs_before,
    mark_known,
    people_by_profile,
    record_job_changes,
    suggest_ties,
)
from crm.core.models import ImportRecord
from crm.core.network.suggestions import is_internship, suggest_same_people
from crm.sources.contacts_csv import pending_cards
from crm.sources.detect import GOOGLE, LINKEDIN, OUTLOOK, kind_of_path
from crm.sources.linkedin import Connection, LinkedInExport, Message, read_export, read_message
from crm.sources.table import NotATable, Row, decode

Progress = Callable[[int, int], None]


@dataclass
class _Loaded:
    """One source of the import: its cards (and rejected rows) and what else it carries."""

    source: str
    items: list[PendingCard | RejectedCard] = field(default_factory=list)
    extras: Extras | None = None


@dataclass
class _ConnectionCard:
    """A Connections.csv row as a card to import (read when not imported before)."""

    file: str
    line: int
    raw: str
    connection: Connection

    @property
    def raw_format(self) -> str:
        return "linkedin-csv"

    @cached_property
    def raw_hash(self) -> str:
        return raw_hash(self.raw)

    def parse(self) -> Card:
        return connection_card(self.connection)

    def may_relate(self) -> bool:
        return may_name_relations(self.raw)


CONNECTED = "connected on LinkedIn"  # the interaction a Connections.csv row makes


def connection_card(c: Connection) -> Card:
    card = Card(file=c.file, line=c.line, raw=c.raw, display_name=c.name,
                given_name=c.first_name or None, family_name=c.last_name or None,
                org=c.company, title=c.position)
    if c.url:
        card.contacts.append(CardContact("social", c.url, "linkedin"))
    if c.email:
        card.contacts.append(CardContact("email", c.email, None))
    if not c.company and c.position:
        card.title = c.position  # a headline, with no company to hold it
    if c.url and c.connected_on is not None:  # (the touch linkedin_extras writes)
        card.touches.append((c.connected_on.isoformat(), CONNECTED))
    return card


def job_kind(title: str | None) -> str | None:
    return "intern" if is_internship(None, title) else None


def linkedin_extras(export: LinkedInExport) -> Extras:
    """The export's rows other than connections as source-neutral records."""
    extras = Extras(as_of=export.exported_on, skipped_files=list(export.skipped_files))
    p = export.profile
    if p is not None:
        extras.me = Me(p.file, p.line, p.raw, given_name=p.first_name or None,
                       family_name=p.last_name or None, headline=p.headline,
                       location=p.location, summary=p.summary, urls=list(p.websites))
    for pos in export.positions:
        note = "\n\n".join(x for x in (pos.location, pos.description) if x) or None
        extras.roles.append(MyRole(pos.file, pos.line, pos.raw, company=pos.company,
                                   title=pos.title, kind=job_kind(pos.title),
                                   start=pos.started_on, end=pos.finished_on, note=note))
    for s in export.studies:
        note = "\n\n".join(x for x in (s.notes, s.activities) if x) or None
        extras.roles.append(MyRole(s.file, s.line, s.raw, company=s.school, title=s.degree,
                                   kind="student", start=s.started_on, end=s.finished_on,
                                   note=note))
    for c in export.connections:
        if c.url:
            extras.employments.append(Employment(c.url, c.company, c.position,
                                                 c.connected_on))
            if c.connected_on is not None:
                extras.touches.append(Touch(c.file, c.line, c.raw, profile_urls=[c.url],
                                            on=c.connected_on, kind="other",
                                            summary=CONNECTED, once=True,
                                            keep=False))
    for inv in export.invitations:
        if inv.other_url:
            what = "invited me on LinkedIn" if inv.incoming else "I invited them on LinkedIn"
            summary = f"{what}: {inv.message}" if inv.message else what
            extras.touches.append(Touch(inv.file, inv.line, inv.raw,
                                        profile_urls=[inv.other_url], on=inv.sent_on,
                                        kind="message", summary=summary, once=True))
    for m in export.messages:
        extras.touches.append(message_touch(m))
    extras.deferred_touches += [DeferredTouch(row.file, row.line, row.raw,
                                              partial(_read_message, row))
                                for row in export.message_rows]
    for r in export.recommendations:
        extras.vouches.append(Vouch(r.file, r.line, r.raw, name=r.name, company=r.company,
                                    title=r.job_title, speaks_to=r.text, on=r.created_on))
    for a in export.applications:
        lines = [f"Resume: {a.resume_name}" if a.resume_name else "",
                 f"Contact: {a.contact_email}" if a.contact_email else "",
                 f"Contact phone: {a.contact_phone}" if a.contact_phone else "",
                 a.questions or ""]
        extras.applications.append(Applied(a.file, a.line, a.raw, company=a.company,
                                           role=a.job_title, applied_on=a.applied_on,
                                           url=a.job_url,
                                           note="\n".join(x for x in lines if x) or None))
    return extras


def message_touch(m: Message) -> Touch:
    urls = ([m.sender_url] if m.sender_url else []) + m.recipient_urls
    summary = m.content if m.content.strip() else (m.subject or "")
    return Touch(m.file, m.line, m.raw, profile_urls=urls, on=m.sent_on, kind="message",
                 summary=summary)


def _read_message(row: Row) -> Touch:
    return message_touch(read_message(row))


def _load(path: Path, kind: str | None) -> _Loaded:
    if kind == LINKEDIN:
        try:
            export = read_export(path, defer_messages=True)
        except OSError as err:
            raise CrmError(f"{path}: cannot read: {err.strerror}") from None
        loaded = _Loaded("linkedin", extras=linkedin_extras(export))
        loaded.items += [_ConnectionCard(c.file, c.line, c.raw, c)
                         for c in export.connections]
        loaded.items += [RejectedCard(r.file, r.line, r.message, r.raw, "linkedin-csv")
                         for r in export.rejected]
        return loaded
    if kind in (GOOGLE, OUTLOOK):
        try:
            text = decode(path.read_bytes())
        except OSError as err:
            raise CrmError(f"{path}: cannot read: {err.strerror}") from None
        try:
            return _Loaded(kind, items=list(pending_cards(text, str(path))))
        except NotATable:
            raise CrmError(f"{path}: no contacts header crm knows") from None
    from crm.vcard.reader import read_text, split_cards

    return _Loaded("vcard", items=list(split_cards(read_text(path), str(path))))


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


def import_any(db: Database, paths: Sequence[Path], *, dry_run: bool = False,
               progress: Progress | None = None) -> ImportReport:
    """Import files of any kind crm reads in one transaction (``dry_run``: report, roll
    back). Every path is read before anything is written: one that cannot be read fails the
    whole command with one line and leaves the database as it was."""
    files = [Path(p) for p in paths]
    kinds = [kind_of_path(p) for p in files]
    if all(k in (None, "vcard") for k in kinds):
        from crm.vcard.importer import import_paths

        return import_paths(db, files, dry_run=dry_run, progress=progress)
    with gc_paused():
        return _import(db, files, kinds, dry_run, progress)


def _import(db: Database, files: list[Path], kinds: list[str | None], dry_run: bool,
            progress: Progress | None) -> ImportReport:
    loaded = [_load(p, k) for p, k in zip(files, kinds, strict=True)]
    db.check_sound()  # never write into (or report on) a file with damaged pages
    if not dry_run:
        with db.write() as session:
            return _write(session, loaded, progress)
    try:
        with db.write() as session:
            raise _DryRun(_write(session, loaded, progress))
    except _DryRun as done:
        done.report.dry_run = True
        return done.report


def _imported(session: Session, part: _Loaded,
              records_before: int) -> tuple[dict[str, bool], bool]:
    """Which records of ``part`` an import before imported (see ``imported_before``), and
    whether all were (its cards with the person or company each made, and its extras):
    then the import writes no card and no position, and nobody's jobs can change (a
    re-import of the same export skips comparing them)."""
    assert part.extras is not None
    cards = {i.raw_hash for i in part.items if not isinstance(i, RejectedCard)}
    extras = extras_digests(part.extras)
    found = imported_before(session, cards | extras, records_before)
    return found, all(found.get(d) for d in cards) and all(d in found for d in extras)


def _write(session: Session, loaded: list[_Loaded], progress: Progress | None) -> ImportReport:
    from crm.vcard.reader import read_stored

    report = ImportReport()
    extras_report = ExtrasReport()
    for part in loaded:
        records_before = session.scalar(select(func.max(ImportRecord.id))) or 0
        found, before = None, None
        if part.extras is not None:
            found, unchanged = _imported(session, part, records_before)
            if not unchanged:
                before = jobs_before(session, part.extras.employments)
        part_report = import_cards(session, part.items, source=part.source,
                                   progress=progress, survey=survey_cards(part.items),
                                   read_stored=read_stored if part.source == "vcard" else None)
        report.add(part_report)
        if part.extras is not None:
            apply_extras(session, part.extras, extras_report, records_before=records_before,
                         source=part.source, imported=found)
            if before is not None:
                record_job_changes(session, part.extras, before, extras_report)
            # Who holds each profile URL now (the import made or matched them): read once.
            holders = people_by_profile(session, [e.profile_url
                                                  for e in part.extras.employments])
            mark_known(session, part.extras, holders)
            suggest_ties(session, part.extras, extras_report, part.source, holders)
        # Same-name people are kept for review with the inferred ties (one concept).
        suggest_same_people(session, [(cid, s.person_id, f"{s.file}:{s.line}")
                                      for s in part_report.suggestions
                                      if s.person_id is not None
                                      for cid, _name in s.candidates], part.source)
    for file, line, message, raw in extras_report.rejected:
        report.rejected.append(RejectedCard(file, line, message, raw, "linkedin-csv"))
    report.extras = extras_report
    return report

