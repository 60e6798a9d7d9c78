"""Where a person's data came from, and undoing a match: an imported card split off.

Each imported card is kept with its provenance (``import_record``): its file, line and raw
text, the name on it and how the importer matched it to its person (it created them, or
it was matched by UID, profile URL, email or phone: crm.core.vocabulary.MATCHED_BY).
``crm.core.contacts.provenance.card_sources`` lists them for a person's page.

``split_card`` undoes a match: the card makes a new person, exactly what importing that
card alone would have made (the importer's own ``insert_people``), and the old person loses
what only that card brought: contact points, positions, dated events, relations, tags,
its note text and the fields it filled, when none of the person's other cards has them.
Kept on both, and said so: the value the match was made on (both had it), what another
card of the person has, a position changed since, and, for a person the user added by
hand or one with a card crm cannot read again, everything (crm cannot tell an imported
value from one the user typed). The card moves to the new person, and the pair is recorded
as "not the same person" (a dismissed same-person suggestion), which a later import
respects (crm.core.importing.plan).

Core cannot read a vCard (crm.vcard sits above it), so the caller passes ``parse``, which
reads a stored record's raw text into a ``Card`` (crm.sources.records.read_record), and
``touches``, which reads a stored LinkedIn message or invitation row again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from crm.core.cards import Card, RecordParser
from crm.core.contacts.people import refresh_search_text
from crm.core.contacts.provenance import CardSource, a_card, same_name
from crm.core.errors import InvalidInput, NotFound
from crm.core.importing.common import match_keys, source_label
from crm.core.importing.extra_records import Touch
from crm.core.importing.extras import PROFILE_KINDS, profile_key
from crm.core.importing.index import Index
from crm.core.importing.state import Run
from crm.core.importing.survey import Survey
from crm.core.importing.write import (
    card_dates,
    card_relations,
    contact_point,
    date_key,
    insert_people,
    relation_key,
)
from crm.core.models import (
    Company,
    ImportRecord,
    Interaction,
    Person,
    Position,
    Suggestion,
    utcnow,
)
from crm.core.normalize import company_key
from crm.core.vocabulary import NOT_A_CARD

# The person fields a card fills when merged (importing.merge): cleared with the card when
# no other card has the same value.
_FIELDS = ("given_name", "family_name", "additional_names", "name_prefix", "name_suffix",
           "nickname", "role")


@dataclass(frozen=True)
class SplitPlan:
    """What splitting a card off does (or, in a dry run, would do)."""

    person_id: int
    person_name: str
    card: CardSource
    new_name: str
    new_person_id: int | None  # None in a dry run
    removed: tuple[str, ...]  # taken off the person ("email marc@example.com")
    kept: tuple[str, ...]  # left on both, with why
    # Positions the card's merge had ended (its ORG was a new current job): current again.
    restored: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"person": {"id": self.person_id, "name": self.person_name},
                "card": self.card.to_json(),
                "new_person": {"id": self.new_person_id, "name": self.new_name},
                "removed": list(self.removed), "kept_on_both": list(self.kept),
                "current_again": list(self.restored)}


@dataclass
class _Others:
    """What the person's other cards say (the keys the importer compares by)."""

    contacts: set[tuple[str, str]]
    jobs: set[tuple[str, str | None]]
    dates: set[tuple[str, int | None, int | None, int | None]]
    relations: set[tuple[str, str | None, str | None]]
    tags: set[str]
    notes: list[str]
    fields: dict[str, set[Any]]
    touches: set[tuple[str, str]] = field(default_factory=set)


# (file, raw text of a stored row) -> the interactions it made, as the import read them.
TouchReader = Callable[[str, str], list[Touch]]


def _job_key(org: str, title: str | None) -> tuple[str, str | None]:
    return company_key(org), title or None


def _others(cards: list[Card]) -> _Others:
    out = _Others(set(), set(), set(), set(), set(), [], {f: set() for f in _FIELDS})
    for card in cards:
        out.contacts |= {(p.kind, p.normalized) for p in map(contact_point, card.contacts)}
        out.jobs |= {_job_key(j.org, j.title) for j in card.employments() if j.org}
        out.dates |= {date_key(d) for d in card_dates(card)}
        out.relations |= {relation_key(r) for r in card_relations(card)}
        out.tags |= set(card.categories)
        out.notes += [card.note] if card.note else []
        out.touches |= set(card.touches)
        for f in _FIELDS:
            out.fields[f].add(getattr(card, f))
        out.fields.setdefault("birthday", set()).add(
            (card.birthday_year, card.birthday_month, card.birthday_day))
        out.fields.setdefault("photo", set()).add(card.photo)
    return out


def _load(session: Session, person_id: int, record_id: int) -> tuple[Person, ImportRecord]:
    record = session.get(ImportRecord, record_id)
    if (record is None or record.status != "imported" or record.person_id is None
            or record.matched_by == NOT_A_CARD):
        raise NotFound(f"no imported card #{record_id}")
    if record.person_id != person_id:
        raise InvalidInput(f"card #{record_id} is not one of this person's imported cards "
                           f"(it is #{record.person_id}'s)")
    person = session.scalars(select(Person).where(Person.id == person_id).options(
        selectinload(Person.contact_points), selectinload(Person.dates),
        selectinload(Person.relations), selectinload(Person.tags),
        selectinload(Person.positions).selectinload(Position.company)
        .selectinload(Company.aliases))).one()
    return person, record


def _reopen(person: Person, record: ImportRecord, dry_run: bool) -> list[str]:
    """The person's positions the card's merge ended, current again (unless ``dry_run``).

    A card whose ORG is a new current job ends the person's other current positions, their
    end left unknown (crm.core.importing.merge.update_position), and each of them names
    the card's import record (``position.ended_by_import_id``) until something else makes
    it current again or gives it an end. Split off, the card takes that job away, so those
    positions were never ended: the ones that still name it are current again. (Positions
    ended before crm kept that were named by migration 0017 from the time of the import.)"""
    out = []
    for pos in person.positions:
        if pos.ended_by_import_id != record.id or pos.is_current or pos.end is not None:
            continue
        what = " at ".join(x for x in (pos.title, pos.company.name) if x)
        out.append(f"position {what}")
        if not dry_run:
            pos.is_current = True
    return out


def _source(record: ImportRecord, person_name: str) -> CardSource:
    return CardSource(record.id, record.source_file, record.line, record.card_name,
                      record.matched_by, record.match_evidence, record.imported_at,
                      not same_name(record.card_name, person_name))


def _evidence_key(card: Card, record: ImportRecord) -> tuple[str, str] | None:
    """The key of the card's value the match was made on (both had it)."""
    if record.matched_by not in ("email", "phone", "profile") or not record.match_evidence:
        return None
    for cp in card.contacts:
        if cp.value == record.match_evidence:
            p = contact_point(cp)
            return p.kind, p.normalized
    return None


def _maybe_theirs(card: Card, record: ImportRecord,
                  matched_on: tuple[str, str] | None) -> set[tuple[str, str]]:
    """The card's matching values the person may have had before the card came: the
    importer tries them in order (profile URL, email, phone) and matches on the first the
    person has, so those before the one it matched on were not theirs; those after may have
    been. A card that made the person brought all of its values; one matched by UID (or a
    synced one, or one recorded before crm kept how), any of them may have been theirs."""
    keys = [(("social" if kind == "profile" else kind), norm)
            for kind, norm in match_keys(card)]
    if record.matched_by in ("created", "split"):
        return set()
    if matched_on is None or matched_on not in keys:
        return set(keys) | {("url", norm) for kind, norm in keys if kind == "social"}
    after = keys[keys.index(matched_on) + 1:]
    return set(after) | {("url", norm) for kind, norm in after if kind == "social"}


def _pick(session: Session, person: Person, record: ImportRecord, card: Card,
          others: _Others | None, dry_run: bool, moving: list[Interaction],
          taken: set[tuple[str, str]]) -> tuple[list[str], list[str], list[str]]:
    """What of ``card`` the person loses (removed from ``person`` unless ``dry_run``; the
    interactions it made are put in ``moving``, for the new person; the contact points it
    takes in ``taken``), what both keep, and the positions the card's merge had ended that
    are current again, each as a phrase.
    ``others`` None: nothing can be told apart."""
    removed: list[str] = []
    kept: list[str] = []
    restored: list[str] = []
    doubt = (None if others is not None else "crm cannot read another of their cards again")
    if doubt is None and (person.source or "manual") == "manual":
        doubt = f"{person.display_name} was added by hand: it may be yours"
    empty = _Others(set(), set(), set(), set(), set(), [], {})
    seen = others if others is not None else empty

    def take(what: str, on_other: bool, go: Callable[[], None],
             why: str = "another of their cards has it") -> None:
        if on_other:
            kept.append(f"{what} ({why})")
        elif doubt is not None:
            kept.append(f"{what} ({doubt})")
        else:
            removed.append(what)
            if not dry_run:
                go()

    matched_on = _evidence_key(card, record)
    maybe_theirs = _maybe_theirs(card, record, matched_on)
    card_points = {(p.kind, p.normalized) for p in map(contact_point, card.contacts)}
    for cp in list(person.contact_points):
        key = (cp.kind, cp.normalized)
        if key not in card_points:
            continue
        what = f"{cp.kind} {cp.value}"
        if key == matched_on:
            kept.append(f"{what} (the match was made on it: both had it)")
            continue
        if key in maybe_theirs:
            kept.append(f"{what} ({person.display_name} may have had it before the card)")
            continue
        before = len(removed)
        take(what, key in seen.contacts,
             partial(person.contact_points.remove, cp))
        if len(removed) > before:
            taken.add(key)
    label = source_label("", card).lstrip(":")
    jobs = {_job_key(j.org, j.title) for j in card.employments() if j.org}
    took_current = False
    for pos in list(person.positions):
        names = {company_key(pos.company.name), *(company_key(a.alias)
                                                  for a in pos.company.aliases)}
        if not any((n, pos.title or None) in jobs for n in names):
            continue
        what = " at ".join(x for x in (pos.title, pos.company.name) if x)
        if not (pos.source or "").endswith(":" + label):
            kept.append(f"position {what} (it came from elsewhere)")
            continue
        if (pos.updated_at and pos.created_at
                and pos.updated_at - pos.created_at > timedelta(seconds=5)):
            kept.append(f"position {what} (changed since)")
            continue
        before = len(removed)
        take(f"position {what}", any((n, pos.title or None) in seen.jobs for n in names),
             partial(person.positions.remove, pos))
        took_current |= pos.is_current and len(removed) > before
    if took_current:
        restored += _reopen(person, record, dry_run)
    card_date_keys = {date_key(d) for d in card_dates(card)}
    for d in list(person.dates):
        dkey = (d.label, d.year, d.month, d.day)
        if dkey in card_date_keys:
            take(f"date {d.label} {d.month}-{d.day}", dkey in seen.dates,
                 partial(person.dates.remove, d))
    card_rel_keys = {relation_key(r) for r in card_relations(card)}
    for r in list(person.relations):
        rkey = (r.name, r.label, r.uid)
        if rkey in card_rel_keys:
            take(f"relation {r.label or 'related'} {r.name}", rkey in seen.relations,
                 partial(person.relations.remove, r))
    for tag in list(person.tags):
        if tag.name in card.categories:
            take(f"tag {tag.name}", tag.name in seen.tags,
                 partial(person.tags.remove, tag))
    _pick_note(person, card, seen, take)
    for on, summary in card.touches:
        for i in person.interactions:
            if i.occurred_on.isoformat() == on and i.summary == summary:
                take(f"interaction {on} {summary}", (on, summary) in seen.touches,
                     partial(moving.append, i))
    for f in _FIELDS:
        value = getattr(card, f)
        # (a name the person has from another card too is theirs: not worth a word)
        if value and getattr(person, f) == value and value not in seen.fields.get(f, ()):
            take(f"{f.replace('_', ' ')} {value}", value in seen.fields.get(f, set()),
                 partial(setattr, person, f, None))
    birthday = (card.birthday_year, card.birthday_month, card.birthday_day)
    if card.birthday_month is not None and birthday == (
            person.birthday_year, person.birthday_month, person.birthday_day):
        def clear_birthday() -> None:
            person.birthday_year = person.birthday_month = person.birthday_day = None
        take("birthday", birthday in seen.fields.get("birthday", set()), clear_birthday)
    if card.photo is not None and person.photo == card.photo:
        def clear_photo() -> None:
            person.photo, person.photo_type = None, None
        take("photo", card.photo in seen.fields.get("photo", set()), clear_photo)
    return removed, kept, restored


def _pick_note(person: Person, card: Card, seen: _Others,
               take: Callable[..., None]) -> None:
    """The card's note: appended to the person's by the merge ("\\n\\n" + note), or the
    whole of it."""
    note, mine = card.note, person.note
    if not note or not mine:
        return
    if mine == note:
        take("note", note in seen.notes, lambda: setattr(person, "note", None))
    elif mine.endswith("\n\n" + note) or ("\n\n" + note + "\n\n") in mine:
        def cut() -> None:
            text = person.note or ""
            if text.endswith("\n\n" + note):
                person.note = text[: -len(note) - 2]
            else:
                person.note = text.replace("\n\n" + note + "\n\n", "\n\n", 1)
        take("note text", note in seen.notes, cut)
    else:
        take("note text", True, lambda: None, why="the note was changed since: kept")


def _forget_match(session: Session, person_id: int, other_id: int, card: CardSource) -> None:
    """Record "not the same person" (a dismissed same-person suggestion) for the pair."""
    found = session.scalars(select(Suggestion).where(
        Suggestion.kind == "same-person",
        ((Suggestion.person_id == person_id) & (Suggestion.other_id == other_id))
        | ((Suggestion.person_id == other_id) & (Suggestion.other_id == person_id)))).first()
    evidence = (f"not the same person: the card {card.file}:{card.line} "
                f"({card.card_name or 'no name'}, {card.how()}) was split off")
    if found is None:
        found = Suggestion(kind="same-person", person_id=person_id, other_id=other_id,
                           evidence=evidence, source="split")
        session.add(found)
    found.status, found.decided_at = "dismissed", utcnow()


def _rows_that_follow(session: Session, person: Person, taken: set[tuple[str, str]],
                      touches: TouchReader | None, moving: list[Interaction],
                      removed: list[str]) -> list[ImportRecord]:
    """The rows kept of what else an import made (LinkedIn messages and invitations) whose
    interactions came to the person through a profile URL the card takes with it, and no
    other URL the person keeps: they go too (their interactions put in ``moving``, each
    said in ``removed``)."""
    urls = {norm for kind, norm in taken if kind in PROFILE_KINDS}
    if not urls or touches is None:
        return []
    kept = {cp.normalized for cp in person.contact_points
            if cp.kind in PROFILE_KINDS and (cp.kind, cp.normalized) not in taken}
    by_what: dict[tuple[date, str, str], list[Interaction]] = {}
    for i in person.interactions:
        if i not in moving:  # (the card's own, moving already)
            by_what.setdefault((i.occurred_on, i.summary, i.kind), []).append(i)
    follow: list[ImportRecord] = []
    for row in session.scalars(select(ImportRecord).where(
            ImportRecord.person_id == person.id, ImportRecord.status == "imported",
            ImportRecord.matched_by == NOT_A_CARD).order_by(ImportRecord.id)):
        went = False
        for touch in touches(row.source_file, row.raw):
            keys = {profile_key(u) for u in touch.profile_urls}
            if not keys & urls or keys & kept:
                continue
            went = True
            for i in by_what.pop((touch.on, touch.summary, touch.kind), ()):
                moving.append(i)
                removed.append(f"interaction {i.occurred_on.isoformat()} {_short(i.summary)}")
        if went:
            follow.append(row)
    return follow


def _short(text: str, width: int = 60) -> str:
    """A message's first words, to name it in a report (the message itself moves whole)."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def split_card(session: Session, person_id: int, record_id: int, parse: RecordParser, *,
               dry_run: bool = False, touches: TouchReader | None = None) -> SplitPlan:
    """Split imported card ``record_id`` off ``person_id`` into a new person (see the
    module's docstring); with ``dry_run``, only say what it would do. ``touches`` reads a
    stored row of a LinkedIn export again (crm.sources.records.read_touches): with it, the
    messages and invitations that came to the person through the card's profile URL go
    with the card."""
    person, record = _load(session, person_id, record_id)
    source = _source(record, person.display_name)
    others_rows = session.execute(
        select(ImportRecord.source_file, ImportRecord.line, ImportRecord.raw)
        .where(ImportRecord.person_id == person_id, ImportRecord.status == "imported",
               ImportRecord.id != record_id, a_card(ImportRecord.matched_by))
        .order_by(ImportRecord.id)).all()
    if not others_rows and (person.source or "manual") != "manual":
        raise InvalidInput(f"card #{record_id} is the only card {person.display_name} came "
                           "from: there is nothing to split it from")
    read = parse(record.source_file, record.line, record.raw)
    if read is None:
        raise InvalidInput(f"card #{record_id} cannot be read again as a card: not split")
    card, kind = read
    cards: list[Card] | None = []
    for file, line, raw in others_rows:
        got = parse(file, line, raw)
        if got is None:
            cards = None
            break
        assert cards is not None
        cards.append(got[0])
    others = _others(cards) if cards is not None else None
    moving: list[Interaction] = []
    taken: set[tuple[str, str]] = set()
    removed, kept, restored = _pick(session, person, record, card, others, dry_run, moving,
                                    taken)
    rows = _rows_that_follow(session, person, taken, touches, moving, removed)
    new_id: int | None = None
    if not dry_run:
        if card.uid and person.uid == card.uid:
            # The card's UID goes with it (a later import of the card finds the new person).
            person.uid = None
            removed.append(f"UID {card.uid}")
        refresh_search_text(person)
        session.flush()
        index = Index(session, [card], Run(session, Survey()))
        new_id = insert_people(session, index, [card], kind)[0]
        record.person_id = new_id
        for row in rows:
            row.person_id = new_id
        if moving:  # (the database's triggers keep both people's last_contacted)
            session.execute(update(Interaction).where(
                Interaction.id.in_([i.id for i in moving])).values(person_id=new_id))
            session.expire(person, ["interactions", "last_contacted"])
        record.matched_by, record.match_evidence = "split", f"#{person.id} {person.display_name}"
        _forget_match(session, person.id, new_id, source)
        session.flush()
    return SplitPlan(person.id, person.display_name, source, card.display_name, new_id,
                     tuple(removed), tuple(kept), tuple(restored))
