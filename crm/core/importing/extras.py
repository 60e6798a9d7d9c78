"""What an export carries besides contact cards, in source-neutral records, and how an
import writes it: my own positions and studies, dated interactions, reference candidates,
applications, and who changed jobs since the last export.

A reader (``crm.sources``) turns its files into these; cards go through the shared pipeline
(``crm.core.importing``) first, so that the people these records name exist when they are
written. Every record keeps its file, line and raw text: a record whose raw text was imported
before is skipped, so re-importing the same export changes nothing, and its provenance is
kept as an ``ImportRecord`` like a card's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from crm.core.contacts.people import contact_normalized, refresh_search_text
from crm.core.importing.extra_records import (
    Employment,
    Extras,
    ExtrasReport,
    JobChange,
    Provenance,
)
from crm.core.limits import check_rows
from crm.core.models import (
    Application,
    Base,
    Company,
    CompanyAlias,
    ContactPoint,
    ImportRecord,
    Interaction,
    Person,
    Position,
    Reference,
    utcnow,
)
from crm.core.network.suggestions import infer_ties, list_suggestions
from crm.core.normalize import company_key, fold
from crm.core.vocabulary import NOT_A_CARD

CHUNK = 500


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i: i + CHUNK]


# The contact kinds a profile URL is held as: a LinkedIn row's interactions find their
# person by them (people_by_profile), and a split sends them along (crm.core.upkeep.split).
PROFILE_KINDS = ("social", "url")


# An export names each profile URL several times (its connection, each message, the passes
# after the import): normalized once. Bounded, whatever the size of the export.
@lru_cache(maxsize=1 << 16)
def profile_key(url: str) -> str:
    return contact_normalized("social", url)


def people_by_profile(session: Session, urls: Iterable[str]) -> dict[str, int]:
    """The person holding each profile URL (the oldest holder), by normalized URL."""
    keys = sorted({profile_key(u) for u in set(urls) if u})
    found: dict[str, int] = {}
    if not keys:
        return found
    query = (select(ContactPoint.normalized, ContactPoint.person_id)
             .where(ContactPoint.kind.in_(PROFILE_KINDS)).order_by(ContactPoint.id))
    if len(keys) * 4 >= (session.scalar(select(func.max(ContactPoint.id))) or 0):
        # Asking about a good part of every contact point there is (an export's 30k
        # connections): one pass over them costs less than looking each up.
        wanted = set(keys)
        for norm, pid in session.execute(query).all():
            if norm in wanted:
                found.setdefault(norm, pid)
        return found
    for chunk in _chunks(keys):
        for norm, pid in session.execute(query.where(ContactPoint.normalized.in_(chunk))):
            found.setdefault(norm, pid)
    return found


def current_jobs(session: Session, pids: Iterable[int]
                 ) -> dict[int, list[tuple[int, str, str | None]]]:
    """Each person's current positions: (position id, company name, title), oldest first."""
    ids = sorted(set(pids))
    out: dict[int, list[tuple[int, str, str | None]]] = {}
    for chunk in _chunks(ids):
        for pid, pos_id, company, title in session.execute(
                select(Position.person_id, Position.id, Company.name, Position.title)
                .join(Company, Company.id == Position.company_id)
                .where(Position.person_id.in_(chunk), Position.is_current.is_(True))
                .order_by(Position.id)):
            out.setdefault(pid, []).append((pos_id, company, title))
    return out


@dataclass
class JobsBefore:
    """Who held each employment's profile URL before the import, and their current jobs."""

    by_profile: dict[str, int]
    jobs: dict[int, list[tuple[int, str, str | None]]]  # position id, company, title


def jobs_before(session: Session, employments: Sequence[Employment]) -> JobsBefore:
    by_profile = people_by_profile(session, [e.profile_url for e in employments])
    return JobsBefore(by_profile, current_jobs(session, by_profile.values()))


def record_job_changes(session: Session, extras: Extras, before: JobsBefore,
                       report: ExtrasReport) -> None:
    """Compare each known person's current jobs after the import with before: an old one
    the import closed ends as of the export's date, and the change is reported."""
    pids = sorted(set(before.by_profile.values()))
    after = current_jobs(session, pids)
    names = {pid: name for pid, name in session.execute(
        select(Person.id, Person.display_name).where(Person.id.in_(pids)))} if pids else {}
    for pid in pids:
        old = before.jobs.get(pid, [])
        new = after.get(pid, [])
        old_ids, new_ids = {p[0] for p in old}, {p[0] for p in new}
        closed = [p for p in old if p[0] not in new_ids]
        opened = [p for p in new if p[0] not in old_ids]
        if not closed and not opened:
            continue
        for pos_id, _company, _title in closed:
            pos = session.get(Position, pos_id)
            if pos is not None and pos.end is None:
                pos.end = extras.as_of.isoformat()
        old_company, old_title = (closed[0][1], closed[0][2]) if closed else (None, None)
        new_company, new_title = (opened[0][1], opened[0][2]) if opened else (None, None)
        report.job_changes.append(JobChange(
            pid, names.get(pid, ""), old_company, old_title, new_company, new_title,
            extras.as_of))


class _Companies:
    def __init__(self, session: Session, source: str) -> None:
        self.session, self.source = session, source
        self.cache: dict[str, Company] = {}

    def get(self, name: str) -> Company:
        key = company_key(name)
        company = self.cache.get(key)
        if company is None:
            company = self.session.scalar(select(Company).where(Company.name_key == key)
                                          .order_by(Company.id).limit(1))
            if company is None:
                company = self.session.scalar(
                    select(Company).join(CompanyAlias).where(CompanyAlias.alias_key == key)
                    .order_by(Company.id).limit(1))
            if company is None:
                company = Company(name=name, name_key=key, source=self.source)
                self.session.add(company)
                self.session.flush()
            self.cache[key] = company
        return company


def _insert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if rows:
        table = Base.metadata.tables[model.__tablename__]
        check_rows(table, rows)  # (the ORM's flush checks itself; these rows bypass it)
        session.connection().execute(insert(table), rows)


def extras_digests(extras: Extras) -> set[str]:
    """The raw hashes of every record of ``extras``."""
    every: list[Provenance] = [*extras.roles, *extras.touches, *extras.deferred_touches,
                               *extras.vouches, *extras.applications]
    if extras.me is not None:
        every.append(extras.me)
    return {r.raw_hash for r in every}


def imported_before(session: Session, digests: Iterable[str],
                    records_before: int) -> dict[str, bool]:
    """Which of ``digests`` an import before this one (records up to ``records_before``)
    imported, each with whether that record names a person or company."""
    wanted = set(digests)
    found: dict[str, bool] = {}
    if not wanted or records_before <= 0:
        return found  # (a first import: nothing to look up)
    query = (select(ImportRecord.raw_hash, ImportRecord.person_id, ImportRecord.company_id)
             .where(ImportRecord.status == "imported", ImportRecord.id <= records_before))
    if len(wanted) * 4 >= records_before:
        # Asking about a good part of every record there is (a re-import): one pass over
        # them costs a fraction of looking each up (80k rows: 0.1 s against 0.45 s).
        rows: Iterable[Any] = session.execute(query)
    else:
        rows = (row for chunk in _chunks(sorted(wanted))
                for row in session.execute(query.where(ImportRecord.raw_hash.in_(chunk))))
    for digest, pid, cid in rows:
        if digest in wanted:
            found[digest] = found.get(digest, False) or pid is not None or cid is not None
    return found


def apply_extras(session: Session, extras: Extras, report: ExtrasReport, *,
                 records_before: int, source: str,
                 imported: dict[str, bool] | None = None) -> None:
    """Write ``extras`` inside the caller's transaction (after its cards were imported).
    ``imported``: ``imported_before`` of its records, when the caller has it already."""
    report.skipped_files += extras.skipped_files
    if imported is None:
        imported = imported_before(session, extras_digests(extras), records_before)
    known = set(imported)
    done: set[str] = set()  # within this import: the same row twice is written once

    def fresh(rec: Provenance) -> bool:
        digest = rec.raw_hash
        if digest in known or digest in done:
            report.unchanged += 1
            return False
        done.add(digest)
        return True

    records: list[dict[str, Any]] = []

    def keep(rec: Provenance, person_id: int | None) -> None:
        records.append({"source_file": rec.file, "line": rec.line, "raw": rec.raw,
                        "raw_hash": rec.raw_hash, "status": "imported",
                        "person_id": person_id, "imported_at": utcnow(),
                        "matched_by": NOT_A_CARD})

    companies = _Companies(session, source)
    me = session.scalar(select(Person).where(Person.is_me.is_(True)))
    if extras.me is not None and fresh(extras.me):
        if me is None:
            me = Person(display_name=extras.me.name, given_name=extras.me.given_name,
                        family_name=extras.me.family_name, headline=extras.me.headline,
                        location=extras.me.location, note=extras.me.summary, is_me=True,
                        source=source)
            for url in extras.me.urls:
                me.contact_points.append(ContactPoint(kind="url", value=url,
                                                      normalized=profile_key(url)))
            session.add(me)
            refresh_search_text(me)
            session.flush()
            report.me_created = True
        keep(extras.me, me.id)
    roles = [r for r in extras.roles if fresh(r)]
    if roles and me is None:
        for r in roles:
            message = ("no person is marked me: import Profile.csv with it, or mark "
                       "yourself first")
            report.rejected.append((r.file, r.line, message, r.raw))
            session.add(ImportRecord(source_file=r.file, line=r.line, raw=r.raw,
                                     raw_hash=r.raw_hash, status="rejected", error=message))
    elif roles:
        assert me is not None
        have = {(p.company_id, p.title, p.start) for p in session.scalars(
            select(Position).where(Position.person_id == me.id))}
        for r in roles:
            company = companies.get(r.company)
            if (company.id, r.title, r.start) not in have:
                session.add(Position(person_id=me.id, company_id=company.id, title=r.title,
                                     kind=r.kind, start=r.start, end=r.end,
                                     is_current=r.end is None, note=r.note, source=source))
                have.add((company.id, r.title, r.start))
                report.my_positions += 1
            keep(r, me.id)
        refresh_search_text(me)
    _touches(session, extras, report, fresh, keep, me.id if me is not None else None)
    _vouches(session, extras, report, fresh, keep, companies, source)
    for a in extras.applications:
        if not fresh(a):
            continue
        company = companies.get(a.company)
        exists = session.scalar(select(Application.id).where(
            Application.company_id == company.id, Application.role == a.role,
            Application.applied_on == a.applied_on))
        if exists is None:
            session.add(Application(company_id=company.id, role=a.role, stage="applied",
                                    applied_on=a.applied_on, url=a.url, note=a.note))
            report.applications += 1
        keep(a, None)
    session.flush()
    for i in range(0, len(records), 1000):
        _insert(session, ImportRecord, records[i: i + 1000])


def _touches(session: Session, extras: Extras, report: ExtrasReport, fresh: Any, keep: Any,
             me_id: int | None) -> None:
    touches = [t for t in extras.touches if fresh(t)]
    touches += [d.read() for d in extras.deferred_touches if fresh(d)]
    if not touches:
        return
    holders = people_by_profile(session, [u for t in touches for u in t.profile_urls])
    once_pids = sorted({pid for t in touches if t.once for u in t.profile_urls
                        if (pid := holders.get(profile_key(u))) is not None})
    had: set[tuple[int, date, str]] = set()
    for chunk in _chunks(once_pids):
        had.update((pid, on, summary) for pid, on, summary in session.execute(
            select(Interaction.person_id, Interaction.occurred_on, Interaction.summary)
            .where(Interaction.person_id.in_(chunk))))
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for t in touches:
        pids = list(dict.fromkeys(
            pid for u in t.profile_urls
            if (pid := holders.get(profile_key(u))) is not None and pid != me_id))
        if not pids:
            report.interactions_unmatched += 1
            if t.keep:
                keep(t, None)
            continue
        for pid in pids:
            if t.once:
                if (pid, t.on, t.summary) in had:
                    continue
                had.add((pid, t.on, t.summary))
            rows.append({"person_id": pid, "kind": t.kind, "occurred_on": t.on,
                         "summary": t.summary, "created_at": now, "updated_at": now})
        if t.keep:
            keep(t, pids[0])
    report.interactions += len(rows)
    for i in range(0, len(rows), 1000):
        _insert(session, Interaction, rows[i: i + 1000])


def _vouches(session: Session, extras: Extras, report: ExtrasReport, fresh: Any, keep: Any,
             companies: _Companies, source: str) -> None:
    for v in extras.vouches:
        if not fresh(v):
            continue
        key = fold(v.name).strip()
        people = list(session.scalars(select(Person).where(Person.sort_key == key,
                                                           Person.is_me.is_(False))))
        if len(people) > 1 and v.company:
            at = company_key(v.company)
            people = [p for p in people
                      if any(company_key(pos.company.name) == at for pos in p.positions)] or people
        if len(people) != 1:
            # Nobody (or several people) by that name: made, never guessed.
            person = Person(display_name=v.name, source=source)
            session.add(person)
            session.flush()
            if v.company:
                session.add(Position(person_id=person.id, company_id=companies.get(v.company).id,
                                     title=v.title, source=source))
            refresh_search_text(person)
        else:
            person = people[0]
        ref = session.scalar(select(Reference).where(Reference.person_id == person.id))
        if ref is None:
            relationship = " at ".join(p for p in (v.title, v.company) if p) or None
            session.add(Reference(person_id=person.id, status="not-asked",
                                  relationship_text=relationship, speaks_to=v.speaks_to,
                                  since=v.on.isoformat() if v.on else None))
            report.references += 1
        elif not ref.speaks_to:
            ref.speaks_to = v.speaks_to
        keep(v, person.id)


def mark_known(session: Session, extras: Extras,
               by_profile: dict[str, int] | None = None) -> None:
    """Each connection's current position at the company the export names is known as of
    the export's date (the first export that said so). ``by_profile``: who holds each
    profile URL now (``people_by_profile``), when the caller has it already."""
    if extras.as_of is None:
        return  # (nothing to date a position by)
    if by_profile is None:
        by_profile = people_by_profile(session, [e.profile_url for e in extras.employments])
    keys: dict[str, str] = {}  # company name -> key (a few companies, many positions)

    def key_of(name: str) -> str:
        key = keys.get(name)
        if key is None:
            key = keys[name] = company_key(name)
        return key

    wanted: dict[int, tuple[str, str | None]] = {}
    for e in extras.employments:
        pid = by_profile.get(profile_key(e.profile_url))
        if pid is not None and e.company:
            wanted[pid] = (key_of(e.company), e.title)
    ids = sorted(wanted)
    dated: list[int] = []
    for chunk in _chunks(ids):
        # Only a position not yet known, or known later than this export, can change: a
        # re-import of the same export reads none.
        for pos_id, pid, name, title in session.execute(
                select(Position.id, Position.person_id, Company.name, Position.title)
                .join(Company, Company.id == Position.company_id)
                .where(Position.person_id.in_(chunk), Position.is_current.is_(True),
                       or_(Position.known_on.is_(None), Position.known_on > extras.as_of))):
            key, wanted_title = wanted[pid]
            # The earliest day a source said so (the pipeline dated it by the import).
            if key_of(name) == key and (title or None) == (wanted_title or None):
                dated.append(pos_id)
    for chunk in _chunks(dated):
        session.execute(update(Position).where(Position.id.in_(chunk))
                        .values(known_on=extras.as_of))


def suggest_ties(session: Session, extras: Extras, report: ExtrasReport, source: str,
                 by_profile: dict[str, int] | None = None) -> None:
    """Co-workers, fellow interns and classmates inferred from when I connected with each
    person and where we both were then (see ``crm.core.network.suggestions.infer_ties``)."""
    me = session.scalar(select(Person.id).where(Person.is_me.is_(True)))
    if me is None:
        return
    dated = [e for e in extras.employments if e.connected_on is not None]
    if by_profile is None:
        by_profile = people_by_profile(session, [e.profile_url for e in dated])
    pairs = [(pid, e.connected_on) for e in dated
             if (pid := by_profile.get(profile_key(e.profile_url))) is not None
             and e.connected_on is not None]
    made = {s.id for s in infer_ties(session, me, pairs, source=source)}
    if made:
        report.tie_suggestions += [v for v in list_suggestions(session) if v.id in made]
