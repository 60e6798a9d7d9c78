"""Full-text search over people: the index the migration 0002 built, and queries on it.

Both backends answer the same question, "every word of the query is a prefix of some word
of the person's folded search text", from an index: FTS5 on SQLite, a GIN tsvector index on
PostgreSQL. The query is reduced to folded words first, so quotes, ``*``, ``AND`` or
``NEAR(`` typed by a user are plain words and can never be a syntax error.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, literal_column, select, text
from sqlalchemy.orm import Session

from crm.core.models import Person
from crm.core.normalize import words

# Objects created by hand in migration 0002 that the ORM models do not describe; schema
# comparisons (alembic autogenerate, the migration test) must not report them as extra.
UNMODELLED_NAMES = frozenset({
    "person_fts", "person_fts_data", "person_fts_idx", "person_fts_content",
    "person_fts_docsize", "person_fts_config", "ix_person_search_tsv",
})


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: skip the hand-made search objects."""
    return name not in UNMODELLED_NAMES


def _fts5_query(ws: list[str]) -> str:
    # Every word quoted (so "and", "near" are literals) and used as a prefix.
    return " ".join(f'"{w}"*' for w in ws)


def _tsquery(ws: list[str]) -> str:
    return " & ".join(f"'{w}':*" for w in ws)


def matching_people(session: Session, query: str | None) -> Select[Any]:
    """``SELECT person.id`` of the people matching every word of ``query``, unordered."""
    ws = words(query or "")
    stmt = select(Person.id)
    if not ws:
        return stmt
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        hits = text("SELECT rowid FROM person_fts WHERE person_fts MATCH :q").bindparams(
            q=_fts5_query(ws)).columns()
        return stmt.where(Person.id.in_(hits))
    if dialect == "postgresql":
        simple: Any = literal_column("'simple'::regconfig")
        return stmt.where(func.to_tsvector(simple, Person.search_text).op("@@")(
            func.to_tsquery(simple, _tsquery(ws))))
    # Any other database: a (slow) scan with the same meaning, minus the word boundary.
    for w in ws:
        stmt = stmt.where(Person.search_text.like(f"%{w}%"))
    return stmt
