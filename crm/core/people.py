"""People: creating, finding, searching and describing them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from crm.core.errors import Ambiguous, InvalidInput, NotFound
from crm.core.models import ContactPoint, Person, Position, Tag
from crm.core.normalize import fold, is_email, normalize_email, normalize_phone, words


@dataclass(frozen=True)
class PersonSummary:
    """A person as lists show them (and as ``--json`` prints them)."""

    id: int
    name: str
    emails: list[str]
    phones: list[str]
    urls: list[str]
    company: str | None
    title: str | None
    tags: list[str]
    note: str | None
    is_me: bool = False
    known_via: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "emails": self.emails,
            "phones": self.phones,
            "urls": self.urls,
            "company": self.company,
            "title": self.title,
            "tags": self.tags,
            "note": self.note,
            "me": self.is_me,
        }
        if self.known_via is not None:
            data["known_via"] = self.known_via
        data.update(self.extra)
        return data


def current_position(person: Person) -> Position | None:
    """The current position that started last (a person may hold two at once)."""
    current = [p for p in person.positions if p.is_current]
    if not current:
        return None
    return max(current, key=lambda p: (p.start or "", p.id))


def summarize(person: Person) -> PersonSummary:
    pos = current_position(person)
    by_kind: dict[str, list[str]] = {"email": [], "phone": [], "url": [], "social": []}
    for cp in sorted(person.contact_points, key=lambda c: (not c.preferred, c.id)):
        if cp.kind in by_kind:
            by_kind[cp.kind].append(cp.value)
    return PersonSummary(
        id=person.id,
        name=person.display_name,
        emails=by_kind["email"],
        phones=by_kind["phone"],
        urls=by_kind["url"] + by_kind["social"],
        company=pos.company.name if pos else None,
        title=pos.title if pos else None,
        tags=[t.name for t in person.tags],
        note=person.note,
        is_me=person.is_me,
        known_via=person.known_via.display_name if person.known_via else None,
    )


def summary_loader() -> list[Any]:
    """Loader options that make ``summarize`` issue no lazy loads."""
    return [
        selectinload(Person.contact_points),
        selectinload(Person.positions).selectinload(Position.company),
        selectinload(Person.tags),
        selectinload(Person.known_via),
    ]


def refresh_search_text(person: Person) -> None:
    """Recompute the folded search text and sort key after any change to a person."""
    parts: list[str] = [person.display_name]
    parts += [x for x in (person.given_name, person.family_name, person.nickname,
                          person.headline, person.location, person.note) if x]
    for cp in person.contact_points:
        parts.append(cp.value)
        if cp.kind == "phone":
            parts.append(cp.normalized.lstrip("+"))
    for pos in person.positions:
        parts += [x for x in (pos.title, pos.department) if x]
        if pos.company is not None:
            parts.append(pos.company.name)
            parts += [a.alias for a in pos.company.aliases]
    parts += [t.name for t in person.tags]
    person.search_text = " ".join(dict.fromkeys(w for p in parts for w in words(p)))
    person.sort_key = fold(person.display_name).strip()


def contact_normalized(kind: str, value: str) -> str:
    if kind == "email":
        return normalize_email(value)
    if kind == "phone":
        return normalize_phone(value)
    if kind in ("url", "social"):
        v = value.strip()
        for scheme in ("https://", "http://"):
            if v.lower().startswith(scheme):
                v = v[len(scheme):]
        return v.rstrip("/").casefold().removeprefix("www.")
    return fold(value).strip()


def add_contact_point(person: Person, kind: str, value: str, label: str | None = None,
                      preferred: bool = False) -> ContactPoint | None:
    """Add a contact point unless the person already has it (by normalized form)."""
    value = value.strip()
    if not value:
        return None
    if kind == "email" and not is_email(value):
        raise InvalidInput(f"bad email address {value!r}")
    if kind == "phone" and not any(ch.isdigit() for ch in value):
        raise InvalidInput(f"bad phone number {value!r}")
    norm = contact_normalized(kind, value)
    for cp in person.contact_points:
        if cp.kind == kind and cp.normalized == norm:
            return None
    cp = ContactPoint(kind=kind, value=value, label=label, normalized=norm, preferred=preferred)
    person.contact_points.append(cp)
    return cp


def set_tags(session: Session, person: Person, names: Iterable[str]) -> None:
    wanted = [n.strip() for n in names if n.strip()]
    existing = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(wanted)))}
    for name in wanted:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
            existing[name] = tag
        if tag not in person.tags:
            person.tags.append(tag)


def get_me(session: Session) -> Person | None:
    return session.scalar(select(Person).where(Person.is_me.is_(True)))


def set_me(session: Session, person: Person) -> None:
    current = get_me(session)
    if current is not None and current.id != person.id:
        current.is_me = False
        session.flush()
    person.is_me = True


def split_name(name: str) -> tuple[str | None, str | None]:
    parts = name.strip().split()
    if len(parts) < 2:
        return (parts[0] if parts else None), None
    return " ".join(parts[:-1]), parts[-1]


def create_person(
    session: Session,
    name: str,
    *,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    me: bool = False,
    via: Person | None = None,
    note: str | None = None,
    tags: Sequence[str] = (),
    source: str = "manual",
) -> Person:
    name = name.strip()
    if not name:
        raise InvalidInput("a person needs a name")
    given, family = split_name(name)
    person = Person(display_name=name, given_name=given, family_name=family, note=note,
                    source=source, known_via=via)
    session.add(person)
    for e in emails:
        add_contact_point(person, "email", e)
    for p in phones:
        add_contact_point(person, "phone", p)
    if tags:
        set_tags(session, person, tags)
    session.flush()
    if me:
        set_me(session, person)
    refresh_search_text(person)
    session.flush()
    return person


def _load(session: Session, ids: Sequence[int]) -> list[Person]:
    if not ids:
        return []
    people = session.scalars(select(Person).where(Person.id.in_(ids)).options(*summary_loader()))
    by_id = {p.id: p for p in people}
    return [by_id[i] for i in ids if i in by_id]


def resolve_person(session: Session, text: str) -> Person:
    """The person meant by an id, an exact name, a unique prefix or a close fuzzy match."""
    query = text.strip()
    if not query:
        raise InvalidInput("person name is empty")
    if query.lstrip("#").isdigit():
        person = session.get(Person, int(query.lstrip("#")))
        if person is None:
            raise NotFound(f"no person with id {query.lstrip('#')}")
        return person
    if query.lower() == "me":
        me = get_me(session)
        if me is not None:
            return me
    key = fold(query).strip()
    exact = list(session.scalars(select(Person).where(Person.sort_key == key).limit(20)))
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise Ambiguous("person", query, [f"{p.display_name} (#{p.id})" for p in exact])
    like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    prefix = list(session.scalars(
        select(Person).where(Person.sort_key.like(like, escape="\\")).order_by(Person.sort_key)
        .limit(20)))
    if len(prefix) == 1:
        return prefix[0]
    if len(prefix) > 1:
        raise Ambiguous("person", query, [f"{p.display_name} (#{p.id})" for p in prefix])
    # Every word as a prefix of some word in the name ("ada lov" -> "Ada Lovelace").
    ws = words(query)
    if ws:
        conds = [Person.sort_key.like(f"%{w}%") for w in ws]
        cands = list(session.scalars(select(Person).where(and_(*conds)).limit(20)))
        if len(cands) == 1:
            return cands[0]
        if len(cands) > 1:
            raise Ambiguous("person", query, [f"{p.display_name} (#{p.id})" for p in cands])
    # Fuzzy: typos in a name ("jon smiht").
    first = ws[0][:2] if ws else key[:2]
    pool = session.execute(
        select(Person.id, Person.sort_key).where(Person.sort_key.like(f"%{first}%")).limit(5000)
    ).all()
    close = difflib.get_close_matches(key, [k for _, k in pool], n=5, cutoff=0.8)
    matched = [pid for pid, k in pool if k in close]
    if len(matched) == 1:
        found = session.get(Person, matched[0])
        assert found is not None
        return found
    if len(matched) > 1:
        people = _load(session, matched)
        raise Ambiguous("person", query, [f"{p.display_name} (#{p.id})" for p in people])
    raise NotFound(f"no person matches {query!r}")


def search_conditions(query: str | None) -> list[Any]:
    """WHERE clauses matching people whose searchable text has every word of ``query``."""
    conds: list[Any] = []
    for w in words(query or ""):
        like = "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append(Person.search_text.like(like, escape="\\"))
    return conds


def search_ids(session: Session, query: str | None, *, limit: int | None = None,
               offset: int = 0) -> list[int]:
    """Ids of people matching every word of ``query`` (accent-insensitive), by name."""
    conds = search_conditions(query)
    stmt = select(Person.id).where(*conds)
    # With words to match, reading the table once and sorting the matches is bounded
    # (~12 ms at 100k people); walking the sort_key index and looking each row up can take
    # 100 ms when few rows match. ``|| ''`` keeps the planner off the index.
    order = (Person.sort_key + "") if conds else Person.sort_key
    stmt = stmt.order_by(order, Person.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def search_people(session: Session, query: str | None = None, *, limit: int | None = None,
                  offset: int = 0) -> list[PersonSummary]:
    return [summarize(p) for p in _load(session, search_ids(session, query, limit=limit,
                                                             offset=offset))]


def count_people(session: Session) -> int:
    return session.scalar(select(func.count(Person.id))) or 0
