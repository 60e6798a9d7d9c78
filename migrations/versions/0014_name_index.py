"""a full-text index over the folded names alone (person.sort_key)

Ranked search (crm.core.contacts.ranking) lists the people the query names first. For a
broad query that no name contains ("soft" at 100k people: 21,000 index hits, no name), the
only way to prove the name ranks empty was a walk of every name (20 ms at 100k, ten times
that at 1M). This index answers "whose name has a word starting with each query word" in
microseconds, so the name ranks are read from their few hits (or skipped when there are none).

SQLite: an FTS5 external-content table over person.sort_key kept in step by triggers, like
person_fts (0002). PostgreSQL: a GIN index on the 'simple' tsvector of sort_key.

Revision ID: 0014_name_index
Revises: 0013_agenda_indexes
Create Date: 2026-12-06 21:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014_name_index"
down_revision: str | None = "0013_agenda_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE person_name_fts USING fts5(
        sort_key, content='person', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE TRIGGER person_name_fts_ai AFTER INSERT ON person BEGIN
        INSERT INTO person_name_fts(rowid, sort_key) VALUES (new.id, new.sort_key);
    END""",
    """CREATE TRIGGER person_name_fts_ad AFTER DELETE ON person BEGIN
        INSERT INTO person_name_fts(person_name_fts, rowid, sort_key)
        VALUES ('delete', old.id, old.sort_key);
    END""",
    """CREATE TRIGGER person_name_fts_au AFTER UPDATE OF sort_key ON person BEGIN
        INSERT INTO person_name_fts(person_name_fts, rowid, sort_key)
        VALUES ('delete', old.id, old.sort_key);
        INSERT INTO person_name_fts(rowid, sort_key) VALUES (new.id, new.sort_key);
    END""",
    "INSERT INTO person_name_fts(person_name_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS person_name_fts_au",
    "DROP TRIGGER IF EXISTS person_name_fts_ad",
    "DROP TRIGGER IF EXISTS person_name_fts_ai",
    "DROP TABLE IF EXISTS person_name_fts",
]
PG_UP = ["CREATE INDEX ix_person_name_tsv ON person "
         "USING gin (to_tsvector('simple'::regconfig, sort_key))"]
PG_DOWN = ["DROP INDEX IF EXISTS ix_person_name_tsv"]


def _run(statements: list[str]) -> None:
    for sql in statements:
        op.execute(sql)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(PG_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(PG_DOWN)
