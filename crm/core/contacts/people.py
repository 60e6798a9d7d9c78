"""People: creating, finding, searching and describing them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Integer,
    Table,
    and_,
    bindparam,
    column,
    func,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session, aliased, selectinload

from crm.core.contacts.ranking import ranked_person_ids
from crm.core.errors import Ambiguous, InvalidInput, NotFound
from crm.core.models import (
    Company,
    ContactPoint,
    Person,
    PersonTag,
    Position,
    Tag,
)
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


# One expanding parameter instead of one bound value per id: much cheaper to build.
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)


def summaries_by_id(session: Session, ids: Iterable[int]) -> dict[int, PersonSummary]:
    """``summarize`` for many people at once with five flat queries (no ORM objects).

    The same result as ``summarize(person)``, several times cheaper; lists of hundreds of
    people (who-at answers, search pages) use it.
    """
    wanted = list(dict.fromkeys(ids))
    out: dict[int, PersonSummary] = {}
    for i in range(0, len(wanted), 5000):
        out.update(_summaries_chunk(session, wanted[i:i + 5000]))
    return out


_VIA = aliased(Person)


def _summary_statements(ids: Any) -> tuple[Any, ...]:
    """The four flat queries of ``summaries_by_id`` for the people in ``ids`` (a
    parameter or a subquery of ids)."""
    return (
        select(Person.id, Person.display_name, Person.note, Person.is_me, _VIA.display_name)
        .outerjoin(_VIA, _VIA.id == Person.known_via_id).where(Person.id.in_(ids)),
        select(ContactPoint.person_id, ContactPoint.kind, ContactPoint.value)
        .where(ContactPoint.person_id.in_(ids))
        .order_by(ContactPoint.person_id, ContactPoint.preferred.desc(), ContactPoint.id),
        select(Position.person_id, Position.id, Position.start, Company.name, Position.title)
        .join(Company, Company.id == Position.company_id)
        .where(Position.person_id.in_(ids), Position.is_current == true()),
        select(PersonTag.person_id, Tag.name).join(Tag, Tag.id == PersonTag.tag_id)
        .where(PersonTag.person_id.in_(ids)).order_by(Tag.name),
    )


# Built once: building a select costs more than running it on a page of people.
_BY_LIST = _summary_statements(_IDS)
# On SQLite a long list of ids goes as one JSON text (json_each): binding thousands of
# parameters costs more than the queries (a streamed ``crm people --json``).
_BY_JSON: tuple[Any, ...] | None = None
_JSON_FROM = 200


def _statements_for(session: Session, ids: list[int]) -> tuple[tuple[Any, ...],
                                                              dict[str, Any]]:
    global _BY_JSON
    if len(ids) < _JSON_FROM or session.get_bind().dialect.name != "sqlite":
        return _BY_LIST, {"ids": ids}
    if _BY_JSON is None:
        _BY_JSON = _summary_statements(
            text("SELECT value FROM json_each(:ids_json)").columns(column("value", Integer)))
    return _BY_JSON, {"ids_json": json.dumps(ids)}


_RAW_SQL: dict[int, str] = {}


def _run_all(conn: Any, statements: tuple[Any, ...], params: dict[str, Any]) -> list[Any]:
    """The rows of each statement. The json_each statements of SQLite (thousands of people
    at a time) run on the DBAPI cursor: plain tuples, no SQLAlchemy row processing (none is
    needed: integers and text), a fifth of the cost of reading 100k people."""
    if statements is not _BY_JSON:
        return [conn.execute(stmt, params).all() for stmt in statements]
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        out = []
        for stmt in statements:
            sql = _RAW_SQL.get(id(stmt))
            if sql is None:
                compiled = stmt.compile(dialect=conn.dialect)
                assert list(compiled.positiontup or []) == ["ids_json"]
                sql = _RAW_SQL[id(stmt)] = str(compiled)
            out.append(cursor.execute(sql, (params["ids_json"],)).fetchall())
        return out
    finally:
        cursor.close()


def _summaries_chunk(session: Session, ids: list[int]) -> dict[int, PersonSummary]:
    if not ids:
        return {}
    # Core rows on the session's connection: no ORM bookkeeping for plain columns. The loops
    # below run once per row of a 100k-people ``crm people --json``: plain dict lookups.
    conn = session.connection()
    statements, params = _statements_for(session, ids)
    people, point_rows, now_rows, tag_rows = _run_all(conn, statements, params)
    points: dict[int, dict[str, list[str]]] = {}
    for pid, kind, value in point_rows:
        mine = points.get(pid)
        if mine is None:
            points[pid] = {kind: [value]}
        elif kind in mine:
            mine[kind].append(value)
        else:
            mine[kind] = [value]
    now: dict[int, tuple[tuple[str, int], str, str | None]] = {}
    for pid, pos_id, start, company, title in now_rows:
        key = (start or "", pos_id)
        if pid not in now or key > now[pid][0]:
            now[pid] = (key, company, title)
    tags: dict[int, list[str]] = {}
    for pid, name in tag_rows:
        tags.setdefault(pid, []).append(name)
    out = {}
    nothing: dict[str, list[str]] = {}
    for pid, name, note, is_me, via_name in people:
        cps = points.get(pid, nothing)
        pos = now.get(pid)
        urls = cps.get("url")
        social = cps.get("social")
        out[pid] = PersonSummary(
            id=pid, name=name, emails=cps.get("email") or [], phones=cps.get("phone") or [],
            urls=(urls + social if social else urls) if urls else (social or []),
            company=pos[1] if pos else None, title=pos[2] if pos else None,
            tags=tags.get(pid) or [], note=note, is_me=bool(is_me), known_via=via_name)
    return out


def summary_loader() -> list[Any]:
    """Loader options that make ``summarize`` issue no lazy loads."""
    return [
        selectinload(Person.contact_points),
        selectinload(Person.positions).selectinload(Position.company),
        selectinload(Person.tags),
        selectinload(Person.known_via),
    ]


# (kind, value, normalized) of a contact point; (title, department, company, its aliases).
SearchContact = tuple[str, str, str]
SearchPosition = tuple[str | None, str | None, str | None, Iterable[str]]


@lru_cache(maxsize=16384)
def _short_words(text: str) -> tuple[str, ...]:
    return tuple(words(text))


def _words(text: str) -> Sequence[str]:
    # Names, titles and companies repeat across people: an import folds each once (short
    # texts only, so that the cache stays small whatever the notes hold).
    return _short_words(text) if len(text) <= 80 else words(text)


def search_text(display_name: str, *, given_name: str | None = None,
                family_name: str | None = None, nickname: str | None = None,
                headline: str | None = None, location: str | None = None,
                note: str | None = None, contacts: Iterable[SearchContact] = (),
                positions: Iterable[SearchPosition] = (), tags: Iterable[str] = (),
                extra: Iterable[str] = ()) -> str:
    """The folded words a person is found by, each once: the one definition that adding,
    editing, importing and the scale generator all store in ``Person.search_text``."""
    # The words of each part, in order; the parts that repeat across people (names, titles,
    # companies, tags) through the cache, the ones nobody shares (a note, an email, a phone)
    # folded directly, so that they do not push the shared ones out of it.
    found: list[Sequence[str]] = [_words(display_name)]
    found += [_words(x) for x in (given_name, family_name, nickname, headline, location) if x]
    if note:
        found.append(words(note))
    for kind, value, normalized in contacts:
        found.append(words(value))
        if kind == "phone":
            # "4155550100" and "14155550100" both find "(415) 555-0100".
            found.append(words(normalized.lstrip("+")))
            found.append(words("".join(ch for ch in value if ch.isdigit())))
    for title, department, company, aliases in positions:
        found += [_words(x) for x in (title, department) if x]
        if company is not None:
            found.append(_words(company))
            found += [_words(a) for a in aliases]
    found += [_words(t) for t in sorted(tags)]  # in the order a person's tags are listed
    found += [words(x) for x in extra]
    return " ".join(dict.fromkeys(w for ws in found for w in ws))


def refresh_search_text(person: Person) -> None:
    """Recompute the folded search text and sort key after any change to a person."""
    person.search_text = search_text(
        person.display_name, given_name=person.given_name, family_name=person.family_name,
        nickname=person.nickname, headline=person.headline, location=person.location,
        note=person.note,
        contacts=[(cp.kind, cp.value, cp.normalized) for cp in person.contact_points],
        positions=[(pos.title, pos.department,
                    pos.company.name if pos.company is not None else None,
                    [a.alias for a in pos.company.aliases] if pos.company is not None else [])
                   for pos in person.positions],
        tags=[t.name for t in person.tags],
        extra=[x for x in (person.role, *(d.label for d in person.dates),
                           *(r.name for r in person.relations),
                           *(cp.address_label for cp in person.contact_points)) if x])
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
    return session.scalar(select(Person).where(Person.is_me == true()))


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


def _fitting(given: str | None, family: str | None) -> tuple[str | None, str | None]:
    """Name parts guessed from a display name, left out when longer than their columns
    (the display name itself is kept whole, or refused when too long)."""
    from crm.core.limits import limit_of

    table = Person.__table__
    assert isinstance(table, Table)
    if given is not None and len(given) > limit_of(table, "given_name"):
        given = None
    if family is not None and len(family) > limit_of(table, "family_name"):
        family = None
    return given, family


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
    given, family = _fitting(*split_name(name))
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


def person_by_id(session: Session, person_id: int) -> Person | None:
    """The person with this id, or the one they were merged into (``person_alias``)."""
    person = session.get(Person, person_id)
    if person is None:
        from crm.core.models import PersonAlias  # (tracking: mapped when first needed)

        survivor = session.scalar(select(PersonAlias.person_id)
                                  .where(PersonAlias.old_id == person_id))
        if survivor is not None:
            person = session.get(Person, survivor)
    return person


def resolve_person(session: Session, text: str, *, loose: bool = True) -> Person:
    """The person meant by an id, an exact name, a unique prefix or a close fuzzy match.

    ``loose=False`` stops after the index probes (id, "me", exact name, name prefix): the
    steps after them (parts of a name, a close spelling) scan every name, and a miss on
    them costs a tenth of a second at a million people."""
    query = text.strip()
    if not query:
        raise InvalidInput("person name is empty")
    if query.lstrip("#").isdigit():
        person = person_by_id(session, int(query.lstrip("#")))
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
    starts = [Person.sort_key.like(like, escape="\\")]
    if session.get_bind().dialect.name == "sqlite":
        # The same prefixes as a range of the name index (SQLite's LIKE cannot use it): a
        # miss costs an index probe, not a scan of everyone.
        starts.append(Person.sort_key.between(key, key + "\U0010ffff"))
    prefix = list(session.scalars(
        select(Person).where(*starts).order_by(Person.sort_key).limit(20)))
    if len(prefix) == 1:
        return prefix[0]
    if len(prefix) > 1:
        raise Ambiguous("person", query, [f"{p.display_name} (#{p.id})" for p in prefix])
    if not loose:
        raise NotFound(f"no person matches {query!r}")
    # Every word as a prefix of some word in the name ("ada lov" -> "Ada Lovelace").
    ws = words(query)
    if ws:
        conds = [Person.sort_key.like(f"%{w}%") for w in ws]
        # Ids first: the scan reads the narrow name index, not every person's row.
        cand_ids = list(session.scalars(select(Person.id).where(and_(*conds)).limit(20)))
        cands = _load(session, cand_ids) if cand_ids else []
        if len(cands) == 1:
            return cands[0]
        if len(cands) > 1:
            raise Ambiguous("person", query, [f"{p.display_name} (#{p.id})" for p in cands])
    # Fuzzy: typos in a name ("jon smiht").
    import difflib  # here, not at the top: it costs the fast CLI paths ~20 ms to import

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


def search_ids(session: Session, query: str | None, *, limit: int | None = None,
               offset: int = 0) -> list[int]:
    """Ids of people matching every word of ``query`` as a word prefix, best match first
    (crm.core.contacts.ranking: name, then company or title, then the rest; closer and more
    recent people first); everyone by name for an empty query.

    Accent- and case-insensitive; answered from the full-text index (crm.core.contacts.search), so a
    page of results costs the same at 100 or 100,000 people.
    """
    return ranked_person_ids(session, query, limit=limit, offset=offset)


def search_people(session: Session, query: str | None = None, *, limit: int | None = None,
                  offset: int = 0) -> list[PersonSummary]:
    ids = search_ids(session, query, limit=limit, offset=offset)
    found = summaries_by_id(session, ids)
    return [found[i] for i in ids if i in found]


# People per batch of a streamed list: one set of flat queries and one write per batch.
STREAM_CHUNK = 5000


def iter_people(session: Session, query: str | None = None, *,
                limit: int | None = None) -> Iterator[list[PersonSummary]]:
    """``search_people`` in batches, in the same order, so a caller can write each batch
    out before the next is read (memory stays that of one batch, not of everyone)."""
    ids = search_ids(session, query, limit=limit)
    for i in range(0, len(ids), STREAM_CHUNK):
        chunk = ids[i:i + STREAM_CHUNK]
        found = _summaries_chunk(session, chunk)
        yield [found[pid] for pid in chunk if pid in found]


def count_people(session: Session) -> int:
    return session.scalar(select(func.count(Person.id))) or 0
