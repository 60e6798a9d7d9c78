"""Everyone, in name order, read as one stream (``crm people --json`` of the whole list).

``search_people`` with no query lists everyone by ``(sort_key, id)``. Reading that list a
few thousand ids at a time costs a set of ``IN`` queries per batch and a summary object per
person. Here four queries each read one kind of row for everyone, all in that same person
order: the people, their contact points, their current positions and their tags. The rows
of the last three are merged into the person they belong to as the people are read, like a
merge join, and each person is handed on as soon as it is complete; nothing but one batch
is held, whatever the number of people.

The four queries run in one transaction, so they read the same snapshot: on SQLite a read
transaction is one snapshot; on PostgreSQL the transaction is made REPEATABLE READ (a
stream is only started at the beginning of a read session, see ``iter_everyone``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# A person as ``PersonSummary`` holds one, as a plain tuple in the order of its fields:
# (id, name, emails, phones, urls, company, title, tags, note, is_me, known_via). Building
# a frozen dataclass per person cost more than reading the person.
PersonRow = tuple[int, str, list[str], list[str], list[str], str | None, str | None,
                  list[str], str | None, bool, str | None]

# People per batch handed on (one write each).
BATCH = 2000
# Rows fetched from a PostgreSQL server-side cursor at a time.
PG_FETCH = 2000

_KINDS = ("email", "phone", "url", "social")


def _statements() -> tuple[Any, ...]:
    """People, contact points, current positions and tags, each ordered by the person as
    the list is ordered: ``(sort_key, id)``, then as ``summaries_by_id`` orders them within
    a person. (Built on first use: the SQLite path needs neither them nor the mapped
    models, whose import and configuration cost more than a tenth of a second.)"""
    from sqlalchemy import and_, select, true
    from sqlalchemy.orm import aliased

    from crm.core.models import Company, ContactPoint, Person, PersonTag, Position, Tag

    via = aliased(Person)
    order = (Person.sort_key, Person.id)
    return (
        select(Person.id, Person.display_name, Person.note, Person.is_me, via.display_name)
        .outerjoin(via, via.id == Person.known_via_id).order_by(*order),
        select(Person.id, ContactPoint.kind, ContactPoint.value)
        .join(ContactPoint, ContactPoint.person_id == Person.id)
        .where(ContactPoint.kind.in_(_KINDS))
        .order_by(*order, ContactPoint.preferred.desc(), ContactPoint.id),
        select(Person.id, Position.id, Position.start, Company.name, Position.title)
        .join(Position, and_(Position.person_id == Person.id, Position.is_current == true()))
        .join(Company, Company.id == Position.company_id).order_by(*order),
        select(Person.id, Tag.name).join(PersonTag, PersonTag.person_id == Person.id)
        .join(Tag, Tag.id == PersonTag.tag_id).order_by(*order, Tag.name),
    )


_STATEMENTS: tuple[Any, ...] | None = None

# The same four on SQLite, written so that each reads its table from start to end and sorts
# the rows by the person's name (SQLite's sorter: bounded memory, spilling to a temporary
# file), instead of walking the name index and looking each person's rows up: at 100k
# people the lookups cost twice as much as the scans and sorts. (``NOT INDEXED`` and
# ``CROSS JOIN`` are SQLite's own ways of fixing the plan; the rowid lookups still run.)
SQLITE_SQL = (
    "SELECT p.id, p.display_name, p.note, p.is_me, v.display_name"
    " FROM person AS p NOT INDEXED LEFT JOIN person AS v ON v.id = p.known_via_id"
    " ORDER BY p.sort_key, p.id",
    "SELECT p.id, cp.kind, cp.value"
    " FROM contact_point AS cp NOT INDEXED CROSS JOIN person AS p ON p.id = cp.person_id"
    " WHERE cp.kind IN ('email', 'phone', 'url', 'social')"
    " ORDER BY p.sort_key, p.id, cp.preferred DESC, cp.id",
    "SELECT p.id, pos.id, pos.start, co.name, pos.title"
    " FROM position AS pos NOT INDEXED CROSS JOIN person AS p ON p.id = pos.person_id"
    " CROSS JOIN company AS co ON co.id = pos.company_id"
    " WHERE pos.is_current = 1 ORDER BY p.sort_key, p.id",
    "SELECT p.id, t.name"
    " FROM person_tag AS pt NOT INDEXED CROSS JOIN person AS p ON p.id = pt.person_id"
    " CROSS JOIN tag AS t ON t.id = pt.tag_id ORDER BY p.sort_key, p.id, t.name",
)


def can_stream(session: Session) -> bool:
    """Whether ``iter_everyone`` can read on this session: SQLite always; PostgreSQL only
    before the session's transaction has begun (it must begin REPEATABLE READ)."""
    dialect = session.get_bind().dialect.name
    return dialect == "sqlite" or (dialect == "postgresql" and not session.in_transaction())


def _sqlite_rows(session: Session) -> tuple[list[Any], list[Any]]:
    """The four statements on SQLite's own cursors: plain tuples, no row processing (none
    is needed: integers and text), stepped side by side on the one connection (one read
    transaction: one snapshot)."""
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    cursors = [dbapi.cursor() for _ in SQLITE_SQL]
    for cursor, sql in zip(cursors, SQLITE_SQL, strict=True):
        cursor.execute(sql)
    return cursors, cursors


def _all_statements() -> tuple[Any, ...]:
    global _STATEMENTS
    if _STATEMENTS is None:
        _STATEMENTS = _statements()
    return _STATEMENTS


def _postgresql_rows(session: Session) -> tuple[list[Any], list[Any]]:
    """The four statements on server-side cursors of one REPEATABLE READ transaction."""
    conn = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    streaming = conn.execution_options(stream_results=True, max_row_buffer=PG_FETCH)
    results = [streaming.execute(stmt) for stmt in _all_statements()]
    return results, results


def iter_everyone(session: Session) -> Iterator[list[PersonRow]]:
    """Everyone as ``search_people(session)`` lists them (name order, the same values), in
    batches of ``PersonRow``, read as a stream. Call ``can_stream`` first."""
    if session.get_bind().dialect.name == "sqlite":
        streams, closers = _sqlite_rows(session)
    else:
        streams, closers = _postgresql_rows(session)
    # Rows, lists and batches made and dropped by the hundred thousand, none in a cycle:
    # the collector would only walk them (4% of the time at 100k people).
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield from _merged(*(iter(s) for s in streams))
    finally:
        if collecting:
            gc.enable()
        for c in closers:
            c.close()


_END = (None, None, None, None, None)


def _merged(people: Iterator[Any], points: Iterator[Any], positions: Iterator[Any],
            tags: Iterator[Any]) -> Iterator[list[PersonRow]]:
    # The loop runs once per person of a 100k-people ``crm people --json``: locals only.
    point: Any = next(points, _END)
    position: Any = next(positions, _END)
    tag: Any = next(tags, _END)
    batch: list[PersonRow] = []
    append = batch.append
    for pid, name, note, is_me, via in people:
        emails: list[str] = []
        phones: list[str] = []
        urls: list[str] = []
        if point[0] == pid:
            social: list[str] = []
            while point[0] == pid:
                kind = point[1]
                if kind == "email":
                    emails.append(point[2])
                elif kind == "phone":
                    phones.append(point[2])
                elif kind == "url":
                    urls.append(point[2])
                else:
                    social.append(point[2])
                point = next(points, _END)
            if social:
                urls += social
        company = title = None
        if position[0] == pid:
            # The current position that started last (``current_position``).
            best = (position[2] or "", position[1])
            company, title = position[3], position[4]
            position = next(positions, _END)
            while position[0] == pid:
                key = (position[2] or "", position[1])
                if key > best:
                    best, company, title = key, position[3], position[4]
                position = next(positions, _END)
        names: list[str] = []
        while tag[0] == pid:
            names.append(tag[1])
            tag = next(tags, _END)
        append((pid, name, emails, phones, urls, company, title, names, note, bool(is_me),
                via))
        if len(batch) >= BATCH:
            yield batch
            batch = []
            append = batch.append
    if batch:
        yield batch
    # Every row of the other three belongs to a person read above, in the same order: one
    # left over would mean the orders differed, and a person's data would have been lost.
    if point is not _END or position is not _END or tag is not _END:
        raise RuntimeError("the people list and their details were read in different "
                           "orders; the list is incomplete")
