"""Updating who already exists from a card: gaps are filled and contact points added;
nothing already there is deleted or overwritten.

Batched as the create path is (``write.insert_people``): the people a chunk merges into are
read with a few Core SELECTs into plain records (``Held``), each card is merged into its
person's record in memory (two cards about one person: both, in order), and the chunk's
changes go back in a handful of multi-row statements (``Merges.write``), with each changed
person's search text built once. No ORM object per person and no per-row flush: a later
export of 10k changed cards cost an ORM load, a unit-of-work flush and a search-text rebuild
per card before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from crm.core.cards import Card, CardContact, CardPosition
from crm.core.contacts.companies import add_alias
from crm.core.contacts.people import search_text
from crm.core.importing.common import (
    card_domains,
    chunks,
    employer_domains,
    insert_rows,
    table,
)
from crm.core.importing.index import Index
from crm.core.importing.write import (
    card_dates,
    card_relations,
    contact_point,
    date_key,
    known_on,
    relation_key,
)
from crm.core.limits import check_rows
from crm.core.models import (
    Base,
    Company,
    CompanyAlias,
    CompanyContact,
    CompanyDomain,
    ContactPoint,
    Person,
    PersonDate,
    PersonRelation,
    PersonTag,
    Position,
    Tag,
    utcnow,
)
from crm.core.normalize import company_key, fold

_NAME_FIELDS = ("given_name", "family_name", "additional_names", "name_prefix",
                "name_suffix", "nickname", "uid")
# The person columns a merge reads (and may fill), beside the id; and the stored keys it
# compares with what it builds, to write them only when they differ.
_PERSON_COLUMNS = ("display_name", *_NAME_FIELDS, "headline", "location", "note", "role",
                   "birthday_year", "birthday_month", "birthday_day", "photo_type")
_KEY_COLUMNS = ("sort_key", "search_text")


@dataclass(slots=True)
class _Contact:
    """A contact point of a held person: stored (``id``) or added by this chunk."""

    id: int | None
    kind: str
    label: str | None
    value: str
    normalized: str
    preferred: bool
    parts: str | None
    formatted: str | None
    filled: set[str] = field(default_factory=set)  # stored columns this chunk filled


@dataclass(slots=True)
class _Job:
    """A position of a held person: stored (``id``) or opened by this chunk (``company``
    is then the company object, which may have no id before the chunk's flush)."""

    id: int | None
    company_id: int | None
    company_name: str
    title: str | None
    department: str | None
    kind: str | None
    start: str | None
    end: str | None
    is_current: bool
    company: Company | None = None
    source: str | None = None
    known_on: date | None = None
    filled: set[str] = field(default_factory=set)  # stored columns this chunk changed
    # The card whose merge ended it (update_position): its import record is written in
    # position.ended_by_import_id (Merges.write).
    ended_by: Card | None = None

    def at(self, company: Company) -> bool:
        return self.company is company or (self.company_id is not None
                                           and self.company_id == company.id)


@dataclass(slots=True)
class Held:
    """A person a chunk merges into, as plain values: what merging compares against, and
    what it changed (written by ``Merges.write``)."""

    id: int
    row: dict[str, Any]  # _PERSON_COLUMNS
    contacts: list[_Contact] = field(default_factory=list)
    positions: list[_Job] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    dates: list[tuple[str, int | None, int | None, int | None]] = field(default_factory=list)
    relations: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)  # person columns
    new_tags: list[Tag] = field(default_factory=list)
    new_dates: list[dict[str, Any]] = field(default_factory=list)
    new_relations: list[dict[str, Any]] = field(default_factory=list)
    dirty: bool = False  # anything changed: the search text is built again
    keys: dict[str, Any] = field(default_factory=dict)  # _KEY_COLUMNS as stored

    @property
    def display_name(self) -> str:
        return str(self.row["display_name"])

    def set(self, column: str, value: Any) -> None:
        self.row[column] = value
        self.changed.add(column)


class Merges:
    """The people one chunk merges into, read in a few queries; their changes written in a
    few statements."""

    def __init__(self, session: Session, ids: Iterable[int]) -> None:
        self.session = session
        self.people: dict[int, Held] = {}
        wanted = sorted(set(ids))
        p, cp, pos, co = table(Person), table(ContactPoint), table(Position), table(Company)
        pd, pr, pt, tg = table(PersonDate), table(PersonRelation), table(PersonTag), table(Tag)
        conn = session.connection()
        for part in chunks(wanted):
            for row in conn.execute(select(p.c.id, *(p.c[c] for c in _PERSON_COLUMNS),
                                           *(p.c[c] for c in _KEY_COLUMNS))
                                    .where(p.c.id.in_(part))):
                split = 1 + len(_PERSON_COLUMNS)
                held = Held(row[0], dict(zip(_PERSON_COLUMNS, row[1:split], strict=True)))
                held.keys = dict(zip(_KEY_COLUMNS, row[split:], strict=True))
                self.people[row[0]] = held
            for c in conn.execute(
                    select(cp.c.person_id, cp.c.id, cp.c.kind, cp.c.label, cp.c.value,
                           cp.c.normalized, cp.c.preferred, cp.c.address_parts,
                           cp.c.address_label)
                    .where(cp.c.person_id.in_(part)).order_by(cp.c.id)):
                self.people[c[0]].contacts.append(_Contact(*c[1:]))
            for j in conn.execute(
                    select(pos.c.person_id, pos.c.id, pos.c.company_id, co.c.name, pos.c.title,
                           pos.c.department, pos.c.kind, pos.c.start, pos.c.end,
                           pos.c.is_current)
                    .join(co, co.c.id == pos.c.company_id)
                    .where(pos.c.person_id.in_(part)).order_by(pos.c.id)):
                self.people[j[0]].positions.append(_Job(*j[1:]))
            for pid, name in conn.execute(select(pt.c.person_id, tg.c.name)
                                          .join(tg, tg.c.id == pt.c.tag_id)
                                          .where(pt.c.person_id.in_(part))):
                self.people[pid].tags.append(name)
            for pid, *key in conn.execute(select(pd.c.person_id, pd.c.label, pd.c.year,
                                                 pd.c.month, pd.c.day)
                                          .where(pd.c.person_id.in_(part)).order_by(pd.c.id)):
                self.people[pid].dates.append((key[0], key[1], key[2], key[3]))
            for pid, *key in conn.execute(select(pr.c.person_id, pr.c.name, pr.c.label,
                                                 pr.c.uid)
                                          .where(pr.c.person_id.in_(part)).order_by(pr.c.id)):
                self.people[pid].relations.append((key[0], key[1], key[2]))

    def __getitem__(self, pid: int) -> Held:
        return self.people[pid]

    def ended_by(self) -> set[int]:
        """The cards (by ``id()``) whose merge ended a position: ``write`` needs their
        import records' ids."""
        return {id(j.ended_by) for h in self.people.values() for j in h.positions
                if j.ended_by is not None}

    def write(self, records: Mapping[int, int] | None = None) -> None:
        """The chunk's changes, in a few multi-row statements (after a flush that gives the
        companies and tags the merges made their ids). ``records``: the import record id
        of each card (by ``id()``) in ``ended_by()``, already inserted."""
        session = self.session
        records = records or {}
        dirty = [h for h in self.people.values() if h.dirty]
        if not dirty:
            return
        session.flush()
        now = utcnow()
        names, aliases = _companies(session, dirty)
        people: dict[frozenset[str], list[dict[str, Any]]] = {}
        contacts: dict[frozenset[str], list[dict[str, Any]]] = {}
        jobs: dict[frozenset[str], list[dict[str, Any]]] = {}
        new_contacts: list[dict[str, Any]] = []
        new_jobs: list[dict[str, Any]] = []
        tags: list[dict[str, Any]] = []
        dates: list[dict[str, Any]] = []
        relations: list[dict[str, Any]] = []
        for held in dirty:
            row = held.row
            # Only the columns that changed: on SQLite an UPDATE that names sort_key or
            # search_text rewrites that person's entries in the name or full-text index
            # (and the three list-order indexes that hold sort_key), changed or not; an
            # export in which every card changed cost 1.6x vobject's parse for that.
            row_out = {c: row[c] for c in held.changed}
            row_out.update(_id=held.id, updated_at=now)
            keys = {"sort_key": fold(held.display_name).strip(),
                    "search_text": _search_text(held, names, aliases)}
            row_out.update((c, v) for c, v in keys.items() if held.keys.get(c) != v)
            people.setdefault(frozenset(row_out), []).append(row_out)
            for c in held.contacts:
                if c.id is None:
                    new_contacts.append({
                        "person_id": held.id, "kind": c.kind, "label": c.label,
                        "value": c.value, "normalized": c.normalized, "preferred": c.preferred,
                        "address_parts": c.parts, "address_label": c.formatted})
                elif c.filled:
                    fill: dict[str, Any] = {"_id": c.id}
                    fill.update((col, c.parts if col == "address_parts" else c.formatted)
                                for col in c.filled)
                    contacts.setdefault(frozenset(fill), []).append(fill)
            for j in held.positions:
                if j.id is None:
                    assert j.company is not None and j.company.id is not None
                    new_jobs.append({
                        "person_id": held.id, "company_id": j.company.id, "title": j.title,
                        "department": j.department, "kind": j.kind, "start": j.start,
                        "end": j.end, "is_current": j.is_current, "source": j.source,
                        "known_on": j.known_on, "created_at": now, "updated_at": now,
                        "ended_by_import_id": _ended_by(j, records)})
                elif j.filled:
                    out: dict[str, Any] = {"_id": j.id, "updated_at": now}
                    out.update((col, getattr(j, col)) for col in j.filled)
                    if j.ended_by is not None or "end" in j.filled:
                        # (an end the card gave: ended as a fact, not by a merge)
                        out["ended_by_import_id"] = _ended_by(j, records)
                    jobs.setdefault(frozenset(out), []).append(out)
            tags += [{"person_id": held.id, "tag_id": t.id} for t in held.new_tags]
            dates += [{"person_id": held.id, **d} for d in held.new_dates]
            relations += [{"person_id": held.id, "other_id": None, **r}
                          for r in held.new_relations]
        self._update(Person, people)
        inserts: list[tuple[type[Base], list[dict[str, Any]]]] = [
            (ContactPoint, new_contacts), (Position, new_jobs), (PersonTag, tags),
            (PersonDate, dates), (PersonRelation, relations)]
        for model, rows in inserts:
            if rows:
                insert_rows(session, model, rows)
        # Positions closed after the new ones are in: a job change inside one company then
        # moves no company key at any step, and the position triggers leave the person row
        # alone (closed first, the key went to NULL and back: two more writes a person).
        self._update(ContactPoint, contacts)
        self._update(Position, jobs)

    def _update(self, model: type[Base],
                groups: dict[frozenset[str], list[dict[str, Any]]]) -> None:
        """One executemany UPDATE by the set of columns the rows change."""
        target = table(model)
        for rows in groups.values():
            check_rows(target, rows)
            self.session.connection().execute(
                update(target).where(target.c.id == bindparam("_id")), rows)


def _ended_by(job: _Job, records: Mapping[int, int]) -> int | None:
    return records[id(job.ended_by)] if job.ended_by is not None else None


def _companies(session: Session, held: list[Held]
               ) -> tuple[dict[int, str], dict[int, list[str]]]:
    """The names and aliases of the companies the held people's positions are at, as they
    are after this chunk's flush (a spelling it learned is found at once)."""
    ids = sorted({cid for h in held for j in h.positions
                  if (cid := _company_id(j)) is not None})
    names: dict[int, str] = {}
    aliases: dict[int, list[str]] = {}
    co, al = table(Company), table(CompanyAlias)
    conn = session.connection()
    for part in chunks(ids):
        names.update(conn.execute(select(co.c.id, co.c.name).where(co.c.id.in_(part))).all())
        for cid, alias in conn.execute(select(al.c.company_id, al.c.alias)
                                       .where(al.c.company_id.in_(part)).order_by(al.c.id)):
            aliases.setdefault(cid, []).append(alias)
    return names, aliases


def _company_id(job: _Job) -> int | None:
    if job.company_id is not None:
        return job.company_id
    return job.company.id if job.company is not None else None


def _search_text(held: Held, names: dict[int, str], aliases: dict[int, list[str]]) -> str:
    """What ``refresh_search_text`` would store for the person as merged."""
    row = held.row
    positions = []
    for j in held.positions:
        cid = _company_id(j)
        name = names.get(cid, j.company_name) if cid is not None else j.company_name
        positions.append((j.title, j.department, name, aliases.get(cid, []) if cid else []))
    return search_text(
        held.display_name, given_name=row["given_name"], family_name=row["family_name"],
        nickname=row["nickname"], headline=row["headline"], location=row["location"],
        note=row["note"],
        contacts=[(c.kind, c.value, c.normalized) for c in held.contacts],
        positions=positions, tags=held.tags,
        extra=[x for x in (row["role"], *(d[0] for d in held.dates),
                           *(r[0] for r in held.relations),
                           *(c.formatted for c in held.contacts)) if x])


def merge(session: Session, index: Index, person: Held, card: Card, source: str) -> bool:
    """Fill the gaps of ``person`` from ``card`` (in memory: ``Merges.write`` writes them);
    True when anything changed."""
    changed = False
    row = person.row
    for attr in _NAME_FIELDS:
        value = getattr(card, attr)
        if value and not row[attr]:
            person.set(attr, value)
            changed = True
    changed |= _merge_birthday(person, card)
    if card.photo is not None and row["photo_type"] is None:
        person.set("photo", card.photo)
        person.set("photo_type", card.photo_type)
        changed = True
    if card.note:
        if not row["note"]:
            person.set("note", card.note)
            changed = True
        elif card.note not in row["note"]:
            # Both texts are kept: the user's note is never overwritten.
            person.set("note", f"{row['note']}\n\n{card.note}")
            changed = True
    if _add_contacts(person, card.contacts):
        changed = True
    if card.role and not row["role"]:
        person.set("role", card.role)
        changed = True
    changed |= merge_dates_and_relations(person, card)
    for name in card.categories:
        if name not in person.tags:
            person.tags.append(name)
            person.new_tags.append(index.tag(name))
            changed = True
    if card.employments():
        changed |= update_position(session, index, person, card, source)
    elif card.title and not row["headline"] and not person.positions:
        person.set("headline", card.title)
        changed = True
    if changed:
        person.dirty = True
    return changed


def fill_addresses(person: Held, contacts: list[CardContact]) -> bool:
    """The parts and printed form of the addresses ``person`` has, where they are missing;
    True when any was filled (nothing is added)."""
    have = {(c.kind, c.normalized): c for c in person.contacts if c.kind == "address"}
    filled = False
    for cp in contacts:
        if cp.kind != "address":
            continue
        p = contact_point(cp)
        old = have.get((p.kind, p.normalized))
        if old is None:
            continue
        if p.parts and not old.parts:
            old.parts = p.parts
            old.filled.add("address_parts")
            filled = True
        if p.formatted and not old.formatted:
            old.formatted = p.formatted
            old.filled.add("address_label")
            filled = True
    return filled


def _add_contacts(person: Held, contacts: list[CardContact]) -> bool:
    """Add the contact points ``person`` does not have yet (an address known already: its
    parts and printed form fill gaps); True when any changed."""
    have = {(c.kind, c.normalized): c for c in person.contacts}
    added = False
    for cp in contacts:
        p = contact_point(cp)
        old = have.get((p.kind, p.normalized))
        if old is not None:
            if p.parts and not old.parts:
                old.parts = p.parts
                old.filled.add("address_parts")
                added = True
            if p.formatted and not old.formatted:
                old.formatted = p.formatted
                old.filled.add("address_label")
                added = True
            continue
        new = _Contact(None, p.kind, p.label, p.value, p.normalized, p.preferred, p.parts,
                       p.formatted)
        have[(p.kind, p.normalized)] = new
        person.contacts.append(new)
        added = True
    return added


def merge_dates_and_relations(person: Held, card: Card) -> bool:
    """The card's dated events and named relations that ``person`` has not got yet."""
    changed = False
    have_dates = set(person.dates)
    for d in card_dates(card):
        if date_key(d) not in have_dates:
            have_dates.add(date_key(d))
            person.dates.append(date_key(d))
            person.new_dates.append({"label": d.label, "year": d.year, "month": d.month,
                                     "day": d.day, "preferred": d.preferred})
            changed = True
    have = set(person.relations)
    for r in card_relations(card):
        if relation_key(r) not in have:
            have.add(relation_key(r))
            person.relations.append(relation_key(r))
            person.new_relations.append({"name": r.name, "label": r.label, "uid": r.uid,
                                         "preferred": r.preferred})
            changed = True
    return changed


def _merge_birthday(person: Held, card: Card) -> bool:
    row = person.row
    if card.birthday_month is None and card.birthday_year is None:
        return False
    if row["birthday_month"] is None and row["birthday_year"] is None:
        person.set("birthday_year", card.birthday_year)
        person.set("birthday_month", card.birthday_month)
        person.set("birthday_day", card.birthday_day)
        return True
    if (row["birthday_year"] is None and card.birthday_year is not None
            and (row["birthday_month"], row["birthday_day"])
            == (card.birthday_month, card.birthday_day)):
        person.set("birthday_year", card.birthday_year)
        return True
    return False


def update_position(session: Session, index: Index, person: Held, card: Card,
                    source: str) -> bool:
    """The card's positions, each in turn: a known one is kept (gaps filled; an older
    export does not reopen a past one); a new current one closes the current positions
    the card no longer names and opens beside the others, so history is kept; a past one
    (from crm's own export) is added as history."""
    changed = False
    named: set[int] = set()  # positions the card names (by object id: some are unsaved)
    new: list[CardPosition] = []
    for job in card.employments():
        assert job.org
        key = company_key(job.org)
        found = index.companies.find(job.org, employer_domains(card, job.org))
        for pos in person.positions:
            same_company = (pos.at(found) if found is not None
                            else company_key(pos.company_name) == key)
            if same_company and (pos.title or None) == (job.title or None):
                named.add(id(pos))
                changed |= _fill_position(pos, job)
                break
        else:
            new.append(job)
    if any(job.current for job in new):
        for pos in person.positions:
            if pos.is_current and id(pos) not in named:
                pos.is_current = False  # (ended, its end left as it was: end_position)
                pos.ended_by = card  # (a split of the card makes it current again)
                if pos.id is not None:
                    pos.filled.add("is_current")
    for job in reversed(new):  # the card's first ORG last: the current one (see write)
        with session.no_autoflush:
            company = index.companies.employer(card, source, job)
        # Not positions.add_position: a row to insert with the chunk (the reader checked
        # the kind and the dates).
        pos = _Job(None, company.id, company.name, job.title, job.department, job.kind,
                   job.start, job.end, job.current, company=company, source=source,
                   known_on=known_on(card, utcnow().date()))
        person.positions.append(pos)
        named.add(id(pos))
        changed = True
    return changed


def _fill_position(pos: _Job, job: CardPosition) -> bool:
    """Gaps of a known position that the card fills (never a value it has)."""
    changed = False
    if pos.is_current and job.department and not pos.department:
        pos.department = job.department
        pos.filled.add("department")
        changed = True
    for attr in ("kind", "start", "end"):
        value = getattr(job, attr)
        if value and not getattr(pos, attr) and (attr != "end" or not pos.is_current):
            setattr(pos, attr, value)
            pos.filled.add(attr)
            if attr == "end":
                pos.ended_by = None  # (a date the card gives: no merge's guess any more)
            changed = True
    return changed


def company_card(index: Index, card: Card, source: str) -> Company:
    """The company a company card is about (found or created), its gaps filled."""
    assert card.org
    domains = card_domains(card)
    company = index.companies.get_or_create(card.org, domains, source)
    for alias in ([card.display_name] if card.display_name != card.org else []) + card.aliases:
        if alias and (key := company_key(alias)):
            add_alias(index.session, company, alias)
            index.companies.by_key.setdefault(key, company)
    taken = set(index.companies.by_domain)
    # Its mail domains (given: trusted), then those crm's export says crm learned (as
    # learned as they were: only a lookup, never folding another ORG into this company).
    for dom, how in [*((d, None) for d in domains), *card.domains]:
        if dom not in taken and all(d.domain != dom for d in company.domains):
            company.domains.append(CompanyDomain(domain=dom, source=how))
            index.companies.by_domain[dom] = company
            taken.add(dom)
            if how is None:
                index.companies.trusted.add(dom)
    urls = [c.value for c in card.contacts if c.kind == "url"]
    if urls and not company.website:
        company.website = urls[0]
    if card.note and not company.note:
        company.note = card.note
    # Its own phones, emails, URLs and addresses, tags and photo (gaps filled).
    have = {(c.kind, c.normalized) for c in company.contact_points}
    for cp in card.contacts:
        p = contact_point(cp)
        if (p.kind, p.normalized) not in have:
            have.add((p.kind, p.normalized))
            company.contact_points.append(CompanyContact(
                kind=p.kind, label=p.label, value=p.value, normalized=p.normalized,
                preferred=p.preferred, address_parts=p.parts, address_label=p.formatted))
    have_tags = {t.name for t in company.tags}
    for name in card.categories:
        if name not in have_tags:
            have_tags.add(name)
            company.tags.append(index.tag(name))
    if card.photo is not None and company.photo_type is None:
        company.photo, company.photo_type = card.photo, card.photo_type
    return company
