"""full-text search index over person.search_text

SQLite: an FTS5 external-content table kept in step by triggers (prefix indexes for
search-as-you-type). PostgreSQL: a GIN index on the 'simple' tsvector of the same text.

Revision ID: 0002_network_search
Revises: 0001
Create Date: 2026-11-26 21:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002_network_search"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    # search_text is already folded (lowercase, accent-free) by crm.core.normalize.words;
    # remove_diacritics is a second safety net for text written by other tools.
    """CREATE VIRTUAL TABLE person_fts USING fts5(
        search_text, content='person', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN
        INSERT INTO person_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER person_fts_au AFTER UPDATE OF search_text ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO person_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO person_fts(person_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS person_fts_au",
    "DROP TRIGGER IF EXISTS person_fts_ad",
    "DROP TRIGGER IF EXISTS person_fts_ai",
    "DROP TABLE IF EXISTS person_fts",
]
PG_UP = ["CREATE INDEX ix_person_search_tsv ON person "
         "USING gin (to_tsvector('simple'::regconfig, search_text))"]
PG_DOWN = ["DROP INDEX IF EXISTS ix_person_search_tsv"]


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
