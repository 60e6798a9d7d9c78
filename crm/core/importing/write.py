"""Creating the people of a chunk in bulk: a handful of multi-row INSERTs, not one
ORM object per row, with the same search text as a person the user adds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from crm.core.addresses import encode_parts
from crm.core.cards import Card, CardContact, CardDate, CardPosition, CardRelation
from crm.core.contacts.people import contact_normalized, search_text
from crm.core.importing.common import (
    NORMALIZED_LIMIT,
    copy_rows,
    insert_rows,
    normalized,
    source_label,
    table,
)
from crm.core.importing.index import Index
from crm.core.limits import check_rows
from crm.core.models import (
    Company,
    ContactPoint,
    Person,
    PersonDate,
    PersonRelation,
    PersonTag,
    Position,
    Tag,
    utcnow,
)
from crm.core.normalize import fold, is_email


@dataclass
class Point:
    """A contact point to store: the value whole, its kind and its matching key."""

    kind: str
    label: str | None
    value: str
    normalized: str
    preferred: bool
    parts: str | None = None  # an address's parts (crm.core.addresses)
    formatted: str | None = None  # an address as printed (LABEL)


def contact_point(cp: CardContact) -> Point:
    kind, label = cp.kind, cp.label
    if kind == "email" and not is_email(cp.value):
        # Kept, not dropped: an address we cannot use for matching is still the user's data.
        kind, label = "other", label or "email"
    if kind == "phone" and not any(ch.isdigit() for ch in cp.value):
        kind, label = "other", label or "phone"
    norm = contact_normalized(kind, cp.value) if kind == "other" else normalized(cp)
    # Only the matching key is shortened (a very long URL); the value is kept whole.
    return Point(kind, label, cp.value, norm[:NORMALIZED_LIMIT], cp.preferred,
                 encode_parts(cp.parts) if kind == "address" else None,
                 cp.formatted if kind == "address" else None)


def add_contacts(person: Person, card: Card) -> bool:
    """Add the card's contact points ``person`` does not have yet; True when any was."""
    have = {(c.kind, c.normalized): c for c in person.contact_points}
    added = False
    for cp in card.contacts:
        p = contact_point(cp)
        old = have.get((p.kind, p.normalized))
        if old is not None:
            # An address known already: its parts and printed form fill gaps.
            if p.parts and not old.address_parts:
                old.address_parts = p.parts
                added = True
            if p.formatted and not old.address_label:
                old.address_label = p.formatted
                added = True
            continue
        new = ContactPoint(kind=p.kind, value=p.value, label=p.label,
                           normalized=p.normalized, preferred=p.preferred,
                           address_parts=p.parts, address_label=p.formatted)
        have[(p.kind, p.normalized)] = new
        person.contact_points.append(new)
        added = True
    return added


def date_key(d: CardDate) -> tuple[str, int | None, int | None, int | None]:
    return (d.label, d.year, d.month, d.day)


def relation_key(r: CardRelation) -> tuple[str, str | None, str | None]:
    return (r.name, r.label, r.uid)


def card_dates(card: Card) -> list[CardDate]:
    """The card's dates to store, each once (a date needs a month and a day)."""
    seen: set[tuple[str, int | None, int | None, int | None]] = set()
    out = []
    for d in card.dates:
        if d.month is not None and d.day is not None and date_key(d) not in seen:
            seen.add(date_key(d))
            out.append(d)
    return out


def card_relations(card: Card) -> list[CardRelation]:
    """The card's named relations to store, each once."""
    seen: set[tuple[str, str | None, str | None]] = set()
    out = []
    for r in card.relations:
        if (r.name or r.uid) and relation_key(r) not in seen:
            seen.add(relation_key(r))
            out.append(r)
    return out


@dataclass
class _NewPosition:
    job: CardPosition
    company: Company


@dataclass
class _NewPerson:
    """A person to insert in bulk: what goes in rows of their own, and the headline."""

    headline: str | None
    contact_points: list[Point] = field(default_factory=list)
    positions: list[_NewPosition] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)


def _new_person(index: Index, card: Card, source: str) -> _NewPerson:
    jobs = card.employments()
    new = _NewPerson(headline=None if jobs else card.title)
    have: set[tuple[str, str]] = set()
    for cp in card.contacts:
        point = contact_point(cp)
        if (point.kind, point.normalized) not in have:
            have.add((point.kind, point.normalized))
            new.contact_points.append(point)
    seen_tags: set[str] = set()
    for name in card.categories:
        if name not in seen_tags:
            seen_tags.add(name)
            new.tags.append(index.tag(name))
    # The first ORG of a card is the one a phone shows: created last, it is the person's
    # current position (the one that started last; see people.current_position).
    for job in reversed(jobs):
        company = index.companies.employer(card, source_label(source, card), job)
        new.positions.append(_NewPosition(job, company))
    return new


def _search_text(card: Card, new: _NewPerson) -> str:
    """The search text ``refresh_search_text`` would store for the person ``new`` is."""
    return search_text(
        card.display_name, given_name=card.given_name, family_name=card.family_name,
        nickname=card.nickname, headline=new.headline, note=card.note,
        contacts=[(p.kind, p.value, p.normalized) for p in new.contact_points],
        positions=[(pos.job.title, pos.job.department, pos.company.name,
                    [a.alias for a in pos.company.aliases]) for pos in new.positions],
        tags=[t.name for t in new.tags],
        extra=card_words(card, new.contact_points))


def card_words(card: Card, points: list[Point]) -> list[str]:
    """What else of a card a person is found by: role, dated events' labels, the names of
    related people, printed addresses."""
    return [x for x in (card.role, *(d.label for d in card_dates(card)),
                        *(r.name for r in card_relations(card)),
                        *(p.formatted for p in points)) if x]


def _company_key(new: _NewPerson) -> str | None:
    """The sort key the position triggers (migration 0008) will give the person: the name
    key of the current company that started last, then the later one written. Written with
    the person, it spares PostgreSQL a second version of every new person row (and of its
    index entries): 0011_pg_scale's triggers write only a key that differs."""
    current = [(pos.job.start or "", i, pos.company.name_key)
               for i, pos in enumerate(new.positions) if pos.job.current]
    return max(current)[2] if current else None


def insert_people(session: Session, index: Index, cards: list[Card],
                  source: str) -> list[int]:
    """Create the people of ``cards`` with a handful of multi-row INSERTs; their ids."""
    if not cards:
        return []
    people = [_new_person(index, card, source) for card in cards]
    session.flush()  # new companies and tags get their ids
    now = utcnow()
    rows = [{
        "display_name": card.display_name, "given_name": card.given_name,
        "family_name": card.family_name, "additional_names": card.additional_names,
        "name_prefix": card.name_prefix, "name_suffix": card.name_suffix,
        "nickname": card.nickname, "headline": new.headline, "note": card.note,
        "role": card.role,
        "birthday_year": card.birthday_year, "birthday_month": card.birthday_month,
        "birthday_day": card.birthday_day, "photo": card.photo, "photo_type": card.photo_type,
        "uid": card.uid, "source": source_label(source, card),
        "sort_key": fold(card.display_name).strip(), "search_text": _search_text(card, new),
        "company_key": _company_key(new),
        "is_me": False, "created_at": now, "updated_at": now,
    } for card, new in zip(cards, people, strict=True)]
    ids: list[int] = []
    conn, person = session.connection(), table(Person)
    check_rows(person, rows)
    if conn.dialect.name == "sqlite":
        # SQLite gives a new row the largest id there is plus one; RETURNING in the order of
        # the rows is one INSERT per row there (SQLAlchemy's "insertmanyvalues" cannot sort
        # SQLite's RETURNING), 30k people 3 s. So the ids SQLite would give are given here,
        # and the rows go in one executemany: the import's transaction holds the write lock
        # (``Database.write``: BEGIN IMMEDIATE), nobody else inserts in between.
        last = conn.scalar(select(func.max(person.c.id))) or 0
        ids = list(range(last + 1, last + 1 + len(rows)))
        for pid, row in zip(ids, rows, strict=True):
            row["id"] = pid
        conn.execute(insert(person), rows)
    elif conn.dialect.name == "postgresql":
        # The ids from person's own sequence, in one query, so that the rows can go in one
        # COPY (copy_rows) rather than INSERTs that return them: the values a sequence
        # hands out are never handed out again, whoever else inserts meanwhile.
        ids = sorted(conn.scalars(
            select(func.nextval(func.pg_get_serial_sequence(person.name, "id")))
            .select_from(func.generate_series(1, len(rows)))))
        for pid, row in zip(ids, rows, strict=True):
            row["id"] = pid
        copy_rows(conn, person, rows)
    else:
        # Small batches: SQLAlchemy splices RETURNING rows of every internal batch into one
        # result, which grows quadratically with the rows of a single call.
        for i in range(0, len(rows), 200):
            ids += conn.scalars(insert(person).returning(person.c.id,
                                                         sort_by_parameter_order=True),
                                rows[i: i + 200])
    points, positions, tags = [], [], []
    dates: list[dict[str, object]] = []
    relations: list[dict[str, object]] = []
    for pid, card, new in zip(ids, cards, people, strict=True):
        for point in new.contact_points:
            points.append({"person_id": pid, "kind": point.kind, "label": point.label,
                           "value": point.value, "normalized": point.normalized,
                           "preferred": point.preferred, "address_parts": point.parts,
                           "address_label": point.formatted})
        for d in card_dates(card):
            dates.append({"person_id": pid, "label": d.label, "year": d.year,
                          "month": d.month, "day": d.day, "preferred": d.preferred})
        for r in card_relations(card):
            relations.append({"person_id": pid, "name": r.name, "label": r.label,
                              "uid": r.uid, "other_id": None, "preferred": r.preferred})
        for pos in new.positions:
            job = pos.job
            positions.append({"person_id": pid, "company_id": pos.company.id,
                              "title": job.title, "department": job.department,
                              "kind": job.kind, "start": job.start, "end": job.end,
                              "is_current": job.current, "source": source_label(source, card),
                              "known_on": known_on(card, now.date()),
                              "created_at": now, "updated_at": now})
        for tag in new.tags:
            tags.append({"person_id": pid, "tag_id": tag.id})
    if points:
        insert_rows(session, ContactPoint, points)
    if positions:
        insert_rows(session, Position, positions)
    if tags:
        insert_rows(session, PersonTag, tags)
    if dates:
        insert_rows(session, PersonDate, dates)
    if relations:
        insert_rows(session, PersonRelation, relations)
    return ids


def known_on(card: Card, today: date) -> date:
    """When a card's ORG held: its REV date, else the day of the import."""
    return date.fromisoformat(card.known_on) if card.known_on else today

