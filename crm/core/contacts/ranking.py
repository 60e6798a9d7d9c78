"""Search results best match first: how well a person matches, then how close, then how recent.

A search (``crm people QUERY``, the People screen in name order) lists first the people the
words name, not the ones whose note mentions them: "marcus" lists Marcus before Bruno, whose
note says "met through Marcus". The rank is one SQL ``CASE`` over the kinds of match, so the
database orders and pages the result (a page is ``LIMIT``/``OFFSET``, nothing is read whole):

0. the name starts with the query ("marc" → Marcus Webb);
1. every word starts a word of the name ("webb" → Marcus Webb);
2. every word starts a word of the name, current company or current title;
3. anything else the search finds (notes, emails, phones, tags, former jobs…).

Within a kind of match: the strongest connection with me first, then the most recently
contacted (never contacted last), then by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from crm.core.contacts.search import (
    _indexed,
    _match_filter,
    _reset_planner,
    count_fts_hits,
    count_up_to,
    fts_hits,
    matching_people,
    pg_words,
)
from crm.core.models import Connection, Person, Position
from crm.core.normalize import words

# The kinds of match, best first (the values of the rank).
NAME_PREFIX, NAME_WORD, WORK_WORD, OTHER = 0, 1, 2, 3


def _word_in(text: Any, w: str, dialect: str) -> Any:
    """``w`` starts a word of ``text`` (folded words separated by spaces): a plain substring
    search where the database has one (twice as fast as ``LIKE`` on a walk of the names)."""
    padded = literal(" ") + text
    if dialect == "sqlite":
        return func.instr(padded, " " + w) > 0
    if dialect == "postgresql":
        return func.strpos(padded, " " + w) > 0
    return padded.like(f"% {w}%")


def _kinds(ws: list[str], dialect: str) -> tuple[Any, Any, Any]:
    """Conditions "the name starts with the query", "every word starts a word of the
    name", "every word starts a word of the name, current company or current title"."""
    current = (Position.person_id == Person.id, Position.is_current == true())
    newest_first = (func.coalesce(Position.start, "").desc(), Position.id.desc())
    if dialect == "postgresql":
        # (imported here: the PostgreSQL dialect is a tenth of a second of every command's
        # start-up on SQLite)
        from sqlalchemy.dialects.postgresql import aggregate_order_by, array_agg

        # The same title, with the order inside the aggregate: a plan's sort is what the
        # broad plan switches off (crm.core.contacts.search._match_filter), and a sort in
        # a subquery run for every person walked made every plan cost the same
        # astronomical figure, so the planner no longer walked the name index
        # (0.5 s for "software" at 100k people, instead of a few ms).
        title = (select(array_agg(aggregate_order_by(func.lower(Position.title),
                                                     *newest_first))[1])
                 .where(*current).scalar_subquery())
    else:
        title = (select(func.lower(Position.title)).where(*current).order_by(*newest_first)
                 .limit(1).scalar_subquery())
    work = (Person.sort_key + " " + func.coalesce(Person.company_key, "") + " "
            + func.coalesce(title, ""))
    return (Person.sort_key.like(" ".join(ws) + "%"),
            and_(*[_word_in(Person.sort_key, w, dialect) for w in ws]),
            and_(*[_word_in(work, w, dialect) for w in ws]))


def match_rank(ws: list[str], dialect: str) -> Any:
    """The rank of a person for the folded query words ``ws`` (NAME_PREFIX … OTHER)."""
    return _rank(_kinds(ws, dialect))


def _rank(kinds: tuple[Any, Any, Any]) -> Any:
    prefix, name_word, work_word = kinds
    return case((prefix, NAME_PREFIX), (name_word, NAME_WORD), (work_word, WORK_WORD),
                else_=OTHER)


def _of_kind(kinds: tuple[Any, Any, Any], kind: int) -> list[Any]:
    """WHERE clauses meaning "``match_rank(ws)`` is ``kind``", given ``_kinds(ws)`` (the same
    CASE, unrolled so that a walk tests the cheap name conditions, read from the name
    index, first)."""
    prefix, name_word, work_word = kinds
    if kind == NAME_PREFIX:
        return [prefix]
    if kind == NAME_WORD:
        return [name_word, ~prefix]
    if kind == WORK_WORD:
        return [~name_word, ~prefix, work_word]
    return [~name_word, ~prefix, ~work_word]


def strength_with_me(me: int | None) -> Any:
    """The strength (1-5) of the strongest connection between me and the person; 0 for
    none (and for everyone when nobody is me)."""
    if me is None:
        return literal(0)
    strongest = (select(func.max(Connection.strength))
                 .where(or_(and_(Connection.person_id == me, Connection.other_id == Person.id),
                            and_(Connection.other_id == me, Connection.person_id == Person.id)))
                 .scalar_subquery())
    return func.coalesce(strongest, 0)


def _closeness(me: int | None) -> list[Any]:
    """The order after the kind of match: strength with me, last contacted, name."""
    return [strength_with_me(me).desc(), Person.last_contacted.is_(None),
            Person.last_contacted.desc(), Person.sort_key, Person.id]


def _my_connections(session: Session, me: int | None) -> list[int]:
    if me is None:
        return []
    return sorted(set(session.connection().scalars(
        select(Connection.other_id).where(Connection.person_id == me)
        .union(select(Connection.person_id).where(Connection.other_id == me)))))


def _segments(session: Session, ws: list[str], where: list[Any],
              me: int | None) -> Iterator[Select[Any]]:
    """The ranked order of a broad search as consecutive pieces, each a walk of an index in
    its own order that can stop after a page: for each kind of match, the people connected
    with me (a few hundred at most, sorted), then those with a last contact (walking
    ``ix_person_contacted_order``), then the rest (walking the name index).

    Made as they are read: a page is mostly filled by the first one or two, and building
    the statements nobody runs was most of a keystroke's Python."""
    mine = _my_connections(session, me)
    near = Person.id.in_(bindparam("mine", value=mine, expanding=True))
    far = Person.id.not_in(bindparam("mine", value=mine, expanding=True))
    dialect = session.get_bind().dialect.name
    named = _name_hits(session, ws, dialect)
    kinds = _kinds(ws, dialect)
    if named is not None and named[0]:
        # The few people the name index finds (a superset of both name ranks), tested,
        # ranked and sorted as a selective search is, instead of walks of every name.
        prefix, name_word, _ = kinds
        yield (select(Person.id).where(named[1], or_(prefix, name_word), *where)
               .order_by(_rank(kinds), *_closeness(me)))
    for kind in (NAME_PREFIX, NAME_WORD, WORK_WORD, OTHER):
        if kind in (NAME_PREFIX, NAME_WORD) and named is not None:
            continue  # read above, or empty: no name has the words
        of_kind = _of_kind(kinds, kind)
        in_range = []
        if kind == NAME_PREFIX and (dialect == "sqlite" or _byte_order(session)):
            # The same names as a range of the name index (the LIKE cannot use it: SQLite's
            # never, PostgreSQL's not without a pattern index), for the walk in name order
            # only: given the range, SQLite would read the people contacted from it too
            # (7,000 rows for "s" at 100k) and sort them, rather than walk the index of
            # last contacts (1,000 rows); without it, PostgreSQL walked every name before
            # "s" (80,000 rows, 90 ms at 100k). Only where text sorts by code point (the
            # range's end is the last one): a linguistic collation may not keep a prefix's
            # names together.
            start = " ".join(ws)
            in_range = [Person.sort_key.between(start, start + "\U0010ffff")]
        if mine:
            yield select(Person.id).where(*of_kind, *where, near).order_by(*_closeness(me))
        rest = [*of_kind, *where, *([far] if mine else [])]
        yield (select(Person.id).where(Person.last_contacted.is_not(None), *rest)
               .order_by(Person.last_contacted.desc(), Person.sort_key, Person.id))
        yield (select(Person.id).where(Person.last_contacted.is_(None), *in_range, *rest)
               .order_by(Person.sort_key, Person.id))


# Collations that order text by code point (bytes of UTF-8): PostgreSQL's "C" and "POSIX",
# and "C.UTF-8" / "C.utf8" as libc names it.
BYTE_ORDER_COLLATIONS = frozenset({"c", "posix", "c.utf-8", "c.utf8"})
_byte_order_of: dict[str, bool] = {}


def _byte_order(session: Session) -> bool:
    """Whether this PostgreSQL database sorts text by code point (its default collation,
    which crm's columns use; read once per database)."""
    conn = session.connection()
    key = conn.engine.url.render_as_string(hide_password=True)
    if key not in _byte_order_of:
        collation = conn.exec_driver_sql(
            "SELECT datcollate FROM pg_database WHERE datname = current_database()").scalar()
        _byte_order_of[key] = str(collation or "").lower() in BYTE_ORDER_COLLATIONS
    return _byte_order_of[key]


# A query whose words start a word of fewer names than this reads its name ranks from the
# name index's hits; with more, a walk of the names in rank order finds a page sooner.
NAME_HITS = 2000


def _name_hits(session: Session, ws: list[str], dialect: str) -> tuple[int, Any] | None:
    """How many people a word of whose name starts with each word of ``ws`` there are, and
    the WHERE clause "the person is one of them", from the name index (migration 0012),
    when they are fewer than NAME_HITS; None when there are more (or the words hold
    characters the index's tokenizer splits on, where its hits might miss a name the
    rank's own test finds).

    Every name rank (NAME_PREFIX, NAME_WORD) is a subset of these hits: the rank tests a
    space (or the start) followed by the word, and the index splits the name into words at
    spaces, so such a word of the name starts with the query word."""
    if not all(w.isalnum() for w in ws):
        return None
    if dialect == "sqlite":
        names = fts_hits("person_name_fts", ws)
        found = count_fts_hits(session, "person_name_fts", ws, NAME_HITS)
    elif dialect == "postgresql":
        names = pg_words(Person.sort_key, ws)
        found = count_up_to(session, names, NAME_HITS)
    else:
        return None
    # (counted, then read again by the statement that ranks them, not fetched and sent back)
    return None if found >= NAME_HITS else (found, names)


def _page_of(session: Session, segments: Iterable[Select[Any]], offset: int,
             limit: int | None) -> list[int]:
    """Rows ``offset`` … ``offset + limit`` of the segments one after the other; a segment
    wholly before the page is only counted (up to what is left to skip)."""
    found: list[int] = []
    skip = offset
    for segment in segments:
        want = None if limit is None else limit - len(found)
        if want == 0:
            break
        stmt = segment.offset(skip)
        got = list(session.connection().scalars(stmt if want is None else stmt.limit(want)))
        if got or not skip:
            found += got
            skip = 0
            continue
        skip -= session.connection().scalar(select(func.count()).select_from(
            segment.order_by(None).limit(skip).subquery())) or 0
    return found


def ranked_person_ids(session: Session, query: str | None, *, limit: int | None = None,
                      offset: int = 0) -> list[int]:
    """Ids of the people matching every word of ``query``, best match first (see the module
    docstring); everyone by name for an empty query. One page from ``offset``.

    A selective query (fewer than BROAD_QUERY_HITS index hits) ranks its few hits in one
    statement; a broad one reads the same order piece by piece (``_segments``), so a page
    costs about the same at any size.
    """
    ws = words(query or "")
    if not ws:
        # Core rows: everyone's ids (a streamed ``crm people --json``) without ORM loading.
        stmt = select(Person.id).order_by(Person.sort_key, Person.id).offset(offset)
        rows = session.connection().execute(stmt if limit is None else stmt.limit(limit))
        return list(rows.scalars())
    me = session.connection().scalar(select(Person.id).where(Person.is_me == true()))
    if _indexed(session):
        where, broad = _match_filter(session, ws)
    else:
        where, broad = [Person.id.in_(matching_people(session, query))], False
    try:
        if broad:
            return _page_of(session, _segments(session, ws, where, me), offset, limit)
        rank = match_rank(ws, session.get_bind().dialect.name)
        stmt = (select(Person.id).where(*where).order_by(rank, *_closeness(me))
                .offset(offset))
        return list(session.connection().scalars(stmt if limit is None else stmt.limit(limit)))
    finally:
        _reset_planner(session)
