"""Full-text search over people: the index the migration 0002 built, and queries on it.

Both backends answer the same question, "every word of the query is a prefix of some word
of the person's folded search text", from an index: FTS5 on SQLite, a GIN tsvector index on
PostgreSQL. The query is reduced to folded words first, so quotes, ``*``, ``AND`` or
``NEAR(`` typed by a user are plain words and can never be a syntax error.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Select, column, func, literal, literal_column, select, text
from sqlalchemy.orm import Session

from crm.core.models import Person
from crm.core.normalize import words

# Objects created by hand in migrations that the ORM models do not describe; schema
# comparisons (alembic autogenerate, the migration test) must not report them as extra.
UNMODELLED_NAMES = frozenset({
    "person_fts", "person_fts_data", "person_fts_idx", "person_fts_content",
    "person_fts_docsize", "person_fts_config", "ix_person_search_tsv",
    "uq_person_me",  # see the comment on Person in crm.core.models
})


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: skip the hand-made search objects."""
    return name not in UNMODELLED_NAMES


def _fts5_query(ws: list[str]) -> str:
    # Every word quoted (so "and", "near" are literals) and used as a prefix.
    return " ".join(f'"{w}"*' for w in ws)


def _tsquery(ws: list[str]) -> str:
    return " & ".join(f"'{w}':*" for w in ws)


# A query whose FTS hits exceed this is "broad": its first page is found faster by walking the
# people in name order and testing each (stops after a page) than by sorting every hit.
BROAD_QUERY_HITS = 1000


def search_person_ids(session: Session, query: str | None, *, limit: int | None = None,
                      offset: int = 0) -> list[int]:
    """Ids of people matching every word of ``query`` as a word prefix, in name order."""
    ws = words(query or "")
    order = (Person.sort_key, Person.id)
    if ws and session.get_bind().dialect.name == "sqlite":
        probe = session.execute(
            text("SELECT rowid FROM person_fts WHERE person_fts MATCH :q LIMIT :n"),
            {"q": _fts5_query(ws), "n": BROAD_QUERY_HITS}).all()
        if len(probe) >= BROAD_QUERY_HITS:
            # The same test as the index, word-prefix on the folded words, row by row.
            padded = literal(" ") + Person.search_text
            stmt = select(Person.id).where(*(padded.like(f"% {w}%") for w in ws))
        else:
            stmt = select(Person.id).where(Person.id.in_([r[0] for r in probe]))
    else:
        stmt = matching_people(session, query)
    stmt = stmt.order_by(*order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def matching_people(session: Session, query: str | None) -> Select[Any]:
    """``SELECT person.id`` of the people matching every word of ``query``, unordered."""
    ws = words(query or "")
    stmt = select(Person.id)
    if not ws:
        return stmt
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        hits = text("SELECT rowid FROM person_fts WHERE person_fts MATCH :q").bindparams(
            q=_fts5_query(ws)).columns(column("rowid", Integer))
        return stmt.where(Person.id.in_(hits))
    if dialect == "postgresql":
        simple: Any = literal_column("'simple'::regconfig")
        return stmt.where(func.to_tsvector(simple, Person.search_text).op("@@")(
            func.to_tsquery(simple, _tsquery(ws))))
    # Any other database: a (slow) scan with the same meaning, minus the word boundary.
    for w in ws:
        stmt = stmt.where(Person.search_text.like(f"%{w}%"))
    return stmt
