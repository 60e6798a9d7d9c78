"""crm's own sync loop, the same for a vdir and a CardDAV address book.

One sync:

1. **List** the other side (names and ETags) — unless it has a CTag that is the one it had
   after the last sync, which changed nothing either way: then nothing changed there, and
   the cards are as crm recorded them (a no-change resync of 5,000 cards asks one small
   PROPFIND instead of listing all of them). A listing that fails stops the sync before
   anything is written; an *empty* listing of a target that had cards is taken as a
   listing gone wrong, so no deletion is inferred from it.
2. **Pull**, in one database transaction: cards new there go through the import pipeline
   (matched by UID, email, phone like any import; a file crm wrote and lost track of is
   linked again by its UID, never duplicated). Cards changed there (a new ETag *and* new
   content: an ETag alone changing costs nothing) are merged field by field with crm's
   person against the base, the card as last synced (``crm.sync.fields``). A card gone
   there is a deletion *proposal*: listed, applied only with ``apply_deletions`` (every
   one, or the people named), or refused with ``refuse_deletions``: the person stays in
   crm and their card is written there again by the push, so it is not proposed again.
3. **Push**: people crm has that the other side has not get a new card (If-None-Match: *);
   people changed in crm (their fields' hash differs from the last sync) or merged in step 2
   have their card rewritten (If-Match: ETag); people deleted in crm have their card deleted
   (If-Match), unless it changed there meanwhile (then it is a conflict, kept there).
   Each push is recorded in the sync state as it lands; a card that changed meanwhile
   (412) is fetched and merged again in another round.

Killed at any point, the next sync finds the state before the pull or the cards already
pushed (recognised by UID or content), so nothing is duplicated or lost.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload, undefer

from crm.core.cards import Card, RejectedCard, raw_hash
from crm.core.db import Database
from crm.core.importing import ImportReport, import_cards
from crm.core.models import Company, ImportRecord, Person, Position, SyncCard, SyncTarget
from crm.core.upkeep.tombstones import bury
from crm.sync.fields import (
    Fields,
    apply_fields,
    card_fields,
    conflict_note,
    fields_hash,
    merge3,
    people_fields,
    person_fields,
)
from crm.sync.store import Changed, Store
from crm.vcard.reader import RawCard, parse_card, read_stored, split_cards
from crm.vcard.writer import _last_cards, card_text

Progress = Callable[[str, int, int], None]
ROUNDS = 3  # a card that changed while we pushed is merged again, at most this often
_CHUNK = 500

# A deletion choice: every proposal (True), none (False), or the proposals of these people.
Choice = bool | Collection[int]


def _chosen(choice: Choice, person_id: int) -> bool:
    return choice if isinstance(choice, bool) else person_id in choice


@dataclass(frozen=True)
class SyncAction:
    """One change a sync made (or, in a dry run, would make)."""

    side: str  # "crm" or "remote": where the change is made
    action: str  # created, updated, merged, deleted, kept, unchanged-etag
    name: str  # the card's file name or href
    person_id: int | None
    person: str

    def to_json(self) -> dict[str, Any]:
        return {"side": self.side, "action": self.action, "card": self.name,
                "person_id": self.person_id, "person": self.person}


@dataclass(frozen=True)
class SyncConflict:
    name: str
    person_id: int | None
    person: str
    field: str
    kept: str | None  # crm's value (or what was kept)
    other: str | None  # the other side's value: in the person's note

    def to_json(self) -> dict[str, Any]:
        return {"card": self.name, "person_id": self.person_id, "person": self.person,
                "field": self.field, "kept": self.kept, "other": self.other}


@dataclass
class SyncReport:
    kind: str
    location: str
    dry_run: bool = False
    actions: list[SyncAction] = field(default_factory=list)
    conflicts: list[SyncConflict] = field(default_factory=list)
    # Cards deleted on the other side: whom they were about (not deleted in crm unless
    # asked with apply_deletions).
    deletion_proposals: list[SyncAction] = field(default_factory=list)
    deletions_withheld: str | None = None
    unchanged: int = 0
    imported: ImportReport | None = None
    failed: list[tuple[str, str]] = field(default_factory=list)  # (card, why)
    rounds: int = 0
    backup: str | None = None

    def count(self, side: str, action: str) -> int:
        return sum(1 for a in self.actions if a.side == side and a.action == action)

    @property
    def changed_nothing(self) -> bool:
        return not any(a.action != "unchanged-etag" for a in self.actions)

    def to_json(self) -> dict[str, Any]:
        imp = self.imported
        return {
            "target": {"kind": self.kind, "location": self.location},
            "dry_run": self.dry_run,
            "crm": {a: self.count("crm", a) for a in ("created", "merged", "updated",
                                                      "deleted", "kept")},
            "remote": {a: self.count("remote", a) for a in ("created", "updated", "deleted")},
            "unchanged": self.unchanged,
            "etag_only": self.count("remote", "unchanged-etag"),
            "actions": [a.to_json() for a in self.actions],
            "conflicts": [c.to_json() for c in self.conflicts],
            "deletion_proposals": [a.to_json() for a in self.deletion_proposals],
            "deletions_withheld": self.deletions_withheld,
            "rejected": [{"file": r.file, "line": r.line, "message": r.message}
                         for r in (imp.rejected if imp else [])],
            "suggestions": [s.to_json() for s in (imp.suggestions if imp else [])],
            "warnings": [w.to_json() for w in (imp.warnings if imp else [])],
            "failed": [{"card": n, "message": m} for n, m in self.failed],
            "backup": self.backup,
        }

    def summary(self) -> dict[str, Any]:
        """What the TUI and ``last_report`` keep: the counts, and whom the deletion proposals
        are about (the TUI offers to apply or refuse each)."""
        data = self.to_json()
        return {k: data[k] for k in ("crm", "remote", "unchanged", "etag_only")} | {
            "conflicts": len(self.conflicts), "deletion_proposals": len(self.deletion_proposals),
            "failed": len(self.failed),
            "proposals": [{"person_id": p.person_id, "person": p.person, "card": p.name}
                          for p in self.deletion_proposals]}


@dataclass
class _Push:
    """A card to write on the other side once the pull is committed."""

    action: str  # created, updated, deleted
    name: str | None  # None for a new card
    uid: str
    person_id: int | None
    person: str
    text: str
    etag: str | None
    crm_hash: str


class _DryRun(Exception):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def _parse(raw: str, name: str) -> Card | None:
    for item in split_cards(raw, name):
        if isinstance(item, RawCard):
            try:
                return parse_card(item)
            except Exception:  # a card that cannot be read is compared as nothing
                return None
    return None


def _fields_of(raw: str, name: str) -> Fields | None:
    card = _parse(raw, name)
    return card_fields(card) if card is not None else None


def _load_people(session: Session, ids: list[int]) -> dict[int, Person]:
    out: dict[int, Person] = {}
    for i in range(0, len(ids), _CHUNK):
        for p in session.scalars(select(Person).where(Person.id.in_(ids[i:i + _CHUNK]))
                                 .options(undefer(Person.photo),
                                          selectinload(Person.contact_points),
                                          selectinload(Person.tags),
                                          selectinload(Person.positions)
                                          .selectinload(Position.company)
                                          .selectinload(Company.aliases))):
            out[p.id] = p
    return out


@contextmanager
def _unit(db: Database, dry_run: bool) -> Iterator[Session]:
    """One write transaction; in a dry run it is rolled back."""
    if not dry_run:
        with db.write() as session:
            yield session
        return
    try:
        with db.write() as session:
            yield session
            raise _DryRun
    except _DryRun:
        pass


def sync(db: Database, store: Store, *, username: str | None = None, dry_run: bool = False,
         apply_deletions: Choice = False, refuse_deletions: Choice = False,
         progress: Progress | None = None) -> SyncReport:
    """Sync crm with ``store`` both ways; see the module's docstring."""
    report = SyncReport(store.kind, store.location, dry_run=dry_run)
    tell = progress or (lambda phase, done, total: None)
    db.check_sound()
    if not dry_run:
        report.backup = _backup_before_first(db, store)
    version: str | None = None
    for _ in range(ROUNDS):
        report.rounds += 1
        retry, seen = _round(db, store, report, username, dry_run, apply_deletions,
                             refuse_deletions, tell)
        version = seen if report.rounds == 1 else None
        if not retry or dry_run:
            break
    if not dry_run:
        with db.write() as session:
            target = _target(session, store, username)
            target.last_sync_at = _now()
            target.last_report = json.dumps(report.summary(), sort_keys=True)
            target.remote_version = version if _quiet(report) else None
    return report


def _quiet(report: SyncReport) -> bool:
    """The sync changed nothing on either side and has nothing pending: the other side is
    as crm recorded it, so its CTag now (read before the listing) can stand for it."""
    return (report.rounds == 1 and report.changed_nothing and report.imported is None
            and not (report.conflicts or report.deletion_proposals or report.failed
                     or report.deletions_withheld))


def _known_listing(db: Database, store: Store, version: str) -> dict[str, str] | None:
    """The cards as the last sync left them, when the other side's CTag is the one it had
    then (None: list them)."""
    with db.read() as session:
        target = session.scalar(select(SyncTarget).where(
            SyncTarget.kind == store.kind, SyncTarget.location == store.location))
        if target is None or target.remote_version != version:
            return None
        rows = session.execute(select(SyncCard.name, SyncCard.etag)
                               .where(SyncCard.target_id == target.id)).all()
    if any(etag is None for _name, etag in rows):
        return None
    return {name: etag for name, etag in rows if etag is not None}


def _backup_before_first(db: Database, store: Store) -> str | None:
    """A copy of the SQLite file before the first sync with a target (as ``crm db backup``);
    a PostgreSQL database is the user's to back up (pg_dump)."""
    with db.read() as session:
        known = session.scalar(select(SyncTarget.id).where(
            SyncTarget.kind == store.kind, SyncTarget.location == store.location))
    if known is not None or db.path is None:
        return None
    from crm.core.db import backup_sqlite

    return str(backup_sqlite(db.path))


def _target(session: Session, store: Store, username: str | None) -> SyncTarget:
    target = session.scalar(select(SyncTarget).where(SyncTarget.kind == store.kind,
                                                     SyncTarget.location == store.location))
    if target is None:
        target = SyncTarget(kind=store.kind, location=store.location, username=username)
        session.add(target)
        session.flush()
    elif username and target.username != username:
        target.username = username
    return target


def _round(db: Database, store: Store, report: SyncReport, username: str | None,
           dry_run: bool, apply_deletions: Choice, refuse_deletions: Choice,
           tell: Progress) -> tuple[bool, str | None]:
    """One pull and push: (True when some card changed meanwhile, and another round merges
    it; the other side's CTag before the listing)."""
    report.unchanged = 0  # (of the last round: a card merged in a round before is not)
    tell("listing", 0, 1)
    version = store.version()
    known = _known_listing(db, store, version) if version is not None else None
    listing = known if known is not None else store.listing()
    tell("listing", 1, 1)
    pushes: list[_Push] = []
    with _unit(db, dry_run) as session:
        pushes = _pull(session, store, report, listing, username, apply_deletions,
                       refuse_deletions, tell)
    if dry_run:
        for p in pushes:
            report.actions.append(SyncAction("remote", p.action, p.name or "(new)",
                                             p.person_id, p.person))
        return False, version
    return _push(db, store, report, pushes, username, tell), version


def _pull(session: Session, store: Store, report: SyncReport, listing: dict[str, str],
          username: str | None, apply_deletions: Choice, refuse_deletions: Choice,
          tell: Progress) -> list[_Push]:
    target = _target(session, store, username)
    states = {s.name: s for s in session.scalars(
        select(SyncCard).where(SyncCard.target_id == target.id)
        .options(defer(SyncCard.base)))}
    new_names = sorted(n for n in listing if n not in states)
    seen = sorted(n for n in listing if n in states and states[n].etag != listing[n])
    report.unchanged += sum(1 for n in listing if n in states and states[n].etag == listing[n])
    wanted = new_names + seen
    fetched: dict[str, tuple[str, str]] = {}
    tell("fetching", 0, len(wanted))
    for i in range(0, len(wanted), _CHUNK):
        fetched.update(store.get(wanted[i:i + _CHUNK]))
        tell("fetching", min(i + _CHUNK, len(wanted)), len(wanted))

    changed: list[str] = []
    for name in seen:
        if name not in fetched:
            continue  # gone since the listing: the next sync sees it
        raw, etag = fetched[name]
        state = states[name]
        if raw_hash(raw) == state.content_hash:
            state.etag = etag  # a new ETag, the same card
            report.actions.append(SyncAction("remote", "unchanged-etag", name,
                                             state.person_id, ""))
            report.unchanged += 1
        else:
            changed.append(name)

    touched: set[int] = set()  # people whose card must be written back (checked below)
    # Cards new there (and changed cards that were about nobody: a company card, one crm
    # rejected): the import pipeline, as any import.
    again = [n for n in changed if states[n].status != "linked"]
    changed = [n for n in changed if states[n].status == "linked"]
    to_import = [n for n in new_names + again if n in fetched]
    if to_import:
        items: list[RawCard | RejectedCard] = []
        for name in to_import:
            items.extend(split_cards(fetched[name][0], name))
        session.flush()
        tell("importing", 0, len(items))
        imp = import_cards(session, items, source=store.kind,
                           progress=lambda d, t: tell("importing", d // 2, t // 2),
                           read_stored=read_stored)
        _absorb(report, imp)
        # The pipeline lets go of every object after each chunk: read the state again.
        target = _target(session, store, username)
        states = {s.name: s for s in session.scalars(
            select(SyncCard).where(SyncCard.target_id == target.id)
        .options(defer(SyncCard.base)))}
        by_name: dict[str, int] = {}
        for outcome in imp.outcomes:
            if outcome.person_id is not None:
                by_name.setdefault(outcome.file, outcome.person_id)
            if outcome.action in ("created", "merged", "updated"):
                report.actions.append(SyncAction(
                    "crm", "created" if outcome.action == "created" else "merged",
                    outcome.file, outcome.person_id, outcome.name))
        taken = {s.person_id for s in states.values() if s.status == "linked"}
        for name in to_import:
            raw, etag = fetched[name]
            pid = by_name.get(name)
            linked = pid is not None and pid not in taken
            found = states.get(name)
            if found is None:
                state = SyncCard(target_id=target.id, name=name, crm_hash="")
                session.add(state)
                states[name] = state
            else:
                state = found
            state.etag, state.content_hash, state.base = etag, raw_hash(raw), raw
            state.person_id = pid if linked else None
            state.status = "linked" if linked else "ignored"
            state.synced_at = _now()
            if linked and pid is not None:
                taken.add(pid)
                touched.add(pid)
        session.flush()

    # Cards changed there: merged field by field against the base.
    people = _load_people(session, _ids(states[n].person_id for n in changed))
    for i, name in enumerate(changed):
        tell("merging", i + 1, len(changed))
        state = states[name]
        raw, etag = fetched[name]
        person = people.get(state.person_id) if state.person_id is not None else None
        if person is None:
            # Deleted in crm, changed there: kept there, not brought back (a conflict).
            report.conflicts.append(SyncConflict(name, None, "", "deleted", "deleted in crm",
                                                 "changed there; kept there"))
            state.etag, state.content_hash, state.base = etag, raw_hash(raw), raw
            state.status = "ignored"
            continue
        card = _parse(raw, name)
        if card is None:
            report.failed.append((name, "cannot be read as a vCard; left as it is"))
            continue
        base = _fields_of(state.base, name) or card_fields(card)
        ours, theirs = person_fields(person), card_fields(card)
        result, conflicts = merge3(base, ours, theirs)
        if conflicts:
            note = conflict_note(conflicts, f"{store.kind} {name}", _now().date())
            result["note"] = f"{result['note']}\n\n{note}" if result["note"] else note
            for c in conflicts:
                report.conflicts.append(SyncConflict(name, person.id, person.display_name,
                                                     c.field, c.kept, c.other))
        if apply_fields(session, person, result, card, store.kind):
            report.actions.append(SyncAction("crm", "updated", name, person.id,
                                             person.display_name))
        session.add(ImportRecord(person_id=person.id, source_file=name, line=1, raw=raw,
                                 raw_hash=raw_hash(raw), status="imported",
                                 matched_by="same card", match_evidence=name,
                                 card_name=card.display_name))
        state.etag, state.content_hash, state.base = etag, raw_hash(raw), raw
        touched.add(person.id)

    # Cards gone there: deletion proposals (never inferred from an empty listing).
    gone = [n for n in states if n not in listing]
    if gone and not listing:
        report.deletions_withheld = (f"the {store.kind} listed no cards at all, where "
                                     f"{len(gone)} were synced before: nothing is deleted")
        gone = []
    gone_people = _load_people(session, _ids(states[n].person_id for n in gone))
    for name in gone:
        state = states[name]
        person = gone_people.get(state.person_id) if state.person_id is not None else None
        if person is None or state.status != "linked":
            session.delete(state)  # gone on both sides (or never about a person)
            del states[name]
            continue
        if _chosen(refuse_deletions, person.id):
            # Refused: crm keeps them, and forgets the card; the push writes it there
            # again (a new card, If-None-Match), so it is not proposed again.
            session.delete(state)
            del states[name]
            report.actions.append(SyncAction("crm", "kept", name, person.id,
                                             person.display_name))
            continue
        action = SyncAction("crm", "deleted", name, person.id, person.display_name)
        if _chosen(apply_deletions, person.id):
            bury(session, person.id)
            session.delete(state)
            del states[name]
            report.actions.append(action)
        else:
            report.deletion_proposals.append(action)
    session.flush()

    waiting = {n for n in gone if n in states}  # proposals: neither rewritten nor re-created
    return _plan_pushes(session, report, states, touched, waiting, tell)


def _ids(ids: Iterable[int | None]) -> list[int]:
    return sorted({i for i in ids if i is not None})


def _absorb(report: SyncReport, imp: ImportReport) -> None:
    if report.imported is None:
        report.imported = imp
    else:
        report.imported.add(imp)


def _plan_pushes(session: Session, report: SyncReport, states: dict[str, SyncCard],
                 touched: set[int], waiting: set[str], tell: Progress) -> list[_Push]:
    """What crm writes on the other side: rendered now, inside the pull's transaction."""
    linked = {s.person_id: s for s in states.values()
              if s.status == "linked" and s.person_id is not None}
    all_ids = list(session.scalars(select(Person.id).order_by(Person.id)))
    pushes: list[_Push] = []
    # Deleted in crm: their cards go, unless changed there (handled in the pull).
    for s in list(states.values()):
        if s.status == "linked" and s.person_id is None and s.etag is not None:
            pushes.append(_Push("deleted", s.name, "", None, _name_of(s), "", s.etag, ""))
    tell("comparing", 0, len(all_ids))
    for i in range(0, len(all_ids), _CHUNK):
        ids = all_ids[i:i + _CHUNK]
        tell("comparing", min(i + _CHUNK, len(all_ids)), len(all_ids))
        fields_of = people_fields(session, ids)
        wanted: list[tuple[int, SyncCard | None, str]] = []
        for pid in ids:
            state = linked.get(pid)
            fields = fields_of[pid]
            digest = fields_hash(fields)
            if state is None:
                wanted.append((pid, None, digest))
            elif state.name in waiting:
                continue
            elif pid in touched or digest != state.crm_hash:
                if _fields_of(state.base, state.name) == fields:
                    state.crm_hash = digest  # the card already says what crm holds
                else:
                    wanted.append((pid, state, digest))
        if not wanted:
            continue
        people = _load_people(session, [pid for pid, _s, _d in wanted])
        for pid, _state, _digest in wanted:
            if not people[pid].uid:
                people[pid].uid = str(uuid.uuid4())
        session.flush()
        last = _last_cards(session, list(people))
        for pid, state, digest in wanted:
            person = people[pid]
            text = card_text(person, "3.0", last=last.get(pid))
            if state is None:
                pushes.append(_Push("created", None, person.uid or "", pid,
                                    person.display_name, text, None, digest))
            else:
                pushes.append(_Push("updated", state.name, person.uid or "", pid,
                                    person.display_name, text, state.etag, digest))
        _let_go(session, people)
    return pushes


def _let_go(session: Session, people: dict[int, Person]) -> None:
    """Bound memory by a chunk of people (the sync state stays in the session)."""
    session.flush()
    for person in people.values():
        session.expunge(person)


def _name_of(state: SyncCard) -> str:
    card = _parse(state.base, state.name)
    return card.display_name if card is not None else ""


def _push(db: Database, store: Store, report: SyncReport, pushes: list[_Push],
          username: str | None, tell: Progress) -> bool:
    """Write each card, recording it in the sync state as it lands (a chunk at a time)."""
    again = False
    done: list[tuple[_Push, str, str]] = []  # (push, name, etag)
    for i, p in enumerate(pushes):
        tell("writing", i + 1, len(pushes))
        try:
            if p.action == "created":
                name, etag = store.create(p.uid, p.text)
            elif p.action == "updated":
                assert p.name is not None and p.etag is not None
                name, etag = p.name, store.update(p.name, p.text, p.etag)
            else:
                assert p.name is not None and p.etag is not None
                store.delete(p.name, p.etag)
                name, etag = p.name, ""
        except Changed:
            again = True  # changed there meanwhile: the next round merges it
            continue
        done.append((p, name, etag))
        report.actions.append(SyncAction("remote", p.action, name, p.person_id, p.person))
        if len(done) >= _CHUNK:
            _record(db, store, username, done)
            done = []
    if done:
        _record(db, store, username, done)
    return again


def _record(db: Database, store: Store, username: str | None,
            done: list[tuple[_Push, str, str]]) -> None:
    with db.write() as session:
        target = _target(session, store, username)
        states = {s.name: s for s in session.scalars(
            select(SyncCard).where(SyncCard.target_id == target.id,
                                   SyncCard.name.in_([n for _p, n, _e in done])))}
        for p, name, etag in done:
            state = states.get(name)
            if p.action == "deleted":
                if state is not None:
                    session.delete(state)
                continue
            if state is None:
                state = SyncCard(target_id=target.id, name=name, status="linked")
                session.add(state)
            state.person_id = p.person_id
            state.etag = etag or None
            state.base = p.text
            state.content_hash = raw_hash(p.text)
            state.crm_hash = p.crm_hash
            state.synced_at = _now()
