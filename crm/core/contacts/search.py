"""Full-text search over people: the index the migration 0002 built, and queries on it.

Both backends answer the same question, "every word of the query is a prefix of some word
of the person's folded search text", from an index: FTS5 on SQLite, a GIN tsvector index on
PostgreSQL. The query is reduced to folded words first, so quotes, ``*``, ``AND`` or
``NEAR(`` typed by a user are plain words and can never be a syntax error.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    column,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from crm.core.models import Person
from crm.core.normalize import words

# Objects created by hand in migrations that the ORM models do not describe; schema
# comparisons (alembic autogenerate, the migration test) must not report them as extra.
UNMODELLED_NAMES = frozenset({
    "person_fts", "person_fts_data", "person_fts_idx", "person_fts_content",
    "person_fts_docsize", "person_fts_config", "ix_person_search_tsv",
    "person_name_fts", "person_name_fts_data", "person_name_fts_idx",
    "person_name_fts_content", "person_name_fts_docsize", "person_name_fts_config",
    "ix_person_name_tsv",
    "uq_person_me",  # see the comment on Person in crm.core.models
    "ix_person_never_contacted", "ix_person_keep_interval", "ix_person_birthday",  # 0012
    "ix_position_ended_by_import",  # 0017
})


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: skip the hand-made search objects."""
    return name not in UNMODELLED_NAMES


def _fts5_query(ws: list[str]) -> str:
    # Every word quoted (so "and", "near" are literals) and used as a prefix.
    return " ".join(f'"{w}"*' for w in ws)


def _tsquery(ws: list[str]) -> str:
    return " & ".join(f"'{w}':*" for w in ws)


# A query with at least this many index hits is "broad": its first page is found faster by
# walking the people in name order and testing each (stopping after a page) than by sorting
# every hit. Tuned at 100k people (bench/network_bench.py): SQLite 2000, PostgreSQL 1000.
BROAD_QUERY_HITS = 2000
PG_BROAD_QUERY_HITS = 1000


def _match_filter(session: Session, ws: list[str]) -> tuple[list[Any], bool]:
    """WHERE clauses on ``person`` meaning "matches every word of ``ws``", chosen for walking
    an index in some order and stopping after a page.

    Two plans, chosen by counting index hits up to BROAD_QUERY_HITS: a selective query names
    its few hits (the caller sorts them); a broad one tests each row walked with a cheap LIKE
    on the same folded words. On PostgreSQL this also sets the planner switches (for the
    transaction) that make it keep to the indexes; ``_reset_planner`` puts them back.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Its planner would rather scan the table (computing every tsvector, 50 ms at
        # 100k) than use the GIN index under a LIMIT; both plans here want the indexes.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        # (a plan that must scan anyway is then costed in the billions, which would make the
        # server JIT-compile every such query: ~0.2 s each on a tiny table)
        session.execute(text("SET LOCAL jit = off"))
        threshold = min(BROAD_QUERY_HITS, PG_BROAD_QUERY_HITS)
        hits = pg_words(Person.search_text, ws)  # (the GIN index's hits)
        hit_count = count_up_to(session, hits, threshold)
    else:
        # Counted from the index; the hits themselves are read again by the statement
        # that ranks them: a list of up to BROAD_QUERY_HITS ids fetched and sent back as
        # parameters costs more to expand, prepare and bind (~8 ms) than the index read.
        threshold = BROAD_QUERY_HITS
        hits = fts_hits("person_fts", ws)
        hit_count = count_fts_hits(session, "person_fts", ws, threshold)
    if hit_count >= threshold:
        if dialect == "postgresql":
            # It cannot estimate the LIKE, so it would sort every hit instead of walking
            # the index of the order asked for and stopping after a page.
            session.execute(text("SET LOCAL enable_sort = off"))
        padded = literal(" ") + Person.search_text
        return [padded.like(f"% {w}%") for w in ws], True
    return [hits], False


def _reset_planner(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_seqscan TO DEFAULT"))
        session.execute(text("SET LOCAL enable_sort TO DEFAULT"))
        session.execute(text("SET LOCAL jit TO DEFAULT"))


def _indexed(session: Session) -> bool:
    return session.get_bind().dialect.name in ("sqlite", "postgresql")


def search_person_ids(session: Session, query: str | None, *, limit: int | None = None,
                      offset: int = 0) -> list[int]:
    """Ids of people matching every word of ``query`` as a word prefix, in name order.

    A selective query sorts its few hits; a broad one walks the name index and tests each
    row, stopping after one page (see ``_match_filter``).
    """
    ws = words(query or "")
    if not ws or not _indexed(session):
        stmt = matching_people(session, query)
    else:
        stmt = select(Person.id).where(*_match_filter(session, ws)[0])
    stmt = stmt.order_by(Person.sort_key, Person.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    found = list(session.scalars(stmt))
    if ws:
        _reset_planner(session)
    return found


def ordered_person_ids(session: Session, query: str | None, key: Any, *, descending: bool,
                       limit: int | None = None, offset: int = 0) -> list[int]:
    """Ids of the people matching ``query`` ordered by the indexed person column ``key``
    (people without a value last), then by name; one page of them.

    A selective query (fewer than BROAD_QUERY_HITS index hits) sorts its few hits. Otherwise
    each half (with a value, without) walks an index in the order asked for (``key,
    sort_key, id``), testing each row, so a page costs the same at any size; the people with
    a value are only counted when a page starts past the last of them.
    """
    ws = words(query or "")
    where: list[Any] = []
    broad = True
    if ws and _indexed(session):
        where, broad = _match_filter(session, ws)
    elif ws:
        where = [Person.id.in_(matching_people(session, query))]
    ordered = key.desc() if descending else key
    try:
        if not broad:
            # A few hits (fewer than BROAD_QUERY_HITS): read them by id and sort them.
            stmt = select(Person.id).where(*where).order_by(
                key.is_(None), ordered, Person.sort_key, Person.id).offset(offset)
            return list(session.scalars(stmt if limit is None else stmt.limit(limit)))
        first = select(Person.id).where(key.is_not(None), *where).order_by(
            ordered, Person.sort_key, Person.id)
        found = list(session.scalars(first.offset(offset).limit(limit)))
        if limit is not None and len(found) >= limit:
            return found
        if found or offset == 0:
            rest_offset = 0
        else:
            rest_offset = offset - (session.scalar(
                select(func.count()).select_from(first.order_by(None).subquery())) or 0)
        rest = select(Person.id).where(key.is_(None), *where).order_by(
            Person.sort_key, Person.id).offset(max(rest_offset, 0))
        if limit is not None:
            rest = rest.limit(limit - len(found))
        return found + list(session.scalars(rest))
    finally:
        if ws:
            _reset_planner(session)


def count_matching(session: Session, query: str | None, *, cap: int | None = None) -> int:
    """How many people match ``query``; with ``cap``, counting stops past ``cap`` (the answer
    is then ``cap + 1``: "more than cap"), so a broad search costs the same at any size."""
    ws = words(query or "")
    if cap is not None and ws and session.get_bind().dialect.name == "sqlite":
        return count_fts_hits(session, "person_fts", ws, cap + 1)  # (from the index)
    stmt = matching_people(session, query)
    if cap is not None and ws:
        stmt = stmt.limit(cap + 1)
    if cap is not None and ws and session.get_bind().dialect.name == "postgresql":
        # From the GIN index too: under the LIMIT the planner would rather scan the table,
        # computing every row's tsvector until it has cap + 1 (at 100k people, "so": 80-110
        # ms against 20-25 ms from the index).
        session.execute(text("SET LOCAL enable_seqscan = off"))
        session.execute(text("SET LOCAL jit = off"))  # (as in _match_filter)
        try:
            return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        finally:
            _reset_planner(session)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


# SQLite's full-text indexes of the people, everything searchable (0002) and the names
# (0012): "its rowids matching the words" (a bound parameter named after the index, so that
# both can stand in one statement) and "how many, up to a limit".
_FTS_SQL = {
    "person_fts": (
        "SELECT rowid FROM person_fts WHERE person_fts MATCH :person_fts_q",
        "SELECT count(*) FROM (SELECT 1 FROM person_fts WHERE person_fts MATCH ? LIMIT ?)"),
    "person_name_fts": (
        "SELECT rowid FROM person_name_fts WHERE person_name_fts MATCH :person_name_fts_q",
        "SELECT count(*) FROM (SELECT 1 FROM person_name_fts "
        "WHERE person_name_fts MATCH ? LIMIT ?)"),
}


def fts_hits(index: str, ws: list[str]) -> Any:
    """SQLite: "the person is one the full-text ``index`` has every word of ``ws`` (as a
    prefix) for", as ``person.id IN (SELECT rowid …)``."""
    rowids = (text(_FTS_SQL[index][0]).bindparams(**{f"{index}_q": _fts5_query(ws)})
              .columns(column("rowid", Integer)))
    return Person.id.in_(rowids)


def count_fts_hits(session: Session, index: str, ws: list[str], up_to: int) -> int:
    """How many people ``fts_hits(index, ws)`` holds, counted from the index alone and no
    further than ``up_to`` (``person.id IN (MATCH …)`` would first collect every hit: 90 ms
    for "s" at a million people)."""
    return session.connection().exec_driver_sql(
        _FTS_SQL[index][1], (_fts5_query(ws), up_to)).scalar_one()


def pg_words(column: Any, ws: list[str]) -> Any:
    """PostgreSQL: ``column`` (a person's search text or sort key, each with a GIN index of
    its words) has every word of ``ws`` as a prefix."""
    simple: Any = literal_column("'simple'::regconfig")
    return func.to_tsvector(simple, column).op("@@")(func.to_tsquery(simple, _tsquery(ws)))


def count_up_to(session: Session, condition: Any, up_to: int) -> int:
    """How many people meet ``condition``, counted no further than ``up_to``."""
    return session.scalar(select(func.count()).select_from(
        select(Person.id).where(condition).limit(up_to).subquery())) or 0


def matching_people(session: Session, query: str | None) -> Select[Any]:
    """``SELECT person.id`` of the people matching every word of ``query``, unordered."""
    ws = words(query or "")
    stmt = select(Person.id)
    if not ws:
        return stmt
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return stmt.where(fts_hits("person_fts", ws))
    if dialect == "postgresql":
        return stmt.where(pg_words(Person.search_text, ws))
    # Any other database: a (slow) scan with the same meaning, minus the word boundary.
    for w in ws:
        stmt = stmt.where(Person.search_text.like(f"%{w}%"))
    return stmt
